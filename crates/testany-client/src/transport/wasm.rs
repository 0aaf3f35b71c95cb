//! Browser transport: the fetch API through gloo-net.
//!
//! Redirects use fetch's `manual` mode and come back as an opaque redirect, which is
//! reported as HTTP 302 so the caller refuses it. The body is fetch's ReadableStream read
//! chunk by chunk, so a capped log download stops at the cap instead of holding the
//! whole body in memory first.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::stream;
use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult, RequestRedirect,
    ResponseType,
};

use super::{
    BodyStream, BoxFuture, HttpRequest, HttpResponse, Method, Transport, TransportError, now,
    with_timeout,
};

/// A body reader that cancels the download when dropped before the end (a capped log).
struct Reader {
    inner: ReadableStreamDefaultReader,
    /// False once the stream ended or failed: cancelling an errored stream rejects,
    /// and nothing would handle that rejection.
    open: bool,
}

impl Drop for Reader {
    fn drop(&mut self) {
        if self.open {
            let _ = self.inner.cancel();
        }
    }
}

/// The body as chunks, in the order and sizes the browser hands them over, until
/// `deadline` (the request's whole limit, as reqwest's `timeout` is natively).
fn body_stream(body: Option<ReadableStream>, deadline: Option<SystemTime>) -> BodyStream {
    let Some(body) = body else {
        return Box::pin(stream::empty());
    };
    let reader = Reader {
        inner: body.get_reader().unchecked_into(),
        open: true,
    };
    Box::pin(stream::unfold(Some(reader), move |state| async move {
        let mut reader = state?;
        let read = JsFuture::from(reader.inner.read());
        let outcome = match deadline {
            Some(deadline) => {
                let left = deadline.duration_since(now()).unwrap_or(Duration::ZERO);
                match with_timeout(left, read).await {
                    Some(outcome) => outcome,
                    None => return Some((Err(TransportError::Timeout), None)),
                }
            }
            None => read.await,
        };
        match outcome {
            Err(e) => {
                reader.open = false;
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| "the browser stopped reading the body".to_owned());
                Some((Err(TransportError::Body(why)), None))
            }
            Ok(result) => {
                let result: ReadableStreamReadResult = result.unchecked_into();
                if result.get_done().unwrap_or(true) {
                    reader.open = false;
                    return None;
                }
                let chunk = js_sys::Uint8Array::new(&result.get_value()).to_vec();
                Some((Ok(Bytes::from(chunk)), Some(reader)))
            }
        }
    }))
}

/// The fetch transport.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchTransport;

impl FetchTransport {
    pub fn new() -> Result<Self, TransportError> {
        Ok(Self)
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let limit = request.timeout;
            let deadline = limit.map(|l| now() + l);
            let exchange = async move {
                let method = match request.method {
                    Method::Get => FetchMethod::GET,
                    Method::Post => FetchMethod::POST,
                    Method::Delete => FetchMethod::DELETE,
                };
                let mut builder = RequestBuilder::new(&request.url)
                    .method(method)
                    .redirect(RequestRedirect::Manual);
                for (name, value) in &request.headers {
                    builder = builder.header(name, value);
                }
                let sent = if request.body.is_empty() {
                    builder.send().await
                } else {
                    let text = String::from_utf8_lossy(&request.body).into_owned();
                    match builder.body(text) {
                        Ok(req) => req.send().await,
                        Err(e) => Err(e),
                    }
                };
                let response = sent.map_err(|e| TransportError::Connect(e.to_string()))?;
                if response.type_() == ResponseType::Opaqueredirect {
                    return Ok(HttpResponse {
                        status: 302,
                        headers: Vec::new(),
                        body: Box::pin(futures_util::stream::empty()),
                    });
                }
                let status = response.status();
                let headers = response
                    .headers()
                    .entries()
                    .map(|(n, v)| (n.to_ascii_lowercase(), v))
                    .collect();
                Ok(HttpResponse {
                    status,
                    headers,
                    body: body_stream(response.body(), deadline),
                })
            };
            match limit {
                Some(limit) => with_timeout(limit, exchange)
                    .await
                    .unwrap_or(Err(TransportError::Timeout)),
                None => exchange.await,
            }
        })
    }
}
