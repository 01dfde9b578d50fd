//! An HTTP/1.x response as any server may send it (RFC 9112), read
//! leniently where RFC 9112 lets a recipient be lenient; and how its
//! message body is delimited (RFC 9112 section 6.3).

use crate::peer::{Level, Problem};
use crate::request;
use crate::text::{is_token, lists, lossy};

/// A response that parsed as HTTP/1.x.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The HTTP-version of its status line: `HTTP/1.0`, `HTTP/1.1`...
    pub version: String,
    /// The status code, 100 to 599.
    pub status: u16,
    /// The reason phrase, possibly empty (RFC 9112 section 4: a client
    /// should ignore it).
    pub reason: String,
    /// The field lines in order, names as sent, values without outer
    /// whitespace (obs-folds replaced by SP).
    pub fields: Vec<(String, String)>,
    /// How the message body is delimited.
    pub framing: Framing,
    /// The content: the message body, decoded when chunked; empty for
    /// [`Framing::NoBody`] (after a 101 the bytes are WebSocket frames).
    pub body: Vec<u8>,
}

/// How a response's message body is delimited (RFC 9112 section 6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` gives the body's length in bytes.
    ContentLength(usize),
    /// `Transfer-Encoding` ends in `chunked`.
    Chunked,
    /// Neither: the body runs to the end of the connection.
    CloseDelimited,
    /// No body: a response to `HEAD`, a 1xx, 204 or 304.
    NoBody,
}

impl Response {
    /// The value of the first field named `name`, ASCII case-insensitively.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Whether the fields named `name`, taken as one comma-separated list,
    /// hold `token` (ASCII case-insensitively).
    pub fn lists(&self, name: &str, token: &str) -> bool {
        self.fields.iter().any(|(n, value)| n.eq_ignore_ascii_case(name) && lists(value, token))
    }
}

/// Parses `bytes` as the response to `request`; `Err` says why they are not
/// an HTTP/1.x response. What the message may carry but a sender must not
/// send is pushed onto `problems`.
pub(crate) fn parse(request: &[u8], bytes: &[u8], problems: &mut Vec<Problem>) -> Result<Response, String> {
    let (lines, head_len) = head_lines(bytes, problems)?;
    let (status_line, field_lines) = lines.split_first().ok_or("empty head")?;
    let (version, status, reason) = status_line_parts(status_line)?;
    let fields = fields(field_lines, problems)?;
    let mut response = Response { version, status, reason, fields, framing: Framing::NoBody, body: Vec::new() };
    let rest = bytes.get(head_len..).unwrap_or_default();
    frame(&mut response, request::is_head(request), rest, problems)?;
    Ok(response)
}

/// The head's lines up to the empty line, and the head's length in bytes.
///
/// RFC 9112 section 2.2: "a recipient MAY recognize a single LF as a line
/// terminator and ignore any preceding CR"; a bare CR elsewhere "MUST be
/// considered invalid".
fn head_lines<'a>(bytes: &'a [u8], problems: &mut Vec<Problem>) -> Result<(Vec<&'a [u8]>, usize), String> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut bare_lf = false;
    loop {
        let rest = bytes.get(start..).unwrap_or_default();
        let Some(lf) = rest.iter().position(|&b| b == b'\n') else {
            return Err(format!(
                "incomplete head: no empty line in the {} bytes sent: {:?}",
                bytes.len(),
                lossy(bytes)
            ));
        };
        let line = rest.get(..lf).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or_else(|| {
            bare_lf = true;
            line
        });
        start += lf + 1;
        if line.contains(&b'\r') || line.contains(&0) {
            return Err(format!("bare CR or NUL in the head line {:?}", lossy(line)));
        }
        if line.is_empty() {
            if bare_lf {
                problems
                    .push(Problem::new(Level::Must, "a head line ends in a bare LF, not CRLF (RFC 9112 section 2.1)"));
            }
            return Ok((lines, start));
        }
        lines.push(line);
    }
}

