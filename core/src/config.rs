//! What the server chooses (contract sections 2 and 3): limits, the origin
//! policy, the subprotocols it speaks and the driver's timers.

use core::time::Duration;

use crate::abnf;

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

/// The server's choices for a handshake. [`Config::default`] gives the
/// contract's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config<'a> {
    /// The longest request head, counted from its first byte to the end of
    /// the blank line (rule 2). Default 8192.
    pub max_head_len: usize,
    /// The most header fields a head may have (rule 2). Default 64.
    pub max_headers: usize,
    /// Which origins are allowed (rule 12b). Default [`OriginPolicy::SameHost`].
    pub origin: OriginPolicy<'a>,
    /// The subprotocols the server speaks. The first protocol the client
    /// offers that is in this list is selected, so the client's order decides
    /// (contract section 3.2). Each must be a token of at most
    /// [`MAX_PROTOCOL_LEN`] bytes. Default none.
    pub protocols: &'a [&'a str],
    /// How long the whole head may take to arrive (rule 15). Default 10 s.
    /// Used by the driver only.
    pub handshake_timeout: Duration,
    /// How long a rejecting driver reads and discards before it closes
    /// (contract section 5). Default 2 s.
    pub linger_time: Duration,
    /// How many bytes a rejecting driver reads and discards at most before it
    /// closes (contract section 5). Default 4 MiB.
    pub linger_bytes: u64,
}

impl Default for Config<'_> {
    fn default() -> Self {
        Config {
            max_head_len: 8192,
            max_headers: 64,
            origin: OriginPolicy::SameHost,
            protocols: &[],
            handshake_timeout: Duration::from_secs(10),
            linger_time: Duration::from_secs(2),
            linger_bytes: 4 << 20,
        }
    }
}

/// Why a [`Config`] cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// An entry of `protocols` is not a token (RFC 9110 section 5.6.2), so no
    /// client could offer it.
    ProtocolNotToken,
    /// An entry of `protocols` is longer than [`MAX_PROTOCOL_LEN`].
    ProtocolTooLong,
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ConfigError::ProtocolNotToken => "a configured subprotocol is not a token",
            ConfigError::ProtocolTooLong => "a configured subprotocol is longer than MAX_PROTOCOL_LEN",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConfigError {}

impl Config<'_> {
    /// Checks the bounds that the rest of the crate relies on.
    /// [`crate::Handshake::new`] calls it, so an invalid config never runs.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for protocol in self.protocols {
            if !abnf::is_token(protocol.as_bytes()) {
                return Err(ConfigError::ProtocolNotToken);
            }
            if protocol.len() > MAX_PROTOCOL_LEN {
                return Err(ConfigError::ProtocolTooLong);
            }
        }
        Ok(())
    }
}
