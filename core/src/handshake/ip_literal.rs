//! `IP-literal`, the bracketed host of RFC 3986 section 3.2.2: an IPv6
//! address or an IPvFuture, checked byte by byte with no panic path (the
//! standard library's `Ipv6Addr` parser, which this replaces, indexes its
//! groups where the compiler cannot prove the bounds; `cargo xtask proof`).

use super::abnf::is_unreserved_or_sub_delim;

/// ```text
/// IP-literal = "[" ( IPv6address / IPvFuture  ) "]"         ; RFC 3986 3.2.2
/// IPvFuture  = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
/// ```
/// `inside` is what stands between the brackets.
pub(in crate::handshake) fn is_ip_literal(inside: &[u8]) -> bool {
    let [b'v' | b'V', rest @ ..] = inside else { return is_ipv6(inside) };
    let Some(dot) = rest.iter().position(|&b| b == b'.') else { return false };
    let Some((version, [_, address @ ..])) = rest.split_at_checked(dot) else { return false };
    !version.is_empty()
        && version.iter().all(u8::is_ascii_hexdigit)
        && !address.is_empty()
        && address.iter().all(|&b| b == b':' || is_unreserved_or_sub_delim(b))
}

/// ```text
/// IPv6address =                            6( h16 ":" ) ls32
///             /                       "::" 5( h16 ":" ) ls32
///             / [               h16 ] "::" 4( h16 ":" ) ls32
///             / [ *1( h16 ":" ) h16 ] "::" 3( h16 ":" ) ls32
///             / [ *2( h16 ":" ) h16 ] "::" 2( h16 ":" ) ls32
///             / [ *3( h16 ":" ) h16 ] "::"    h16 ":"   ls32
///             / [ *4( h16 ":" ) h16 ] "::"              ls32
///             / [ *5( h16 ":" ) h16 ] "::"              h16
///             / [ *6( h16 ":" ) h16 ] "::"
/// h16  = 1*4HEXDIG
/// ls32 = ( h16 ":" h16 ) / IPv4address                      ; RFC 3986 3.2.2
/// ```
/// That is: eight 16-bit pieces, an IPv4 address standing for the last two,
/// or fewer around one `::` that stands for at least one zero piece.
fn is_ipv6(bytes: &[u8]) -> bool {
    let double_colon = bytes.windows(2).position(|pair| pair == b"::");
    let Some(at) = double_colon else { return pieces(bytes, true) == Some(8) };
    let Some((head, [_, _, tail @ ..])) = bytes.split_at_checked(at) else { return false };
    // The IPv4 address can only end the whole address: it ends the tail.
    match (pieces(head, false), pieces(tail, true)) {
        (Some(head), Some(tail)) => head.saturating_add(tail) <= 7,
        _ => false,
    }
}

/// How many 16-bit pieces `section` holds: `h16` separated by `:`, the last
/// two maybe an IPv4 address when `ipv4_last`; 0 when empty; `None` when it
/// is not such a list (an empty piece, five hex digits, a stray byte).
fn pieces(section: &[u8], ipv4_last: bool) -> Option<usize> {
    if section.is_empty() {
        return Some(0);
    }
    let (mut count, mut digits) = (0usize, 0usize);
    for (at, &b) in section.iter().enumerate() {
        match b {
            b':' if digits > 0 => (count, digits) = (count.saturating_add(1), 0),
            _ if b.is_ascii_hexdigit() && digits < 4 => digits = digits.saturating_add(1),
            // The piece read so far was the first octet of the IPv4 address.
            b'.' if ipv4_last => {
                let ipv4 = section.get(at.checked_sub(digits)?..)?;
                return is_ipv4(ipv4).then_some(count.saturating_add(2));
            }
            _ => return None,
        }
    }
    (digits > 0).then_some(count.saturating_add(1))
}