/// RFC 9112 section 4: `status-line = HTTP-version SP status-code SP
/// [ reason-phrase ]`, and section 2.3: `HTTP-version = "HTTP/" DIGIT "."
/// DIGIT`; a message of major version 1 is HTTP/1.x, whatever its minor.
/// RFC 9110 section 15: a status code is 100 to 599.
fn status_line_parts(line: &[u8]) -> Result<(String, u16, String), String> {
    let bad = || format!("status line {:?} is not `HTTP/1.x SP 3DIGIT SP reason`", lossy(line));
    let (version, rest) = line.split_at_checked(8).ok_or_else(bad)?;
    let [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] = *version else { return Err(bad()) };
    let (code, reason) = rest.strip_prefix(b" ").and_then(|rest| rest.split_at_checked(3)).ok_or_else(bad)?;
    let status = std::str::from_utf8(code).ok().filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
    let status: u16 = status.and_then(|c| c.parse().ok()).filter(|s| (100..600).contains(s)).ok_or_else(bad)?;
    // Recipients MAY parse on whitespace boundaries (section 4): a missing
    // SP before an empty reason is taken as one.
    let reason = match reason {
        [] => &[][..],
        [b' ', reason @ ..] => reason,
        _ => return Err(bad()),
    };
    if !minor.is_ascii_digit() || reason.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    Ok((format!("HTTP/1.{}", char::from(minor)), status, lossy(reason)))
}

/// RFC 9112 section 5: `field-line = field-name ":" OWS field-value OWS`.
/// Section 5.2: a user agent that receives an obs-fold in a response "MUST
/// replace each received obs-fold with one or more SP octets"; a sender
/// MUST NOT generate one.
fn fields(lines: &[&[u8]], problems: &mut Vec<Problem>) -> Result<Vec<(String, String)>, String> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for &line in lines {
        if let [b' ' | b'\t', ..] = line {
            let (_, value) = fields.last_mut().ok_or_else(|| format!("head line {:?} folds nothing", lossy(line)))?;
            value.push(' ');
            value.push_str(lossy(line).trim_matches([' ', '\t']));
            problems.push(Problem::new(Level::Must, "a field line folded (obs-fold, RFC 9112 section 5.2)"));
            continue;
        }
        let colon = line.iter().position(|&b| b == b':');
        let colon = colon.ok_or_else(|| format!("field line {:?} has no colon", lossy(line)))?;
        let (name, value) = line.split_at(colon);
        let name = std::str::from_utf8(name).ok().filter(|name| is_token(name));
        let name = name
            .ok_or_else(|| format!("field name {:?} is not a token", lossy(line.get(..colon).unwrap_or_default())))?;
        let value = lossy(value.get(1..).unwrap_or_default());
        fields.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Ok(fields)
}

