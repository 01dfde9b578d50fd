//! Mutations that turn a valid handshake into one that breaks exactly one
//! contract rule, as data: each says which rule it breaks, has a name fit
//! for a case's file name, shows itself in a failure report, and shrinks.

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

/// A value a mutation puts in, and its name in a case's file name
/// (`missing-host`, `upgrade-h2c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Named<T> {
    /// What the value breaks, in a few words joined by `-`.
    pub name: &'static str,
    /// The value.
    pub value: T,
}

/// Shorthand for the tables below.
const fn named<T>(name: &'static str, value: T) -> Named<T> {
    Named { name, value }
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
    Method(Named<&'static str>),
    /// 5: a target that is neither origin-form nor a ws/http URI.
    Target(Named<&'static str>),
    /// 6: these `Host` values instead of the valid one.
    Host(Named<&'static [&'static str]>),
    /// 7: a field (name, value) that announces content.
    Content(Named<(&'static str, &'static str)>),
    /// 8: these `Upgrade` values instead of the valid ones.
    Upgrade(Named<&'static [&'static str]>),
    /// 9: these `Connection` values instead of the valid ones.
    Connection(Named<&'static [&'static str]>),
    /// 10: these `Sec-WebSocket-Key` values instead of the valid one.
    Key(Named<&'static [&'static str]>),
    /// 11: these `Sec-WebSocket-Version` values instead of `13`.
    Version(Named<&'static [&'static str]>),
    /// 12: a second `Origin`.
    DuplicateOrigin,
    /// 12b: an `Origin` the same-host policy refuses.
    Origin(Named<&'static str>),
    /// 13: a malformed `Sec-WebSocket-Protocol` field.
    Protocol(Named<&'static str>),
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
            Mutation::Method(method) => request.method = method.value.as_bytes().to_vec(),
            Mutation::Target(target) => request.target = target.value.as_bytes().to_vec(),
            Mutation::Host(values) => request.set("Host", values.value),
            Mutation::Content(Named { value: (name, value), .. }) => request.fields.push(Field::new(name, value)),
            Mutation::Upgrade(values) => request.set("Upgrade", values.value),
            Mutation::Connection(values) => request.set("Connection", values.value),
            Mutation::Key(values) => request.set("Sec-WebSocket-Key", values.value),
            Mutation::Version(values) => request.set("Sec-WebSocket-Version", values.value),
            Mutation::DuplicateOrigin => {
                let copies = if request.value("Origin").is_some() { 1 } else { 2 };
                let origin = request.value("Origin").unwrap_or(b"null").to_vec();
                let copy = Field { name: b"origin".to_vec(), value: origin };
                request.fields.extend(std::iter::repeat_n(copy, copies));
            }
            Mutation::Origin(origin) => request.set("Origin", &[origin.value]),
            Mutation::Protocol(value) => request.fields.push(Field::new("Sec-WebSocket-Protocol", value.value)),
        }
    }

    /// What it breaks, in a few words joined by `-`, fit for a case's file
    /// name: the names of `corpus/cases/` where a named case breaks the
    /// same thing (`bare-lf`, `http-1-0`, `missing-host`), so that the
    /// manifest's rules for what else is sound apply to both alike.
    pub fn name(&self) -> String {
        match self {
            Mutation::Syntax(error, _) => error.name().to_owned(),
            Mutation::MajorVersion(major) => format!("http-{major}-1"),
            Mutation::LongField(_) => "field-past-the-head-limit".to_owned(),
            Mutation::ManyFields(_) => "fields-past-the-field-limit".to_owned(),
            Mutation::MinorVersion(minor) => format!("http-1-{minor}"),
            Mutation::Method(Named { name, .. })
            | Mutation::Target(Named { name, .. })
            | Mutation::Origin(Named { name, .. })
            | Mutation::Protocol(Named { name, .. })
            | Mutation::Host(Named { name, .. })
            | Mutation::Upgrade(Named { name, .. })
            | Mutation::Connection(Named { name, .. })
            | Mutation::Key(Named { name, .. })
            | Mutation::Version(Named { name, .. })
            | Mutation::Content(Named { name, .. }) => (*name).to_owned(),
            Mutation::DuplicateOrigin => "two-origins".to_owned(),
        }
    }
}

