//! Deterministic faults, from `--faults` or a scenario's `faults` string.
//!
//! Deterministic (first N / every Nth) rather than random, so tests can rely on them.

use std::time::Duration;

use crate::Error;

/// When a counted fault fires, by the 1-based number of the `tools/call` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Every request.
    Always,
    /// Requests 1..=N.
    First(u64),
    /// Requests N, 2N, 3N, ...
    Every(u64),
}

impl Trigger {
    /// Whether the `n`-th (1-based) request gets the fault.
    pub fn fires(self, n: u64) -> bool {
        match self {
            Trigger::Always => true,
            Trigger::First(k) => n <= k,
            Trigger::Every(k) => k > 0 && n.is_multiple_of(k),
        }
    }

    fn parse(name: &str, value: Option<&str>) -> Result<Trigger, Error> {
        let Some(value) = value else {
            return Ok(Trigger::Always);
        };
        let bad = || {
            Error::Faults(format!(
                "`{name}={value}`: expected `always`, `first:N` or `every:N`"
            ))
        };
        if value == "always" {
            return Ok(Trigger::Always);
        }
        let (kind, n) = value.split_once(':').ok_or_else(bad)?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        match kind.trim() {
            "first" => Ok(Trigger::First(n)),
            "every" if n > 0 => Ok(Trigger::Every(n)),
            _ => Err(bad()),
        }
    }
}

/// The set of active faults. `Faults::default()` is a healthy service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Delay added before answering any request (MCP and log proxy).
    pub latency: Duration,
    /// `tools/call` answered with HTTP 500.
    pub http500: Option<Trigger>,
    /// `tools/call` answered with HTTP 503.
    pub http503: Option<Trigger>,
    /// `tools/call` answered with HTTP 429 and `Retry-After`.
    pub http429: Option<Trigger>,
    /// Seconds in the 429's `Retry-After` header.
    pub retry_after_secs: u64,
    /// `tools/call` answered 200 with a body that is not valid JSON.
    pub malformed_json: Option<Trigger>,
    /// `tools/call` answered with an SSE stream cut off inside the response event.
    pub truncate_sse: Option<Trigger>,
    /// A session is forgotten (404) after this many requests on it.
    pub session_expiry: Option<u64>,
    /// `session_expiry` applies only while the server has started at most this many
    /// sessions (`expiring_sessions=1`: the first session expires, its successor
    /// lives), so a test can count re-initialisations exactly.
    pub expiring_sessions: Option<u64>,
    /// Delay added before the log proxy answers (after `latency`): a stalled log host.
    pub log_latency: Duration,
    /// Errors quote the request's credentials back, as a careless service does: the
    /// log proxy answers 500 quoting `X-Sign` and `X-Operator-Id`; once it has, every
    /// `tools/call` answers 500 quoting `Authorization` and those.
    pub echo_secrets: bool,
    /// log_sign issues signs that have already expired (the log proxy answers 401).
    pub expired_sign: bool,
    /// The log proxy answers 302 to another host.
    pub redirect_log: bool,
    /// The log proxy streams a log of this many bytes.
    pub oversized_log: Option<u64>,
}

impl Faults {
    /// Parses `name[=value],...`, e.g. `latency=200ms,http500=every:3,expired_sign`.
    pub fn parse(spec: &str) -> Result<Faults, Error> {
        let mut faults = Faults {
            retry_after_secs: 1,
            ..Faults::default()
        };
        faults.apply(spec)?;
        Ok(faults)
    }

