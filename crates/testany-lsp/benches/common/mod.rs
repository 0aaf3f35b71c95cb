//! The in-process language server both benches drive: built as `testany lsp` builds it
//! (`testany_lsp::service`, `transport::serve`) over 1 MiB pipes, answered as a client
//! would, without parsing the responses it times.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use testany_lsp::env::NativeEnv;
use testany_lsp::transport::{frame, serve};
use testany_lsp::{Options, service};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::runtime::Runtime;

/// A running server and the client's ends of its pipes.
pub struct Server {
    pub rt: Runtime,
    input: DuplexStream,
    out: BufReader<DuplexStream>,
    next_id: u64,
}

/// The runtime the server and the emulator run on.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

impl Server {
    /// Starts the server over `env` on `rt`, initialised with the folder `root`.
    pub fn start(rt: Runtime, env: NativeEnv, root: &Path) -> Server {
        let (input, out) = rt.block_on(async {
            let (service, socket) = service(Arc::new(env), Options::default());
            let (input, server_in) = tokio::io::duplex(1 << 20);
            let (server_out, client_out) = tokio::io::duplex(1 << 20);
            tokio::spawn(serve(server_in, server_out, service, socket));
            (input, BufReader::new(client_out))
        });
        let mut server = Server {
            rt,
            input,
            out,
            next_id: 1,
        };
        let folder = format!("file://{}", root.display());
        server.request(
            "initialize",
            json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "ws"}]}),
        );
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("JSON");
        self.rt
            .block_on(self.input.write_all(&frame(&body)))
            .expect("write");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response's body; requests from the server are
    /// answered with `null`, notifications skipped.
    pub fn request(&mut self, method: &str, params: Value) -> Vec<u8> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let end = format!("\"id\":{id}}}");
        loop {
            let body = self.rt.block_on(read_message(&mut self.out));
            // Our response, told apart without parsing it (that is the client's cost):
            // tower-lsp-server writes `jsonrpc`, then `result` or `error`, then `id`.
            let response = body.starts_with(b"{\"jsonrpc\":\"2.0\",\"result\":")
                || body.starts_with(b"{\"jsonrpc\":\"2.0\",\"error\":");
            if response && body.ends_with(end.as_bytes()) {
                return body;
            }
            let message: Value = match serde_json::from_slice(&body) {
                Ok(m) => m,
                Err(_) => continue,
            };
            if message.get("method").is_some()
                && let Some(server_id) = message.get("id")
            {
                let answer = json!({"jsonrpc": "2.0", "id": server_id, "result": null});
                self.send(answer);
            }
        }
    }

    /// The `textDocument/codeLens` response body for `uri`.
    pub fn code_lens(&mut self, uri: &str) -> Vec<u8> {
        self.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
    }
}

async fn read_message(out: &mut BufReader<DuplexStream>) -> Vec<u8> {
    let mut len = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).await.expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().expect("length");
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).await.expect("body");
    body
}
