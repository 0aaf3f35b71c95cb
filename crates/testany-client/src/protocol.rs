//! Sans-IO MCP Streamable HTTP: JSON-RPC framing, headers, response decoding and tool
//! results. Nothing here performs I/O; bodies come in as bytes or as a chunk stream,
//! so the native and browser transports run exactly this code.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::TransportError;

/// The protocol version we offer in `initialize`.
pub const PROTOCOL_VERSION: &str = "2025-06-18";

/// JSON-RPC "method not found": the server has no such method (e.g. no `initialize`
/// after the 2026-07-28 revision).
pub const METHOD_NOT_FOUND: i64 = -32601;

/// Longest service message we carry into an error.
const MAX_MESSAGE: usize = 400;

/// One JSON-RPC request as bytes.
pub fn encode_request(id: u64, method: &str, params: Value) -> Vec<u8> {
    to_bytes(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
}

/// One JSON-RPC notification as bytes.
pub fn encode_notification(method: &str) -> Vec<u8> {
    to_bytes(&json!({"jsonrpc": "2.0", "method": method}))
}

/// A JSON value as bytes, through the same serializer as the rest of the crate's
/// output (`Value`'s `Display` would add another copy to the .wasm). Writing a `Value`
/// into a `Vec` cannot fail: its map keys are strings.
fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The `initialize` params we send.
pub fn initialize_params() -> Value {
    json!({
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": {"name": "testany-client", "version": env!("CARGO_PKG_VERSION")},
    })
}

/// `tools/call` params.
pub fn tool_call_params(name: &str, arguments: Map<String, Value>) -> Value {
    json!({"name": name, "arguments": arguments})
}

/// The protocol version the server chose, or ours when it did not say.
pub fn negotiated_version(initialize_result: &Value) -> String {
    initialize_result
        .get("protocolVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or(PROTOCOL_VERSION)
        .to_owned()
}

/// Headers for every MCP POST.
pub fn request_headers(
    token: Option<&Secret>,
    session_id: Option<&str>,
    protocol_version: Option<&str>,
) -> Vec<(String, String)> {
    let mut headers = vec![
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        headers.push((
            "authorization".to_owned(),
            format!("Bearer {}", token.expose()),
        ));
    }
    if let Some(id) = session_id {
        headers.push(("mcp-session-id".to_owned(), id.to_owned()));
    }
    if let Some(version) = protocol_version {
        headers.push(("mcp-protocol-version".to_owned(), version.to_owned()));
    }
    headers
}

/// How a response body is framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    EventStream,
    Other(String),
}

/// Classifies a `Content-Type` header.
pub fn body_kind(content_type: Option<&str>) -> BodyKind {
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => BodyKind::Json,
        "text/event-stream" => BodyKind::EventStream,
        // Some servers omit the type on JSON answers; try JSON then.
        "" => BodyKind::Json,
        other => BodyKind::Other(other.to_owned()),
    }
}

/// Shortens a service message for an error and removes control characters.
pub fn short_message(text: &str) -> String {
    // Redact before cutting: a cut through a secret would leave its start unredacted.
    let clean: String = crate::secret::redact(text)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() > MAX_MESSAGE {
        let cut: String = clean.chars().take(MAX_MESSAGE).collect();
        format!("{cut}…")
    } else {
        clean.to_owned()
    }
}

fn id_matches(message: &Value, id: u64) -> bool {
    match message.get("id") {
        Some(Value::Number(n)) => n.as_u64() == Some(id),
        Some(Value::String(s)) => s.parse::<u64>().ok() == Some(id),
        _ => false,
    }
}

fn rpc_error(error: &Value) -> Error {
    let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .map(short_message)
        .unwrap_or_else(|| "no message".to_owned());
    Error::Rpc { code, message }
}

/// Looks at one JSON-RPC message: `Some(result)` when it answers request `id`, an error
/// when it is our error, `None` for anything else (notifications, other ids).
pub fn match_response(message: &Value, id: u64) -> Result<Option<Value>> {
    if !id_matches(message, id) || message.get("method").is_some() {
        if let Some(method) = message.get("method").and_then(Value::as_str) {
            tracing::debug!(method, "skipping a server message that is not our response");
        }
        return Ok(None);
    }
    if let Some(error) = message.get("error") {
        return Err(rpc_error(error));
    }
    match message.get("result") {
        Some(result) => Ok(Some(result.clone())),
        None => Err(Error::Malformed {
            detail: "a JSON-RPC response without result or error".to_owned(),
        }),
    }
}

