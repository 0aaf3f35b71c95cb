//! The language server in a web worker: JSON-RPC messages in, JSON-RPC messages out.
//!
//! vscode-languageclient/browser posts each message to the worker as one object, so there
//! is no byte stream to frame: the worker hands each message over as JSON text and
//! [`serve`] routes it straight to tower-lsp-server's `LspService` (client requests and
//! notifications) or its `ClientSocket` (answers to the server's own requests), in the
//! manner of tower-lsp-server's `Server::serve` (requests dispatched in order, each
//! waiting until the service is ready, so nothing overtakes `initialize`; at most
//! [`CONCURRENCY`] answered at once). Runtime-neutral: the caller spawns the future.

use futures::channel::mpsc;
use futures::future::{self, Either, FutureExt};
use futures::{SinkExt, Stream, StreamExt};
use serde::Deserialize;
// The server's own copy in the browser (testany-lsp picks its runtime features there);
// natively, for the tests, the workspace's with tokio's.
#[cfg(target_arch = "wasm32")]
use testany_lsp::tower_lsp_server;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService};
use tower_service::Service;

/// Requests answered at once (tower-lsp-server's own default).
const CONCURRENCY: usize = 4;

/// One message from the client.
enum Incoming {
    Request(Box<Request>),
    Response(Response),
    /// Not a JSON-RPC message: answered with this error, as the native input layer
    /// answers it (crates/testany-lsp/src/transport.rs: -32700 for text that is not
    /// JSON, -32600 for a value that is not an object and for a malformed request,
    /// with its id when it has one).
    Refused(Response),
    /// A malformed notification or answer: no one waits for a reply, so it is dropped
    /// (the reason goes to the log).
    Dropped(&'static str),
}

impl Incoming {
    /// A message with a `method` is a request or notification; any other, an answer to
    /// one of the server's requests (tower-lsp-server's `Request` would also read an
    /// answer, as a request without a method).
    fn parse(text: &str) -> Incoming {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Incoming::Refused(Response::from_error(Id::Null, Error::parse_error()));
        };
        let Some(message) = value.as_object() else {
            return Incoming::Refused(Response::from_error(Id::Null, Error::invalid_request()));
        };
        let id = match message.get("id") {
            Some(serde_json::Value::Number(n)) => n.as_i64().map(Id::Number),
            Some(serde_json::Value::String(s)) => Some(Id::String(s.clone())),
            _ => None,
        };
        if message.contains_key("method") {
            match Request::deserialize(value) {
                Ok(request) => Incoming::Request(Box::new(request)),
                Err(_) => match id {
                    Some(id) => {
                        Incoming::Refused(Response::from_error(id, Error::invalid_request()))
                    }
                    None => Incoming::Dropped("a malformed notification"),
                },
            }
        } else {
            match Response::deserialize(value) {
                Ok(response) => Incoming::Response(response),
                Err(_) => Incoming::Dropped("a malformed answer"),
            }
        }
    }
}

/// Serves `service` with the client's messages from `incoming` (JSON text each) and
/// passes every message for the client to `send` (JSON text). Ends after `exit`, or when
/// `incoming` ends.
pub async fn serve<S, I, F>(
    mut service: LspService<S>,
    socket: ClientSocket,
    mut incoming: I,
    send: F,
) where
    S: LanguageServer,
    I: Stream<Item = String> + Unpin,
    F: Fn(String),
{
    let (server_requests, mut client_answers) = socket.split();
    let (tasks, pending) = mpsc::unbounded();
    let send = &send;
    let post = move |message: &dyn erased::Json| match message.to_json() {
        Ok(text) => send(text),
        Err(e) => tracing::error!(error = %e, "a message for the client did not serialise"),
    };
    let post = &post;
    let dispatch = async move {
        while let Some(text) = incoming.next().await {
            match Incoming::parse(&text) {
                Incoming::Request(request) => {
                    // Not ready while `initialize` runs; an error once `exit` came.
                    if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                        break;
                    }
                    let answer = service.call(*request).map(|r| r.ok().flatten());
                    if tasks.unbounded_send(answer).is_err() {
                        break;
                    }
                }
                Incoming::Response(response) => {
                    if client_answers.send(response).await.is_err() {
                        break;
                    }
                }
                Incoming::Refused(answer) => {
                    tracing::warn!("malformed input from the client answered");
                    post(&answer);
                }
                Incoming::Dropped(why) => {
                    tracing::warn!(reason = why, "malformed input from the client dropped");
                }
            }
        }
        drop(tasks);
    };
    let answers = pending
        .buffer_unordered(CONCURRENCY)
        .for_each(|answer: Option<Response>| {
            if let Some(answer) = answer {
                post(&answer);
            }
            future::ready(())
        });
    let to_client = server_requests.for_each(|request| {
        post(&request);
        future::ready(())
    });
    let serving = future::join(dispatch, answers);
    futures::pin_mut!(serving, to_client);
    // The client stream never ends while the server holds its `Client`.
    if let Either::Right(((), serving)) = future::select(serving, to_client).await {
        serving.await;
    }
}

