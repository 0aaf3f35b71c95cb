//! The one error type of the client. Every message is one sentence that says what
//! failed and what to do; none carries a token, a sign or an operator id: every text
//! field goes through the process-wide secret registry when displayed (a sign issued
//! after the error was made is still caught), and `Debug` prints the same text.

use std::borrow::Cow;

use crate::logurl::LogUrlError;
use crate::secret::redact;

/// Everything that can go wrong talking to Testany or fetching a log.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `target` names what we talked to, e.g. "the Testany service at URL".
    #[error(
        "could not connect to {} ({}); check the address in the `url` setting and that the service is reachable",
        redact(target),
        redact(detail)
    )]
    Connect { target: String, detail: String },

    /// `kind` says which limit fired and `limit_ms` how long it is; `attempts` counts
    /// the tries that each ended this way (retries included), so the message adds up to
    /// the time the caller waited.
    #[error(
        "{} {}; try again, or raise the timeout if the service is slow",
        redact(target),
        timeout_text(*kind, *limit_ms, *attempts)
    )]
    Timeout {
        target: String,
        limit_ms: u64,
        kind: TimeoutKind,
        attempts: u32,
    },

    #[error(
        "the log download stopped after {bytes} bytes because the connection was cut; open the log again"
    )]
    LogInterrupted { bytes: u64 },

    #[error(
        "the Testany service refused the credentials (HTTP {status}); set a valid token in TESTANY_TOKEN (or the editor's secret storage)"
    )]
    Unauthorized { status: u16 },

    #[error(
        "the Testany service answered HTTP {status}{}; {}",
        if message.is_empty() { String::new() } else { format!(" ({})", redact(message)) },
        http_hint(*status)
    )]
    Http { status: u16, message: String },

    #[error(
        "the Testany service sent a response that could not be read ({}); the service may be faulty or speak another protocol version",
        redact(detail)
    )]
    Malformed { detail: String },

    #[error(
        "the Testany response stream ended before the answer arrived; try again (the service or a proxy cut the connection)"
    )]
    Truncated,

    #[error(
        "the Testany service ended each new MCP session before it could serve a call; try again, and ask its administrator about the session lifetime if this persists"
    )]
    SessionExpired,

    #[error("the Testany service returned error {code}: {}", redact(message))]
    Rpc { code: i64, message: String },

    #[error("the Testany tool {} failed: {}", redact(tool), redact(message))]
    Tool { tool: String, message: String },

    #[error(
        "the log URL was refused ({}); the log was not fetched: check `log_domain` in testany.toml",
        redact_display(.0)
    )]
    LogUrl(#[from] LogUrlError),

    #[error(
        "the log proxy answered HTTP {status}{hint}",
        hint = log_hint(*status)
    )]
    LogHttp { status: u16 },

    #[error("the log sign reply has no {field}; the service's log_sign answer is not understood")]
    SignReply { field: &'static str },

    #[error(
        "could not write the log to {} ({}); check that the cache directory is writable",
        redact(path),
        redact(detail)
    )]
    Io { path: String, detail: String },

    #[error("the argument {what} is invalid: {}", redact(detail))]
    InvalidArgument { what: &'static str, detail: String },
}

/// Which limit an [`Error::Timeout`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// No answer (response head) within the request's own limit.
    Answer,
    /// The answer's body did not end within the request's own limit.
    Body,
    /// Nothing arrived for the transport's read timeout (well before the request's own
    /// limit): a stalled peer.
    Idle,
}

/// "did not answer within 30 s", "sent nothing for 30 s on each of 4 attempts".
fn timeout_text(kind: TimeoutKind, limit_ms: u64, attempts: u32) -> String {
    let limit = limit_text(limit_ms);
    let what = match kind {
        TimeoutKind::Answer => format!("did not answer within {limit}"),
        TimeoutKind::Body => format!("did not finish sending within {limit}"),
        TimeoutKind::Idle => format!("sent nothing for {limit}"),
    };
    if attempts > 1 {
        format!("{what} on each of {attempts} attempts")
    } else {
        what
    }
}

/// `Debug` prints the redacted message: the derived form would print the raw fields.
impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Error").field(&self.to_string()).finish()
    }
}

