//! The language server in a web worker: JSON-RPC messages in, JSON-RPC messages out.
//!
//! vscode-languageclient/browser posts each message to the worker as one object, so there
//! is no byte stream to frame: the worker hands each message over as JSON text and
//! [`serve`] routes it to testany-lsp's [`Server`], a match on the method name over the
//! handlers `testany lsp` runs. The protocol around them is kept as tower-lsp-server keeps
//! it for the native server, so both answer alike, codes and messages: `initialize` once
//! (a second one -32600), -32002 for anything before it, -32600 for requests after
//! `shutdown`, -32601 for unknown methods (naming them, unless they start with `$/`),
//! `$/cancelRequest` (-32800), requests run in the order they came, at most
//! `CONCURRENCY` at once, nothing served after `exit`. The server's own requests and
//! notifications go out through `Link`, its [`Channel`]. Runtime-neutral: the caller
//! spawns the future.
//!
//! Without tower-lsp-server's router the worker no longer carries a reader and writer
//! for every LSP method (docs/benchmarks.md, issue 16). Two differences remain, both for
//! malformed input: an LSP method this server does not implement is answered -32601
//! whatever its params, where the native server first reads them and answers -32602 when
//! they do not read; and `initialize` reads only the capabilities the server uses.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use futures::channel::{mpsc, oneshot};
use futures::future::{self, AbortHandle, FutureExt, LocalBoxFuture};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use testany_lsp::env::{BoxFuture, Env, MaybeSendSync};
use testany_lsp::peer::Channel;
use testany_lsp::tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response, Result};
use testany_lsp::tower_lsp_server::ls_types::CancelParams;
use testany_lsp::{Call, Kind, Options, Server};

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
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Incoming::Refused(Response::from_error(Id::Null, Error::parse_error()));
        };
        let Some(message) = value.as_object() else {
            return Incoming::Refused(Response::from_error(Id::Null, Error::invalid_request()));
        };
        let id = match message.get("id") {
            Some(Value::Number(n)) => n.as_i64().map(Id::Number),
            Some(Value::String(s)) => Some(Id::String(s.clone())),
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
            match read_answer(message) {
                Some(response) => Incoming::Response(response),
                None => Incoming::Dropped("a malformed answer"),
            }
        }
    }
}

/// The client's answer to one of the server's requests, read as tower-lsp-server's
/// `Response` reads it (test `answers_read_as_tower_lsp_server_reads_them`): `jsonrpc`
/// "2.0", an `id`, and a `result` (any value) or else an `error`. Not through its derived
/// reader: that one buffers a flattened untagged enum, 17 KB of the worker (issue 16).
fn read_answer(message: &serde_json::Map<String, Value>) -> Option<Response> {
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return None;
    }
    let id = match message.get("id")? {
        Value::Number(n) => Id::Number(n.as_i64()?),
        Value::String(s) => Id::String(s.clone()),
        Value::Null => Id::Null,
        _ => return None,
    };
    if let Some(result) = message.get("result") {
        return Some(Response::from_ok(id, result.clone()));
    }
    let error = Error::deserialize(message.get("error")?).ok()?;
    Some(Response::from_error(id, error))
}

/// Serves testany-lsp's [`Server`] over `env` with the client's messages from
/// `incoming` (JSON text each) and passes every message for the client to `send` (JSON
/// text). Ends after `exit` (once the requests still running are answered), or when
/// `incoming` ends.
pub async fn serve<I, F>(env: Arc<dyn Env>, options: Options, mut incoming: I, send: F)
where
    I: Stream<Item = String> + Unpin,
    F: Fn(String) + MaybeSendSync + 'static,
{
    let link = Arc::new(Link::new(send));
    let channel: Arc<dyn Channel> = link.clone();
    let server = Server::new(env, options, channel);
    let (tasks, pending) = mpsc::unbounded::<LocalBoxFuture<'static, Option<Response>>>();
    let dispatch = async {
        while let Some(text) = incoming.next().await {
            match Incoming::parse(&text) {
                Incoming::Request(request) => {
                    let answer = link.route(&server, *request);
                    if tasks.unbounded_send(answer).is_err() || link.phase() == Phase::Exited {
                        break;
                    }
                }
                Incoming::Response(response) => link.answer(response),
                Incoming::Refused(answer) => {
                    tracing::warn!("malformed input from the client answered");
                    link.post(&answer);
                }
                Incoming::Dropped(why) => {
                    tracing::warn!(reason = why, "malformed input from the client dropped");
                }
            }
        }
        drop(tasks);
    };
    let answers = pending.buffer_unordered(CONCURRENCY).for_each(|answer| {
        if let Some(answer) = answer {
            link.post(&answer);
        }
        future::ready(())
    });
    future::join(dispatch, answers).await;
}