/// `serde_json::to_string` behind a trait object, so one closure posts every kind.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Result<String> {
            serde_json::to_string(self)
        }
    }
}

/// The `TESTANY_*` variables the worker's host gave in its start message (JSON text of
/// an object of strings): the desktop fallback's environment subset and the token, which
/// come this way, never over JSON-RPC, so a verbose trace cannot show them. Anything
/// else (another name, a non-string value, text that is not such an object) is left out.
pub fn host_vars(json: Option<&str>) -> std::collections::HashMap<String, String> {
    let Some(Ok(serde_json::Value::Object(map))) = json.map(serde_json::from_str) else {
        return std::collections::HashMap::new();
    };
    map.into_iter()
        .filter(|(name, _)| name.starts_with("TESTANY_"))
        .filter_map(|(name, value)| match value {
            serde_json::Value::String(text) => Some((name, text)),
            _ => None,
        })
        .collect()
}

/// The worker's handle on the server: `new LspWorker(send, vars)` starts it,
/// `receive(text)` passes it one message from the client.
#[cfg(target_arch = "wasm32")]
mod worker {
    use futures::channel::mpsc;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    pub struct LspWorker {
        inbox: mpsc::UnboundedSender<String>,
    }

    #[wasm_bindgen]
    impl LspWorker {
        /// Starts the server; `send` is called with the JSON text of each message for
        /// the client (the worker `postMessage`s it as an object). `vars`: the host's
        /// `TESTANY_*` variables as JSON text ([`super::host_vars`]); none on the web.
        #[wasm_bindgen(constructor)]
        pub fn new(send: js_sys::Function, vars: Option<String>) -> LspWorker {
            let (inbox, incoming) = mpsc::unbounded();
            let env = std::sync::Arc::new(testany_lsp::env::WebEnv::new(super::host_vars(
                vars.as_deref(),
            )));
            let options = testany_lsp::Options {
                files: testany_lsp::Files::Client,
                ..testany_lsp::Options::default()
            };
            let (service, socket) = testany_lsp::service(env, options);
            wasm_bindgen_futures::spawn_local(super::serve(
                service,
                socket,
                incoming,
                move |text| {
                    if send
                        .call1(&JsValue::NULL, &JsValue::from_str(&text))
                        .is_err()
                    {
                        tracing::error!("the worker's send callback threw");
                    }
                },
            ));
            LspWorker { inbox }
        }