    /// Applies more entries on top (later entries win).
    pub fn apply(&mut self, spec: &str) -> Result<(), Error> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (item, None),
            };
            let need = |what: &str| {
                value.ok_or_else(|| Error::Faults(format!("`{name}` needs a value: {what}")))
            };
            match name {
                "latency" => self.latency = parse_duration(need("e.g. latency=200ms")?)?,
                "http500" => self.http500 = Some(Trigger::parse(name, value)?),
                "http503" => self.http503 = Some(Trigger::parse(name, value)?),
                "http429" => self.http429 = Some(Trigger::parse(name, value)?),
                "retry_after" => {
                    let v = need("seconds, e.g. retry_after=2")?;
                    self.retry_after_secs = v.parse().map_err(|_| {
                        Error::Faults(format!("`retry_after={v}`: expected whole seconds"))
                    })?;
                }
                "malformed_json" => self.malformed_json = Some(Trigger::parse(name, value)?),
                "truncate_sse" => self.truncate_sse = Some(Trigger::parse(name, value)?),
                "session_expiry" => {
                    let v = need("requests per session, e.g. session_expiry=5")?;
                    self.session_expiry = Some(v.parse().map_err(|_| {
                        Error::Faults(format!("`session_expiry={v}`: expected a number"))
                    })?);
                }
                "expiring_sessions" => {
                    let v = need("sessions that may expire, e.g. expiring_sessions=1")?;
                    self.expiring_sessions = Some(v.parse().map_err(|_| {
                        Error::Faults(format!("`expiring_sessions={v}`: expected a number"))
                    })?);
                }
                "log_latency" => {
                    self.log_latency = parse_duration(need("e.g. log_latency=2s")?)?;
                }
                "echo_secrets" => self.echo_secrets = flag(name, value)?,
                "expired_sign" => self.expired_sign = flag(name, value)?,
                "redirect_log" => self.redirect_log = flag(name, value)?,
                "oversized_log" => {
                    self.oversized_log = Some(parse_size(value.unwrap_or("200MiB"))?);
                }
                other => {
                    return Err(Error::Faults(format!(
                        "unknown fault `{other}`; known: latency, http500, http503, http429, \
                         retry_after, malformed_json, truncate_sse, session_expiry, \
                         expiring_sessions, log_latency, echo_secrets, expired_sign, \
                         redirect_log, oversized_log"
                    )));
                }
            }
        }
        Ok(())
    }
}

fn flag(name: &str, value: Option<&str>) -> Result<bool, Error> {
    match value {
        None | Some("true" | "on" | "1") => Ok(true),
        Some("false" | "off" | "0") => Ok(false),
        Some(v) => Err(Error::Faults(format!(
            "`{name}={v}`: expected true or false"
        ))),
    }
}

fn parse_duration(v: &str) -> Result<Duration, Error> {
    let bad = || Error::Faults(format!("`{v}`: expected a duration such as 200ms or 2s"));
    let (num, mul) = if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (v, 1.0)
    };
    let n: f64 = num.trim().parse().map_err(|_| bad())?;
    if !(n.is_finite() && n >= 0.0) {
        return Err(bad());
    }
    Ok(Duration::from_micros((n * mul * 1000.0) as u64))
}

fn parse_size(v: &str) -> Result<u64, Error> {
    let bad = || Error::Faults(format!("`{v}`: expected a size such as 200MiB or 5000000"));
    let units: [(&str, u64); 7] = [
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1_000),
        ("B", 1),
    ];
    for (suffix, mul) in units {
        if let Some(n) = v.strip_suffix(suffix) {
            let n: u64 = n.trim().parse().map_err(|_| bad())?;
            return n.checked_mul(mul).ok_or_else(bad);
        }
    }
    v.trim().parse().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_fault() {
        let f = Faults::parse(
            "latency=200ms, http500=every:3, http503=first:2, http429, retry_after=7, \
             malformed_json=every:4, truncate_sse=first:1, session_expiry=5, expired_sign, \
             redirect_log=true, oversized_log=2MiB, expiring_sessions=1, log_latency=1.5s, \
             echo_secrets",
        )
        .unwrap();
        assert_eq!(
            f,
            Faults {
                latency: Duration::from_millis(200),
                http500: Some(Trigger::Every(3)),
                http503: Some(Trigger::First(2)),
                http429: Some(Trigger::Always),
                retry_after_secs: 7,
                malformed_json: Some(Trigger::Every(4)),
                truncate_sse: Some(Trigger::First(1)),
                session_expiry: Some(5),
                expiring_sessions: Some(1),
                log_latency: Duration::from_millis(1500),
                echo_secrets: true,
                expired_sign: true,
                redirect_log: true,
                oversized_log: Some(2 << 20),
            }
        );
    }

    #[test]
    fn rejects_bad_specs() {
        for (spec, needle) in [
            ("nope", "unknown fault `nope`"),
            ("http500=every:0", "expected `always`"),
            ("http500=sometimes", "expected `always`"),
            ("latency", "needs a value"),
            ("latency=fast", "expected a duration"),
            ("oversized_log=lots", "expected a size"),
            ("expired_sign=maybe", "expected true or false"),
        ] {
            let err = Faults::parse(spec).unwrap_err().to_string();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn triggers_fire_deterministically() {
        let fired = |t: Trigger| (1..=6).filter(|n| t.fires(*n)).collect::<Vec<_>>();
        assert_eq!(fired(Trigger::Always), vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(fired(Trigger::First(2)), vec![1, 2]);
        assert_eq!(fired(Trigger::Every(3)), vec![3, 6]);
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_size("200MiB").unwrap(), 200 * 1024 * 1024);
        assert_eq!(parse_size("1500").unwrap(), 1500);
        assert_eq!(parse_size("3KB").unwrap(), 3000);
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("20").unwrap(), Duration::from_millis(20));
    }
}