/// ```text
/// IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
/// dec-octet   = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT
///             / "25" %x30-35                                ; RFC 3986 3.2.2
/// ```
/// That is: four numbers from 0 to 255, without leading zeros.
fn is_ipv4(bytes: &[u8]) -> bool {
    let (mut dots, mut value, mut digits) = (0u8, 0u16, 0u8);
    for &b in bytes {
        match b {
            b'0'..=b'9' if digits < 3 && !(digits == 1 && value == 0) => {
                value = value.saturating_mul(10).saturating_add(u16::from(b - b'0'));
                digits = digits.saturating_add(1);
                if value > 255 {
                    return false;
                }
            }
            b'.' if digits > 0 && dots < 3 => (dots, value, digits) = (dots.saturating_add(1), 0, 0),
            _ => return false,
        }
    }
    dots == 3 && digits > 0
}

#[cfg(test)]
mod tests {
    use super::{is_ip_literal, is_ipv4};

    /// The grammar decides as the standard library's parser does, on
    /// addresses chosen to reach each alternative and each way to fail.
    #[test]
    fn ipv6_agrees_with_the_standard_library() {
        let cases = [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4",
            "::ffff:192.168.0.1",
            "::1.2.3.4",
            "1::1.2.3.4",
            "fe80::1",
            "FE80::ABCD",
            "0:0:0:0:0:0:0:0",
            "2001:db8:0:0:1:0:0:1",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            ":::",
            "1::2::3",
            ":1::2",
            "1::2:",
            "1:",
            ":1",
            "12345::",
            "g::",
            "1.2.3.4::",
            "1.2.3.4",
            "::1.2.3",
            "::1.2.3.4.5",
            "::256.1.1.1",
            "::01.2.3.4",
            "::1.2.3.04",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::ffff:1.2.3.4:1",
            "",
            ":",
            "1",
            "::1%eth0",
            "::a.b.c.d",
            "1::2:3:4:5:6:7:8",
            "1:2:3:4::5:6:7:8",
            "::0.0.0.0",
            "::255.255.255.255",
            "0::0",
            "::-1",
        ];
        for case in cases {
            let std = case.parse::<std::net::Ipv6Addr>().is_ok();
            assert_eq!(is_ip_literal(case.as_bytes()), std, "{case:?}");
        }
    }

    /// Random addresses agree with the standard library too: 200,000 of
    /// them, made like addresses (groups of hex digits, maybe a `::`, maybe
    /// an IPv4 address at the end) with every count and length a little
    /// past its limit, so that about one in eleven is valid.
    #[test]
    fn random_addresses_agree_with_the_standard_library() {
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let (mut valid, cases) = (0, 200_000);
        for _ in 0..cases {
            let groups: Vec<String> = (0..next(10))
                .map(|_| (0..next(6)).map(|_| char::from(b"0123456789abcdefABCDEFg"[next(23) as usize])).collect())
                .collect();
            let mut case = groups.join(":");
            if next(2) == 0 {
                let at = case.match_indices(':').map(|(at, _)| at).nth(next(9) as usize).unwrap_or(case.len());
                case.insert_str(at, if next(8) == 0 { ":::" } else { "::" });
            }
            if next(3) == 0 {
                let octets: Vec<String> =
                    (0..3 + next(3)).map(|_| format!("{:0w$}", next(300), w = next(3) as usize)).collect();
                case = format!("{case}{}{}", if case.is_empty() || next(4) == 0 { "" } else { ":" }, octets.join("."));
            }
            let std = case.parse::<std::net::Ipv6Addr>().is_ok();
            valid += usize::from(std);
            assert_eq!(is_ip_literal(case.as_bytes()), std, "{case:?}");
        }
        assert!(valid > cases / 20, "only {valid} valid addresses of {cases}");
    }

    #[test]
    fn ipv4_octets_are_0_to_255_without_leading_zeros() {
        for (case, ok) in [("0.0.0.0", true), ("255.255.255.255", true), ("1.2.3", false), ("1.2.3.4.", false)] {
            assert_eq!(is_ipv4(case.as_bytes()), ok, "{case}");
        }
        for case in ["256.1.1.1", "01.1.1.1", "1.1.1.1000", "1..1.1", ".1.1.1", "1.1.1.a"] {
            assert!(!is_ipv4(case.as_bytes()), "{case}");
        }
    }
}
