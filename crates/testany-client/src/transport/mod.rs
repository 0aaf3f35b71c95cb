//! The transport seam: send one HTTP request, get status, headers and a body stream.
//!
//! This is the only place that knows the target: reqwest + tokio on native, the
//! browser's fetch (gloo-net) on wasm32. Everything above it is shared. On native the
//! futures are `Send` (tower-lsp needs that); in the browser nothing is `Send`, so the
//! boxed future and stream types are cfg'd aliases.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
#[cfg(target_arch = "wasm32")]
use std::time::UNIX_EPOCH;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::Stream;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::{LoopbackResolver, ReqwestTransport};

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::FetchTransport;

/// A boxed future: `Send` on native, not on wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future: `Send` on native, not on wasm32.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A response body as a stream of chunks.
#[cfg(not(target_arch = "wasm32"))]
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;
/// A response body as a stream of chunks.
#[cfg(target_arch = "wasm32")]
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>>>>;

/// `Send + Sync` on native (the client is shared across tasks), nothing on wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` on native (the client is shared across tasks), nothing on wasm32.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}

/// HTTP methods the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

/// One HTTP request. `Debug` shows header names only: values may be secrets.
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Limit for the whole exchange up to the response head.
    pub timeout: Option<Duration>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &crate::secret::redact(&self.url))
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A response head and its body stream.
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: BodyStream,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What a transport can report. Details never contain header values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("connection failed: {0}")]
    Connect(String),
    /// The request's own limit ([`HttpRequest::timeout`]) passed.
    #[error("timed out")]
    Timeout,
    /// Nothing arrived for this long (the transport's read timeout), well before the
    /// request's own limit.
    #[error("nothing arrived for {} ms", .0.as_millis())]
    Idle(Duration),
    #[error("reading the body failed: {0}")]
    Body(String),
    /// The body passed the size limit (bytes) the caller set.
    #[error("the answer exceeds {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Other(String),
}

/// Sends one HTTP request. Implementations never follow redirects.
pub trait Transport: MaybeSendSync {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// The wall clock: the browser's on wasm32, where `SystemTime::now` is unavailable.
pub fn now() -> SystemTime {
    #[cfg(not(target_arch = "wasm32"))]
    {
        SystemTime::now()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::now();
        UNIX_EPOCH + Duration::from_millis(if ms > 0.0 { ms as u64 } else { 0 })
    }
}

/// An HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`, or the two obsolete forms): hyper's
/// `httpdate` natively, the browser's `Date.parse` on wasm32 (no parser in the .wasm).
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        httpdate::parse_http_date(value).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        // Every form starts with a day name: `Date.parse` would read `-3` as a year.
        if !value
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
        {
            return None;
        }
        // The asctime form has no zone, and `Date.parse` would take local time.
        let mut text = value.to_owned();
        if !text.ends_with("GMT") {
            text.push_str(" GMT");
        }
        let ms = js_sys::Date::parse(&text);
        (ms.is_finite() && ms >= 0.0).then(|| UNIX_EPOCH + Duration::from_millis(ms as u64))
    }
}

/// Waits `duration` on the target's timer.
pub async fn sleep(duration: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(duration).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::sleep(duration).await;
}

/// Runs `fut` with a limit; `None` when the limit passed first.
pub async fn with_timeout<F: Future>(limit: Duration, fut: F) -> Option<F::Output> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::time::timeout(limit, fut).await.ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        use futures_util::future::{Either, select};
        let fut = std::pin::pin!(fut);
        let timer = std::pin::pin!(gloo_timers::future::sleep(limit));
        match select(fut, timer).await {
            Either::Left((out, _)) => Some(out),
            Either::Right(_) => None,
        }
    }
}
