//! The grammar the parser and the validator share, each piece under the ABNF
//! it implements (RFC 9110, RFC 9112, RFC 3986, RFC 6454, RFC 6455).
//!
//! Every function here takes bytes and answers without panicking: no
//! indexing, only slice patterns and iterators.

use super::ip_literal::is_ip_literal;

/// A static table of the bytes that match a pattern, built at compile time:
/// one load per byte where a match of many ranges costs a dozen compares.
macro_rules! byte_table {
    ($(#[$attr:meta])* static $name:ident = $pattern:pat) => {
        $(#[$attr])*
        #[expect(clippy::indexing_slicing, reason = "evaluated at compile time, where a bad index fails the build")]
        static $name: [bool; 256] = {
            let mut table = [false; 256];
            let mut b = 0;
            while b < 256 {
                table[b] = matches!(b as u8, $pattern);
                b += 1;
            }
            table
        };
    };
}

/// Whether `b` is in `table`.
fn in_table(table: &[bool; 256], b: u8) -> bool {
    table.get(usize::from(b)).copied().unwrap_or(false)
}

/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA      ; RFC 9110 5.6.2
/// ```
pub(in crate::handshake) fn is_tchar(b: u8) -> bool {
    in_table(&TCHAR, b)
}

byte_table! {
    static TCHAR =
        b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'0'..=b'9' | b'A'..=b'Z' | b'^'..=b'z' | b'|' | b'~'
}

/// ```text
/// token = 1*tchar                                           ; RFC 9110 5.6.2
/// ```
pub(in crate::handshake) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// A byte of a request-target as this crate reads rule 1: the visible ASCII
/// characters a URI is made of (RFC 3986 section 2; RFC 9112 section 3.2
/// forbids whitespace in it). Which form it has is rule 5's business.
pub(in crate::handshake) fn is_target_byte(b: u8) -> bool {
    in_table(&TARGET_BYTE, b)
}

byte_table! {
    static TARGET_BYTE = 0x21..=0x7e
}

/// ```text
/// field-value = *field-content                            ; RFC 9110 5.5
/// field-vchar = VCHAR / obs-text
/// obs-text    = %x80-FF
/// ```
/// plus SP and HTAB inside the value. NUL, CR, LF and the other controls are
/// not value bytes.
pub(in crate::handshake) fn is_value_byte(b: u8) -> bool {
    in_table(&VALUE_BYTE, b)
}

byte_table! {
    static VALUE_BYTE = b'\t' | b' '..=0x7e | 0x80..=0xff
}

/// ```text
/// OWS = *( SP / HTAB )                                      ; RFC 9110 5.6.3
/// ```
/// Returns `bytes` without leading and trailing OWS.
pub(in crate::handshake) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// The elements of a comma-separated list, OWS trimmed, empty ones included.
///
/// ```text
/// #element => [ element ] *( OWS "," OWS [ element ] )      ; RFC 9110 5.6.1
/// ```
pub(in crate::handshake) fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows)
}

/// Whether a list field's value holds `token` (lowercase, see
/// [`eq_lowercase`]), ASCII case-insensitively, as one whole element (so
/// `websocket/13` does not hold `websocket`). A value that is the token
/// alone, as most are, is found without splitting.
pub(in crate::handshake) fn list_contains<const N: usize>(value: &[u8], token: &[u8; N]) -> bool {
    eq_lowercase(value, token) || list_elements(value).any(|element| eq_lowercase(element, token))
}

/// Whether `bytes` equals `lower` ASCII case-insensitively, where `lower` is
/// lowercase letters and `-` only, and `bytes` holds no CR (no field name or
/// value does). Setting bit 0x20 of a byte lowercases a letter and keeps `-`;
/// the one other byte it turns into one of these is CR, into `-`. The
/// differences are folded without a branch per byte, at a length known when
/// compiling: every field name of a head is matched this way.
pub(in crate::handshake) fn eq_lowercase<const N: usize>(bytes: &[u8], lower: &[u8; N]) -> bool {
    let Ok(bytes) = <&[u8; N]>::try_from(bytes) else { return false };
    bytes.iter().zip(lower).fold(0, |diff, (&b, &l)| diff | ((b | 0x20) ^ l)) == 0
}

