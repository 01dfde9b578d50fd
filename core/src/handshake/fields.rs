//! What the field lines say, collected as each line ends: the fields rules 6
//! to 13 look at, and the subprotocol to select. Every other field is
//! passed over.

use super::abnf::{eq_lowercase, is_token, list_contains, list_elements};
use super::parser::Span;

/// A field that must appear at most once: how often it did, and where its
/// first value is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::handshake) enum Single {
    #[default]
    Absent,
    Once(Span),
    Repeated,
}

impl Single {
    fn see(&mut self, value: Span) {
        *self = match self {
            Single::Absent => Single::Once(value),
            _ => Single::Repeated,
        };
    }

    /// Where the value is, when the field appeared exactly once.
    pub(in crate::handshake) fn once(self) -> Option<Span> {
        match self {
            Single::Once(value) => Some(value),
            _ => None,
        }
    }
}

/// The fields of a head, as far as the rules care.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::handshake) struct Seen {
    pub(in crate::handshake) host: Single,
    pub(in crate::handshake) transfer_encoding: bool,
    pub(in crate::handshake) content_length: Single,
    pub(in crate::handshake) upgrade_websocket: bool,
    pub(in crate::handshake) connection_upgrade: bool,
    pub(in crate::handshake) key: Single,
    pub(in crate::handshake) version: Single,
    pub(in crate::handshake) origin: Single,
    pub(in crate::handshake) protocol_malformed: bool,
    /// The index in the server's list of the first offered subprotocol the
    /// server speaks (contract section 3.2).
    pub(in crate::handshake) protocol: Option<usize>,
}

impl Seen {
    /// Takes in one field line: its name and its value, OWS trimmed, which
    /// lies at `span` of the head. `spoken` is the server's subprotocols.
    pub(in crate::handshake) fn see(&mut self, name: &[u8], value: &[u8], span: Span, spoken: &[&str]) {
        // Sorted by name length, which makes most fields a single compare.
        match name.len() {
            4 if eq_lowercase(name, b"host") => self.host.see(span),
            6 if eq_lowercase(name, b"origin") => self.origin.see(span),
            7 if eq_lowercase(name, b"upgrade") => self.upgrade_websocket |= list_contains(value, b"websocket"),
            10 if eq_lowercase(name, b"connection") => self.connection_upgrade |= list_contains(value, b"upgrade"),
            14 if eq_lowercase(name, b"content-length") => self.content_length.see(span),
            17 if eq_lowercase(name, b"transfer-encoding") => self.transfer_encoding = true,
            17 if eq_lowercase(name, b"sec-websocket-key") => self.key.see(span),
            21 if eq_lowercase(name, b"sec-websocket-version") => self.version.see(span),
            22 if eq_lowercase(name, b"sec-websocket-protocol") => self.offer_protocols(value, spoken),
            _ => {}
        }
    }

    /// > Sec-WebSocket-Protocol = 1#token                 ; RFC 6455 4.3
    ///
    /// Several fields combine into one list; an empty element is malformed.
    fn offer_protocols(&mut self, value: &[u8], spoken: &[&str]) {
        for offered in list_elements(value) {
            if !is_token(offered) {
                self.protocol_malformed = true;
            } else if self.protocol.is_none() {
                self.protocol = spoken.iter().position(|p| p.as_bytes() == offered);
            }
        }
    }
}
