//! The router natively, over the same server as in the worker but with `NativeEnv`
//! (tokio, the disk), beside the native server as `testany lsp` serves it
//! (tower-lsp-server's `LspService` from `testany_lsp::service`): both must answer alike.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::channel::mpsc;
use serde_json::{Value, json};
use testany_lsp::env::{Env, NativeEnv};
use testany_lsp::tower_lsp_server::LspService;
use testany_lsp::tower_lsp_server::jsonrpc::{Request, Response};
use testany_lsp::{Backend, Files, Options};
use tower_service::Service;

use super::{read_answer, serve};

fn env(cache: &Path) -> Arc<dyn Env> {
    Arc::new(NativeEnv::new(HashMap::new(), cache.to_path_buf()))
}

fn options(files: Files) -> Options {
    Options {
        files,
        debounce: Duration::from_millis(1),
        ..Options::default()
    }
}

/// A scratch directory for the log cache, removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("testany-wasm-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The router serving on this thread (inside a `LocalSet`), as the worker runs it.
struct Router {
    inbox: mpsc::UnboundedSender<String>,
    out: mpsc::UnboundedReceiver<Value>,
    served: tokio::task::JoinHandle<()>,
    pings: u32,
}

impl Router {
    fn start(files: Files, cache: &Path) -> Router {
        let (inbox, incoming) = mpsc::unbounded();
        let (sent, out) = mpsc::unbounded();
        let served = tokio::task::spawn_local(serve(
            env(cache),
            options(files),
            incoming,
            move |text: String| {
                let message = serde_json::from_str(&text).expect("the server sends JSON");
                let _ = sent.unbounded_send(message);
            },
        ));
        Router {
            inbox,
            out,
            served,
            pings: 0,
        }
    }

    fn send_text(&self, text: String) {
        self.inbox.unbounded_send(text).expect("the router reads");
    }

    fn send(&self, message: &Value) {
        self.send_text(message.to_string());
    }

    /// The next message from the server (a guard against a hang, not a timing check).
    async fn next(&mut self) -> Value {
        tokio::time::timeout(Duration::from_secs(60), self.out.next())
            .await
            .expect("the server sent nothing for 60 s")
            .expect("the server ended")
    }

    /// The answers to `message`: those that come before the answer to a ping sent right
    /// after it (and, when `answered`, at least one), skipping the server's own
    /// messages.
    async fn answers(&mut self, message: &Value, answered: bool) -> Vec<Value> {
        self.pings += 1;
        let ping = format!("ping-{}", self.pings);
        self.send(message);
        self.send(&json!({"jsonrpc": "2.0", "id": ping, "method": "test/ping"}));
        let mut got = Vec::new();
        let mut pinged = false;
        while !pinged || (answered && got.is_empty()) {
            let m = self.next().await;
            if m.get("method").is_some() {
                continue;
            }
            if m["id"] == ping {
                pinged = true;
            } else {
                got.push(m);
            }
        }
        got
    }
}

/// The native server's answer to `message` (`None`: no answer).
async fn native_answer(service: &mut LspService<Backend>, message: &Value) -> Option<Value> {
    let request: Request = serde_json::from_value(message.clone()).expect("a JSON-RPC message");
    futures::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .expect("serving");
    let answer = service.call(request).await.expect("serving");
    answer.map(|a| serde_json::to_value(a).expect("JSON"))
}

fn error(id: i64, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

/// Runs `f` in a `LocalSet` (the router's futures stay on this thread, as in a worker).
async fn local<F: Future<Output = ()>>(f: F) {
    tokio::task::LocalSet::new().run_until(f).await;
}

fn hover(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///nowhere/a.py"}, "position": {"line": 0, "character": 0}
    }})
}

