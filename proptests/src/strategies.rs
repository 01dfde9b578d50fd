//! Proptest strategies: valid handshakes across the valid space, one
//! mutation per contract rule, raw and mostly-HTTP bytes, chunkings.
//!
//! Everything is generated from small pieces (`Just`, `prop_oneof!`,
//! ranges, vectors), so failures shrink to short, readable requests.

use base64::Engine as _;
use proptest::prelude::*;
use proptest::sample::select;
use ws_handshake::{Config, ValidConfig};

use crate::model::End;
use crate::mutation::{Mutation, any_mutation};
use crate::request::{Field, Request};

/// The subprotocols the server speaks in the properties, in its order.
pub const SPOKEN: &[&str] = &["chat", "superchat"];

/// The configuration the properties run under: the contract's defaults,
/// plus [`SPOKEN`].
pub fn config() -> ValidConfig<'static> {
    // Checked once: the fuzz targets ask for it on every run.
    static CONFIG: std::sync::OnceLock<ValidConfig<'static>> = std::sync::OnceLock::new();
    *CONFIG.get_or_init(|| Config { protocols: SPOKEN, ..Config::default() }.validate().expect("a valid configuration"))
}

/// `text` with the case of each ASCII letter flipped where `flips` says.
fn recase(text: &str, flips: &[bool]) -> String {
    text.chars()
        .zip(flips.iter().chain(std::iter::repeat(&false)))
        .map(|(c, &flip)| if flip { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

/// A field name in a random case.
fn name_case(name: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), name.len()).prop_map(move |flips| recase(name, &flips))
}

/// Optional whitespace: what may stand around a field value.
fn ows() -> impl Strategy<Value = &'static str> {
    select(&["", "", " ", "  ", "\t", " \t"][..])
}

/// A field value with random OWS around it.
fn padded(value: String) -> impl Strategy<Value = Vec<u8>> {
    (ows(), ows()).prop_map(move |(before, after)| format!("{before}{value}{after}").into_bytes())
}

/// A field named `name` (random case) with `value` (random OWS).
fn field(name: &'static str, value: String) -> impl Strategy<Value = Field> {
    (name_case(name), padded(value)).prop_map(|(name, value)| Field { name: name.into_bytes(), value })
}

/// A comma-separated list of `tokens` in some order, split over one or two
/// fields named `name`, the elements joined by one of `commas`.
fn token_list(
    name: &'static str,
    tokens: Vec<String>,
    commas: &'static [&'static str],
) -> impl Strategy<Value = Vec<Field>> {
    let count = tokens.len();
    (Just(tokens).prop_shuffle(), 0..=count, select(commas)).prop_flat_map(move |(tokens, split, comma)| {
        let (first, second) = tokens.split_at(split);
        let parts: Vec<String> =
            [first, second].iter().filter(|part| !part.is_empty()).map(|part| part.join(comma)).collect();
        parts.into_iter().map(|value| field(name, value)).collect::<Vec<_>>()
    })
}

/// A host as `Host` carries it: a name or address, maybe with a port.
pub fn host() -> impl Strategy<Value = String> {
    let name = select(&["example.com", "localhost", "127.0.0.1", "[::1]", "a-b.example", "EXAMPLE.org"][..]);
    (name, prop::option::of(1u16..=65535)).prop_map(|(name, port)| match port {
        Some(port) => format!("{name}:{port}"),
        None => name.to_owned(),
    })
}

/// An origin-form target: a path of a few segments and maybe a query.
fn origin_form() -> impl Strategy<Value = String> {
    let segment = "[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,6}|%[0-9A-Fa-f]{2}";
    (prop::collection::vec(segment, 1..4), prop::option::of("[a-z0-9=&/?]{0,8}")).prop_map(|(segments, query)| {
        let path = format!("/{}", segments.join("/"));
        match query {
            Some(query) => format!("{path}?{query}"),
            None => path,
        }
    })
}

