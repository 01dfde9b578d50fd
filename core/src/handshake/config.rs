//! What the server chooses (contract sections 2 and 3): the head's limits,
//! the origin policy and the subprotocols it speaks. The drivers' timers are
//! the delivery policy's ([`crate::delivery::Limits`]).

use core::ops::Deref;

use super::abnf;

/// The longest subprotocol name a [`Config`] may list.
///
/// It bounds the 101 response, so that [`crate::MAX_RESPONSE_LEN`] is a
/// constant a caller can size a fixed buffer with.
pub const MAX_PROTOCOL_LEN: usize = 64;

/// Which `Origin` values a handshake may carry (contract section 3.1).
///
/// A request without `Origin` (a non-browser client) is allowed under every
/// policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginPolicy<'a> {
    /// The origin's host and port must equal the `Host` field's, ASCII
    /// case-insensitively; `null` and unparsable origins are refused.
    SameHost,
    /// Every origin is allowed.
    Any,
    /// Only these origins are allowed, compared ASCII case-insensitively with
    /// the whole `Origin` value (for example `https://example.com`).
    AllowList(&'a [&'a str]),
}

/// The longest request head by default (rule 2): 8 KiB, about what Apache
/// httpd allows one field line (`LimitRequestFieldSize` 8190) and nginx
/// buffers for one (`large_client_header_buffers 4 8k`). A browser's
/// handshake is under 1 KiB, a few KiB with cookies.
pub const DEFAULT_MAX_HEAD_LEN: usize = 8192;

/// The most header fields by default (rule 2): a browser's handshake has
/// about 15; Apache httpd allows 100 (`LimitRequestFields`).
pub const DEFAULT_MAX_HEADERS: usize = 64;

/// The server's choices for a handshake. [`Config::default`] gives the
/// contract's defaults; [`Config::validate`] turns it into the
/// [`ValidConfig`] a [`crate::Handshake`] takes, once, so that nothing about
/// the configuration can fail per connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config<'a> {
    /// The longest request head, counted from its first byte to the end of
    /// the blank line (rule 2). Default [`DEFAULT_MAX_HEAD_LEN`].
    pub max_head_len: usize,
    /// The most header fields a head may have (rule 2). Default
    /// [`DEFAULT_MAX_HEADERS`].
    pub max_headers: usize,
    /// Which origins are allowed (rule 12b). Default [`OriginPolicy::SameHost`].
    pub origin: OriginPolicy<'a>,
    /// The subprotocols the server speaks. The first protocol the client
    /// offers that is in this list is selected, so the client's order decides
    /// (contract section 3.2). Each must be a token of at most
    /// [`MAX_PROTOCOL_LEN`] bytes. Default none.
    pub protocols: &'a [&'a str],
}

impl Default for Config<'_> {
    fn default() -> Self {
        Config {
            max_head_len: DEFAULT_MAX_HEAD_LEN,
            max_headers: DEFAULT_MAX_HEADERS,
            origin: OriginPolicy::SameHost,
            protocols: &[],
        }
    }
}

/// A [`Config`] that passed [`Config::validate`]: the only kind a
/// [`crate::Handshake`] runs under. It reads as the `Config` it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidConfig<'a>(Config<'a>);

impl Default for ValidConfig<'_> {
    /// The contract's defaults, which are valid.
    fn default() -> Self {
        ValidConfig(Config::default())
    }
}

impl<'a> Deref for ValidConfig<'a> {
    type Target = Config<'a>;

    fn deref(&self) -> &Config<'a> {
        &self.0
    }
}

/// Why a [`Config`] cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `max_head_len` is 0: no request head fits, and a handshake would
    /// have no room to read into.
    NoRoomForHead,
    /// An entry of `protocols` is not a token (RFC 9110 section 5.6.2), so no
    /// client could offer it.
    ProtocolNotToken,
    /// An entry of `protocols` is longer than [`MAX_PROTOCOL_LEN`].
    ProtocolTooLong,
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ConfigError::NoRoomForHead => "max_head_len is 0: no request head fits",
            ConfigError::ProtocolNotToken => "a configured subprotocol is not a token",
            ConfigError::ProtocolTooLong => "a configured subprotocol is longer than MAX_PROTOCOL_LEN",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConfigError {}

impl<'a> Config<'a> {
    /// Checks the bounds that the rest of the crate relies on.
    pub fn validate(self) -> Result<ValidConfig<'a>, ConfigError> {
        if self.max_head_len == 0 {
            return Err(ConfigError::NoRoomForHead);
        }
        for protocol in self.protocols {
            if !abnf::is_token(protocol.as_bytes()) {
                return Err(ConfigError::ProtocolNotToken);
            }
            if protocol.len() > MAX_PROTOCOL_LEN {
                return Err(ConfigError::ProtocolTooLong);
            }
        }
        Ok(ValidConfig(self))
    }
}