/// Decodes an `application/json` body answering request `id` (a single object or a batch).
pub fn decode_json(body: &[u8], id: u64) -> Result<Value> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Error::Malformed {
        detail: format!("invalid JSON at line {} column {}", e.line(), e.column()),
    })?;
    let messages = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    for message in &messages {
        if let Some(result) = match_response(message, id)? {
            return Ok(result);
        }
    }
    Err(Error::Malformed {
        detail: format!("the JSON answer does not contain a response to request {id}"),
    })
}

/// Decodes a `text/event-stream` body: skips notifications and other messages until
/// the response to request `id`. A stream that ends first is [`Error::Truncated`]; more
/// than `cap` bytes is [`TransportError::TooLarge`]; `on_transport` turns the body's own
/// failures (timeouts, resets) into errors.
pub async fn decode_event_stream<S, F>(
    body: S,
    id: u64,
    cap: usize,
    on_transport: F,
) -> Result<Value>
where
    S: Stream<Item = std::result::Result<Bytes, TransportError>> + Unpin,
    F: Fn(TransportError) -> Error,
{
    let mut seen: usize = 0;
    let limited = body.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > cap {
            return Err(TransportError::TooLarge(cap));
        }
        Ok(chunk)
    });
    let mut events = sse_stream::SseByteStream::new(limited);
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| match e {
            sse_stream::Error::Body(inner) => match inner.downcast_ref::<TransportError>() {
                Some(error) => on_transport(error.clone()),
                None => Error::Truncated,
            },
            other => Error::Malformed {
                detail: format!("invalid event stream: {other}"),
            },
        })?;
        let Some(data) = event.data.as_deref() else {
            continue;
        };
        if data.trim().is_empty() {
            continue;
        }
        let event_name = event.event.as_deref().unwrap_or("message");
        if event_name != "message" {
            tracing::debug!(event = event_name, "skipping a non-message SSE event");
            continue;
        }
        let message: Value = match serde_json::from_slice(data.as_bytes()) {
            Ok(message) => message,
            Err(e) => {
                return Err(Error::Malformed {
                    detail: format!(
                        "invalid JSON in an event at line {} column {}",
                        e.line(),
                        e.column()
                    ),
                });
            }
        };
        if let Some(result) = match_response(&message, id)? {
            return Ok(result);
        }
    }
    Err(Error::Truncated)
}

/// Consumes what is already buffered of a body (at most 64 chunks) without waiting, so
/// a stream that ended right after the response goes back to the connection pool.
pub fn drain_ready<S>(body: &mut S)
where
    S: Stream<Item = std::result::Result<Bytes, TransportError>> + Unpin,
{
    use futures_util::FutureExt;
    for _ in 0..64 {
        match body.next().now_or_never() {
            Some(Some(Ok(_))) => continue,
            _ => break,
        }
    }
}

/// Reads a whole body, refusing more than `cap` bytes.
pub async fn collect_body<S>(
    mut body: S,
    cap: usize,
) -> std::result::Result<Vec<u8>, TransportError>
where
    S: Stream<Item = std::result::Result<Bytes, TransportError>> + Unpin,
{
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if out.len().saturating_add(chunk.len()) > cap {
            return Err(TransportError::TooLarge(cap));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A `Retry-After` value (RFC 9110 section 10.2.3): delay-seconds, or an HTTP-date read
/// as the time left from `now`. A date already past gives `None`, so the caller's
/// backoff applies (a clock slightly ahead of the server's must not mean "retry now").
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::transport::parse_http_date(value)?;
    at.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// The message of an HTTP error body: a JSON-RPC error's message, or the text itself.
pub fn error_body_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let message = value
            .get("error")
            .and_then(|e| e.get("message"))
            .or_else(|| value.get("message"))
            .or_else(|| value.get("error"))
            .and_then(Value::as_str);
        if let Some(message) = message {
            return short_message(message);
        }
    }
    short_message(&String::from_utf8_lossy(body))
}

