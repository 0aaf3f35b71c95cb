//! Issue 17: one malformed frame used to end `testany lsp` (exit code 0). Each one here
//! is sent as raw bytes to a real `testany lsp`; the exact error answer comes back (or
//! none, for a notification), the next request is answered, and the process lives on.

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testany_e2e::lsp::read_frame;
use testany_e2e::testany_bin;

/// Generous: waits end as soon as the answer is there.
const WAIT: Duration = Duration::from_secs(30);

/// A `testany lsp` driven with raw bytes; every frame it writes arrives on `rx` (a frame
/// that is not JSON arrives as a string, so a bad answer shows up in the assertion).
struct Raw {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Raw {
    fn spawn() -> Raw {
        let mut cmd = Command::new(testany_bin());
        cmd.arg("lsp");
        for (k, _) in std::env::vars() {
            if k.starts_with("TESTANY_") {
                cmd.env_remove(k);
            }
        }
        let mut child = cmd
            .env(
                "XDG_CACHE_HOME",
                std::env::temp_dir().join("testany-e2e-malformed"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn testany lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_frame(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Raw {
            stdin: child.stdin.take(),
            child,
            rx,
            next_id: 100,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to testany lsp");
        stdin.flush().expect("flush");
    }

    /// The next message with an `id` (answers; notifications such as logMessage are
    /// skipped).
    fn next_answer(&self) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) if msg.get("id").is_some() && msg.get("method").is_none() => return msg,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no answer from testany lsp"),
                Err(RecvTimeoutError::Disconnected) => panic!("testany lsp closed its output"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.write(&frame(body.to_string().as_bytes()));
        let answer = self.next_answer();
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

const DOC: &str = "file:///nonexistent-testany-e2e/broken.py";

#[test]
fn malformed_frames_are_answered_and_the_server_keeps_serving() {
    let mut lsp = Raw::spawn();
    let init = lsp.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    lsp.write(&frame(
        br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));

    let parse = |m: &str| Some(error(Value::Null, -32700, m));
    let cases: Vec<(&str, Vec<u8>, Option<Value>)> = vec![
        (
            // What Node's JSON.stringify writes for text holding half an emoji.
            "a lone surrogate in didOpen text",
            frame(
                format!(
                    r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{DOC}","languageId":"python","version":1,"text":"x = '\ud800'\n"}}}}}}"#
                )
                .as_bytes(),
            ),
            None,
        ),
        (
            "a body that is not JSON",
            frame(b"not json!"),
            parse("Parse error: the message is not JSON (expected ident at line 1 column 2)."),
        ),
        (
            "invalid UTF-8 in a body (read as U+FFFD)",
            frame(b"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"x\xff\"}"),
            Some(json!({"jsonrpc": "2.0", "id": 5, "error": {"code": -32601, "message": "Method not found", "data": "x\u{FFFD}"}})),
        ),
        (
            "invalid UTF-8 outside strings",
            frame(b"\xff\xfe"),
            parse("Parse error: the message is not JSON (expected value at line 1 column 1)."),
        ),
        (
            "an object that is no JSON-RPC message",
            frame(br#"{"foo":1}"#),
            Some(error(
                Value::Null,
                -32600,
                "Invalid Request: `jsonrpc` must be \"2.0\".",
            )),
        ),
        (
            "a batch",
            frame(br#"[{"jsonrpc":"2.0","id":6,"method":"shutdown"}]"#),
            Some(error(
                json!(6),
                -32600,
                "Invalid Request: LSP has no batches; send each message in its own frame.",
            )),
        ),
        (
            "a Content-Length that is not a number",
            b"Content-Length: abc\r\n\r\n{}".to_vec(),
            parse("Parse error: Content-Length `abc` is not a number of bytes."),
        ),
        (
            "no Content-Length",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".to_vec(),
            parse("Parse error: the header has no Content-Length."),
        ),
        (
            "a huge Content-Length",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}".to_vec(),
            parse(
                "Parse error: Content-Length 99999999999999999999999 is more than the limit of 67108864 bytes.",
            ),
        ),
        (
            "JSON without a header",
            br#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#.to_vec(),
            parse("Parse error: expected a `Content-Length: N` header before the message."),
        ),
    ];
    for (what, bytes, expected) in cases {
        lsp.write(&bytes);
        if let Some(expected) = expected {
            assert_eq!(lsp.next_answer(), expected, "{what}");
        }
        // The next request is answered: nothing was swallowed, nothing stopped.
        let lenses = lsp.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": DOC}}),
        );
        assert_eq!(lenses["result"], Value::Null, "after {what}: {lenses}");
        assert!(lsp.alive(), "testany lsp exited after {what}");
    }

    let shutdown = lsp.request("shutdown", Value::Null);
    assert_eq!(
        shutdown,
        json!({"jsonrpc": "2.0", "id": lsp.next_id, "result": null})
    );
    lsp.write(&frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    assert_eq!(lsp.exit_code(), Some(0));
}

#[test]
fn a_frame_cut_short_at_the_end_of_input_ends_the_server_quietly() {
    let mut lsp = Raw::spawn();
    lsp.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    lsp.write(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    assert!(lsp.alive());
    drop(lsp.stdin.take()); // end of input inside the frame
    assert_eq!(lsp.exit_code(), Some(0));
    let rest: Vec<Value> = lsp
        .rx
        .try_iter()
        .filter(|m| m.get("id").is_some())
        .collect();
    assert_eq!(rest, Vec::<Value>::new(), "nobody is left to answer");
}
