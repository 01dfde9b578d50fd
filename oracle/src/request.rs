//! What the oracle reads in the request it judges an answer to: a few field
//! values and the method, read leniently (CRLF or LF line ends), since the
//! request may be any bytes at all.

/// The subprotocols the request's `Sec-WebSocket-Protocol` fields offer,
/// in order, empty elements left out.
pub fn offered_protocols(request: &[u8]) -> Vec<String> {
    values(request, "sec-websocket-protocol")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(trim)
        .filter(|element| !element.is_empty())
        .map(|element| String::from_utf8_lossy(element).into_owned())
        .collect()
}

/// Whether the request's `Sec-WebSocket-Protocol` fields offer `protocol`.
pub(crate) fn offered(request: &[u8], protocol: &str) -> bool {
    values(request, "sec-websocket-protocol")
        .flat_map(|v| v.split(|&b| b == b','))
        .any(|element| trim(element) == protocol.as_bytes())
}

/// The values (SP/HTAB trimmed) of the request head's fields named `name`,
/// ASCII case-insensitively. Lines may end in CRLF or LF.
pub(crate) fn values<'a>(request: &'a [u8], name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
    request
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .skip_while(|line| line.is_empty())
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(move |line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let (field, value) = line.split_at(colon);
            field.eq_ignore_ascii_case(name.as_bytes()).then(|| trim(value.get(1..).unwrap_or_default()))
        })
}

/// Whether the request's method is `HEAD` (after any leading CRLF pairs).
pub(crate) fn is_head(mut request: &[u8]) -> bool {
    while let Some(rest) = request.strip_prefix(b"\r\n") {
        request = rest;
    }
    request.starts_with(b"HEAD ")
}

/// `bytes` without leading and trailing SP and HTAB.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] | [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}
