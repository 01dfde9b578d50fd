//! A server's declared choices (`--profile FILE`), so that a documented
//! limit or origin policy is not counted against it.
//!
//! ```json
//! { "origin": "any", "max_head_len": 65536, "max_headers": 100, "handshake_timeout_secs": 30 }
//! ```
//!
//! Every key is optional; a missing one is the contract's default (origin
//! `same-host`, 8192 bytes, 64 fields, 10 s).

use serde_json::Value;

use crate::case::Case;

/// The choices a profile declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The server accepts any `Origin`: the origin cases (rule 12b) expect
    /// 101.
    pub any_origin: bool,
    /// The server's head limit in bytes.
    pub max_head_len: usize,
    /// The server's limit on the number of fields.
    pub max_headers: usize,
    /// The server's head deadline, in seconds.
    pub handshake_timeout_secs: u64,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { any_origin: false, max_head_len: 8192, max_headers: 64, handshake_timeout_secs: 10 }
    }
}

impl Profile {
    /// Reads a profile from its JSON text.
    pub fn parse(text: &str) -> Result<Profile, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("profile: {e}"))?;
        let object = value.as_object().ok_or("profile: not a JSON object")?;
        let mut profile = Profile::default();
        for (key, value) in object {
            let number = || value.as_u64().ok_or(format!("profile: {key} is not a whole number"));
            match key.as_str() {
                "origin" => match value.as_str() {
                    Some("any") => profile.any_origin = true,
                    Some("same-host") => profile.any_origin = false,
                    _ => return Err(format!("profile: origin is \"any\" or \"same-host\", not {value}")),
                },
                "max_head_len" => profile.max_head_len = usize::try_from(number()?).map_err(|e| e.to_string())?,
                "max_headers" => profile.max_headers = usize::try_from(number()?).map_err(|e| e.to_string())?,
                "handshake_timeout_secs" => profile.handshake_timeout_secs = number()?,
                other => return Err(format!("profile: unknown key {other}")),
            }
        }
        Ok(profile)
    }

    /// The status `case` expects from a server with this profile: 101 for an
    /// origin case when any origin is allowed, and for a size case whose
    /// head fits the server's own limits; else the manifest's.
    pub fn expected(&self, case: &Case) -> u16 {
        match case.rule.as_deref() {
            Some("12b") if self.any_origin => 101,
            Some("2") if self.fits(&case.bytes) => 101,
            _ => case.expected,
        }
    }

    /// Whether `bytes` hold a complete head within this profile's limits.
    fn fits(&self, bytes: &[u8]) -> bool {
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
        let fields = bytes[..end].windows(2).filter(|w| w == b"\r\n").count();
        end + 4 <= self.max_head_len && fields <= self.max_headers
    }
}

#[cfg(test)]
mod tests {
    use super::Profile;
    use crate::case;

    #[test]
    fn a_profile_moves_origin_and_size_cases_to_101_and_nothing_else() {
        let cases = case::all().expect("the embedded corpus");
        let profile =
            Profile::parse(r#"{"origin": "any", "max_head_len": 65536, "max_headers": 2000}"#).expect("valid");
        let moved: Vec<&str> =
            cases.iter().filter(|case| profile.expected(case) != case.expected).map(|case| &*case.file).collect();
        assert!(moved.contains(&"403-foreign-origin.http"), "{moved:?}");
        assert!(moved.contains(&"431-65-fields.http"), "{moved:?}");
        // 2 MiB of header is past even this limit; a non-size case never moves.
        assert!(!moved.contains(&"431-header-flood-2-mib.http"), "{moved:?}");
        assert!(moved.iter().all(|file| file.starts_with("403-") || file.starts_with("431-")), "{moved:?}");
        let default = Profile::default();
        assert!(cases.iter().all(|case| default.expected(case) == case.expected));
    }

    #[test]
    fn unknown_keys_and_values_are_errors() {
        assert!(Profile::parse(r#"{"origin": "some"}"#).is_err());
        assert!(Profile::parse(r#"{"max_head_lenght": 1}"#).is_err());
        assert!(Profile::parse("[]").is_err());
    }
}
