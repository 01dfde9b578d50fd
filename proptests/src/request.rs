//! A request head as data: what the strategies generate and the mutations
//! break, rendered to bytes exactly as written (no normalisation, so a
//! mutation can put any byte anywhere).

/// One field line: `name ":" value CRLF`, both as raw bytes. The value
/// carries its own optional whitespace.
#[derive(Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name, as sent (any case, any bytes).
    pub name: Vec<u8>,
    /// Everything between the colon and the CRLF.
    pub value: Vec<u8>,
}

impl Field {
    /// A field from text.
    pub fn new(name: &str, value: &str) -> Self {
        Field { name: name.into(), value: value.into() }
    }

    /// Whether the name is `name`, ASCII case-insensitively.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// A request head and the bytes the client sends after it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// Empty lines (CRLF) before the request line.
    pub leading_empty_lines: usize,
    /// The method token.
    pub method: Vec<u8>,
    /// The request-target.
    pub target: Vec<u8>,
    /// The HTTP-version token.
    pub version: Vec<u8>,
    /// The field lines, in order.
    pub fields: Vec<Field>,
    /// The bytes after the head: the client's first frames.
    pub after: Vec<u8>,
}

impl Request {
    /// A `GET` of `target` over HTTP/1.1 with these fields and nothing after.
    pub fn get(target: &str, fields: Vec<Field>) -> Self {
        Request {
            leading_empty_lines: 0,
            method: b"GET".to_vec(),
            target: target.into(),
            version: b"HTTP/1.1".to_vec(),
            fields,
            after: Vec::new(),
        }
    }

    /// The head's bytes, up to and including the blank line.
    pub fn head(&self) -> Vec<u8> {
        let mut out = b"\r\n".repeat(self.leading_empty_lines);
        for (i, part) in [&self.method, &self.target, &self.version].into_iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(part);
        }
        out.extend_from_slice(b"\r\n");
        for field in &self.fields {
            out.extend_from_slice(&field.name);
            out.push(b':');
            out.extend_from_slice(&field.value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    /// Everything the client sends: the head, then [`Request::after`].
    pub fn render(&self) -> Vec<u8> {
        let mut out = self.head();
        out.extend_from_slice(&self.after);
        out
    }

    /// Removes every field named `name`.
    pub fn remove(&mut self, name: &str) {
        self.fields.retain(|field| !field.is(name));
    }

    /// Replaces every field named `name` by one field per value, at the
    /// place of the first one (or at the end).
    pub fn set(&mut self, name: &str, values: &[&str]) {
        let at = self.fields.iter().position(|field| field.is(name)).unwrap_or(self.fields.len());
        self.remove(name);
        let at = at.min(self.fields.len());
        let new = values.iter().map(|value| Field::new(name, value));
        self.fields.splice(at..at, new);
    }

    /// The trimmed value of the first field named `name`.
    pub fn value(&self, name: &str) -> Option<&[u8]> {
        let field = self.fields.iter().find(|field| field.is(name))?;
        Some(field.value.trim_ascii())
    }
}

/// Shows the line as text, so that a shrunk failure reads like a request.
impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&[&self.name[..], b":", &self.value].concat()))
    }
}

/// Shows the request as the text it renders to.
impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.render()))
    }
}
