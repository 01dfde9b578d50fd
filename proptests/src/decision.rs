//! The application's side of a handshake (contract section 6): arbitrary
//! decisions, hostile ones included, applied to a valid request, and what
//! the contract says each must give.

use arbitrary::Arbitrary;
use proptest::prelude::*;
use proptest::sample::select;
use ws_handshake::{
    DecisionError, MAX_REFUSAL_BODY_LEN, MAX_REFUSAL_FIELDS, MAX_REFUSAL_FIELDS_LEN, Refusal, Request, Response,
};

/// What an application answers to a valid request.
#[derive(Arbitrary, Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The contract's defaults: accept with the configured subprotocol.
    Accept,
    /// Accept with this subprotocol, or none.
    AcceptWith(Option<String>),
    /// Refuse with this status, these extra fields and this body.
    Reject {
        /// The status code.
        status: u16,
        /// The extra fields, in order.
        fields: Vec<(String, String)>,
        /// The body.
        body: String,
    },
}

/// What a decision must give, by the contract alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A 101 selecting this subprotocol.
    Switch(Option<String>),
    /// A refusal with exactly these bytes.
    Refusal(Vec<u8>),
    /// An error to the application, named as `DecisionError`'s variant.
    Error(&'static str),
}

/// Builds the core's response for `decision`, or its error. `refusal` is
/// where the refusal lives while the response borrows it.
pub fn apply<'a>(
    request: &Request<'a>,
    decision: &'a Decision,
    refusal: &'a mut Option<Refusal<'a>>,
) -> Result<Response<'a>, DecisionError> {
    match decision {
        Decision::Accept => Ok(request.accept()),
        Decision::AcceptWith(protocol) => request.accept_with(protocol.as_deref()),
        Decision::Reject { status, fields, body } => Ok(request.reject(refusal.insert(refuse(*status, fields, body)?))),
    }
}

/// The core's refusal with `status`, `fields` and `body`, built step by
/// step as an application builds it, or the first step's error.
pub fn refuse<'a>(status: u16, fields: &'a [(String, String)], body: &'a str) -> Result<Refusal<'a>, DecisionError> {
    let mut built = Refusal::new(status)?;
    for (name, value) in fields {
        built = built.with_field(name, value)?;
    }
    built.with_body(body)
}

/// Whether `error`'s text (its `Display`) says what failed: one line that
/// names the status, the bound with its number, or what was wrong.
pub fn error_text(error: &DecisionError) -> Result<(), String> {
    let named = match error {
        DecisionError::UnknownStatus(status) => status.to_string(),
        DecisionError::InvalidFieldName | DecisionError::ReservedFieldName => "field name".into(),
        DecisionError::InvalidFieldValue => "field value".into(),
        DecisionError::TooManyFields => MAX_REFUSAL_FIELDS.to_string(),
        DecisionError::FieldsTooLong => MAX_REFUSAL_FIELDS_LEN.to_string(),
        DecisionError::BodyTooLong => MAX_REFUSAL_BODY_LEN.to_string(),
        DecisionError::ProtocolNotOffered => "subprotocol".into(),
        // A variant this harness does not know yet: its text must say something.
        _ => String::new(),
    };
    let text = error.to_string();
    match !text.is_empty() && !text.contains('\n') && text.contains(&named) {
        true => Ok(()),
        false => Err(format!("{error:?} reads {text:?}, which does not name {named:?}")),
    }
}

