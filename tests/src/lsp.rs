//! A small LSP client over a child's stdio: Content-Length framing, requests with ids,
//! every message the server sends recorded, and server requests answered at once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::process::testany_bin;

/// Everything the server sent, in order.
#[derive(Debug, Default)]
struct Inbox {
    /// Notifications and server requests.
    messages: Vec<Value>,
    responses: HashMap<i64, Value>,
    closed: bool,
}

type Shared = Arc<(Mutex<Inbox>, Condvar)>;

/// A running `testany lsp` (killed on drop).
#[derive(Debug)]
pub struct Lsp {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    inbox: Shared,
    next_id: AtomicI64,
}

/// How the fake editor answers `window/showDocument`.
#[derive(Debug, Clone, Copy)]
pub struct Behaviour {
    pub show_document_success: bool,
}

fn write_frame(out: &mut impl Write, value: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(value)?;
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(&body)?;
    out.flush()
}

/// The next LSP frame from `input`, or None at the end of input. A body that is not
/// JSON arrives as the string `not JSON: …`, so a bad answer shows up in an assertion
/// instead of ending the reading.
pub fn read_frame(input: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    input.read_exact(&mut body).ok()?;
    Some(
        serde_json::from_slice(&body).unwrap_or_else(|_| {
            Value::String(format!("not JSON: {}", String::from_utf8_lossy(&body)))
        }),
    )
}

impl Lsp {
    /// Starts `testany lsp` with a clean environment for Testany (no TESTANY_* from
    /// the caller) plus `env`; stderr goes to `stderr_file` when given.
    pub fn spawn(env: &[(&str, &str)], stderr_file: Option<&Path>) -> Lsp {
        Self::spawn_with(
            env,
            stderr_file,
            Behaviour {
                show_document_success: true,
            },
        )
    }