/// A target the contract accepts, and the path it names.
fn target(host: String) -> impl Strategy<Value = (String, String)> {
    let scheme = select(&["ws", "wss", "http", "https", "WS", "Https"][..]);
    prop_oneof![
        3 => origin_form().prop_map(|path| (path.clone(), path)),
        1 => (scheme, prop::option::of(origin_form())).prop_map(move |(scheme, path)| match path {
            Some(path) => (format!("{scheme}://{host}{path}"), path),
            None => (format!("{scheme}://{host}"), "/".to_owned()),
        }),
    ]
}

/// A field no rule looks at.
fn unrelated_field() -> impl Strategy<Value = Field> {
    let value = prop::collection::vec(prop_oneof![9 => 0x21u8..=0x7e, 1 => Just(b' '), 1 => 0x80u8..=0xff], 0..24);
    ("X-[A-Za-z0-9-]{0,24}|User-Agent|Accept-Language|Sec-WebSocket-Extensions|Pragma", value)
        .prop_map(|(name, value)| Field { name: name.into_bytes(), value })
}

/// A valid handshake, with what the server should report for it.
#[derive(Clone, Debug)]
pub struct Valid {
    /// The request, with the client's first frame bytes after it.
    pub request: Request,
    /// The path the target names.
    pub path: String,
    /// The subprotocol the server selects under [`config`].
    pub protocol: Option<&'static str>,
}

/// How `Upgrade` and `Connection` elements may be joined: empty elements
/// are allowed there (RFC 9110 section 5.6.1).
const LIST_COMMAS: &[&str] = &[",", ", ", " , ", ",,"];

/// A subprotocol a client may offer: often a known one, some of them
/// spoken, sometimes any token up to 80 bytes.
fn offer() -> impl Strategy<Value = String> {
    let known = select(&["chat", "superchat", "mqtt", "v1.json", "graphql-ws"][..]).prop_map(str::to_owned);
    prop_oneof![4 => known, 1 => "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,80}"]
}

fn owned(tokens: &[&str]) -> Vec<String> {
    tokens.iter().map(|&token| token.to_owned()).collect()
}

/// A valid handshake across the valid space: header order, name case, OWS,
/// unrelated fields, token lists over several fields, origin-form and
/// absolute-form targets, `Content-Length: 0`, subprotocol offers, a
/// same-host `Origin`, keys from random 16-byte values, leading empty lines
/// and bytes after the head.
pub fn valid() -> BoxedStrategy<Valid> {
    host().prop_flat_map(parts).prop_flat_map(arrange).boxed()
}

/// The pieces of a valid handshake before they are put in order.
#[derive(Clone, Debug)]
struct Parts {
    target: String,
    path: String,
    fields: Vec<Field>,
    offered: Option<Vec<String>>,
    after: Vec<u8>,
    leading_empty_lines: usize,
}

fn parts(host: String) -> impl Strategy<Value = Parts> {
    const UPGRADES: &[&[&str]] = &[&["websocket"], &["websocket", "h2c"], &["WebSocket"]];
    const CONNECTIONS: &[&[&str]] = &[&["Upgrade"], &["upgrade", "keep-alive"], &["UPGRADE", "close"]];
    let (upgrade, connection) = (select(UPGRADES), select(CONNECTIONS));
    let key = any::<[u8; 16]>().prop_map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes));
    let origin_host = host.to_ascii_uppercase();
    let origin = select(&["http", "https", "HTTP"][..])
        .prop_map(move |scheme| Field::new("Origin", &format!("{scheme}://{origin_host}")));
    let fields = (
        field("Host", host.clone()),
        upgrade.prop_flat_map(|tokens| token_list("Upgrade", owned(tokens), LIST_COMMAS)),
        connection.prop_flat_map(|tokens| token_list("Connection", owned(tokens), LIST_COMMAS)),
        key.prop_flat_map(|key| field("Sec-WebSocket-Key", key)),
        field("Sec-WebSocket-Version", "13".to_owned()),
        prop::option::of(origin),
        prop::option::of(field("Content-Length", "0".to_owned())),
        prop::collection::vec(unrelated_field(), 0..4),
    )
        .prop_map(|(host, upgrade, connection, key, version, origin, length, extra)| {
            let mut fields = vec![host, key, version];
            fields.extend(upgrade.into_iter().chain(connection).chain(origin).chain(length).chain(extra));
            fields
        });
    (
        target(host),
        fields,
        prop::option::of(prop::collection::vec(offer(), 1..4)),
        prop::collection::vec(any::<u8>(), 0..16),
        prop_oneof![9 => Just(0usize), 1 => 1usize..3],
    )
        .prop_map(|((target, path), fields, offered, after, leading_empty_lines)| Parts {
            target,
            path,
            fields,
            offered,
            after,
            leading_empty_lines,
        })
}

