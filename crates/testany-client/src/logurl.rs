//! Validation of signed log URLs before any request is made (design.md section 9).
//!
//! The URL comes from the service and is untrusted: it is accepted only when it is
//! exactly `{scheme}://{label}.tr.{log_domain}[:port]/api/v2/logproxy/internal/view`,
//! where `log_domain` comes from configuration. The parser is a strict allow-list
//! rather than a general URL parser, so no parser differential can smuggle another host.

use std::fmt;

/// The only path a log may be read from.
pub const LOG_PATH: &str = "/api/v2/logproxy/internal/view";

/// Why a log URL was refused. Messages never repeat the URL's secret-bearing parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogUrlError {
    #[error("only https (or http to a loopback host) is allowed, not `{0}`")]
    Scheme(String),
    #[error("the URL is not of the form scheme://host/path")]
    Shape,
    #[error("the URL carries user info, a query, a fragment or an escaped character")]
    Forbidden,
    #[error("host `{host}` is not a single label under `tr.{log_domain}`")]
    Host { host: String, log_domain: String },
    #[error("http is only allowed for loopback hosts, not `{0}`")]
    PlainHttp(String),
    #[error("the port `{0}` is not a number between 1 and 65535")]
    Port(String),
    #[error("the path is not {LOG_PATH}")]
    Path,
    #[error("the configured log_domain `{0}` is not a host name")]
    Domain(String),
}

/// A log URL that passed [`validate_log_url`], rebuilt canonically from its parts.
#[derive(Clone, PartialEq, Eq)]
pub struct LogUrl {
    pub https: bool,
    /// Lower-cased host, `{label}.tr.{log_domain}`.
    pub host: String,
    pub port: Option<u16>,
}

impl LogUrl {
    /// The canonical URL to request.
    pub fn as_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        match self.port {
            Some(port) => format!("{scheme}://{}:{port}{LOG_PATH}", self.host),
            None => format!("{scheme}://{}{LOG_PATH}", self.host),
        }
    }
}

impl fmt::Debug for LogUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_url())
    }
}

/// Whether `host` is loopback (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`): core's
/// one rule, shared with the configuration's `http://` check and the emulator.
pub use testany_core::loopback::is_loopback_host;

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn is_hostname(name: &str) -> bool {
    !name.is_empty() && name.len() <= 253 && name.split('.').all(is_label)
}

/// Checks `url` against the log proxy rules with `log_domain` taken from configuration.
pub fn validate_log_url(url: &str, log_domain: &str) -> Result<LogUrl, LogUrlError> {
    let domain = log_domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if !is_hostname(&domain) {
        return Err(LogUrlError::Domain(log_domain.to_owned()));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(LogUrlError::Shape);
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return Err(LogUrlError::Scheme(scheme.chars().take(16).collect())),
    };
    // Anything a URL parser could read two ways is refused outright.
    if rest
        .bytes()
        .any(|b| matches!(b, b'@' | b'?' | b'#' | b'%' | b'\\') || b <= b' ' || b >= 0x7f)
    {
        return Err(LogUrlError::Forbidden);
    }
    let Some(slash) = rest.find('/') else {
        return Err(LogUrlError::Shape);
    };
    let (authority, path) = rest.split_at(slash);
    if path != LOG_PATH {
        return Err(LogUrlError::Path);
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => {
            let parsed = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()));
            match parsed {
                Some(p) => (host, Some(p)),
                None => return Err(LogUrlError::Port(port.chars().take(8).collect())),
            }
        }
        None => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    let suffix = format!(".tr.{domain}");
    let label_ok = host.strip_suffix(&suffix).is_some_and(is_label);
    if !label_ok {
        return Err(LogUrlError::Host {
            host,
            log_domain: domain,
        });
    }
    if !https && !is_loopback_host(&host) {
        return Err(LogUrlError::PlainHttp(host));
    }
    Ok(LogUrl { https, host, port })
}

