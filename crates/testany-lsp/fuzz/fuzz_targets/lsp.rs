//! The language server's message loop (testany_lsp::transport in front of the real
//! Backend in tower-lsp-server's LspService) with arbitrary bytes from the client: it never
//! panics (libfuzzer-sys aborts on any panic, spawned tasks included), never stops before
//! the end of its input unless told `exit`, and writes only whole JSON-RPC frames.
//!
//! Input: the first byte picks the shape, the rest is the stream. Bit 0: the rest is
//! split at 0xFF bytes and each piece framed with a correct Content-Length (so mutations
//! reach the JSON-RPC and handler layers); else the bytes go raw (framing itself). Bit 1:
//! `initialize` + `initialized` go first (so handlers run as in a real session).
//! A stub client reads every frame the server writes and, once the input is written,
//! answers the server's own requests (as editors do) before it closes the input.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use testany_lsp::transport::{Ended, frame, serve};
use testany_lsp::env::NativeEnv;
use testany_lsp::{Options, service};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

fn options() -> Options {
    Options {
        debounce: Duration::from_millis(60),
        log_concurrency: 4,
        ..Options::default()
    }
}

fn env() -> std::sync::Arc<NativeEnv> {
    std::sync::Arc::new(NativeEnv::new(
        Default::default(),
        std::env::temp_dir().join("testany-lsp-fuzz-cache"),
    ))
}

fn stream(data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if mode & 2 != 0 {
        let folder = std::env::temp_dir().join("testany-lsp-fuzz-folder");
        let _ = std::fs::create_dir_all(&folder);
        let init = serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": null,
            "rootUri": null,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true, "showDocument": {"support": true}},
                "workspace": {"codeLens": {"refreshSupport": true}, "workspaceFolders": true,
                    "didChangeWatchedFiles": {"dynamicRegistration": true}},
            },
            "workspaceFolders": [{"uri": format!("file://{}", folder.display()), "name": "f"}],
        }});
        out.extend(frame(init.to_string().as_bytes()));
        out.extend(frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
    }
    if mode & 1 != 0 {
        for piece in rest.split(|&b| b == 0xFF) {
            out.extend(frame(piece));
        }
    } else {
        out.extend_from_slice(rest);
    }
    out
}

/// Reads the server's output: every frame must be a JSON-RPC 2.0 object; the ids of
/// the server's own requests go to `requests`.
async fn read_output(output: DuplexStream, requests: mpsc::UnboundedSender<Value>) {
    let mut reader = BufReader::new(output);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => panic!("the server wrote a header that is not UTF-8: {e}"),
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let value = line.strip_prefix("Content-Length: ");
            length = Some(value.and_then(|v| v.parse::<usize>().ok()).unwrap_or_else(|| {
                panic!("the server wrote a header line other than Content-Length: {line:?}")
            }));
        }
        let length = length.expect("a frame without Content-Length");
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            panic!("the server's output ended inside a frame");
        }
        let msg: Value = serde_json::from_slice(&body).expect("the server wrote a body that is not JSON");
        assert_eq!(msg["jsonrpc"], "2.0", "{msg}");
        if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
            let _ = requests.send(id.clone());
        }
    }
}

/// Writes the stream, then answers the server's requests until it has been quiet for a
/// (virtual) minute, then ends the input.
async fn write_input(mut input: DuplexStream, bytes: Vec<u8>, mut requests: mpsc::UnboundedReceiver<Value>) {
    if input.write_all(&bytes).await.is_err() {
        return; // the server stopped reading (after `exit`)
    }
    while let Ok(Some(id)) = tokio::time::timeout(Duration::from_secs(60), requests.recv()).await {
        let answer = serde_json::json!({"jsonrpc": "2.0", "id": id, "result": null});
        if input.write_all(&frame(answer.to_string().as_bytes())).await.is_err() {
            return;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let bytes = stream(data);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let (service, socket) = service(env(), options());
        let (client_in, server_in) = tokio::io::duplex(64 * 1024);
        let (server_out, client_out) = tokio::io::duplex(64 * 1024);
        let (tx, rx) = mpsc::unbounded_channel();
        let session = async {
            let (ended, (), ()) = tokio::join!(
                serve(server_in, server_out, service, socket),
                read_output(client_out, tx),
                write_input(client_in, bytes, rx),
            );
            ended
        };
        // A handler may wait for ever on something the input never gave (tower-lsp-server
        // waits for running handlers after the end of input): that is no stop before EOF.
        if let Ok(ended) = tokio::time::timeout(Duration::from_secs(3600), session).await {
            assert_ne!(ended, Ended::ServerStopped, "the server stopped before its input ended");
        }
    });
    // Dropping the runtime cancels what is left (pollers, debounced publishers).
    drop(runtime);
});
