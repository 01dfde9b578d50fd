//! What the field lines say, collected as each line ends: the fields rules 6
//! to 13 look at, and the subprotocol to select. Every other field is
//! passed over.

use crate::abnf::{eq_lowercase, is_token, list_contains, list_elements};
use crate::parser::Span;

/// A field that must appear at most once: how often it did, and where its
/// first value is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Single {
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
    pub(crate) fn once(self) -> Option<Span> {
        match self {
            Single::Once(value) => Some(value),
            _ => None,
        }
    }
}

/// The fields of a head, as far as the rules care.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) host: Single,
    pub(crate) transfer_encoding: bool,
    pub(crate) content_length: Single,
    pub(crate) upgrade_websocket: bool,
    pub(crate) connection_upgrade: bool,
    pub(crate) key: Single,
    pub(crate) version: Single,
    pub(crate) origin: Single,
    pub(crate) protocol_malformed: bool,
    /// The index in the server's list of the first offered subprotocol the
    /// server speaks (contract section 3.2).
    pub(crate) protocol: Option<usize>,
}

impl Fields {
    /// Takes in one field line: its name and its value, OWS trimmed, which
    /// lies at `span` of the head. `spoken` is the server's subprotocols.
    pub(crate) fn see(&mut self, name: &[u8], value: &[u8], span: Span, spoken: &[&str]) {
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
