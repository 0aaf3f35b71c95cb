//! A scripted MCP server as a `Transport` (no sockets) for shapes the emulator does not
//! produce; GETs go to a real reqwest transport so log fetches hit real listeners.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::{Value, json};
use testany_client::transport::{
    BoxFuture, HttpRequest, HttpResponse, Method, ReqwestTransport, Transport, TransportError,
};
use testany_client::{Client, ListFilter};

/// How the fake answers.
#[derive(Clone)]
pub struct Script {
    /// `tools/list` result (`{"tools": [...]}`).
    pub tools: Value,
    /// Tool name -> payload returned as a text item.
    pub payloads: Vec<(String, Value)>,
    /// Answer `initialize` with "method not found" (2026-07-28 servers).
    pub no_initialize: bool,
    /// Answer as SSE with a notification first.
    pub sse: bool,
    /// The first `tools/call` finds its session expired (HTTP 404).
    pub expire_first_call: bool,
    /// Each `initialize` reports another server version (a redeployed service).
    pub new_server_each_session: bool,
}

/// Everything the fake saw.
#[derive(Default)]
pub struct Seen {
    pub methods: Vec<String>,
    /// (tool, arguments) of every tools/call.
    pub calls: Vec<(String, Value)>,
    /// Header names and values of every MCP request (for secret checks).
    pub headers: Vec<Vec<(String, String)>>,
    /// URLs of every GET passed to the real network.
    pub gets: Vec<String>,
    pub initializes: usize,
    pub expired_once: bool,
}

pub struct FakeMcp {
    pub script: Script,
    pub seen: Arc<Mutex<Seen>>,
    net: ReqwestTransport,
}

impl FakeMcp {
    pub fn new(script: Script) -> (Arc<Self>, Arc<Mutex<Seen>>) {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let fake = Arc::new(Self {
            script,
            seen: seen.clone(),
            net: ReqwestTransport::new().unwrap(),
        });
        (fake, seen)
    }

    fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let msg: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let method = msg["method"].as_str().unwrap_or("").to_owned();
        let mut seen = self.seen.lock().unwrap();
        seen.methods.push(method.clone());
        seen.headers.push(request.headers.clone());
        let id = msg.get("id").cloned();
        let Some(id) = id else {
            return response(202, "", Vec::new());
        };
        let reply = match method.as_str() {
            "initialize" if self.script.no_initialize => {
                json!({"jsonrpc":"2.0","id":id,"error":{"code":-32601,"message":"Method not found: initialize"}})
            }
            "initialize" => {
                seen.initializes += 1;
                let version = if self.script.new_server_each_session {
                    format!("1.{}", seen.initializes)
                } else {
                    "1.0".to_owned()
                };
                json!({"jsonrpc":"2.0","id":id,"result":{"protocolVersion":"2025-03-26","capabilities":{},
                    "serverInfo": {"name": "fake", "version": version}}})
            }
            "tools/call" if self.script.expire_first_call && !seen.expired_once => {
                seen.expired_once = true;
                return response(404, "session expired", Vec::new());
            }
            "tools/list" => json!({"jsonrpc":"2.0","id":id,"result": self.script.tools}),
            "tools/call" => {
                let tool = msg["params"]["name"].as_str().unwrap_or("").to_owned();
                seen.calls
                    .push((tool.clone(), msg["params"]["arguments"].clone()));
                match self.script.payloads.iter().find(|(t, _)| *t == tool) {
                    Some((_, payload)) => json!({"jsonrpc":"2.0","id":id,"result":{
                        "content":[{"type":"text","text": payload.to_string()}]}}),
                    None => json!({"jsonrpc":"2.0","id":id,"result":{
                        "isError": true, "content":[{"type":"text","text": format!("no {tool}")}]}}),
                }
            }
            _ => {
                json!({"jsonrpc":"2.0","id":id,"error":{"code":-32601,"message":"Method not found"}})
            }
        };
        let mut headers = Vec::new();
        if method == "initialize" && !self.script.no_initialize {
            headers.push(("mcp-session-id".to_owned(), "fake-session".to_owned()));
        }
        if self.script.sse {
            headers.push(("content-type".to_owned(), "text/event-stream".to_owned()));
            let body = format!(
                "event: message\ndata: {}\n\ndata: {}\n\n",
                json!({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}),
                reply
            );
            response(200, &body, headers)
        } else {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
            response(200, &reply.to_string(), headers)
        }
    }
}

fn response(status: u16, body: &str, headers: Vec<(String, String)>) -> HttpResponse {
    let chunk: Result<Bytes, TransportError> = Ok(Bytes::from(body.to_owned()));
    HttpResponse {
        status,
        headers,
        body: Box::pin(futures_util::stream::iter([chunk])),
    }
}

impl Transport for FakeMcp {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            if request.method == Method::Get {
                self.seen.lock().unwrap().gets.push(request.url.clone());
                return self.net.send(request).await;
            }
            Ok(self.answer(&request))
        })
    }
}

/// The emulator's tool schemas but in camelCase, and list_executions declaring no filters.
pub fn camel_tools() -> Value {
    let obj = |props: &[&str]| {
        let p: serde_json::Map<String, Value> = props
            .iter()
            .map(|n| (n.to_string(), json!({"type":"string"})))
            .collect();
        json!({"type":"object","properties": p})
    };
    json!({"tools": [
        {"name":"testany_list_executions","inputSchema": obj(&["pipelineKey", "pageSize"])},
        {"name":"testany_get_execution","inputSchema": obj(&["executionId"])},
        {"name":"testany_get_execution_case","inputSchema": obj(&["executionKey", "index"])},
        {"name":"testany_log_sign","inputSchema": obj(&["executionKey", "caseIndex"])},
        {"name":"testany_execute_pipeline","inputSchema": obj(&["pipeline"])},
        {"name":"testany_list_pipelines","inputSchema": obj(&[])},
    ]})
}

/// A TCP listener that counts connections and answers each with `reply` (raw HTTP).
pub async fn counting_listener(reply: String) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (port, count)
}

/// The newest completed SHP-0601 execution: its cases have logs.
pub async fn completed_execution(client: &Client) -> String {
    let filter = ListFilter {
        pipeline_key: Some("SHP-0601".into()),
        status: Some("COMPLETED".into()),
        ..Default::default()
    };
    let list = client.list_executions(&filter).await.unwrap();
    list.executions
        .first()
        .expect("a completed run")
        .key
        .clone()
}