/// The canonical reason phrases of the registered 4xx and 5xx statuses
/// (RFC 9110 section 15, RFC 6585, RFC 7725), read again here.
const REASONS: &[(u16, &str)] = &[
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (402, "Payment Required"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (406, "Not Acceptable"),
    (407, "Proxy Authentication Required"),
    (408, "Request Timeout"),
    (409, "Conflict"),
    (410, "Gone"),
    (411, "Length Required"),
    (412, "Precondition Failed"),
    (413, "Content Too Large"),
    (414, "URI Too Long"),
    (415, "Unsupported Media Type"),
    (416, "Range Not Satisfiable"),
    (417, "Expectation Failed"),
    (421, "Misdirected Request"),
    (422, "Unprocessable Content"),
    (426, "Upgrade Required"),
    (428, "Precondition Required"),
    (429, "Too Many Requests"),
    (431, "Request Header Fields Too Large"),
    (451, "Unavailable For Legal Reasons"),
    (500, "Internal Server Error"),
    (501, "Not Implemented"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Timeout"),
    (505, "HTTP Version Not Supported"),
    (511, "Network Authentication Required"),
];

/// The canonical reason phrase of `status`, by [`REASONS`]; `None` for a
/// code that is not a registered 4xx or 5xx.
pub fn reason(status: u16) -> Option<&'static str> {
    REASONS.iter().find(|(code, _)| *code == status).map(|&(_, reason)| reason)
}

/// What `decision` must give for a request that offered `offered`
/// subprotocols and whose configuration selects `selected`, by contract
/// section 6 read plainly.
pub fn expect(decision: &Decision, offered: &[&str], selected: Option<&str>) -> Answer {
    match decision {
        Decision::Accept => Answer::Switch(selected.map(str::to_owned)),
        Decision::AcceptWith(None) => Answer::Switch(None),
        Decision::AcceptWith(Some(protocol)) if offered.contains(&protocol.as_str()) => {
            Answer::Switch(Some(protocol.clone()))
        }
        Decision::AcceptWith(Some(_)) => Answer::Error("ProtocolNotOffered"),
        Decision::Reject { status, fields, body } => match refusal(*status, fields, body) {
            Ok(bytes) => Answer::Refusal(bytes),
            Err(error) => Answer::Error(error),
        },
    }
}

/// The bytes of a refusal, or the first rule it breaks, checked in the
/// order the application builds it: status, each field, the body.
fn refusal(status: u16, fields: &[(String, String)], body: &str) -> Result<Vec<u8>, &'static str> {
    let reason = reason(status).ok_or("UnknownStatus")?;
    let mut lines = String::new();
    for (count, (name, value)) in fields.iter().enumerate() {
        let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || !name.bytes().all(tchar) {
            return Err("InvalidFieldName");
        }
        let reserved = ["Connection", "Content-Length", "Content-Type", "Transfer-Encoding"];
        if reserved.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err("ReservedFieldName");
        }
        let vchar = |b: u8| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80;
        let outer = [value.bytes().next(), value.bytes().last()].into_iter().flatten().any(|b| b == b' ' || b == b'\t');
        if outer || !value.bytes().all(vchar) {
            return Err("InvalidFieldValue");
        }
        let line = format!("{name}: {value}\r\n");
        if lines.len() + line.len() > 1024 {
            return Err("FieldsTooLong");
        }
        if count == 8 {
            return Err("TooManyFields");
        }
        lines.push_str(&line);
    }
    if body.len() > 512 {
        return Err("BodyTooLong");
    }
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n{lines}\r\n",
        body.len()
    );
    Ok([head.as_bytes(), body.as_bytes()].concat())
}

/// Field values an application might pass, hostile ones among them.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&["Bearer realm=\"chat\"", "a=b; Path=/", "x", "", "\u{e9}t\u{e9}", "a\tb"][..]).prop_map(str::to_owned),
        2 => select(&["a\r\nSet-Cookie: evil=1", "a\nb", "a\rb", "a\0b", " lead", "trail\t", "\x7f", "\x1b[0m"][..])
            .prop_map(str::to_owned),
        1 => "[ -~]{0,200}",
        1 => any::<String>(),
    ]
}

/// Field names an application might pass.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&["WWW-Authenticate", "Set-Cookie", "Retry-After", "X-Reason", "x"][..]).prop_map(str::to_owned),
        2 => select(&["Content-Length", "connection", "CONTENT-TYPE", "Transfer-Encoding"][..]).prop_map(str::to_owned),
        2 => select(&["", "Bad Name", "Bad:Name", "X\r\nY", "\u{e9}"][..]).prop_map(str::to_owned),
    ]
}

/// Any decision, valid or not, with statuses, fields and bodies around the
/// contract's bounds.
pub fn decision() -> BoxedStrategy<Decision> {
    let status = prop_oneof![
        4 => select(&[400u16, 401, 403, 404, 429, 451, 500, 503, 511][..]),
        1 => select(&[0u16, 101, 200, 302, 399, 418, 499, 600, 999][..]),
        1 => any::<u16>(),
    ];
    let protocol = prop_oneof![select(&["chat", "superchat", "x", "CHAT", "", "a b"][..]).prop_map(str::to_owned)];
    prop_oneof![
        2 => Just(Decision::Accept),
        2 => prop::option::of(protocol).prop_map(Decision::AcceptWith),
        4 => (status, prop::collection::vec((name(), value()), 0..11), prop_oneof!["[ -~\n]{0,40}", "a{500,520}"])
            .prop_map(|(status, fields, body)| Decision::Reject { status, fields, body }),
    ]
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every status from 0 to 999, as the application's refusal: the core
    /// takes exactly the registered 4xx and 5xx codes, with their phrases.
    #[test]
    fn every_status_is_taken_or_refused_as_registered() {
        for status in 0..1000 {
            let decision = Decision::Reject { status, fields: Vec::new(), body: String::new() };
            let core = Refusal::new(status).map(|refusal| (refusal.status(), refusal.reason()));
            match expect(&decision, &[], None) {
                Answer::Refusal(bytes) => {
                    let reason = reason(status);
                    assert!(bytes.starts_with(format!("HTTP/1.1 {status} {}\r\n", reason.unwrap()).as_bytes()));
                    assert_eq!(core, Ok((status, reason.unwrap())), "{status}");
                }
                Answer::Error(name) => {
                    assert_eq!(name, "UnknownStatus");
                    assert_eq!(core, Err(DecisionError::UnknownStatus(status)), "{status}");
                }
                Answer::Switch(_) => unreachable!(),
            }
        }
    }
}