/// Finds the response's framing and body in `rest`, the bytes after its
/// head, by RFC 9112 section 6.3's order.
fn frame(response: &mut Response, to_head: bool, rest: &[u8], problems: &mut Vec<Problem>) -> Result<(), String> {
    let status = response.status;
    // 6.3 item 1: a response to HEAD, a 1xx, 204 or 304 ends with its head.
    if to_head || status < 200 || status == 204 || status == 304 {
        if to_head && !rest.is_empty() {
            // RFC 9110 section 9.3.2: "the server MUST NOT send content in
            // the response" to HEAD.
            let words = format!("{status} to HEAD followed by {} bytes of content: {:?}", rest.len(), lossy(rest));
            problems.push(Problem::new(Level::Must, format!("{words} (RFC 9110 section 9.3.2)")));
        } else if status != 101 && !rest.is_empty() {
            let words = format!("{} bytes after a {status}, which has no content", rest.len());
            problems.push(Problem::new(Level::Must, format!("{words} (RFC 9112 section 6.3)")));
        }
        return Ok(());
    }
    let length = content_length(response)?;
    // 6.3 items 3 and 4: chunked last among the transfer codings delimits
    // the body; another last coding leaves it to the end of the connection.
    let codings: Vec<&str> = response
        .fields
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Transfer-Encoding"))
        .flat_map(|(_, value)| value.split(','))
        .map(|coding| coding.trim_matches([' ', '\t']))
        .filter(|coding| !coding.is_empty())
        .collect();
    if let Some(last) = codings.last() {
        if length.is_some() {
            // RFC 9112 section 6.2: "A sender MUST NOT send a Content-Length
            // header field in any message that contains a Transfer-Encoding
            // header field."
            let words = "both Transfer-Encoding and Content-Length (RFC 9112 section 6.2)";
            problems.push(Problem::new(Level::Must, words));
        }
        if last.eq_ignore_ascii_case("chunked") {
            response.framing = Framing::Chunked;
            response.body = dechunk(rest, problems)?;
        } else {
            response.framing = Framing::CloseDelimited;
            response.body = rest.to_vec();
        }
        return Ok(());
    }
    // 6.3 item 6: Content-Length gives the length; short or long, the bytes
    // disagree with it.
    if let Some(length) = length {
        response.framing = Framing::ContentLength(length);
        response.body = rest.get(..length).unwrap_or(rest).to_vec();
        // RFC 9112 section 9.3: on a persistent connection the next
        // response follows this one at once, the answer to bytes the client
        // sent after its head (read as a further request).
        let next = rest.get(length..).unwrap_or_default();
        let pipelined = next.starts_with(b"HTTP/1.") && !response.lists("Connection", "close");
        if rest.len() != length && !pipelined {
            let words = format!("Content-Length {length}, but {} bytes followed the head", rest.len());
            problems.push(Problem::new(Level::Must, format!("{words} (RFC 9112 section 6.3)")));
        }
        return Ok(());
    }
    // 6.3 item 8: "Otherwise, this is a response message without a declared
    // message body length, so the message body length is determined by the
    // number of octets received prior to the server closing the connection."
    response.framing = Framing::CloseDelimited;
    response.body = rest.to_vec();
    Ok(())
}

/// The `Content-Length` the fields declare, if any. RFC 9112 section 6.3
/// item 5: a list of identical values may be taken as one; any other
/// invalid value is "an unrecoverable error".
fn content_length(response: &Response) -> Result<Option<usize>, String> {
    let mut length = None;
    let values = response.fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case("Content-Length"));
    for value in values.flat_map(|(_, value)| value.split(',')) {
        let value = value.trim_matches([' ', '\t']);
        let parsed = value.bytes().all(|b| b.is_ascii_digit()).then(|| value.parse::<usize>().ok()).flatten();
        match (parsed, length) {
            (Some(n), None) => length = Some(n),
            (Some(n), Some(seen)) if n == seen => {}
            _ => return Err(format!("invalid or conflicting Content-Length {value:?} (RFC 9112 section 6.3)")),
        }
    }
    Ok(length)
}

/// Decodes a chunked body (RFC 9112 section 7.1): chunks, a last chunk, a
/// trailer section and CRLF; chunk extensions are ignored. `Err` when the
/// bytes end before the message does or break the grammar.
fn dechunk(mut rest: &[u8], problems: &mut Vec<Problem>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line = take_line(&mut rest).ok_or("chunked body: no chunk-size line")?;
        let size = line.split(|&b| b == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size).ok().map(|s| s.trim_matches([' ', '\t']));
        let size = size.filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()));
        let size = size.and_then(|s| usize::from_str_radix(s, 16).ok());
        let size = size.ok_or_else(|| format!("chunked body: chunk-size line {:?}", lossy(line)))?;
        if size == 0 {
            break;
        }
        let chunk = rest.get(..size).ok_or_else(|| format!("chunked body: a chunk of {size} bytes is cut short"))?;
        body.extend_from_slice(chunk);
        rest =
            rest.get(size..).unwrap_or_default().strip_prefix(b"\r\n").ok_or("chunked body: no CRLF after a chunk")?;
    }
    while !take_line(&mut rest).ok_or("chunked body: the trailer section does not end")?.is_empty() {}
    if !rest.is_empty() {
        let words = format!("{} bytes after the end of the chunked body (RFC 9112 section 7.1)", rest.len());
        problems.push(Problem::new(Level::Must, words));
    }
    Ok(body)
}

/// The next CRLF-ended line of `rest`, without its CRLF; `rest` moves past it.
fn take_line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let end = rest.windows(2).position(|w| w == b"\r\n")?;
    let line = rest.get(..end)?;
    *rest = rest.get(end + 2..)?;
    Some(line)
}
