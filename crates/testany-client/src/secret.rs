//! Secrets (token, log sign, operator id) in a newtype so that no `Debug`, `Display`
//! or tracing field can print them by accident (design.md section 9).

use std::fmt;

/// A secret string; `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Replaces every occurrence of each (non-trivial) secret in `text` with `[redacted]`.
///
/// Service messages are echoed into our errors; a service that quotes the request back
/// must not leak the token or sign through them.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        // Very short values would redact ordinary words; real tokens are long.
        if secret.0.len() >= 4 && out.contains(secret.0.as_str()) {
            out = out.replace(secret.0.as_str(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("tok-123456");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "tok-123456");
    }

    #[test]
    fn scrub_replaces_all_occurrences() {
        let t = Secret::new("tok-123456");
        let g = Secret::new("eyJsign");
        assert_eq!(
            scrub("bad tok-123456 and eyJsign, tok-123456", &[&t, &g]),
            "bad [redacted] and [redacted], [redacted]"
        );
        assert_eq!(scrub("a b", &[&Secret::new("a")]), "a b");
    }
}
