//! Browser transport: the fetch API through gloo-net.
//!
//! Redirects use fetch's `manual` mode and come back as an opaque redirect, which is
//! reported as HTTP 302 so the caller refuses it. The body is fetch's ReadableStream read
//! chunk by chunk, so a capped log download stops at the cap instead of holding the
//! whole body in memory first.

use std::time::Duration;

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
    BodyStream, BoxFuture, HttpRequest, HttpResponse, Method, Transport, TransportError,
    with_timeout,
};

/// A body reader that cancels the download when dropped before the end (a capped log).
struct Reader(ReadableStreamDefaultReader);

impl Drop for Reader {
    fn drop(&mut self) {
        // A finished stream ignores it; the returned promise has nothing to report.
        let _ = self.0.cancel();
    }
}

/// The body as chunks, in the order and sizes the browser hands them over. `limit`
/// bounds the wait for each chunk (as the native transport's read timeout does).
fn body_stream(body: Option<ReadableStream>, limit: Option<Duration>) -> BodyStream {
    let Some(body) = body else {
        return Box::pin(stream::empty());
    };
    let reader = Reader(body.get_reader().unchecked_into());
    Box::pin(stream::unfold(Some(reader), move |state| async move {
        let reader = state?;
        let read = JsFuture::from(reader.0.read());
        let outcome = match limit {
            Some(limit) => match with_timeout(limit, read).await {
                Some(outcome) => outcome,
                None => return Some((Err(TransportError::Timeout), None)),
            },
            None => read.await,
        };
        match outcome {
            Err(e) => {
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| "the browser stopped reading the body".to_owned());
                Some((Err(TransportError::Body(why)), None))
            }
            Ok(result) => {
                let result: ReadableStreamReadResult = result.unchecked_into();
                if result.get_done().unwrap_or(true) {
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
                    body: body_stream(response.body(), limit),
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
