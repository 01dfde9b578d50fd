//! The application's own refusal of a valid request (contract section 6):
//! any registered 4xx or 5xx status, a few extra fields and a short body,
//! each checked when it is added so that no refusal can make a malformed or
//! split response.

use super::abnf::{is_token, is_value_byte};

/// The most extra header fields a [`Refusal`] carries.
pub const MAX_REFUSAL_FIELDS: usize = 8;

/// The most bytes of extra field lines a [`Refusal`] carries, counting each
/// line as `name: value` and CRLF. With [`MAX_REFUSAL_BODY_LEN`], it bounds
/// the response, so that [`crate::MAX_RESPONSE_LEN`] stays a constant.
pub const MAX_REFUSAL_FIELDS_LEN: usize = 1024;

/// The longest body a [`Refusal`] carries.
pub const MAX_REFUSAL_BODY_LEN: usize = 512;

/// The fields the server writes itself in every refusal (contract section
/// 4), so the application may not add them: a second `Content-Length` or a
/// `Transfer-Encoding` would change the framing.
const RESERVED: [&str; 4] = ["connection", "content-length", "content-type", "transfer-encoding"];

/// The canonical reason phrase of a registered 4xx or 5xx status: RFC 9110
/// section 15, with 428, 429, 431 and 511 from RFC 6585 and 451 from
/// RFC 7725. `None` for any other code.
pub const fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// The longest reason phrase [`reason_phrase`] gives.
pub(in crate::handshake) const MAX_REASON_LEN: usize = 31;

/// Why the application's answer cannot be sent as it is. Nothing was sent;
/// the application may answer again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecisionError {
    /// The status is not a registered 4xx or 5xx code ([`reason_phrase`]).
    UnknownStatus(u16),
    /// A field name is not a token (RFC 9110 section 5.6.2).
    InvalidFieldName,
    /// A field name is one the server writes itself: `Connection`,
    /// `Content-Length`, `Content-Type` or `Transfer-Encoding`.
    ReservedFieldName,
    /// A field value holds a byte other than visible ASCII, obs-text, SP and
    /// HTAB (a CR, LF, NUL or other control byte), or starts or ends with
    /// whitespace (RFC 9110 section 5.5).
    InvalidFieldValue,
    /// More than [`MAX_REFUSAL_FIELDS`] fields.
    TooManyFields,
    /// The field lines are longer than [`MAX_REFUSAL_FIELDS_LEN`] in all.
    FieldsTooLong,
    /// The body is longer than [`MAX_REFUSAL_BODY_LEN`].
    BodyTooLong,
    /// The subprotocol is not one the client offered.
    ProtocolNotOffered,
}

impl core::fmt::Display for DecisionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecisionError::UnknownStatus(status) => write!(f, "{status} is not a registered 4xx or 5xx status"),
            DecisionError::InvalidFieldName => f.write_str("a field name is not a token"),
            DecisionError::ReservedFieldName => f.write_str("a field name is one the server writes itself"),
            DecisionError::InvalidFieldValue => {
                f.write_str("a field value holds a control byte or starts or ends with whitespace")
            }
            DecisionError::TooManyFields => write!(f, "more than {MAX_REFUSAL_FIELDS} fields"),
            DecisionError::FieldsTooLong => write!(f, "the field lines are longer than {MAX_REFUSAL_FIELDS_LEN} bytes"),
            DecisionError::BodyTooLong => write!(f, "the body is longer than {MAX_REFUSAL_BODY_LEN} bytes"),
            DecisionError::ProtocolNotOffered => f.write_str("the client did not offer that subprotocol"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecisionError {}

/// The application's refusal of a valid request: a status, extra fields and
/// a body, built step by step, each step checked.
///
/// ```
/// use ws_handshake::Refusal;
///
/// let refusal = Refusal::new(401)?
///     .with_field("WWW-Authenticate", "Bearer realm=\"chat\"")?
///     .with_body("Log in first.\n")?;
/// assert_eq!(refusal.status(), 401);
/// assert!(Refusal::new(401)?.with_field("X-Evil", "a\r\nSet-Cookie: b").is_err());
/// # Ok::<(), ws_handshake::DecisionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal<'r> {
    status: u16,
    reason: &'static str,
    fields: [(&'r str, &'r str); MAX_REFUSAL_FIELDS],
    field_count: usize,
    fields_len: usize,
    body: &'r str,
}

impl<'r> Refusal<'r> {
    /// A refusal with `status`, which must be a registered 4xx or 5xx code;
    /// no extra fields and an empty body.
    pub const fn new(status: u16) -> Result<Self, DecisionError> {
        match reason_phrase(status) {
            Some(reason) => Ok(Refusal {
                status,
                reason,
                fields: [("", ""); MAX_REFUSAL_FIELDS],
                field_count: 0,
                fields_len: 0,
                body: "",
            }),
            None => Err(DecisionError::UnknownStatus(status)),
        }
    }

    /// Adds the field `name: value`, after the ones added before.
    ///
    /// > field-name    = token                              ; RFC 9110 5.1
    /// > field-value   = *field-content                     ; RFC 9110 5.5
    /// > field-content = field-vchar
    /// >                 [ 1*( SP / HTAB / field-vchar ) field-vchar ]
    pub fn with_field(mut self, name: &'r str, value: &'r str) -> Result<Self, DecisionError> {
        if !is_token(name.as_bytes()) {
            return Err(DecisionError::InvalidFieldName);
        }
        if RESERVED.iter().any(|reserved| reserved.eq_ignore_ascii_case(name)) {
            return Err(DecisionError::ReservedFieldName);
        }
        let value_bytes = value.as_bytes();
        let outer_whitespace =
            matches!(value_bytes.first().zip(value_bytes.last()), Some((b' ' | b'\t', _) | (_, b' ' | b'\t')));
        if outer_whitespace || !value_bytes.iter().all(|&b| is_value_byte(b)) {
            return Err(DecisionError::InvalidFieldValue);
        }
        let line_len = name.len().saturating_add(value.len()).saturating_add(4);
        let fields_len = self.fields_len.saturating_add(line_len);
        if fields_len > MAX_REFUSAL_FIELDS_LEN {
            return Err(DecisionError::FieldsTooLong);
        }
        let Some(slot) = self.fields.get_mut(self.field_count) else { return Err(DecisionError::TooManyFields) };
        *slot = (name, value);
        self.field_count = self.field_count.saturating_add(1);
        self.fields_len = fields_len;
        Ok(self)
    }

    /// Sets the body: UTF-8 text, sent as `text/plain; charset=utf-8`.
    pub const fn with_body(mut self, body: &'r str) -> Result<Self, DecisionError> {
        if body.len() > MAX_REFUSAL_BODY_LEN {
            return Err(DecisionError::BodyTooLong);
        }
        self.body = body;
        Ok(self)
    }

    /// The status code.
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// The status's canonical reason phrase.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }

    /// The extra fields, in the order they were added.
    pub fn fields(&self) -> &[(&'r str, &'r str)] {
        self.fields.get(..self.field_count).unwrap_or_default()
    }

    /// The body.
    pub const fn body(&self) -> &'r str {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_reason_is_max_reason_len() {
        let longest = (0..=u16::MAX).filter_map(reason_phrase).map(str::len).max();
        assert_eq!(longest, Some(MAX_REASON_LEN));
        assert!((0..=u16::MAX).filter(|&s| reason_phrase(s).is_some()).all(|s| (400..600).contains(&s)));
    }
}
