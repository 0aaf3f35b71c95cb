//! HTTP: MCP Streamable HTTP at /api/v2/mcp/, the log proxy (routed by Host), CORS, faults.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use serde_json::{Map, Value, json};

use crate::logtext::{self, LogInput};
use crate::scenario::ResponseMode;
use crate::sign::Claims;
use crate::store::{self, CaseState};
use crate::tools::{self, RpcError, ToolCtx, ToolResult};
use crate::{App, LOG_DOMAIN, PROTOCOL_VERSIONS, Session, now_ms};

const MCP_PATH: &str = "/api/v2/mcp";
const LOG_PATH: &str = "/api/v2/logproxy/internal/view";
const MAX_BODY: usize = 4 << 20;
const ALLOW_HEADERS: &str = "content-type, authorization, mcp-session-id, mcp-protocol-version, \
                             last-event-id, x-sign, x-operator-id, accept";
const SESSION_HEADER: &str = "mcp-session-id";
const VERSION_HEADER: &str = "mcp-protocol-version";

/// Serves until `stopped` fires, counting accepted connections.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let counted = app.clone();
    let listener = listener.tap_io(move |tcp| {
        counted.counters.connections.fetch_add(1, Ordering::Relaxed);
        let _ = tcp.set_nodelay(true);
    });
    let router = Router::new().fallback(handle).with_state(app);
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "testany mock stopped with an error");
    }
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn set(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

/// The Host without its port.
fn host_name(headers: &HeaderMap, req_host: Option<&str>) -> String {
    let raw = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or(req_host)
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    strip_port(&raw).to_string()
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

/// Core's loopback rule (the old prefix test took `127.evil.com` for loopback).
fn is_loopback_host(host: &str) -> bool {
    testany_core::loopback::is_loopback_host(host)
}

fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    is_loopback_host(strip_port(&authority.to_ascii_lowercase()))
}

/// Entry point for every request: CORS, Host routing, latency.
async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let host = host_name(&parts.headers, parts.uri.host());
    let origin = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(o) = &origin
        && !is_loopback_origin(o)
    {
        return text(StatusCode::FORBIDDEN, "origin not allowed\n");
    }
    let mut resp = if parts.method == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        set(
            &mut r,
            "access-control-allow-methods",
            "GET, POST, DELETE, OPTIONS",
        );
        set(&mut r, "access-control-allow-headers", ALLOW_HEADERS);
        set(&mut r, "access-control-max-age", "600");
        r
    } else {
        if !app.faults.latency.is_zero() {
            tokio::time::sleep(app.faults.latency).await;
        }
        route(&app, &host, parts, body).await
    };
    if let Some(o) = &origin {
        set(&mut resp, "access-control-allow-origin", o);
        set(
            &mut resp,
            "access-control-expose-headers",
            "mcp-session-id, retry-after",
        );
        set(&mut resp, "vary", "origin");
    }
    resp
}

