//! Mutations that turn a valid handshake into one that breaks exactly one
//! contract rule, as data: each says which rule it breaks, shows itself in a
//! failure report, and shrinks.

use proptest::prelude::*;
use proptest::sample::select;

use crate::request::{Field, Request};

/// A syntax error (rule 1) and where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// A control byte inside a field value, at most this far into it.
    ControlInValue(u8, u8),
    /// A space between a field name and its colon.
    SpaceBeforeColon,
    /// A bare LF inside a field value.
    BareLf,
    /// A bare CR inside a field value.
    BareCr,
    /// A field line that starts with whitespace (obs-fold).
    ObsFold,
    /// A field line with an empty name.
    EmptyName,
    /// A byte that is not a tchar inside the method.
    MethodByte(u8),
    /// Two spaces between method and target.
    DoubleSpace,
    /// A byte that is not visible ASCII inside the target.
    TargetByte(u8),
    /// A malformed version token.
    Version(&'static str),
}

/// A change to a valid handshake that breaks one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// 1: a syntax error, in the field line at this index (modulo their count).
    Syntax(SyntaxError, usize),
    /// 1b: `HTTP/<major>.1` with a major version other than 1.
    MajorVersion(u8),
    /// 2: a field so long that the head passes `max_head_len` by this much.
    LongField(usize),
    /// 2: this many fields more than `max_headers`.
    ManyFields(usize),
    /// 3: `HTTP/1.<minor>` with a minor version other than 1.
    MinorVersion(u8),
    /// 4: a method other than `GET`.
    Method(&'static str),
    /// 5: a target that is neither origin-form nor a ws/http URI.
    Target(&'static str),
    /// 6: these `Host` values instead of the valid one.
    Host(Vec<&'static str>),
    /// 7: a field that announces content.
    Content(&'static str, &'static str),
    /// 8: these `Upgrade` values instead of the valid ones.
    Upgrade(Vec<&'static str>),
    /// 9: these `Connection` values instead of the valid ones.
    Connection(Vec<&'static str>),
    /// 10: these `Sec-WebSocket-Key` values instead of the valid one.
    Key(Vec<&'static str>),
    /// 11: these `Sec-WebSocket-Version` values instead of `13`.
    Version(Vec<&'static str>),
    /// 12: a second `Origin`.
    DuplicateOrigin,
    /// 12b: an `Origin` the same-host policy refuses.
    Origin(&'static str),
    /// 13: a malformed `Sec-WebSocket-Protocol` field.
    Protocol(&'static str),
}

impl Mutation {
    /// The number of the contract rule it breaks.
    pub fn rule(&self) -> &'static str {
        match self {
            Mutation::Syntax(..) => "1",
            Mutation::MajorVersion(_) => "1b",
            Mutation::LongField(_) | Mutation::ManyFields(_) => "2",
            Mutation::MinorVersion(_) => "3",
            Mutation::Method(_) => "4",
            Mutation::Target(_) => "5",
            Mutation::Host(_) => "6",
            Mutation::Content(..) => "7",
            Mutation::Upgrade(_) => "8",
            Mutation::Connection(_) => "9",
            Mutation::Key(_) => "10",
            Mutation::Version(_) => "11",
            Mutation::DuplicateOrigin => "12",
            Mutation::Origin(_) => "12b",
            Mutation::Protocol(_) => "13",
        }
    }

    /// Applies the mutation to `request`, which must be valid under a
    /// configuration with `max_head_len` and `max_headers`.
    pub fn apply(&self, request: &mut Request, max_head_len: usize, max_headers: usize) {
        match self {
            Mutation::Syntax(error, at) => break_syntax(request, *error, *at),
            Mutation::MajorVersion(major) => request.version = format!("HTTP/{major}.1").into_bytes(),
            Mutation::LongField(extra) => {
                let missing = (max_head_len + extra).saturating_sub(request.head().len()).max(1);
                request.fields.push(Field { name: b"X-Pad".to_vec(), value: vec![b'a'; missing] });
            }
            Mutation::ManyFields(extra) => {
                let missing = (max_headers + extra).saturating_sub(request.fields.len());
                request.fields.extend((0..missing).map(|i| Field::new(&format!("X-{i}"), "1")));
            }
            Mutation::MinorVersion(minor) => request.version = format!("HTTP/1.{minor}").into_bytes(),
            Mutation::Method(method) => request.method = method.as_bytes().to_vec(),
            Mutation::Target(target) => request.target = target.as_bytes().to_vec(),
            Mutation::Host(values) => request.set("Host", values),
            Mutation::Content(name, value) => request.fields.push(Field::new(name, value)),
            Mutation::Upgrade(values) => request.set("Upgrade", values),
            Mutation::Connection(values) => request.set("Connection", values),
            Mutation::Key(values) => request.set("Sec-WebSocket-Key", values),
            Mutation::Version(values) => request.set("Sec-WebSocket-Version", values),
            Mutation::DuplicateOrigin => {
                let copies = if request.value("Origin").is_some() { 1 } else { 2 };
                let origin = request.value("Origin").unwrap_or(b"null").to_vec();
                let copy = Field { name: b"origin".to_vec(), value: origin };
                request.fields.extend(std::iter::repeat_n(copy, copies));
            }
            Mutation::Origin(origin) => request.set("Origin", &[origin]),
            Mutation::Protocol(value) => request.fields.push(Field::new("Sec-WebSocket-Protocol", value)),
        }
    }
}

/// Puts `error` into the request line or the field line at `at`. Errors in
/// a value go near its start, so that they stay inside `max_head_len` even
/// in a field padded past it.
fn break_syntax(request: &mut Request, error: SyntaxError, at: usize) {
    if request.fields.is_empty() {
        request.fields.push(Field::new("X-Empty", ""));
    }
    let at = at % request.fields.len();
    let field = &mut request.fields[at];
    match error {
        SyntaxError::ControlInValue(byte, at) => field.value.insert(usize::from(at).min(field.value.len()), byte),
        SyntaxError::SpaceBeforeColon => field.name.push(b' '),
        SyntaxError::BareLf => drop(field.value.splice(0..0, *b"\nX: y")),
        SyntaxError::BareCr => drop(field.value.splice(0..0, *b"\rX: y")),
        SyntaxError::ObsFold => request.fields.insert(at, Field { name: b" X-Fold".to_vec(), value: b" y".to_vec() }),
        SyntaxError::EmptyName => request.fields.insert(at, Field::new("", " x")),
        SyntaxError::MethodByte(byte) => request.method.insert(1, byte),
        SyntaxError::DoubleSpace => request.target.insert(0, b' '),
        SyntaxError::TargetByte(byte) => request.target.push(byte),
        SyntaxError::Version(version) => request.version = version.as_bytes().to_vec(),
    }
}

/// Bytes that cannot stand in a field value: controls but HTAB, and DEL.
fn control() -> impl Strategy<Value = u8> {
    prop_oneof![0u8..=0x08, 0x0bu8..=0x0c, 0x0eu8..=0x1f, Just(0x7f)]
}

/// Every kind of syntax error.
fn syntax_error() -> impl Strategy<Value = SyntaxError> {
    prop_oneof![
        (control(), 0u8..40).prop_map(|(byte, at)| SyntaxError::ControlInValue(byte, at)),
        Just(SyntaxError::SpaceBeforeColon),
        Just(SyntaxError::BareLf),
        Just(SyntaxError::BareCr),
        Just(SyntaxError::ObsFold),
        Just(SyntaxError::EmptyName),
        select(&b"()<>@,;:\\\"/[]?={} \t\0\x80"[..]).prop_map(SyntaxError::MethodByte),
        Just(SyntaxError::DoubleSpace),
        prop_oneof![0u8..=0x1f, 0x7fu8..=0xff].prop_map(SyntaxError::TargetByte),
        select(
            &[
                "http/1.1",
                "HTTP/11",
                "HTTP/1.1.1",
                "HTTP/1",
                "HTTP/1.x",
                "HTTP 1.1",
                "HTTP/a.1",
                "HTTP/1.d",
                "HTTP/d.1"
            ][..]
        )
        .prop_map(SyntaxError::Version),
    ]
}

/// Replacement values for a field, per rule: none, empty, repeated, malformed.
const HOSTS: &[&[&str]] = &[
    &[],
    &[""],
    &["example.com", "example.com"],
    &["user@example.com"],
    &["exa mple.com"],
    &["example.com:80a"],
    &["[::1"],
    &["example.com:123456"],
    &["[::g]"],
];
const UPGRADES: &[&[&str]] = &[&[], &["websockets"], &["websocket/13"], &["h2c"], &[""], &["web socket"]];
const CONNECTIONS: &[&[&str]] = &[&[], &["keep-alive"], &["upgrades"], &["close"], &[""]];
const KEYS: &[&[&str]] = &[
    &[],
    &[""],
    &["dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=="],
    &["AAAAAAAAAAAAAAAAAAAA"],
    &["dGhlIHNhbXBsZSBub25jZQ"],
    &["dGhlIHNhbXBsZSBub25j-_=="],
    &["dGhlIHNhbXBsZSBub25jZQ=x"],
    &["dGhlIHNhbXBsZSBub25jZQ==="],
];
const VERSIONS: &[&[&str]] = &[&[], &["8"], &["13, 8"], &["13", "13"], &["14"], &[""], &["013"]];

/// A mutation that breaks `rule` (a contract number from `"1"` to `"13"`).
pub fn breaking(rule: &'static str) -> BoxedStrategy<Mutation> {
    match rule {
        "1" => (syntax_error(), 0usize..32).prop_map(|(error, at)| Mutation::Syntax(error, at)).boxed(),
        "1b" => prop_oneof![Just(0u8), 2u8..=9].prop_map(Mutation::MajorVersion).boxed(),
        "2" => {
            prop_oneof![(0usize..600).prop_map(Mutation::LongField), (1usize..8).prop_map(Mutation::ManyFields)].boxed()
        }
        "3" => prop_oneof![Just(0u8), 2u8..=9].prop_map(Mutation::MinorVersion).boxed(),
        "4" => select(&["POST", "PUT", "HEAD", "get", "Get", "OPTIONS", "DELETE", "CONNECT", "PATCH", "GET2"][..])
            .prop_map(Mutation::Method)
            .boxed(),
        "5" => select(
            &[
                "*",
                "example.com:443",
                "ftp://example.com/",
                "/a#b",
                "/%zz",
                "ws://user@example.com/",
                "http://",
                "chat",
            ][..],
        )
        .prop_map(Mutation::Target)
        .boxed(),
        "6" => select(HOSTS).prop_map(|values| Mutation::Host(values.to_vec())).boxed(),
        "7" => select(
            &[
                ("Transfer-Encoding", "chunked"),
                ("Transfer-Encoding", ""),
                ("Content-Length", "5"),
                ("Content-Length", "00"),
                ("Content-Length", "0, 0"),
            ][..],
        )
        .prop_map(|(name, value)| Mutation::Content(name, value))
        .boxed(),
        "8" => select(UPGRADES).prop_map(|values| Mutation::Upgrade(values.to_vec())).boxed(),
        "9" => select(CONNECTIONS).prop_map(|values| Mutation::Connection(values.to_vec())).boxed(),
        "10" => select(KEYS).prop_map(|values| Mutation::Key(values.to_vec())).boxed(),
        "11" => select(VERSIONS).prop_map(|values| Mutation::Version(values.to_vec())).boxed(),
        "12" => Just(Mutation::DuplicateOrigin).boxed(),
        "12b" => select(&["http://evil.example", "null", "https://example.com.evil", "ws:/bad", "http://a@b"][..])
            .prop_map(Mutation::Origin)
            .boxed(),
        _ => select(&["", "chat, , x", "a b", "chat,", "(x)", "chat/1"][..]).prop_map(Mutation::Protocol).boxed(),
    }
}

/// The rules a mutation can break, in the contract's order.
pub const MUTABLE_RULES: &[&str] = &["1", "1b", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "12b", "13"];

/// A mutation of any rule.
pub fn any_mutation() -> impl Strategy<Value = Mutation> {
    select(MUTABLE_RULES).prop_flat_map(breaking)
}
