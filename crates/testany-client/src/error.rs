//! The one error type of the client. Every message is one sentence that says what
//! failed and what to do; none carries a token, a sign or an operator id.

use crate::logurl::LogUrlError;

/// Everything that can go wrong talking to Testany or fetching a log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `target` names what we talked to, e.g. "the Testany service at URL".
    #[error(
        "could not connect to {target} ({detail}); check the address in the `url` setting and that the service is reachable"
    )]
    Connect { target: String, detail: String },

    #[error(
        "{target} did not answer within {}; try again, or raise the timeout if the service is slow",
        limit_text(*limit_ms)
    )]
    Timeout { target: String, limit_ms: u64 },

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
        if message.is_empty() { String::new() } else { format!(" ({message})") },
        http_hint(*status)
    )]
    Http { status: u16, message: String },

    #[error(
        "the Testany service sent a response that could not be read ({detail}); the service may be faulty or speak another protocol version"
    )]
    Malformed { detail: String },

    #[error(
        "the Testany response stream ended before the answer arrived; try again (the service or a proxy cut the connection)"
    )]
    Truncated,

    #[error("the Testany service returned error {code}: {message}")]
    Rpc { code: i64, message: String },

    #[error("the Testany tool {tool} failed: {message}")]
    Tool { tool: String, message: String },

    #[error(
        "the log URL was refused ({0}); the log was not fetched: check `log_domain` in testany.toml"
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
        "could not write the log to {path} ({detail}); check that the cache directory is writable"
    )]
    Io { path: String, detail: String },

    #[error("the argument {what} is invalid: {detail}")]
    InvalidArgument { what: &'static str, detail: String },
}

/// `250 ms`, `30 s`, `1.5 s`.
fn limit_text(ms: u64) -> String {
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
                },
                "the log proxy did not answer within 250 ms; try again, or raise the timeout if the service is slow",
            ),
            (
                Error::Timeout {
                    target: "X".into(),
                    limit_ms: 1500,
                },
                "X did not answer within 1.5 s; try again, or raise the timeout if the service is slow",
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