async fn route(
    app: &Arc<App>,
    host: &str,
    parts: axum::http::request::Parts,
    body: Body,
) -> Response {
    let log_suffix = format!(".tr.{LOG_DOMAIN}");
    if let Some(label) = host.strip_suffix(&log_suffix) {
        if !app.faults.log_latency.is_zero() {
            tokio::time::sleep(app.faults.log_latency).await;
        }
        return log_proxy(app, label, &parts);
    }
    if !is_loopback_host(host) {
        return text(StatusCode::FORBIDDEN, "host not allowed\n");
    }
    let path = parts.uri.path();
    if path != MCP_PATH && path != "/api/v2/mcp/" {
        return text(StatusCode::NOT_FOUND, "not found\n");
    }
    match parts.method {
        Method::POST => {
            let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
                Ok(b) => b,
                Err(_) => return text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n"),
            };
            mcp_post(app, &parts.headers, &bytes).await
        }
        Method::DELETE => {
            let Some(id) = header_str(&parts.headers, SESSION_HEADER) else {
                return text(StatusCode::BAD_REQUEST, "missing Mcp-Session-Id\n");
            };
            let removed = lock_sessions(app).remove(id).is_some();
            if removed {
                StatusCode::OK.into_response()
            } else {
                text(StatusCode::NOT_FOUND, "unknown session\n")
            }
        }
        _ => {
            let mut r = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "this server opens no server-initiated stream; POST JSON-RPC messages\n",
            );
            set(&mut r, "allow", "POST, DELETE, OPTIONS");
            r
        }
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn lock_sessions(
    app: &App,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Session>> {
    app.sessions
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn rpc_error(id: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Whether this response goes out as SSE, from the mode and the client's Accept.
fn wants_sse(mode: ResponseMode, headers: &HeaderMap) -> bool {
    let accept = header_str(headers, "accept")
        .unwrap_or("")
        .to_ascii_lowercase();
    let sse = accept.contains("text/event-stream");
    let json = accept.contains("application/json") || accept.contains("*/*") || accept.is_empty();
    match mode {
        ResponseMode::Sse => sse,
        ResponseMode::Json => sse && !json,
    }
}

fn sse_event(value: &Value) -> String {
    format!("event: message\ndata: {value}\n\n")
}

fn sse_response(body: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn mcp_post(app: &Arc<App>, headers: &HeaderMap, body: &Bytes) -> Response {
    app.counters.mcp_requests.fetch_add(1, Ordering::Relaxed);
    if let Some(token) = &app.scenario.token {
        let expected = format!("Bearer {token}");
        if header_str(headers, "authorization") != Some(expected.as_str()) {
            let mut r = json_response(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "unauthorized", "error_description": "a valid bearer token is required"}),
            );
            set(&mut r, "www-authenticate", "Bearer realm=\"testany\"");
            return r;
        }
    }
    if let Some(ct) = header_str(headers, "content-type")
        && !ct.to_ascii_lowercase().starts_with("application/json")
    {
        return text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json\n",
        );
    }
    let accept = header_str(headers, "accept")
        .unwrap_or("")
        .to_ascii_lowercase();
    if !accept.is_empty()
        && !accept.contains("application/json")
        && !accept.contains("text/event-stream")
        && !accept.contains("*/*")
    {
        return text(
            StatusCode::NOT_ACCEPTABLE,
            "Accept must allow application/json or text/event-stream\n",
        );
    }
    let msg: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                &rpc_error(&Value::Null, -32700, "Parse error"),
            );
        }
    };
    let Value::Object(msg) = msg else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &rpc_error(
                &Value::Null,
                -32600,
                "Invalid Request: send one JSON-RPC object per POST (batches are not supported)",
            ),
        );
    };
    let id = msg.get("id").cloned();
    let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
    let params = msg.get("params").cloned().unwrap_or(Value::Null);

    if method == "initialize" {
        let Some(id) = id else {
            return json_response(
                StatusCode::BAD_REQUEST,
                &rpc_error(
                    &Value::Null,
                    -32600,
                    "initialize must be a request with an id",
                ),
            );
        };
        return initialize(app, headers, &id, &params);
    }

    // Every later message needs a live session.
    let Some(session_id) = header_str(headers, SESSION_HEADER) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &rpc_error(
                &id.unwrap_or(Value::Null),
                -32000,
                "Bad Request: missing Mcp-Session-Id header",
            ),
        );
    };
    {
        let mut sessions = lock_sessions(app);
        let Some(session) = sessions.get_mut(session_id) else {
            return json_response(
                StatusCode::NOT_FOUND,
                &rpc_error(&id.unwrap_or(Value::Null), -32001, "Session not found"),
            );
        };
        session.requests += 1;
        let may_expire = app
            .faults
            .expiring_sessions
            .is_none_or(|k| app.counters.initialize.load(Ordering::Relaxed) <= k);
        if may_expire
            && app
                .faults
                .session_expiry
                .is_some_and(|n| session.requests > n)
        {
            sessions.remove(session_id);
            return json_response(
                StatusCode::NOT_FOUND,
                &rpc_error(&id.unwrap_or(Value::Null), -32001, "Session expired"),
            );
        }
    }
    if let Some(v) = header_str(headers, VERSION_HEADER)
        && !PROTOCOL_VERSIONS.contains(&v)
    {
        return json_response(
            StatusCode::BAD_REQUEST,
            &rpc_error(
                &id.unwrap_or(Value::Null),
                -32000,
                &format!(
                    "Bad Request: unsupported MCP-Protocol-Version (supported: {})",
                    PROTOCOL_VERSIONS.join(", ")
                ),
            ),
        );
    }
    let Some(id) = id else {
        // Notifications and client responses.
        return StatusCode::ACCEPTED.into_response();
    };
    if method.is_empty() {
        return StatusCode::ACCEPTED.into_response();
    }
    let sse = wants_sse(app.mode, headers);
    match method {
        "ping" => reply(sse, None, json!({"jsonrpc": "2.0", "id": id, "result": {}})),
        "tools/list" => reply(
            sse,
            None,
            json!({"jsonrpc": "2.0", "id": id, "result": {"tools": tools::list()}}),
        ),
        "tools/call" => tools_call(app, headers, id, &params).await,
        _ => reply(
            sse,
            None,
            rpc_error(&id, -32601, &format!("Method not found: {method}")),
        ),
    }
}

