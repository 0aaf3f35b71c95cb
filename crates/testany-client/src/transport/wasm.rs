//! Browser transport: the fetch API through gloo-net.
//!
//! Redirects use fetch's `manual` mode and come back as an opaque redirect, which is
//! reported as HTTP 302 so the caller refuses it. The body is read whole (fetch's
//! ReadableStream would need another crate); MCP answers are small and logs are capped
//! by the caller after reading.

use bytes::Bytes;
use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use web_sys::{RequestRedirect, ResponseType};

use super::{
    BoxFuture, HttpRequest, HttpResponse, Method, Transport, TransportError, with_timeout,
};

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
                let body = response
                    .binary()
                    .await
                    .map_err(|e| TransportError::Body(e.to_string()))?;
                let chunk: Result<Bytes, TransportError> = Ok(Bytes::from(body));
                Ok(HttpResponse {
                    status,
                    headers,
                    body: Box::pin(futures_util::stream::iter([chunk])),
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