/// Header names a sign reply may ask us to send; anything else is dropped.
pub fn is_safe_log_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let forbidden = matches!(
        lower.as_str(),
        "host"
            | "authorization"
            | "cookie"
            | "proxy-authorization"
            | "connection"
            | "content-length"
            | "transfer-encoding"
            | "te"
            | "upgrade"
            | "keep-alive"
            | "expect"
    );
    !forbidden
        && !lower.starts_with("proxy-")
        && !lower.is_empty()
        && lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "81c91231-1b55-4e0a-ac12-80b3ad3fd372";

    #[test]
    fn accepts_the_documented_shapes() {
        let cases = [
            (
                format!("https://{UUID}.tr.dev.testany.com.cn{LOG_PATH}"),
                "dev.testany.com.cn",
                format!("https://{UUID}.tr.dev.testany.com.cn{LOG_PATH}"),
            ),
            (
                format!(
                    "HTTPS://{}.TR.Testany.com.cn{LOG_PATH}",
                    UUID.to_uppercase()
                ),
                "testany.com.cn",
                format!("https://{UUID}.tr.testany.com.cn{LOG_PATH}"),
            ),
            (
                format!("http://{UUID}.tr.testany.localhost:8123{LOG_PATH}"),
                "testany.localhost",
                format!("http://{UUID}.tr.testany.localhost:8123{LOG_PATH}"),
            ),
            (
                format!("https://abc.tr.testany.com.cn:8443{LOG_PATH}"),
                "testany.com.cn.",
                format!("https://abc.tr.testany.com.cn:8443{LOG_PATH}"),
            ),
        ];
        for (url, domain, expected) in cases {
            let got = validate_log_url(&url, domain).map(|u| u.as_url());
            assert_eq!(got, Ok(expected), "{url}");
        }
    }

    #[test]
    fn refuses_hostile_urls() {
        let d = "testany.com.cn";
        let p = LOG_PATH;
        let cases: Vec<(String, LogUrlError)> = vec![
            (
                format!("ftp://a.tr.{d}{p}"),
                LogUrlError::Scheme("ftp".into()),
            ),
            (
                format!("http://a.tr.{d}{p}"),
                LogUrlError::PlainHttp(format!("a.tr.{d}")),
            ),
            (
                format!("https://a.tr.evil.com{p}"),
                LogUrlError::Host {
                    host: "a.tr.evil.com".into(),
                    log_domain: d.into(),
                },
            ),
            (
                format!("https://a.b.tr.{d}{p}"),
                LogUrlError::Host {
                    host: format!("a.b.tr.{d}"),
                    log_domain: d.into(),
                },
            ),
            (
                format!("https://tr.{d}{p}"),
                LogUrlError::Host {
                    host: format!("tr.{d}"),
                    log_domain: d.into(),
                },
            ),
            (
                format!("https://a.tr.{d}.evil.com{p}"),
                LogUrlError::Host {
                    host: format!("a.tr.{d}.evil.com"),
                    log_domain: d.into(),
                },
            ),
            (
                format!("https://{d}{p}"),
                LogUrlError::Host {
                    host: d.into(),
                    log_domain: d.into(),
                },
            ),
            (format!("https://a.tr.{d}/api/v2/other"), LogUrlError::Path),
            (format!("https://a.tr.{d}{p}/"), LogUrlError::Path),
            (format!("https://a.tr.{d}{p}/../x"), LogUrlError::Path),
            (format!("https://a.tr.{d}"), LogUrlError::Shape),
            (format!("https://a.tr.{d}{p}?x=1"), LogUrlError::Forbidden),
            (format!("https://a.tr.{d}{p}#frag"), LogUrlError::Forbidden),
            (format!("https://user@a.tr.{d}{p}"), LogUrlError::Forbidden),
            (
                format!("https://evil.com@a.tr.{d}{p}"),
                LogUrlError::Forbidden,
            ),
            (
                format!("https://a.tr.{d}%2fevil.com{p}"),
                LogUrlError::Forbidden,
            ),
            (
                format!("https://a.tr.{d}\\@evil.com{p}"),
                LogUrlError::Forbidden,
            ),
            (
                format!("https://a.tr.{d}:0{p}"),
                LogUrlError::Port("0".into()),
            ),
            (
                format!("https://a.tr.{d}:+80{p}"),
                LogUrlError::Port("+80".into()),
            ),
            (
                format!("https://a.tr.{d}:x{p}"),
                LogUrlError::Port("x".into()),
            ),
            (
                format!("https://-a.tr.{d}{p}"),
                LogUrlError::Host {
                    host: format!("-a.tr.{d}"),
                    log_domain: d.into(),
                },
            ),
            ("not a url".into(), LogUrlError::Shape),
            (format!("https://a.tr.{d} {p}"), LogUrlError::Forbidden),
        ];
        for (url, expected) in cases {
            assert_eq!(validate_log_url(&url, d), Err(expected), "{url}");
        }
    }

    #[test]
    fn refuses_a_bad_configured_domain() {
        assert_eq!(
            validate_log_url(&format!("https://a.tr.x{LOG_PATH}"), "evil.com/x"),
            Err(LogUrlError::Domain("evil.com/x".into()))
        );
    }

    #[test]
    fn safe_log_headers() {
        let table = [
            ("X-Sign", true),
            ("X-Operator-Id", true),
            ("X-Trace_Id", true),
            ("Host", false),
            ("authorization", false),
            ("Cookie", false),
            ("Proxy-Foo", false),
            ("Transfer-Encoding", false),
            ("bad header", false),
            ("", false),
        ];
        for (name, expected) in table {
            assert_eq!(is_safe_log_header(name), expected, "{name}");
        }
    }
}