fn reply(sse: bool, before: Option<Value>, value: Value) -> Response {
    if sse {
        let mut body = String::new();
        if let Some(n) = before {
            body.push_str(&sse_event(&n));
        }
        body.push_str(&sse_event(&value));
        sse_response(body)
    } else {
        json_response(StatusCode::OK, &value)
    }
}

fn initialize(app: &Arc<App>, headers: &HeaderMap, id: &Value, params: &Value) -> Response {
    let sse = wants_sse(app.mode, headers);
    let Some(requested) = params.get("protocolVersion").and_then(Value::as_str) else {
        return reply(
            sse,
            None,
            rpc_error(id, -32602, "missing required argument `protocolVersion`"),
        );
    };
    let version = if PROTOCOL_VERSIONS.contains(&requested) {
        requested
    } else {
        PROTOCOL_VERSIONS[0]
    };
    let n = app.counters.initialize.fetch_add(1, Ordering::Relaxed);
    let a = store::mix64(app.seed ^ n.wrapping_mul(0x9E37_79B9));
    let b = store::mix64(a ^ n);
    let session_id = format!("{a:016x}{b:016x}");
    lock_sessions(app).insert(session_id.clone(), Session { requests: 0 });
    let result = json!({
        "protocolVersion": version,
        "capabilities": {"tools": {"listChanged": false}, "logging": {}},
        "serverInfo": {"name": "testany-mock", "title": "Testany emulator", "version": env!("CARGO_PKG_VERSION")},
        "instructions": "Testany emulator: executions, cases and logs of the scenario's pipelines.",
    });
    let mut r = reply(
        sse,
        None,
        json!({"jsonrpc": "2.0", "id": id, "result": result}),
    );
    set(&mut r, SESSION_HEADER, &session_id);
    r
}