/// Where the server is in its life: tower-lsp-server's states (it never enters its
/// fifth, `Initializing`: requests that come while `initialize` runs get -32002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Initialized,
    ShutDown,
    Exited,
}

/// The connection to the client, shared by the router and the server (as its
/// [`Channel`]): where messages go, the phase, and the requests in flight both ways.
struct Link<F> {
    send: F,
    phase: Mutex<Phase>,
    /// The id of the server's next request (tower-lsp-server's: 0, 1, ...).
    next_id: AtomicU32,
    /// The server's requests waiting for the client's answer.
    waiting: Mutex<HashMap<Id, oneshot::Sender<Response>>>,
    /// The client's requests being answered, to cancel (`$/cancelRequest`, `exit`).
    running: Mutex<HashMap<Id, AbortHandle>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// -32002: what tower-lsp-server answers before `initialize` (its own constant is private).
fn not_initialized() -> Error {
    Error {
        code: ErrorCode::ServerError(-32002),
        message: "Server not initialized".into(),
        data: None,
    }
}

fn ready(answer: Option<Response>) -> LocalBoxFuture<'static, Option<Response>> {
    future::ready(answer).boxed_local()
}

impl<F: Fn(String) + 'static> Link<F> {
    fn new(send: F) -> Self {
        Link {
            send,
            phase: Mutex::new(Phase::Uninitialized),
            next_id: AtomicU32::new(0),
            waiting: Mutex::default(),
            running: Mutex::default(),
        }
    }

    fn phase(&self) -> Phase {
        *lock(&self.phase)
    }

    fn set_phase(&self, phase: Phase) {
        *lock(&self.phase) = phase;
    }

    /// Sends `message` to the client as JSON text.
    fn post<M: Serialize>(&self, message: &M) {
        match serde_json::to_string(message) {
            Ok(text) => (self.send)(text),
            Err(e) => tracing::error!(error = %e, "a message for the client did not serialise"),
        }
    }

    /// The client's answer to one of the server's requests.
    fn answer(&self, response: Response) {
        let waiter = lock(&self.waiting).remove(response.id());
        match waiter {
            // The request's future may be gone (dropped by its caller): nothing to do.
            Some(waiter) => drop(waiter.send(response)),
            None => tracing::warn!("an answer to no request of the server, ignored"),
        }
    }

    /// `exit`: nothing more is served or sent; requests still running end as cancelled.
    fn exit(&self) {
        self.set_phase(Phase::Exited);
        for (_, running) in lock(&self.running).drain() {
            running.abort();
        }
        // The server's requests waiting for an answer fail (-32603, as natively).
        lock(&self.waiting).clear();
    }

    /// The answer to `request`, in the manner of tower-lsp-server's `LspService` and its
    /// layers (`Initialize`, `Shutdown`, `Exit`, `Normal`, `Cancellable`).
    fn route(
        self: &Arc<Self>,
        server: &Server,
        request: Request,
    ) -> LocalBoxFuture<'static, Option<Response>> {
        let (method, id, params) = request.into_parts();
        match method.as_ref() {
            "exit" => {
                self.exit();
                return ready(None);
            }
            // A notification outside the lifecycle (sent as a request: -32600).
            "$/cancelRequest" => {
                if let Some(id) = id {
                    return ready(Some(Response::from_error(id, Error::invalid_request())));
                }
                if let Some(Ok(cancel)) = params.map(serde_json::from_value::<CancelParams>) {
                    self.cancel(&cancel.id.into());
                }
                return ready(None);
            }
            _ => {}
        }
        let call = server.call(&method, params);
        let Some(kind) = call.kind() else {
            // Not a method of this server: named in the error, except `$/` methods,
            // which a server may ignore (LSP).
            let answer = id.filter(|_| !method.starts_with("$/")).map(|id| {
                let error = Error {
                    data: Some(Value::String(method.into_owned())),
                    ..Error::method_not_found()
                };
                Response::from_error(id, error)
            });
            return ready(answer);
        };
        let phase = self.phase();
        let initialize = method == "initialize";
        if initialize {
            if phase != Phase::Uninitialized {
                return ready(id.map(|id| Response::from_error(id, Error::invalid_request())));
            }
        } else if phase == Phase::Initialized {
            if method == "shutdown" {
                self.set_phase(Phase::ShutDown);
            }
        } else {
            let error = match phase {
                Phase::Uninitialized => not_initialized(),
                _ => Error::invalid_request(),
            };
            return ready(id.map(|id| Response::from_error(id, error)));
        }
        let Some(id) = id else {
            // Sent as a notification: a notification's handler runs; a request's does not.
            return match call {
                Call::Notification(run) => run.map(|()| None).boxed_local(),
                _ => ready(None),
            };
        };
        if lock(&self.running).contains_key(&id) {
            return ready(Some(Response::from_error(id, Error::invalid_request())));
        }
        let answer: LocalBoxFuture<'static, Result<Value>> = match (call, kind) {
            (Call::Request(run), _) => run,
            (_, Kind::Request) => future::err(Error::method_not_found()).boxed_local(),
            // A notification sent as a request.
            (_, Kind::Notification) => future::err(Error::invalid_request()).boxed_local(),
        };
        let (answer, abort) = future::abortable(answer);
        lock(&self.running).insert(id.clone(), abort);
        let link = self.clone();
        async move {
            let answer = answer.await;
            lock(&link.running).remove(&id);
            let response = match answer {
                Ok(result) => Response::from_parts(id, result),
                Err(future::Aborted) => Response::from_error(id, Error::request_cancelled()),
            };
            if initialize && link.phase() != Phase::Exited {
                link.set_phase(if response.is_ok() {
                    Phase::Initialized
                } else {
                    Phase::Uninitialized
                });
            }
            Some(response)
        }
        .boxed_local()
    }

    /// `$/cancelRequest`: the request, if still running, is answered -32800.
    fn cancel(&self, id: &Id) {
        if let Some(running) = lock(&self.running).remove(id) {
            running.abort();
        }
    }
}