/// Parses JSON held in a string, if it is JSON.
fn parse_json_text(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_slice(trimmed.as_bytes()).ok()
    } else {
        None
    }
}

/// Unwraps `{"result": "<json text>"}` (and `{"result": {...}}`) when that is the only key.
fn unwrap_result_envelope(value: Value) -> Value {
    let Value::Object(map) = &value else {
        return value;
    };
    if map.len() != 1 {
        return value;
    }
    match map.get("result") {
        Some(Value::String(text)) => parse_json_text(text).unwrap_or(value),
        Some(inner @ (Value::Object(_) | Value::Array(_))) => inner.clone(),
        _ => value,
    }
}

fn text_items(result: &Value) -> Vec<&str> {
    result
        .get("content")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|item| item.get("type").and_then(Value::as_str).unwrap_or("text") == "text")
                .filter_map(|item| item.get("text").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// The JSON a `tools/call` result carries: from `structuredContent`, from a text item,
/// or wrapped as `{"result": "<json text>"}`. `isError: true` becomes [`Error::Tool`].
pub fn tool_payload(tool: &str, result: &Value) -> Result<Value> {
    let texts = text_items(result);
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        let mut message = texts.join(" ");
        if message.trim().is_empty() {
            message = result
                .get("structuredContent")
                .and_then(|c| c.get("error").or_else(|| c.get("message")))
                .and_then(Value::as_str)
                .unwrap_or("no reason given")
                .to_owned();
        }
        return Err(Error::Tool {
            tool: tool.to_owned(),
            message: short_message(&message),
        });
    }
    if let Some(structured) = result.get("structuredContent").filter(|v| !v.is_null()) {
        return Ok(unwrap_result_envelope(structured.clone()));
    }
    for text in &texts {
        if let Some(value) = parse_json_text(text) {
            return Ok(unwrap_result_envelope(value));
        }
    }
    // No content envelope at all: some servers return the payload itself.
    if result.get("content").is_none() && (result.is_object() || result.is_array()) {
        return Ok(unwrap_result_envelope(result.clone()));
    }
    Err(Error::Malformed {
        detail: format!("the {tool} result holds no JSON"),
    })
}

/// One tool's declared argument names, from `tools/list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolSchema {
    pub name: String,
    /// `None` when the tool publishes no `inputSchema.properties` at all (then the seed's
    /// names are used); `Some(vec![])` when it declares that it takes no arguments.
    pub properties: Option<Vec<String>>,
}