/// ```text
/// unreserved  = ALPHA / DIGIT / "-" / "." / "_" / "~"       ; RFC 3986 2.3
/// sub-delims  = "!" / "$" / "&" / "'" / "(" / ")"           ; RFC 3986 2.2
///             / "*" / "+" / "," / ";" / "="
/// ```
pub(in crate::handshake) fn is_unreserved_or_sub_delim(b: u8) -> bool {
    in_table(&UNRESERVED_OR_SUB_DELIM, b)
}

byte_table! {
    static UNRESERVED_OR_SUB_DELIM = b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'
        | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
}

/// Whether every `%` in `bytes` starts a `pct-encoded` triplet.
///
/// ```text
/// pct-encoded = "%" HEXDIG HEXDIG                           ; RFC 3986 2.1
/// ```
fn pct_encoding_is_valid(mut bytes: &[u8]) -> bool {
    loop {
        match bytes {
            [] => return true,
            [b'%', high, low, rest @ ..] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                bytes = rest;
            }
            [b'%', ..] => return false,
            [_, rest @ ..] => bytes = rest,
        }
    }
}

/// ```text
/// reg-name = *( unreserved / pct-encoded / sub-delims )     ; RFC 3986 3.2.2
/// ```
/// Empty is refused: an empty host names nothing (contract rule 6).
fn is_reg_name(bytes: &[u8]) -> bool {
    // Most hosts have no pct-encoded byte, and one pass settles them.
    let plain = bytes.iter().fold(true, |all, &b| all & is_unreserved_or_sub_delim(b));
    !bytes.is_empty()
        && (plain
            || (pct_encoding_is_valid(bytes) && bytes.iter().all(|&b| b == b'%' || is_unreserved_or_sub_delim(b))))
}

/// The longest port this crate takes: `port = *DIGIT` has no bound in the
/// ABNF, but no TCP port needs more than five digits.
const MAX_PORT_DIGITS: usize = 5;

/// Splits and checks `uri-host [ ":" port ]`, returning the host and the port
/// (empty when absent; RFC 3986 section 6.2.3 makes `host:` equal `host`).
///
/// ```text
/// Host     = uri-host [ ":" port ]                          ; RFC 9110 7.2
/// uri-host = IP-literal / IPv4address / reg-name            ; RFC 3986 3.2.2
/// port     = *DIGIT                                         ; RFC 3986 3.2.3
/// ```
/// An IPv4address is also a reg-name, so it needs no check of its own.
pub(in crate::handshake) fn host_port(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (host, port) = match bytes {
        [b'[', rest @ ..] => {
            let close = rest.iter().position(|&b| b == b']')?;
            let (inside, after) = rest.split_at(close);
            if !is_ip_literal(inside) {
                return None;
            }
            let host = bytes.get(..close.checked_add(2)?)?;
            match after {
                [b']'] => (host, &[][..]),
                [b']', b':', port @ ..] => (host, port),
                _ => return None,
            }
        }
        _ => {
            let (host, port) = match bytes.iter().position(|&b| b == b':') {
                Some(colon) => (bytes.get(..colon)?, bytes.get(colon + 1..)?),
                None => (bytes, &[][..]),
            };
            if !is_reg_name(host) {
                return None;
            }
            (host, port)
        }
    };
    let port_ok = port.len() <= MAX_PORT_DIGITS && port.iter().all(u8::is_ascii_digit);
    port_ok.then_some((host, port))
}

/// ```text
/// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )       ; RFC 3986 3.1
/// ```
fn is_scheme(bytes: &[u8]) -> bool {
    match bytes {
        [first, rest @ ..] => {
            first.is_ascii_alphabetic()
                && rest.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }
        [] => false,
    }
}

