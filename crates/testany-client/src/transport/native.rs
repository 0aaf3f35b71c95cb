//! Native transport: reqwest 0.12 (rustls with ring, HTTP/1.1, pooled keep-alive).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{BoxFuture, HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Resolves `localhost` and `*.localhost` to loopback (RFC 6761) and everything else
/// through the system resolver, so the emulator's `*.tr.testany.localhost` log hosts
/// work without /etc/hosts edits.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopbackResolver;

/// Whether `name` is loopback by core's rule (RFC 6761 reserves `*.localhost`; address
/// literals never reach a resolver).
fn is_localhost_name(name: &str) -> bool {
    testany_core::loopback::is_loopback_host(name)
}

impl Resolve for LoopbackResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            if is_localhost_name(&host) {
                // IPv4 first: hyper-util prefers the first family and falls back to the other.
                let addrs: Addrs = Box::new(
                    vec![
                        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                        SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
                    ]
                    .into_iter(),
                );
                return Ok(addrs);
            }
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                .collect();
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The reqwest transport. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    connect: Duration,
    read: Duration,
}

impl ReqwestTransport {
    /// A transport with default timeouts.
    pub fn new() -> Result<Self, TransportError> {
        Self::with_timeouts(Duration::from_secs(10), Duration::from_secs(30))
    }

    /// A transport with the given connect and read (inactivity) timeouts.
    pub fn with_timeouts(connect: Duration, read: Duration) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(LoopbackResolver))
            .connect_timeout(connect)
            .read_timeout(read)
            .user_agent(concat!("testany-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Other(error_chain(&e)))?;
        Ok(Self {
            client,
            connect,
            read,
        })
    }
}

/// `error` and its sources joined, without the URL reqwest likes to add.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Which of reqwest's timeouts fired: they all say `is_timeout`, so the time spent
/// since the request started tells them apart (the request's own limit never fires
/// before it has passed; the connect and read limits fire earlier).
#[derive(Debug, Clone, Copy)]
struct Limits {
    started: Instant,
    whole: Option<Duration>,
    connect: Duration,
    read: Duration,
}

impl Limits {
    fn timeout(&self, is_connect: bool) -> TransportError {
        let spent = self.started.elapsed();
        match self.whole {
            Some(whole) if spent >= whole => TransportError::Timeout,
            _ if is_connect => TransportError::Connect(format!(
                "no connection within {}",
                crate::error::limit_text(
                    u64::try_from(self.connect.as_millis()).unwrap_or(u64::MAX)
                )
            )),
            _ => TransportError::Idle(self.read),
        }
    }
}

fn map_error(error: reqwest::Error, limits: &Limits) -> TransportError {
    let is_timeout = error.is_timeout();
    let is_connect = error.is_connect();
    let error = error.without_url();
    if is_timeout {
        limits.timeout(is_connect)
    } else if is_connect {
        TransportError::Connect(error_chain(&error))
    } else {
        TransportError::Other(error_chain(&error))
    }
}

fn is_sensitive(name: &str) -> bool {
    ["authorization", "x-sign", "x-operator-id", "cookie"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name))
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = match request.method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut headers = HeaderMap::new();
            for (name, value) in &request.headers {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| TransportError::Other(format!("invalid header name {name}")))?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    TransportError::Other(format!("invalid value for header {name}"))
                })?;
                value.set_sensitive(is_sensitive(name.as_str()));
                headers.append(name, value);
            }
            let mut builder = self.client.request(method, &request.url).headers(headers);
            if !request.body.is_empty() {
                builder = builder.body(request.body);
            }
            if let Some(limit) = request.timeout {
                builder = builder.timeout(limit);
            }
            let limits = Limits {
                started: Instant::now(),
                whole: request.timeout,
                connect: self.connect,
                read: self.read,
            };
            let response = builder.send().await.map_err(|e| map_error(e, &limits))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response.bytes_stream().map_err(move |e| {
                if e.is_timeout() {
                    limits.timeout(false)
                } else {
                    TransportError::Body(error_chain(&e.without_url()))
                }
            });
            Ok(HttpResponse {
                status,
                headers,
                body: Box::pin(body),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_names() {
        let table = [
            ("localhost", true),
            ("testany.localhost", true),
            ("a.tr.testany.localhost.", true),
            ("LOCALHOST", true),
            ("localhost.com", false),
            ("mylocalhost", false),
        ];
        for (name, expected) in table {
            assert_eq!(is_localhost_name(name), expected, "{name}");
        }
    }

    /// Issue 17: every reqwest timeout was reported as the request's own limit.
    #[test]
    fn timeouts_are_told_apart_by_the_time_spent() {
        let limits = |spent_ms: u64| Limits {
            started: Instant::now()
                .checked_sub(Duration::from_millis(spent_ms))
                .unwrap(),
            whole: Some(Duration::from_secs(3)),
            connect: Duration::from_secs(1),
            read: Duration::from_millis(1500),
        };
        let table = [
            (3100, false, TransportError::Timeout),
            (3100, true, TransportError::Timeout),
            (
                1600,
                false,
                TransportError::Idle(Duration::from_millis(1500)),
            ),
            (
                1100,
                true,
                TransportError::Connect("no connection within 1 s".to_owned()),
            ),
        ];
        for (spent, is_connect, expected) in table {
            assert_eq!(limits(spent).timeout(is_connect), expected, "{spent}");
        }
    }

    #[tokio::test]
    async fn resolver_maps_localhost_subdomains_to_loopback() {
        let name: Name = "abc.tr.testany.localhost".parse().unwrap();
        let addrs: Vec<SocketAddr> = LoopbackResolver.resolve(name).await.unwrap().collect();
        assert_eq!(
            addrs,
            vec![
                "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
                "[::1]:0".parse::<SocketAddr>().unwrap()
            ]
        );
    }
}