/// The tools of one `tools/list` page and the cursor of the next page.
pub fn parse_tools(result: &Value) -> (Vec<ToolSchema>, Option<String>) {
    let tools = result
        .get("tools")
        .and_then(Value::as_array)
        .map(|tools| {
            tools
                .iter()
                .filter_map(|tool| {
                    let name = tool.get("name")?.as_str()?.to_owned();
                    let properties = tool
                        .get("inputSchema")
                        .and_then(|s| s.get("properties"))
                        .and_then(Value::as_object)
                        .map(|props| props.keys().cloned().collect());
                    Some(ToolSchema { name, properties })
                })
                .collect()
        })
        .unwrap_or_default();
    let cursor = result
        .get("nextCursor")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    (tools, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream_of(
        chunks: &[&str],
    ) -> impl Stream<Item = std::result::Result<Bytes, TransportError>> + Unpin {
        let items: Vec<std::result::Result<Bytes, TransportError>> = chunks
            .iter()
            .map(|c| Ok(Bytes::from(c.to_string())))
            .collect();
        futures_util::stream::iter(items)
    }

    const CAP: usize = 1 << 20;

    fn on_transport(e: TransportError) -> Error {
        match e {
            TransportError::TooLarge(n) => Error::Malformed {
                detail: format!("more than {n} bytes"),
            },
            _ => Error::Truncated,
        }
    }

    #[test]
    fn event_streams_past_the_cap_are_refused() {
        let body = stream_of(&[
            "data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n",
            "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}\n\n",
        ]);
        let err = block_on(decode_event_stream(body, 1, 40, on_transport)).unwrap_err();
        assert_eq!(
            err.to_string(),
            Error::Malformed {
                detail: "more than 40 bytes".into()
            }
            .to_string()
        );
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("ready")
    }

    #[test]
    fn frames_requests() {
        let body = encode_request(7, "tools/call", tool_call_params("t", Map::new()));
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            json!({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{}}})
        );
        let n: Value =
            serde_json::from_slice(&encode_notification("notifications/initialized")).unwrap();
        assert_eq!(
            n,
            json!({"jsonrpc":"2.0","method":"notifications/initialized"})
        );
        assert_eq!(initialize_params()["protocolVersion"], "2025-06-18");
    }

    #[test]
    fn headers_carry_session_version_and_token() {
        let token = Secret::new("tok");
        let h = request_headers(Some(&token), Some("s-1"), Some("2025-03-26"));
        assert_eq!(
            h,
            vec![
                (
                    "accept".into(),
                    "application/json, text/event-stream".into()
                ),
                ("content-type".into(), "application/json".into()),
                ("authorization".into(), "Bearer tok".into()),
                ("mcp-session-id".into(), "s-1".into()),
                ("mcp-protocol-version".into(), "2025-03-26".into()),
            ]
        );
        assert_eq!(request_headers(Some(&Secret::new("")), None, None).len(), 2);
    }

    #[test]
    fn negotiates_the_servers_version() {
        assert_eq!(
            negotiated_version(&json!({"protocolVersion":"2025-03-26"})),
            "2025-03-26"
        );
        assert_eq!(negotiated_version(&json!({})), PROTOCOL_VERSION);
        assert_eq!(
            negotiated_version(&json!({"protocolVersion":"bad\nvalue"})),
            PROTOCOL_VERSION
        );
    }

    #[test]
    fn classifies_content_types() {
        let table = [
            (Some("application/json"), BodyKind::Json),
            (Some("application/json; charset=utf-8"), BodyKind::Json),
            (Some("Text/Event-Stream"), BodyKind::EventStream),
            (None, BodyKind::Json),
            (Some("text/html"), BodyKind::Other("text/html".into())),
        ];
        for (ct, kind) in table {
            assert_eq!(body_kind(ct), kind, "{ct:?}");
        }
    }

    #[test]
    fn decodes_json_bodies() {
        assert_eq!(
            decode_json(br#"{"jsonrpc":"2.0","id":3,"result":{"ok":true}}"#, 3).unwrap(),
            json!({"ok": true})
        );
        assert_eq!(
            decode_json(
                br#"[{"jsonrpc":"2.0","method":"x"},{"jsonrpc":"2.0","id":"3","result":1}]"#,
                3
            )
            .unwrap(),
            json!(1)
        );
        let err = decode_json(
            br#"{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"bad pipeline_key"}}"#,
            3,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the Testany service returned error -32602: bad pipeline_key"
        );
        let err = decode_json(b"{not json", 3).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
        let err = decode_json(br#"{"jsonrpc":"2.0","id":4,"result":1}"#, 3).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }

    #[test]
    fn decodes_event_streams_with_notifications_first() {
        let body = stream_of(&[
            ": comment\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n",
            "id: 1\ndata: {\"jsonrpc\":\"2.0\",\"id\":9,\"res",
            "ult\":{\"content\":[]}}\n\n",
        ]);
        assert_eq!(
            block_on(decode_event_stream(body, 9, CAP, on_transport)).unwrap(),
            json!({"content": []})
        );
    }

    #[test]
    fn decodes_event_streams_with_crlf_and_multiline_data() {
        let body =
            stream_of(&["data: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":2,\"result\":5}\r\n\r\n"]);
        assert_eq!(
            block_on(decode_event_stream(body, 2, CAP, on_transport)).unwrap(),
            json!(5)
        );
    }

    #[test]
    fn truncated_event_stream_is_a_typed_error() {
        let cases: [&[&str]; 3] = [
            &["data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n"],
            &["data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"],
            &[],
        ];
        for chunks in cases {
            let err =
                block_on(decode_event_stream(stream_of(chunks), 1, CAP, on_transport)).unwrap_err();
            assert!(matches!(err, Error::Truncated), "{chunks:?}: {err}");
        }
        let failing = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"data: {\"jsonrpc\"")),
            Err(TransportError::Body("reset".into())),
        ]);
        let err = block_on(decode_event_stream(failing, 1, CAP, on_transport)).unwrap_err();
        assert!(matches!(err, Error::Truncated), "{err}");
    }

    #[test]
    fn malformed_event_data_is_malformed() {
        let err = block_on(decode_event_stream(
            stream_of(&["data: {oops\n\n"]),
            1,
            CAP,
            on_transport,
        ))
        .unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }

    #[test]
    fn tool_payload_accepts_all_three_shapes() {
        let exec = json!({"execution_key": "SHP-0601-00001", "status": "RUNNING"});
        let text = exec.to_string();
        let cases = [
            json!({"content": [{"type": "text", "text": text}]}),
            json!({"content": [{"type": "text", "text": "summary"}], "structuredContent": exec}),
            json!({"content": [{"type": "text", "text": json!({"result": text}).to_string()}]}),
            json!({"structuredContent": {"result": text}}),
            json!({"content": [{"type":"image","data":"x"},{"type": "text", "text": format!("  {text}\n")}]}),
        ];
        for result in cases {
            assert_eq!(tool_payload("t", &result).unwrap(), exec, "{result}");
        }
        assert_eq!(
            tool_payload("t", &json!({"content":[{"type":"text","text":"[1,2]"}]})).unwrap(),
            json!([1, 2])
        );
    }

    #[test]
    fn tool_errors_carry_the_service_message() {
        let err = tool_payload(
            "testany_get_execution",
            &json!({"isError": true, "content": [{"type":"text","text":"execution X not found"}]}),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the Testany tool testany_get_execution failed: execution X not found"
        );
        let err = tool_payload(
            "t",
            &json!({"content": [{"type":"text","text":"plain words"}]}),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }));
    }

    #[test]
    fn parses_tool_schemas() {
        let (tools, cursor) = parse_tools(&json!({
            "tools": [
                {"name": "testany_get_execution", "inputSchema": {"type":"object","properties":{"execution_key":{"type":"string"}}}},
                {"name": "testany_list_pipelines"},
                {"name": "testany_cancel_execution", "inputSchema": {"type": "object", "properties": {}}},
                {"inputSchema": {}}
            ],
            "nextCursor": "p2"
        }));
        assert_eq!(
            tools,
            vec![
                ToolSchema {
                    name: "testany_get_execution".into(),
                    properties: Some(vec!["execution_key".into()])
                },
                ToolSchema {
                    name: "testany_list_pipelines".into(),
                    properties: None
                },
                ToolSchema {
                    name: "testany_cancel_execution".into(),
                    properties: Some(vec![])
                },
            ]
        );
        assert_eq!(cursor.as_deref(), Some("p2"));
    }

    #[test]
    fn retry_after_and_error_bodies() {
        // 2015-10-21T07:28:00Z, the RFC's example date.
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let before = at - Duration::from_secs(90);
        let table = [
            (" 3 ", before, Some(Duration::from_secs(3))),
            ("0", before, Some(Duration::ZERO)),
            (
                "Wed, 21 Oct 2015 07:28:00 GMT",
                before,
                Some(Duration::from_secs(90)),
            ),
            (
                "Wednesday, 21-Oct-15 07:28:00 GMT",
                before,
                Some(Duration::from_secs(90)),
            ),
            (
                "Wed Oct 21 07:28:00 2015",
                before,
                Some(Duration::from_secs(90)),
            ),
            ("Wed, 21 Oct 2015 07:28:00 GMT", at, None),
            (
                "Wed, 21 Oct 2015 07:28:00 GMT",
                at + Duration::from_secs(5),
                None,
            ),
            ("-3", before, None),
            ("soon", before, None),
            ("", before, None),
        ];
        for (value, now, want) in table {
            assert_eq!(parse_retry_after(value, now), want, "{value:?}");
        }
        assert_eq!(
            error_body_message(br#"{"error":{"code":1,"message":"slow down"}}"#),
            "slow down"
        );
        assert_eq!(
            error_body_message(b"Service\nUnavailable"),
            "Service Unavailable"
        );
        assert_eq!(short_message(&"x".repeat(500)).chars().count(), 401);
    }
}