async fn tools_call(app: &Arc<App>, headers: &HeaderMap, id: Value, params: &Value) -> Response {
    let n = app.counters.tool_calls.fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(name) = params.get("name").and_then(Value::as_str) {
        app.counters.count_tool(name);
    }
    let f = &app.faults;
    if f.http429.is_some_and(|t| t.fires(n)) {
        let mut r = text(StatusCode::TOO_MANY_REQUESTS, "rate limited\n");
        set(&mut r, "retry-after", &f.retry_after_secs.to_string());
        return r;
    }
    if f.http503.is_some_and(|t| t.fires(n)) {
        return text(StatusCode::SERVICE_UNAVAILABLE, "service unavailable\n");
    }
    if f.http500.is_some_and(|t| t.fires(n)) {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "internal server error\n");
    }
    if f.echo_secrets {
        let echoed = lock_store(app).echoed.clone();
        if let Some(echoed) = echoed {
            let auth = header_str(headers, "authorization").unwrap_or("none");
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal error serving Authorization: {auth} after {echoed}\n"),
            );
        }
    }
    let sse = wants_sse(app.mode, headers);
    let name = params.get("name").and_then(Value::as_str);
    let empty = Map::new();
    let args = match params.get("arguments") {
        None | Some(Value::Null) => Ok(&empty),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(RpcError::invalid_params(
            "argument `arguments` must be an object".into(),
        )),
    };
    let outcome = match (name, args) {
        (None, _) if params.get("name").is_some_and(|n| !n.is_null()) => Err(
            RpcError::invalid_params("argument `name` must be a string".into()),
        ),
        (None, _) => Err(RpcError::invalid_params(
            "missing required argument `name`".into(),
        )),
        (_, Err(e)) => Err(e),
        (Some(name), Ok(args)) => {
            let ctx = ToolCtx {
                now: now_ms(),
                port: app.port,
                log_domain: LOG_DOMAIN,
                signer: &app.signer,
                faults: &app.faults,
            };
            let mut store = app
                .store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            tools::call(&mut store, &ctx, name, args)
        }
    };
    let value = match outcome {
        Ok(ToolResult::Ok(v)) => json!({"jsonrpc": "2.0", "id": id, "result": {
            "content": [{"type": "text", "text": v.to_string()}],
            "structuredContent": v,
            "isError": false,
        }}),
        Ok(ToolResult::Failed(m)) => json!({"jsonrpc": "2.0", "id": id, "result": {
            "content": [{"type": "text", "text": m}],
            "isError": true,
        }}),
        Err(e) => rpc_error(&id, e.code, &e.message),
    };
    if f.malformed_json.is_some_and(|t| t.fires(n)) {
        let s = value.to_string();
        let cut = s.len() / 2;
        let broken = format!("{}\u{0}}}{{", s.get(..cut).unwrap_or(""));
        return if sse {
            sse_response(format!("event: message\ndata: {broken}\n\n"))
        } else {
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                broken,
            )
                .into_response()
        };
    }
    let tool_name = name.unwrap_or("");
    let note = match params.get("_meta").and_then(|m| m.get("progressToken")) {
        Some(token) => json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {
            "progressToken": token, "progress": 0.5, "total": 1.0, "message": format!("running {tool_name}"),
        }}),
        None => json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {
            "level": "info", "logger": "testany", "data": format!("running {tool_name}"),
        }}),
    };
    if f.truncate_sse.is_some_and(|t| t.fires(n)) {
        let full = sse_event(&value);
        let cut = full.len() / 2;
        return sse_response(format!(
            "{}{}",
            sse_event(&note),
            full.get(..cut).unwrap_or("")
        ));
    }
    reply(sse, Some(note), value)
}