#[tokio::test(flavor = "current_thread")]
async fn the_router_answers_every_message_as_the_native_server_does() {
    let scratch = Scratch::new("same");
    local(async {
        let (mut native, _socket) = testany_lsp::service(env(&scratch.0), options(Files::Env));
        let mut router = Router::start(Files::Env, &scratch.0);
        let doc = json!({"textDocument": {"uri": "file:///nowhere/a.py"}, "position": {"line": 0, "character": 0}});
        let not_initialized = |id| error(id, -32002, "Server not initialized");
        let invalid = |id| error(id, -32600, "Invalid request");
        let unknown = |id: i64, method: &str| {
            json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": method}, "id": id})
        };
        // (message, the answer expected from both; `Value::Bool(true)`: any result)
        let script: Vec<(Value, Option<Value>)> = vec![
            // Before initialize.
            (hover(1), Some(not_initialized(1))),
            (json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}), Some(not_initialized(2))),
            (json!({"jsonrpc": "2.0", "id": 3, "method": "foo/bar"}), Some(unknown(3, "foo/bar"))),
            (json!({"jsonrpc": "2.0", "id": 4, "method": "$/foo"}), None),
            (json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/definition", "params": doc}), Some(not_initialized(5))),
            (json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": "file:///nowhere/a.py"}}}), None),
            (json!({"jsonrpc": "2.0", "id": 6, "method": "$/cancelRequest", "params": {"id": 1}}), Some(invalid(6))),
            (json!({"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": 5}}),
                Some(error(7, -32602, "invalid type: integer `5`, expected struct ClientCapabilities"))),
            (json!({"jsonrpc": "2.0", "id": 8, "method": "initialize"}), Some(error(8, -32602, "Missing params field"))),
            (json!({"jsonrpc": "2.0", "id": 9, "method": "initialize", "params": {"capabilities": {}}}), Some(Value::Bool(true))),
            (json!({"jsonrpc": "2.0", "id": 10, "method": "initialize", "params": {"capabilities": {}}}), Some(invalid(10))),
            // Initialized.
            (json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}), None),
            (json!({"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover"}), Some(error(11, -32602, "Missing params field"))),
            (json!({"jsonrpc": "2.0", "id": 12, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///nowhere/a.py"}}}),
                Some(error(12, -32602, "missing field `position`"))),
            (hover(13), Some(json!({"jsonrpc": "2.0", "result": null, "id": 13}))),
            (json!({"jsonrpc": "2.0", "id": 14, "method": "textDocument/definition", "params": doc}), Some(error(14, -32601, "Method not found"))),
            (json!({"jsonrpc": "2.0", "id": 15, "method": "textDocument/willSave", "params": {"textDocument": {"uri": "file:///nowhere/a.py"}, "reason": 1}}),
                Some(invalid(15))),
            (json!({"jsonrpc": "2.0", "method": "textDocument/codeLens", "params": {"textDocument": {"uri": "file:///nowhere/a.py"}}}), None),
            (json!({"jsonrpc": "2.0", "id": 16, "method": "foo/bar", "params": [1]}), Some(unknown(16, "foo/bar"))),
            (json!({"jsonrpc": "2.0", "id": 17, "method": "workspace/executeCommand", "params": {"command": "testany.nope", "arguments": []}}),
                Some(error(17, -32602, "unknown command testany.nope"))),
            (json!({"jsonrpc": "2.0", "id": 18, "method": "testany/caseStates", "params": {"uri": 5}}),
                Some(error(18, -32602, "bad arguments: testany/caseStates (arguments: {uri?}): invalid type: integer `5`, expected a string"))),
            (json!({"jsonrpc": "2.0", "id": 19, "method": "testany/caseStates", "params": null}), Some(json!({"jsonrpc": "2.0", "result": [], "id": 19}))),
            (json!({"jsonrpc": "2.0", "id": 20, "method": "testany/logView"}), Some(error(20, -32602, "Missing params field"))),
            (json!({"jsonrpc": "2.0", "id": 21, "method": "testany/logView", "params": {}}),
                Some(error(21, -32602, "bad arguments: testany/logView needs `execution` (arguments: {execution, caseIndex})"))),
            (json!({"jsonrpc": "2.0", "id": 121, "method": "testany/pipelineStates", "params": {}}), Some(json!({"jsonrpc": "2.0", "result": [], "id": 121}))),
            (json!({"jsonrpc": "2.0", "id": 122, "method": "testany/pipelineStates", "params": null}), Some(json!({"jsonrpc": "2.0", "result": [], "id": 122}))),
            (json!({"jsonrpc": "2.0", "id": 22, "method": "textDocument/codeLens", "params": {"textDocument": {"uri": "file:///nowhere/a.py"}}}),
                Some(json!({"jsonrpc": "2.0", "result": null, "id": 22}))),
            // Shut down (params on shutdown are refused, after it took effect).
            (json!({"jsonrpc": "2.0", "id": 23, "method": "shutdown", "params": [1]}), Some(error(23, -32602, "Unexpected params: [1]"))),
            (hover(24), Some(invalid(24))),
            (json!({"jsonrpc": "2.0", "id": 25, "method": "shutdown"}), Some(invalid(25))),
            (json!({"jsonrpc": "2.0", "id": 26, "method": "initialize", "params": {"capabilities": {}}}), Some(invalid(26))),
            (json!({"jsonrpc": "2.0", "id": 27, "method": "foo/bar"}), Some(unknown(27, "foo/bar"))),
        ];
        for (message, expected) in script {
            let want = native_answer(&mut native, &message).await;
            let got = router.answers(&message, want.is_some()).await;
            assert_eq!(got, Vec::from_iter(want.clone()), "the router's answer to {message}");
            match expected {
                Some(Value::Bool(true)) => {
                    let want = want.expect("an answer");
                    assert_eq!(want["result"]["serverInfo"]["name"], "testany-lsp", "{want}");
                }
                expected => assert_eq!(want, expected, "the native answer to {message}"),
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_request_is_answered_32800_by_both() {
    let scratch = Scratch::new("cancel");
    local(async {
        let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
        let cancel = json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}});
        let cancelled = error(1, -32800, "Canceled");

        let (mut native, _socket) = testany_lsp::service(env(&scratch.0), options(Files::Env));
        let request: Request = serde_json::from_value(initialize.clone()).expect("request");
        let running = native.call(request);
        assert_eq!(native_answer(&mut native, &cancel).await, None);
        let answer = running.await.expect("serving").expect("an answer");
        assert_eq!(serde_json::to_value(answer).expect("JSON"), cancelled);

        // Both come before the router runs the handler (one thread, as in a worker).
        let mut router = Router::start(Files::Env, &scratch.0);
        router.send(&initialize);
        router.send(&cancel);
        assert_eq!(router.next().await, cancelled);
        // Not initialised: initialize may come again.
        let again = json!({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}});
        router.send(&again);
        assert_eq!(router.next().await["result"]["serverInfo"]["name"], "testany-lsp");
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn nothing_is_served_after_exit_and_serving_ends() {
    let scratch = Scratch::new("exit");
    local(async {
        let mut router = Router::start(Files::Env, &scratch.0);
        router.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
        assert_eq!(router.next().await["id"], 1);
        router.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
        router.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        let Router { served, mut out, .. } = router;
        tokio::time::timeout(Duration::from_secs(60), served)
            .await
            .expect("serving ends after exit")
            .expect("no panic");
        let mut after = Vec::new();
        while let Ok(m) = out.try_recv() {
            after.push(m);
        }
        assert_eq!(after, Vec::<Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn input_that_is_not_json_rpc_is_answered_as_the_native_input_layer_answers_it() {
    let scratch = Scratch::new("malformed");
    local(async {
        let mut router = Router::start(Files::Env, &scratch.0);
        router.send_text("not a message".to_owned());
        assert_eq!(
            router.next().await,
            json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null})
        );
        let invalid = |id: Value| json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid request"}, "id": id});
        for (message, answer) in [
            (json!({"jsonrpc": "2.0", "id": 5, "method": 1}), Some(invalid(json!(5)))),
            (json!({"jsonrpc": "2.0", "id": "five", "method": ["x"]}), Some(invalid(json!("five")))),
            (json!([1]), Some(invalid(Value::Null))),
            (json!(3), Some(invalid(Value::Null))),
            // A malformed notification and a malformed answer: nothing.
            (json!({"jsonrpc": "2.0", "method": 7}), None),
            (json!({"jsonrpc": "2.0", "id": 9}), None),
            // An answer to no request of the server: ignored.
            (json!({"jsonrpc": "2.0", "id": 99, "result": null}), None),
        ] {
            let got = router.answers(&message, answer.is_some()).await;
            assert_eq!(got, Vec::from_iter(answer), "{message}");
        }
        // Serving goes on.
        router.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
        assert_eq!(router.next().await["id"], 1);
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_servers_requests_go_out_numbered_and_the_answers_come_back_to_them() {
    let scratch = Scratch::new("files");
    local(async {
        let mut router = Router::start(Files::Client, &scratch.0);
        router.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {}, "workspaceFolders": [{"uri": "file:///ws", "name": "ws"}]
        }}));
        assert_eq!(router.next().await["id"], 1);
        router.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        // The configuration first, through the editor.
        let read = router.next().await;
        assert_eq!(
            read,
            json!({"jsonrpc": "2.0", "method": "testany/readFile", "params": {"uri": "file:///ws/testany.toml"}, "id": 0})
        );
        let toml = "url = \"http://testany.localhost:9/api/v2/mcp/\"\npipelines = [\"SHP-0601\"]\n";
        router.send(&json!({"jsonrpc": "2.0", "id": 0, "result": {"text": toml}}));
        // The answer reached the server: it goes on to the folder's files.
        loop {
            let m = router.next().await;
            if m["method"] == "testany/listFiles" {
                assert_eq!(m["params"], json!({"root": "file:///ws"}));
                assert!(m["id"].as_i64().is_some_and(|id| id >= 1), "{m}");
                break;
            }
            assert_eq!(m["method"], "testany/readFile", "{m}");
            router.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": {"text": null}}));
        }
    })
    .await;
}

#[test]
fn host_vars_keeps_only_testany_strings() {
    let vars = super::host_vars(Some(
        r#"{"TESTANY_URL":"https://t.example","TESTANY_TOKEN":"s3cret","PATH":"/bin","TESTANY_HISTORY":5}"#,
    ));
    let mut got: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
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

/// The client's answers read as tower-lsp-server reads them, the malformed ones included
/// (`None`: dropped).
#[test]
fn answers_read_as_tower_lsp_server_reads_them() {
    let answers = [
        json!({"jsonrpc": "2.0", "id": 1, "result": {"files": ["a.py"]}}),
        json!({"jsonrpc": "2.0", "id": 1, "result": null}),
        json!({"jsonrpc": "2.0", "id": "x", "result": 3, "error": 7}),
        json!({"jsonrpc": "2.0", "id": null, "result": []}),
        json!({"jsonrpc": "2.0", "id": 2, "error": {"code": -32601, "message": "no"}}),
        json!({"jsonrpc": "2.0", "id": 2, "error": {"code": 1, "message": "m", "data": [1]}}),
        json!({"jsonrpc": "2.0", "id": 2, "error": {"code": 1, "message": "m", "more": 1}}),
        json!({"jsonrpc": "2.0", "id": 2, "error": {"code": 1}}),
        json!({"jsonrpc": "2.0", "id": 2, "error": {"code": "1", "message": "m"}}),
        json!({"jsonrpc": "2.0", "id": 2, "error": null}),
        json!({"jsonrpc": "2.0", "id": 2}),
        json!({"jsonrpc": "2.0", "result": 1}),
        json!({"jsonrpc": "2.0", "id": 1.5, "result": 1}),
        json!({"jsonrpc": "2.0", "id": 18446744073709551615_u64, "result": 1}),
        json!({"jsonrpc": "2.0", "id": -4, "result": 1}),
        json!({"jsonrpc": "2.0", "id": [1], "result": 1}),
        json!({"jsonrpc": "1.0", "id": 1, "result": 1}),
        json!({"id": 1, "result": 1}),
        json!({"jsonrpc": 2, "id": 1, "result": 1}),
    ];
    let mut read = Vec::new();
    for answer in answers {
        let want: Option<Response> = serde::Deserialize::deserialize(answer.clone()).ok();
        let got = read_answer(answer.as_object().expect("an object"));
        assert!(got == want, "{answer}: {got:?} != {want:?}");
        read.push(got.is_some());
    }
    assert_eq!(
        read,
        [
            true, true, true, true, true, true, false, false, false, false, false, false, false,
            false, true, false, false, false, false
        ]
    );
}