impl<F: Fn(String) + MaybeSendSync + 'static> Channel for Link<F> {
    fn notify(&self, method: &'static str, params: Value) -> BoxFuture<'_, ()> {
        // As tower-lsp-server's `Client`: messages for the user may go before
        // `initialize` is answered, the rest only after; nothing after `exit`.
        let open = match self.phase() {
            Phase::Initialized | Phase::ShutDown => true,
            Phase::Uninitialized => matches!(method, "window/showMessage" | "window/logMessage"),
            Phase::Exited => false,
        };
        if open {
            self.post(&Request::build(method).params(params).finish());
        }
        Box::pin(future::ready(()))
    }

    fn request(&self, method: &'static str, params: Value) -> BoxFuture<'_, Result<Value>> {
        if !matches!(self.phase(), Phase::Initialized | Phase::ShutDown) {
            return Box::pin(future::ready(Err(not_initialized())));
        }
        let id = Id::Number(i64::from(self.next_id.fetch_add(1, Ordering::Relaxed)));
        let (answer, waiter) = oneshot::channel();
        lock(&self.waiting).insert(id.clone(), answer);
        self.post(&Request::build(method).params(params).id(id).finish());
        Box::pin(async move {
            match waiter.await {
                Ok(response) => response.into_parts().1,
                // `exit` came first.
                Err(oneshot::Canceled) => Err(Error::internal_error()),
            }
        })
    }
}

/// The `TESTANY_*` variables the worker's host gave in its start message (JSON text of
/// an object of strings): the desktop fallback's environment subset and the token, which
/// come this way, never over JSON-RPC, so a verbose trace cannot show them. Anything
/// else (another name, a non-string value, text that is not such an object) is left out.
pub fn host_vars(json: Option<&str>) -> HashMap<String, String> {
    let Some(Ok(Value::Object(map))) = json.map(serde_json::from_str) else {
        return HashMap::new();
    };
    map.into_iter()
        .filter(|(name, _)| name.starts_with("TESTANY_"))
        .filter_map(|(name, value)| match value {
            Value::String(text) => Some((name, text)),
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
            wasm_bindgen_futures::spawn_local(super::serve(env, options, incoming, move |text| {
                if send
                    .call1(&JsValue::NULL, &JsValue::from_str(&text))
                    .is_err()
                {
                    tracing::error!("the worker's send callback threw");
                }
            }));
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