/// The log proxy: checks the sign and operator, then serves the case log.
fn log_proxy(app: &Arc<App>, label: &str, parts: &axum::http::request::Parts) -> Response {
    app.counters.log_fetches.fetch_add(1, Ordering::Relaxed);
    if parts.uri.path() != LOG_PATH {
        return text(StatusCode::NOT_FOUND, "not found\n");
    }
    if parts.method != Method::GET && parts.method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "GET only\n");
    }
    if app.faults.echo_secrets {
        let quoted = format!(
            "X-Sign: {}, X-Operator-Id: {}",
            header_str(&parts.headers, "x-sign").unwrap_or("none"),
            header_str(&parts.headers, "x-operator-id").unwrap_or("none")
        );
        lock_store(app).echoed = Some(quoted.clone());
        return text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("log store failed for {quoted}\n"),
        );
    }
    let unauthorized = |why: &str| text(StatusCode::UNAUTHORIZED, format!("{why}\n"));
    let Some(sign) = header_str(&parts.headers, "x-sign") else {
        return unauthorized("missing X-Sign");
    };
    let Some(claims) = app.signer.verify(sign.trim()) else {
        return unauthorized("X-Sign is invalid or expired");
    };
    if header_str(&parts.headers, "x-operator-id").map(str::trim)
        != Some(app.scenario.operator.as_str())
    {
        return unauthorized("X-Operator-Id does not match the sign's operator");
    }
    if claims.uuid != label {
        return unauthorized("X-Sign was issued for another runtime");
    }
    if app.faults.redirect_log {
        let mut r = text(StatusCode::FOUND, "moved\n");
        set(
            &mut r,
            "location",
            &format!("http://logs.elsewhere.localhost:{}{LOG_PATH}", app.port),
        );
        return r;
    }
    let Some(log) = render_log(app, &claims) else {
        return text(StatusCode::NOT_FOUND, "no log for this runtime\n");
    };
    match app.faults.oversized_log {
        Some(size) => oversized(log, size),
        None => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            log,
        )
            .into_response(),
    }
}

fn lock_store(app: &App) -> std::sync::MutexGuard<'_, store::Store> {
    app.store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn render_log(app: &App, claims: &Claims) -> Option<String> {
    let store = app
        .store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let exe = store.get(&claims.exec)?;
    let i = usize::try_from(claims.case).ok()?;
    if exe.uuids.get(i)? != &claims.uuid {
        return None;
    }
    let case = app.scenario.pipelines.get(exe.pipeline)?.cases.get(i)?;
    let now = now_ms();
    let view = store::case_view(exe, i, now);
    let outcome = match view.state {
        CaseState::Done(o) => Some(o),
        _ => None,
    };
    let duration_ms = match (view.started, view.completed) {
        (Some(s), Some(c)) => c - s,
        (Some(s), None) => now - s,
        _ => 0,
    };
    Some(logtext::render(&LogInput {
        build_root: &app.scenario.build_root,
        case,
        execution: &exe.key,
        runtime_uuid: &claims.uuid,
        environment: &exe.environment,
        outcome,
        duration_ms,
    }))
}

/// A log of exactly `size` bytes, generated chunk by chunk while streaming.
fn oversized(head: String, size: u64) -> Response {
    const CHUNK: usize = 64 * 1024;
    let stream = futures_util::stream::unfold(
        (0u64, 0u64, Some(head.into_bytes())),
        move |(sent, mut line, head)| async move {
            if sent >= size {
                return None;
            }
            let mut chunk = head.unwrap_or_default();
            while chunk.len() < CHUNK {
                chunk.extend_from_slice(logtext::filler_line(line).as_bytes());
                line += 1;
            }
            let left = usize::try_from(size - sent).unwrap_or(usize::MAX);
            chunk.truncate(left.min(chunk.len()));
            let len = chunk.len() as u64;
            Some((
                Ok::<_, std::io::Error>(Bytes::from(chunk)),
                (sent + len, line, None),
            ))
        },
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from_stream(stream),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_origins() {
        for (host, want) in [
            ("127.0.0.1", true),
            ("localhost", true),
            ("testany.localhost", true),
            ("::1", true),
            ("example.com", false),
            ("localhost.example.com", false),
            // Regression (issue 16): core's rule; the old prefix test said true.
            ("127.evil.com", false),
        ] {
            assert_eq!(is_loopback_host(host), want, "{host}");
        }
        assert_eq!(strip_port("testany.localhost:7357"), "testany.localhost");
        assert_eq!(strip_port("[::1]:80"), "::1");
        for (origin, want) in [
            ("http://localhost:3000", true),
            ("http://127.0.0.1:8080", true),
            ("http://vscode.localhost:9000", true),
            ("https://evil.example", false),
            ("null", false),
        ] {
            assert_eq!(is_loopback_origin(origin), want, "{origin}");
        }
    }
}