    pub fn spawn_with(
        env: &[(&str, &str)],
        stderr_file: Option<&Path>,
        behaviour: Behaviour,
    ) -> Lsp {
        let mut cmd = Command::new(testany_bin());
        cmd.arg("lsp");
        for (k, _) in std::env::vars() {
            if k.starts_with("TESTANY_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let stderr = match stderr_file.and_then(|p| std::fs::File::create(p).ok()) {
            Some(f) => Stdio::from(f),
            None => Stdio::null(),
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn testany lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let stdout = child.stdout.take().expect("stdout");
        let inbox: Shared = Arc::new((Mutex::new(Inbox::default()), Condvar::new()));
        {
            let inbox = inbox.clone();
            let stdin = stdin.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stdout);
                while let Some(msg) = read_frame(&mut reader) {
                    let id = msg.get("id").cloned();
                    let method = msg.get("method").and_then(Value::as_str).map(str::to_owned);
                    match (id, method) {
                        (Some(id), Some(method)) => {
                            let result = match method.as_str() {
                                "window/showDocument" => {
                                    json!({ "success": behaviour.show_document_success })
                                }
                                "workspace/configuration" => json!([null]),
                                _ => Value::Null,
                            };
                            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                            if let Ok(mut w) = stdin.lock() {
                                let _ = write_frame(&mut *w, &reply);
                            }
                            push(&inbox, |b| b.messages.push(msg));
                        }
                        (Some(id), None) => {
                            if let Some(id) = id.as_i64() {
                                push(&inbox, |b| {
                                    b.responses.insert(id, msg);
                                });
                            }
                        }
                        (None, _) => push(&inbox, |b| b.messages.push(msg)),
                    }
                }
                push(&inbox, |b| b.closed = true);
            });
        }
        Lsp {
            child,
            stdin,
            inbox,
            next_id: AtomicI64::new(1),
        }
    }

    fn send(&self, value: &Value) {
        let mut w = self.stdin.lock().expect("stdin lock");
        write_frame(&mut *w, value).expect("write to testany lsp");
    }

    /// Sends a request and waits for its response (`Err` holds a JSON-RPC error).
    pub fn request(&self, method: &str, params: Value) -> Result<Value, Value> {
        self.request_timeout(method, params, Duration::from_secs(60))
    }

    pub fn request_timeout(
        &self,
        method: &str,
        params: Value,
        limit: Duration,
    ) -> Result<Value, Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let (lock, cv) = &*self.inbox;
        let deadline = Instant::now() + limit;
        let mut inbox = lock.lock().expect("inbox");
        loop {
            if let Some(resp) = inbox.responses.remove(&id) {
                return match resp.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(resp.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            let now = Instant::now();
            assert!(
                now < deadline && !inbox.closed,
                "no answer to {method} (closed: {})",
                inbox.closed
            );
            inbox = cv.wait_timeout(inbox, deadline - now).expect("wait").0;
        }
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Every notification and server request received so far.
    pub fn messages(&self) -> Vec<Value> {
        self.inbox.0.lock().expect("inbox").messages.clone()
    }

    /// Messages with `method`.
    pub fn received(&self, method: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| m.get("method").and_then(Value::as_str) == Some(method))
            .collect()
    }

    /// Waits until `check` finds something in the messages received so far.
    pub fn wait_for<T>(
        &self,
        limit: Duration,
        what: &str,
        check: impl Fn(&[Value]) -> Option<T>,
    ) -> T {
        let (lock, cv) = &*self.inbox;
        let deadline = Instant::now() + limit;
        let mut inbox = lock.lock().expect("inbox");
        loop {
            if let Some(found) = check(&inbox.messages) {
                return found;
            }
            let now = Instant::now();
            if now >= deadline || inbox.closed {
                let tail: Vec<String> = inbox
                    .messages
                    .iter()
                    .rev()
                    .take(8)
                    .map(|m| m.to_string().chars().take(600).collect())
                    .collect();
                panic!("timed out waiting for {what}; last messages: {tail:#?}");
            }
            inbox = cv.wait_timeout(inbox, deadline - now).expect("wait").0;
        }
    }

    /// Waits until the latest diagnostics published for `uri` satisfy `check`.
    pub fn wait_diagnostics(
        &self,
        uri: &str,
        limit: Duration,
        check: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.wait_for(limit, &format!("diagnostics of {uri}"), |msgs| {
            let latest = latest_diagnostics(msgs, uri)?;
            check(&latest).then_some(latest)
        })
    }

    /// `initialize` + `initialized` with the given folders, capabilities and options.
    pub fn initialize(&self, folders: &[&Path], capabilities: Value, options: Value) -> Value {
        let folders: Vec<Value> = folders
            .iter()
            .map(|f| json!({"uri": crate::workspace::file_uri(f), "name": f.display().to_string()}))
            .collect();
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": capabilities,
                    "workspaceFolders": folders,
                    "initializationOptions": options,
                }),
            )
            .expect("initialize");
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    pub fn code_lens(&self, uri: &str) -> Vec<Value> {
        let r = self
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            )
            .expect("codeLens");
        r.as_array().cloned().unwrap_or_default()
    }

    pub fn execute(&self, command: &str, argument: Value) -> Result<Value, Value> {
        self.request_timeout(
            "workspace/executeCommand",
            json!({"command": command, "arguments": [argument]}),
            Duration::from_secs(120),
        )
    }

    /// `shutdown` + `exit`, then waits for the process.
    pub fn shutdown(mut self) {
        let _ = self.request_timeout("shutdown", Value::Null, Duration::from_secs(10));
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
    }

    /// The OS process id (for memory measurements).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

fn push(inbox: &Shared, f: impl FnOnce(&mut Inbox)) {
    let (lock, cv) = &**inbox;
    if let Ok(mut b) = lock.lock() {
        f(&mut b);
    }
    cv.notify_all();
}

/// The diagnostics of the newest publishDiagnostics for `uri`, if any.
pub fn latest_diagnostics(msgs: &[Value], uri: &str) -> Option<Vec<Value>> {
    msgs.iter().rev().find_map(|m| {
        (m.get("method")? == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri).then(
            || {
                m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            },
        )
    })
}

/// The capabilities of a modern editor (VS Code-like).
pub fn editor_capabilities(utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "window": {"workDoneProgress": true, "showDocument": {"support": true}},
        "workspace": {
            "codeLens": {"refreshSupport": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "didChangeConfiguration": {"dynamicRegistration": true},
            "workspaceFolders": true,
        },
        "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
    })
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