/// Shuffles the fields and puts the subprotocol offers among them, in their
/// own order.
fn arrange(parts: Parts) -> impl Strategy<Value = Valid> {
    let offers = match parts.offered.clone() {
        Some(offered) => token_list("Sec-WebSocket-Protocol", offered, &[",", ", ", " ,\t"]).boxed(),
        None => Just(Vec::new()).boxed(),
    };
    let count = parts.fields.len();
    (Just(parts.fields.clone()).prop_shuffle(), offers, 0..=count).prop_map(move |(mut fields, offers, at)| {
        fields.splice(at..at, offers);
        let mut request = Request::get(&parts.target, fields);
        request.after = parts.after.clone();
        request.leading_empty_lines = parts.leading_empty_lines;
        // The client's order is the order of the fields, then of the list.
        let offered = request.fields.iter().filter(|field| field.is("Sec-WebSocket-Protocol"));
        let mut tokens = offered.flat_map(|field| field.value.split(|&b| b == b','));
        let protocol = tokens.find_map(|token| SPOKEN.iter().copied().find(|p| p.as_bytes() == token.trim_ascii()));
        Valid { request, path: parts.path.clone(), protocol }
    })
}

/// A valid handshake broken by one mutation, with the rule it breaks.
pub fn broken() -> impl Strategy<Value = (Request, Mutation)> {
    (valid(), any_mutation()).prop_map(|(valid, mutation)| {
        let config = config();
        let mut request = valid.request;
        mutation.apply(&mut request, config.max_head_len, config.max_headers);
        (request, mutation)
    })
}

/// Any bytes, up to 600.
pub fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..600)
}

/// A valid handshake with a few bytes flipped, inserted or deleted.
pub fn mostly_http() -> impl Strategy<Value = Vec<u8>> {
    let edit = (any::<prop::sample::Index>(), 0u8..3, any::<u8>());
    (valid(), prop::collection::vec(edit, 1..4)).prop_map(|(valid, edits)| {
        let mut bytes = valid.request.render();
        for (at, kind, byte) in edits {
            let at = at.index(bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] ^= byte | 1,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => drop(bytes.remove(at)),
                _ => {}
            }
        }
        bytes
    })
}

/// A valid head cut short: every byte of it could still be continued into
/// a valid handshake (rules 14 and 15, or `NeedMore`).
pub fn truncated() -> impl Strategy<Value = Vec<u8>> {
    valid().prop_flat_map(|valid| {
        let head = valid.request.head();
        let len = head.len();
        (Just(head), 0..len).prop_map(|(head, cut)| head[..cut].to_vec())
    })
}

/// Every kind of input: valid, broken, cut short, mostly HTTP, arbitrary.
pub fn any_input() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        valid().prop_map(|valid| valid.request.render()),
        truncated(),
        broken().prop_map(|(request, _)| request.render()),
        mostly_http(),
        arbitrary_bytes(),
    ]
    .boxed()
}

/// How input may end: open, end of stream, or deadline.
pub fn end() -> impl Strategy<Value = End> {
    select(&[End::Open, End::Eof, End::Deadline][..])
}

/// Cut points for a byte string of `len` bytes: where reads end.
pub fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..12).prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts
    })
}