/// `value`'s text with every remembered secret redacted.
fn redact_display(value: &impl std::fmt::Display) -> String {
    let text = value.to_string();
    match redact(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(redacted) => redacted,
    }
}

/// `250 ms`, `30 s`, `1.5 s`.
pub(crate) fn limit_text(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        // Tenths by integer rounding: float formatting would add ~6 KB to the wasm.
        let tenths = ms.saturating_add(50) / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

fn http_hint(status: u16) -> &'static str {
    match status {
        404 | 405 => "check that the `url` setting points at the MCP endpoint (…/api/v2/mcp/)",
        429 | 500..=599 => "try again later",
        300..=399 => "point the `url` setting at the final address",
        _ => "the client and the service disagree; update testany or report this",
    }
}

fn log_hint(status: u16) -> &'static str {
    match status {
        300..=399 => {
            "; a redirect was refused (logs are only read from the signed host): report this to your Testany administrator"
        }
        401 | 403 => {
            "; the sign has expired or was rejected: open the log again to get a fresh one"
        }
        404 => "; the log does not exist (yet): wait for the case to finish and try again",
        _ => "; try again later",
    }
}

impl Error {
    /// The error of the last of `attempts` tries: a timeout says how many there were.
    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        if let Error::Timeout { attempts: n, .. } = &mut self {
            *n = attempts.max(1);
        }
        self
    }

    /// Whether an idempotent request that failed this way may be sent again.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Error::Connect { .. } | Error::Timeout { .. } | Error::Truncated => true,
            Error::Http { status, .. } => *status == 429 || (500..=599).contains(status),
            _ => false,
        }
    }
}

/// Crate-wide result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_sentence_with_advice() {
        let table = [
            (
                Error::Timeout {
                    target: "the log proxy".into(),
                    limit_ms: 250,
                    kind: TimeoutKind::Answer,
                    attempts: 1,
                },
                "the log proxy did not answer within 250 ms; try again, or raise the timeout if the service is slow",
            ),
            (
                Error::Timeout {
                    target: "X".into(),
                    limit_ms: 1500,
                    kind: TimeoutKind::Answer,
                    attempts: 1,
                },
                "X did not answer within 1.5 s; try again, or raise the timeout if the service is slow",
            ),
            // Issue 17: four stalls of 30 s were reported as one 300 s limit.
            (
                Error::Timeout {
                    target: "the log proxy".into(),
                    limit_ms: 30_000,
                    kind: TimeoutKind::Idle,
                    attempts: 4,
                },
                "the log proxy sent nothing for 30 s on each of 4 attempts; try again, or raise the timeout if the service is slow",
            ),
            (
                Error::Timeout {
                    target: "the log proxy".into(),
                    limit_ms: 300_000,
                    kind: TimeoutKind::Body,
                    attempts: 1,
                },
                "the log proxy did not finish sending within 300 s; try again, or raise the timeout if the service is slow",
            ),
            (
                Error::Http {
                    status: 503,
                    message: String::new(),
                },
                "the Testany service answered HTTP 503; try again later",
            ),
            (
                Error::LogHttp { status: 404 },
                "the log proxy answered HTTP 404; the log does not exist (yet): wait for the case to finish and try again",
            ),
            (
                Error::Unauthorized { status: 401 },
                "the Testany service refused the credentials (HTTP 401); set a valid token in TESTANY_TOKEN (or the editor's secret storage)",
            ),
            (
                Error::LogInterrupted { bytes: 10 },
                "the log download stopped after 10 bytes because the connection was cut; open the log again",
            ),
        ];
        for (error, message) in table {
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn limits_round_to_tenths() {
        let table = [
            (0, "0 ms"),
            (999, "999 ms"),
            (1000, "1 s"),
            (1040, "1.0 s"),
            (1050, "1.1 s"),
            (1960, "2.0 s"),
            (30_000, "30 s"),
            (90_250, "90.3 s"),
            (u64::MAX, "18446744073709551.6 s"),
        ];
        for (ms, text) in table {
            assert_eq!(limit_text(ms), text, "{ms}");
        }
    }
}
