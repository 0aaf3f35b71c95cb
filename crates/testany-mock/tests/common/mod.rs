//! A small MCP Streamable HTTP client over reqwest, written from the spec for these tests.

#![allow(dead_code)]

use std::net::SocketAddr;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use testany_mock::{MockConfig, MockHandle, ResponseMode};

pub const VERSION: &str = "2025-06-18";

/// Starts the shop scenario with extra faults and a response mode.
pub async fn start(faults: &str, mode: ResponseMode, speed: f64) -> MockHandle {
    let config = MockConfig::shop()
        .unwrap()
        .faults(faults)
        .unwrap()
        .response_mode(mode)
        .speed(speed);
    testany_mock::start(config).await.unwrap()
}

/// One HTTP answer, body read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON-RPC messages in the body (one for JSON, one per `data:` event for SSE).
    pub fn messages(&self) -> Vec<Value> {
        if self.content_type().starts_with("text/event-stream") {
            sse_data(&self.body)
                .iter()
                .filter_map(|d| serde_json::from_str(d).ok())
                .collect()
        } else {
            serde_json::from_str(&self.body).into_iter().collect()
        }
    }

    /// The last message (the response).
    pub fn response(&self) -> Value {
        self.messages().pop().unwrap_or(Value::Null)
    }
}

/// `data:` payloads of complete SSE events.
pub fn sse_data(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in body.split("\n\n") {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim_start)
            .collect();
        if !data.is_empty() && body.contains(&format!("{event}\n\n")) {
            out.push(data.join("\n"));
        }
    }
    out
}

/// A client session.
pub struct Mcp {
    pub http: reqwest::Client,
    pub url: String,
    pub session: Option<String>,
    pub version: Option<String>,
    pub accept: String,
    pub token: Option<String>,
    next_id: u64,
}

impl Mcp {
    pub fn new(url: String) -> Mcp {
        Mcp {
            http: reqwest::Client::new(),
            url,
            session: None,
            version: None,
            accept: "application/json, text/event-stream".into(),
            token: None,
            next_id: 1,
        }
    }

    pub async fn post(&self, body: &Value) -> Answer {
        let mut req = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", &self.accept)
            .body(body.to_string());
        if let Some(s) = &self.session {
            req = req.header("mcp-session-id", s);
        }
        if let Some(v) = &self.version {
            req = req.header("mcp-protocol-version", v);
        }
        if let Some(t) = &self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = req.send().await.unwrap();
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap_or_default(),
        }
    }

    /// initialize + notifications/initialized; returns the initialize answer.
    pub async fn initialize(&mut self) -> Answer {
        let init = self
            .post(
                &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": VERSION, "capabilities": {},
                    "clientInfo": {"name": "mock-tests", "version": "1"},
                }}),
            )
            .await;
        assert_eq!(init.status, StatusCode::OK, "{}", init.body);
        self.session = init.header("mcp-session-id").map(str::to_string);
        self.version = init.response()["result"]["protocolVersion"]
            .as_str()
            .map(str::to_string);
        let note = self
            .post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        assert_eq!(note.status, StatusCode::ACCEPTED);
        init
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        self.post(
            &json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}),
        )
        .await
    }

    /// tools/call; returns the JSON-RPC response object.
    pub async fn call(&mut self, tool: &str, args: Value) -> Value {
        let a = self
            .request("tools/call", json!({"name": tool, "arguments": args}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{tool}: {}", a.body);
        a.response()
    }

    /// tools/call that must succeed; returns structuredContent after checking the text copy.
    pub async fn ok(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(tool, args).await;
        let result = &r["result"];
        assert_eq!(result["isError"], json!(false), "{tool}: {r}");
        let text: Value =
            serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, result["structuredContent"]);
        result["structuredContent"].clone()
    }
}

/// An initialized session against `handle`.
pub async fn session(handle: &MockHandle) -> Mcp {
    let mut mcp = Mcp::new(handle.mcp_url());
    mcp.initialize().await;
    mcp
}

/// A client that resolves the sign's log host to the emulator (as our client does for
/// *.localhost) and never follows redirects.
pub fn log_client(h: &MockHandle, url: &str) -> reqwest::Client {
    let host = url.split("//").nth(1).unwrap().split(':').next().unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(host, SocketAddr::from(([127, 0, 0, 1], h.port())))
        .build()
        .unwrap()
}
