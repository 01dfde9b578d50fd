//! The oracle: judges a server's response to a request, without calling the
//! core.

/// What a well-formed response said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A correct `101 Switching Protocols`, selecting this subprotocol.
    Switched {
        /// The `Sec-WebSocket-Protocol` the server selected, if any.
        protocol: Option<String>,
    },
    /// A well-formed error response with this status.
    Refused {
        /// The status code.
        status: u16,
    },
}

/// Judges `response`, the complete bytes a server sent (up to its
/// end-of-stream) for `request`: `Err` says what is wrong with it.
pub fn judge(request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    let _ = (request, response);
    todo!()
}

/// The status the contract's table gives to a rule number.
pub fn contract_status(rule: &str) -> Option<u16> {
    let _ = rule;
    todo!()
}
