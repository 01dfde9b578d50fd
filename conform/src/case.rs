//! The named cases, as `corpus/manifest.json` describes them, with their
//! bytes; both are embedded when the crate is built.

use std::borrow::Cow;

use serde_json::Value;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
}

/// What the client does once the case's bytes are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// Keeps its side open and reads the answer.
    KeepOpen,
    /// Shuts down its write side (end of stream) and reads the answer.
    HalfClose,
    /// Sends nothing more: the answer comes at the server's deadline.
    Stall,
}

/// A status a server may answer instead of the expected one and still be
/// sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Exactly this status.
    Status(u16),
    /// Any status of this class: 4 for `4xx`, 5 for `5xx`.
    Class(u16),
}

impl Allowed {
    /// Whether `status` is allowed.
    pub fn allows(&self, status: u16) -> bool {
        match self {
            Allowed::Status(allowed) => *allowed == status,
            Allowed::Class(class) => status / 100 == *class,
        }
    }
}

/// One named case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its file name in `corpus/cases/` (or a candidate's, from `--fuzz`).
    pub file: Cow<'static, str>,
    /// The bytes the client sends.
    pub bytes: Cow<'static, [u8]>,
    /// What the client does after them.
    pub client: Client,
    /// The contract rule that decides it; `None` for a valid handshake.
    pub rule: Option<String>,
    /// How firmly the RFCs ask for the refusal: `MUST`, `SHOULD`, `choice`.
    pub level: Option<String>,
    /// The status the contract gives.
    pub expected: u16,
    /// Other answers a server may give and still be sound, each with its
    /// reason.
    pub also_sound: Vec<(Allowed, String)>,
    /// What the case checks, in words.
    pub about: String,
}

impl Case {
    /// Where the case's rule stands in the contract's table, for sorting
    /// and grouping: valid handshakes `(0, "")` first, then the rules by
    /// number (`12` before `12b`).
    pub fn rule_order(&self) -> (u16, &str) {
        let rule = self.rule.as_deref().unwrap_or_default();
        (rule.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().unwrap_or(0), rule)
    }
}

/// Every case of the embedded manifest, in its order. `Err` when the
/// manifest and the embedded files disagree (a build from a broken corpus).
pub fn all() -> Result<Vec<Case>, String> {
    let manifest: Value = serde_json::from_str(embedded::MANIFEST).map_err(|e| format!("manifest.json: {e}"))?;
    let entries = manifest["cases"].as_array().ok_or("manifest.json: no cases")?;
    entries.iter().map(case).collect()
}

fn case(entry: &Value) -> Result<Case, String> {
    let file = entry["file"].as_str().ok_or("a case without a file")?;
    let (file, bytes) = embedded::CASES
        .iter()
        .find(|(name, _)| *name == file)
        .copied()
        .ok_or(format!("{file}: in the manifest, not among the cases"))?;
    Case::from_entry(entry, file.into(), bytes.into())
}

impl Case {
    /// The case a manifest entry describes, named `file`, whose client
    /// sends `bytes`.
    pub fn from_entry(entry: &Value, file: Cow<'static, str>, bytes: Cow<'static, [u8]>) -> Result<Case, String> {
        let text = |value: &Value| value.as_str().map(str::to_owned);
        let client = match entry["client"].as_str() {
            Some("keep-open") => Client::KeepOpen,
            Some("half-close") => Client::HalfClose,
            Some("stall") => Client::Stall,
            other => return Err(format!("{file}: client {other:?}")),
        };
        let expected = entry["expect"]["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .ok_or(format!("{file}: no status"))?;
        let also_sound = entry["also_sound"]
            .as_array()
            .map(|list| {
                list.iter().filter_map(|other| Some((allowed(&other["status"])?, text(&other["why"])?))).collect()
            })
            .unwrap_or_default();
        Ok(Case {
            file,
            bytes,
            client,
            rule: text(&entry["rule"]),
            level: text(&entry["level"]),
            expected,
            also_sound,
            about: text(&entry["about"]).unwrap_or_default(),
        })
    }
}

/// `101`, or `"4xx"`.
fn allowed(status: &Value) -> Option<Allowed> {
    match status {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()).map(Allowed::Status),
        Value::String(s) => s.strip_suffix("xx").and_then(|class| class.parse().ok()).map(Allowed::Class),
        _ => None,
    }
}