impl SyntaxError {
    /// What it breaks, as [`Mutation::name`] says.
    pub const fn name(self) -> &'static str {
        match self {
            SyntaxError::ControlInValue(0, _) => "nul-in-header-value",
            SyntaxError::ControlInValue(..) => "control-byte-in-header-value",
            SyntaxError::SpaceBeforeColon => "space-before-colon",
            SyntaxError::BareLf => "bare-lf",
            SyntaxError::BareCr => "bare-cr-in-header-value",
            SyntaxError::ObsFold => "obs-fold",
            SyntaxError::EmptyName => "empty-field-name",
            SyntaxError::MethodByte(_) => "byte-not-a-tchar-in-method",
            SyntaxError::DoubleSpace => "double-space-request-line",
            SyntaxError::TargetByte(_) => "byte-not-visible-in-target",
            SyntaxError::Version(_) => "malformed-version",
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

/// Replacement values for a field, per rule: none, empty, repeated,
/// malformed.
type Values = Named<&'static [&'static str]>;
const HOSTS: &[Values] = &[
    named("missing-host", &[]),
    named("empty-host", &[""]),
    named("duplicate-host", &["example.com", "example.com"]),
    named("host-with-userinfo", &["user@example.com"]),
    named("host-with-space", &["exa mple.com"]),
    named("host-port-with-letter", &["example.com:80a"]),
    named("host-ipv6-unclosed", &["[::1"]),
    named("host-port-six-digits", &["example.com:123456"]),
    named("host-ipv6-bad-digit", &["[::g]"]),
];
const UPGRADES: &[Values] = &[
    named("missing-upgrade", &[]),
    named("upgrade-websockets", &["websockets"]),
    named("upgrade-websocket-13", &["websocket/13"]),
    named("upgrade-h2c", &["h2c"]),
    named("upgrade-empty", &[""]),
    named("upgrade-web-space-socket", &["web socket"]),
];
const CONNECTIONS: &[Values] = &[
    named("missing-connection", &[]),
    named("connection-keep-alive-only", &["keep-alive"]),
    named("connection-upgrades", &["upgrades"]),
    named("connection-close-only", &["close"]),
    named("connection-empty", &[""]),
];
const KEYS: &[Values] = &[
    named("key-missing", &[]),
    named("key-empty", &[""]),
    named("key-twice", &["dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=="]),
    named("key-15-bytes", &["AAAAAAAAAAAAAAAAAAAA"]),
    named("key-no-padding", &["dGhlIHNhbXBsZSBub25jZQ"]),
    named("key-url-safe-alphabet", &["dGhlIHNhbXBsZSBub25j-_=="]),
    named("key-not-base64", &["dGhlIHNhbXBsZSBub25jZQ=x"]),
    named("key-three-pads", &["dGhlIHNhbXBsZSBub25jZQ==="]),
];
const VERSIONS: &[Values] = &[
    named("version-missing", &[]),
    named("version-8", &["8"]),
    named("version-list-13-8", &["13, 8"]),
    named("version-twice", &["13", "13"]),
    named("version-14", &["14"]),
    named("version-empty", &[""]),
    named("version-013", &["013"]),
];
const METHODS: &[Named<&str>] = &[
    named("post", "POST"),
    named("put", "PUT"),
    named("head", "HEAD"),
    named("lowercase-get", "get"),
    named("mixed-case-get", "Get"),
    named("options", "OPTIONS"),
    named("delete", "DELETE"),
    named("connect", "CONNECT"),
    named("patch", "PATCH"),
    named("get2", "GET2"),
];
const TARGETS: &[Named<&str>] = &[
    named("asterisk-target", "*"),
    named("authority-form-target", "example.com:443"),
    named("ftp-uri-target", "ftp://example.com/"),
    named("fragment-in-target", "/a#b"),
    named("bad-percent-escape", "/%zz"),
    named("uri-with-userinfo", "ws://user@example.com/"),
    named("uri-without-host", "http://"),
    named("relative-target", "chat"),
];
const CONTENT: &[Named<(&str, &str)>] = &[
    named("transfer-encoding-chunked", ("Transfer-Encoding", "chunked")),
    named("transfer-encoding-empty", ("Transfer-Encoding", "")),
    named("content-length-5", ("Content-Length", "5")),
    named("content-length-00", ("Content-Length", "00")),
    named("content-length-0-twice-in-a-list", ("Content-Length", "0, 0")),
];
const ORIGINS: &[Named<&str>] = &[
    named("foreign-origin", "http://evil.example"),
    named("origin-null", "null"),
    named("origin-suffix-of-host", "https://example.com.evil"),
    named("origin-unparsable", "ws:/bad"),
    named("origin-with-userinfo", "http://a@b"),
];
const PROTOCOLS: &[Named<&str>] = &[
    named("protocol-empty-value", ""),
    named("protocol-empty-element", "chat, , x"),
    named("protocol-with-space", "a b"),
    named("protocol-trailing-comma", "chat,"),
    named("protocol-not-a-token", "(x)"),
    named("protocol-with-slash", "chat/1"),
];

/// A mutation that breaks `rule` (a contract number from `"1"` to `"13"`).
pub fn breaking(rule: &'static str) -> BoxedStrategy<Mutation> {
    match rule {
        "1" => (syntax_error(), 0usize..32).prop_map(|(error, at)| Mutation::Syntax(error, at)).boxed(),
        "1b" => prop_oneof![Just(0u8), 2u8..=9].prop_map(Mutation::MajorVersion).boxed(),
        "2" => {
            prop_oneof![(0usize..600).prop_map(Mutation::LongField), (1usize..8).prop_map(Mutation::ManyFields)].boxed()
        }
        "3" => prop_oneof![Just(0u8), 2u8..=9].prop_map(Mutation::MinorVersion).boxed(),
        "4" => select(METHODS).prop_map(Mutation::Method).boxed(),
        "5" => select(TARGETS).prop_map(Mutation::Target).boxed(),
        "6" => select(HOSTS).prop_map(Mutation::Host).boxed(),
        "7" => select(CONTENT).prop_map(Mutation::Content).boxed(),
        "8" => select(UPGRADES).prop_map(Mutation::Upgrade).boxed(),
        "9" => select(CONNECTIONS).prop_map(Mutation::Connection).boxed(),
        "10" => select(KEYS).prop_map(Mutation::Key).boxed(),
        "11" => select(VERSIONS).prop_map(Mutation::Version).boxed(),
        "12" => Just(Mutation::DuplicateOrigin).boxed(),
        "12b" => select(ORIGINS).prop_map(Mutation::Origin).boxed(),
        _ => select(PROTOCOLS).prop_map(Mutation::Protocol).boxed(),
    }
}

/// The rules a mutation can break, in the contract's order.
pub const MUTABLE_RULES: &[&str] = &["1", "1b", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "12b", "13"];

/// A mutation of any rule.
pub fn any_mutation() -> impl Strategy<Value = Mutation> {
    select(MUTABLE_RULES).prop_flat_map(breaking)
}
