//! Small pieces of grammar and printing both judgements use.

/// Whether `s` is a token (RFC 9110 section 5.6.2): 1*tchar.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether the comma-separated list `value` holds `token`, ASCII
/// case-insensitively (RFC 9110 section 5.6.1).
pub(crate) fn lists(value: &str, token: &str) -> bool {
    value.split(',').any(|element| element.trim_matches([' ', '\t']).eq_ignore_ascii_case(token))
}

/// Bytes as text for a message.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