        /// One JSON-RPC message from the client, as JSON text.
        pub fn receive(&self, message: String) {
            // Fails only after the server ended (`exit`); the message has no one to go to.
            let _ = self.inbox.unbounded_send(message);
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use worker::LspWorker;

/// A minimal server for the tests of [`serve`] (natively, where the real one would need
/// its native host): it initialises, asks the client for the workspace's files
/// (`testany/listFiles`) and logs how many came back.
#[cfg(test)]
mod probe {
    #[cfg(target_arch = "wasm32")]
    use super::tower_lsp_server;
    use serde_json::{Value, json};
    use tower_lsp_server::jsonrpc::Result;
    use tower_lsp_server::ls_types::{
        InitializeParams, InitializeResult, InitializedParams, MessageType, ServerCapabilities,
        ServerInfo,
    };
    use tower_lsp_server::{Client, LanguageServer, LspService};

    pub struct Probe {
        client: Client,
    }

    pub fn service() -> (LspService<Probe>, tower_lsp_server::ClientSocket) {
        LspService::new(|client| Probe { client })
    }

    impl LanguageServer for Probe {
        async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
            Ok(InitializeResult {
                capabilities: ServerCapabilities::default(),
                server_info: Some(ServerInfo {
                    name: "testany (wasm probe)".to_owned(),
                    version: None,
                }),
                ..InitializeResult::default()
            })
        }

        async fn initialized(&self, _: InitializedParams) {
            let files = self
                .client
                .send_request::<ListFiles>(json!({}))
                .await
                .ok()
                .and_then(|v| v.as_array().map(Vec::len));
            let message = match files {
                Some(n) => format!("testany wasm probe: the client listed {n} files"),
                None => "testany wasm probe: testany/listFiles failed".to_owned(),
            };
            self.client.log_message(MessageType::INFO, message).await;
        }

        async fn shutdown(&self) -> Result<()> {
            Ok(())
        }
    }

    enum ListFiles {}

    impl tower_lsp_server::ls_types::request::Request for ListFiles {
        type Params = Value;
        type Result = Value;
        const METHOD: &'static str = "testany/listFiles";
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::channel::mpsc;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;
    use serde_json::{Value, json};

    use super::{probe, serve};

    /// Runs the probe server over `serve` and returns what it sent, as JSON values.
    fn session(messages: &[Value], answer_list_files: Option<Value>) -> Vec<Value> {
        let texts: Vec<String> = messages.iter().map(Value::to_string).collect();
        session_text(&texts, answer_list_files)
    }

    /// [`session`] with the messages as raw text (not necessarily JSON).
    fn session_text(messages: &[String], answer_list_files: Option<Value>) -> Vec<Value> {
        let mut pool = LocalPool::new();
        let sent = Rc::new(RefCell::new(Vec::<Value>::new()));
        let (inbox, incoming) = mpsc::unbounded::<String>();
        let (service, socket) = probe::service();
        let out = sent.clone();
        let replies = inbox.clone();
        let answer = answer_list_files.clone();
        pool.spawner()
            .spawn_local(serve(service, socket, incoming, move |text| {
                let value: Value = serde_json::from_str(&text).expect("the server sends JSON");
                // Plays the client: answers the server's file-list request.
                if value["method"] == "testany/listFiles"
                    && let Some(result) = &answer
                {
                    let reply = json!({"jsonrpc": "2.0", "id": value["id"], "result": result});
                    replies
                        .unbounded_send(reply.to_string())
                        .expect("inbox open");
                }
                out.borrow_mut().push(value);
            }))
            .expect("spawn");
        for m in messages {
            inbox.unbounded_send(m.clone()).expect("inbox open");
            pool.run_until_stalled();
        }
        drop(inbox);
        pool.run_until_stalled();
        sent.take()
    }

    #[test]
    fn host_vars_keeps_only_testany_strings() {
        let vars = super::host_vars(Some(
            r#"{"TESTANY_URL":"https://t.example","TESTANY_TOKEN":"s3cret","PATH":"/bin","TESTANY_HISTORY":5}"#,
        ));
        let mut got: Vec<(&str, &str)> =
            vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        got.sort_unstable();
        assert_eq!(
            got,
            [
                ("TESTANY_TOKEN", "s3cret"),
                ("TESTANY_URL", "https://t.example")
            ]
        );
        assert!(super::host_vars(None).is_empty());
        assert!(super::host_vars(Some("[1]")).is_empty());
        assert!(super::host_vars(Some("not json")).is_empty());
    }

    fn initialize() -> Value {
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    }

    #[test]
    fn initialize_is_answered_with_the_same_id() {
        let sent = session(&[initialize()], None);
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0]["id"], 1);
        assert_eq!(
            sent[0]["result"]["serverInfo"]["name"],
            "testany (wasm probe)"
        );
    }

    #[test]
    fn a_server_request_is_answered_through_the_same_channel() {
        let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
        let sent = session(&[initialize(), initialized], Some(json!(["a.py", "b.py"])));
        let methods: Vec<&str> = sent.iter().filter_map(|m| m["method"].as_str()).collect();
        assert_eq!(
            methods,
            ["testany/listFiles", "window/logMessage"],
            "{sent:?}"
        );
        assert_eq!(
            sent[2]["params"]["message"],
            "testany wasm probe: the client listed 2 files"
        );
    }

    #[test]
    fn text_that_is_not_json_rpc_gets_a_parse_error_and_serving_goes_on() {
        let sent = session_text(
            &["not a message".to_owned(), initialize().to_string()],
            None,
        );
        assert_eq!(
            sent[0],
            json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null})
        );
        assert_eq!(sent[1]["id"], 1);
    }

    #[test]
    fn malformed_messages_are_answered_as_the_native_input_layer_answers_them() {
        let sent = session(
            &[
                json!({"jsonrpc": "2.0", "id": 5, "method": 1}),
                json!({"jsonrpc": "2.0", "id": "five", "method": ["x"]}),
                json!([1]),
                json!(3),
                json!({"jsonrpc": "2.0", "method": 7}),
                json!({"jsonrpc": "2.0", "id": 9}),
                initialize(),
            ],
            None,
        );
        let invalid = |id: Value| json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid request"}, "id": id});
        let expected = [
            invalid(json!(5)),
            invalid(json!("five")),
            invalid(Value::Null),
            invalid(Value::Null),
        ];
        assert_eq!(sent[..4], expected, "{sent:?}");
        // The malformed notification and answer get nothing; serving goes on.
        assert_eq!(sent.len(), 5, "{sent:?}");
        assert_eq!(sent[4]["id"], 1);
    }

    #[test]
    fn requests_before_initialize_are_refused_and_nothing_comes_after_exit() {
        let shutdown = json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"});
        let exit = json!({"jsonrpc": "2.0", "method": "exit"});
        let late = json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"});
        let sent = session(
            &[shutdown.clone(), initialize(), shutdown, exit, late],
            None,
        );
        let ids: Vec<&Value> = sent.iter().map(|m| &m["id"]).collect();
        assert_eq!(ids, [&json!(2), &json!(1), &json!(2)], "{sent:?}");
        assert_eq!(sent[0]["error"]["code"], -32002, "not initialised yet");
    }
}