/// Splits `scheme "://" rest`, checking the scheme.
fn split_scheme(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = bytes.iter().position(|&b| b == b':')?;
    let (scheme, rest) = bytes.split_at(colon);
    let rest = rest.strip_prefix(b"://")?;
    is_scheme(scheme).then_some((scheme, rest))
}

/// The host and port of a serialized origin; `None` for `null` and anything
/// that does not parse.
///
/// ```text
/// serialized-origin = scheme "://" host [ ":" port ]        ; RFC 6454 7.1
/// ```
pub(in crate::handshake) fn origin_host_port(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, authority) = split_scheme(bytes)?;
    host_port(authority)
}

/// Whether a path-and-query (what follows the authority, or the whole
/// origin-form) is well-formed: no fragment, and `%` only in triplets. The
/// bytes are already visible ASCII (rule 1).
///
/// ```text
/// origin-form    = absolute-path [ "?" query ]              ; RFC 9112 3.2.1
/// absolute-path  = 1*( "/" segment )                        ; RFC 9110 4.1
/// ```
fn is_path_and_query(bytes: &[u8]) -> bool {
    !bytes.contains(&b'#') && pct_encoding_is_valid(bytes)
}

/// The path-and-query a request-target names, or `None` when the target is
/// neither origin-form nor an absolute-form URI of a WebSocket or HTTP scheme.
///
/// ```text
/// request-target = origin-form / absolute-form / authority-form / asterisk-form
///                                                           ; RFC 9112 3.2
/// absolute-form  = absolute-URI                             ; RFC 9112 3.2.2
/// ```
/// For an absolute-form target without a path the path is `/`.
pub(in crate::handshake) fn target_path(target: &str) -> Option<&str> {
    if target.starts_with('/') {
        return is_path_and_query(target.as_bytes()).then_some(target);
    }
    let (scheme, rest) = split_scheme(target.as_bytes())?;
    let known = [&b"ws"[..], b"wss", b"http", b"https"];
    if !known.iter().any(|k| k.eq_ignore_ascii_case(scheme)) {
        return None;
    }
    let authority_len = rest.iter().position(|&b| b == b'/' || b == b'?').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_len);
    host_port(authority)?;
    if !is_path_and_query(path) {
        return None;
    }
    let path_start = target.len().checked_sub(path.len())?;
    match target.get(path_start..)? {
        "" => Some("/"),
        path => Some(path),
    }
}

/// Whether a `Sec-WebSocket-Key` value (OWS already trimmed) is 22 base64
/// characters followed by `==`, the encoding of 16 bytes.
///
/// > the value of this header field MUST be a nonce consisting of a randomly
/// > selected 16-byte value that has been base64-encoded     ; RFC 6455 4.1
pub(in crate::handshake) fn is_websocket_key(value: &[u8]) -> bool {
    match value {
        [chars @ .., b'=', b'='] => {
            chars.len() == 22 && chars.iter().fold(true, |all, &b| all & in_table(&BASE64_CHAR, b))
        }
        _ => false,
    }
}

byte_table! {
    /// The base64 alphabet (RFC 4648 section 4), without the padding `=`.
    static BASE64_CHAR = b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For every byte but CR against every byte a lowercase token can hold,
    /// at each position of a three-byte word, `eq_lowercase` answers as
    /// `eq_ignore_ascii_case` does; a length that differs is never equal.
    #[test]
    fn eq_lowercase_is_eq_ignore_ascii_case_without_cr() {
        let lower = b"abcdefghijklmnopqrstuvwxyz-";
        for &l in lower {
            for b in (0..=255u8).filter(|&b| b != b'\r') {
                for at in 0..3 {
                    let (mut bytes, mut token) = (*b"xyz", *b"xyz");
                    (bytes[at], token[at]) = (b, l);
                    assert_eq!(eq_lowercase(&bytes, &token), bytes.eq_ignore_ascii_case(&token), "{b:#x} vs {l:#x}");
                }
            }
        }
        assert!(!eq_lowercase(b"host", b"hos"));
        assert!(!eq_lowercase(b"hos", b"host"));
    }
}
