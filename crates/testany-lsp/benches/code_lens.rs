//! `textDocument/codeLens` on a file with 1,000 markers whose cases have results (issue
//! 16: p50 under 5 ms natively). The server is built as `testany lsp` builds it
//! (`testany_lsp::service`, `transport::serve`) and driven in-process over a pipe: a
//! sample is one request framed in, the whole response frame out (serialising the
//! 2,000 lenses included, the client's JSON parsing not). The emulator
//! (`testany_mock`, shop scenario) gives the results.
//!
//! Run: `cargo bench -p testany-lsp --bench code_lens` (part of `cargo xtask bench`).

use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{Value, json};
use testany_lsp::env::NativeEnv;
use testany_lsp::transport::{frame, serve};
use testany_lsp::{Options, service};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::runtime::Runtime;

/// The allocator `testany` ships (crates/testany-cli/src/main.rs): the bench measures
/// what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const KEYS: [&str; 11] = [
    "A1B2C3D4", "B7E4C2A9", "C3D9E5F1", "D4A8B6C2", "E5B1C7D3", "F6C2D8E4", "0A7D3E9B", "1B8E4FAC",
    "2C9F5A0D", "3DA06B1E", "4EB17C2F",
];

/// The e2e benchmark's file: `# testany: KEY` + a test function, cycling the shop's keys.
fn marker_file(markers: usize) -> String {
    (0..markers)
        .map(|i| {
            format!(
                "# testany: {}\ndef test_{i}():\n    assert True\n\n",
                KEYS[i % KEYS.len()]
            )
        })
        .collect()
}

/// A running server with the 1,000-marker document open and its results known.
struct Session {
    rt: Runtime,
    input: DuplexStream,
    out: BufReader<DuplexStream>,
    uri: String,
    next_id: u64,
    _mock: testany_mock::MockHandle,
}

static SESSION: LazyLock<Mutex<Session>> = LazyLock::new(|| Mutex::new(Session::start()));

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

impl Session {
    fn start() -> Session {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mock = rt
            .block_on(testany_mock::start(
                testany_mock::MockConfig::shop().expect("scenario"),
            ))
            .expect("mock");
        let root = std::env::temp_dir().join(format!("testany-lsp-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("tests")).expect("workspace");
        std::fs::write(
            root.join("testany.toml"),
            format!(
                "url = \"{}\"\nworkspace = \"SHP\"\npipelines = [\"SHP-0601\"]\nenvironment = \"staging\"\nlog_domain = \"testany.localhost\"\n",
                mock.mcp_url_localhost()
            ),
        )
        .expect("config");
        let text = marker_file(1000);
        let path = root.join("tests/test_big.py");
        std::fs::write(&path, &text).expect("file");
        let uri = format!("file://{}", path.display());
        let env = Arc::new(NativeEnv::new(Default::default(), root.join(".cache")));
        let (input, out) = rt.block_on(async {
            let (service, socket) = service(env, Options::default());
            let (input, server_in) = tokio::io::duplex(1 << 20);
            let (server_out, client_out) = tokio::io::duplex(1 << 20);
            tokio::spawn(serve(server_in, server_out, service, socket));
            (input, BufReader::new(client_out))
        });
        let mut s = Session {
            rt,
            input,
            out,
            uri,
            next_id: 1,
            _mock: mock,
        };
        let folder = format!("file://{}", root.display());
        s.request(
            "initialize",
            json!({"capabilities": {}, "workspaceFolders": [{"uri": folder, "name": "ws"}]}),
        );
        s.notify("initialized", json!({}));
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": s.uri, "languageId": "python", "version": 1, "text": text}}),
        );
        // Until every lens shows a result (polled from the emulator).
        for _ in 0..2_000 {
            let lenses: Value = serde_json::from_slice(&s.code_lens()).expect("JSON");
            let titles: Vec<&str> = lenses["result"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l["command"]["title"].as_str())
                .collect();
            if titles.len() == 2_000 && !titles.iter().any(|t| t.contains("no result")) {
                return s;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the lenses never showed results");
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("JSON");
        self.rt
            .block_on(self.input.write_all(&frame(&body)))
            .expect("write");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response's body; requests from the server are
    /// answered with `null`, notifications skipped.
    fn request(&mut self, method: &str, params: Value) -> Vec<u8> {
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

    fn code_lens(&mut self) -> Vec<u8> {
        let uri = self.uri.clone();
        self.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
    }
}

/// Repeated requests without edits (the e2e benchmark's 19.7 ms figure).
#[divan::bench(sample_count = 200)]
fn code_lens_1000_markers(bencher: divan::Bencher) {
    let mut session = SESSION.lock().unwrap_or_else(|e| e.into_inner());
    bencher.bench_local(|| session.code_lens().len());
}

/// The lenses of one answer, as the handler returns them (for the breakdown below).
static LENSES: LazyLock<Vec<tower_lsp_server::ls_types::CodeLens>> = LazyLock::new(|| {
    let body = SESSION
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .code_lens();
    let mut v: Value = serde_json::from_slice(&body).expect("JSON");
    serde_json::from_value(v["result"].take()).expect("lenses")
});

/// Breakdown: the handler's copy of its cached lenses.
#[divan::bench]
fn breakdown_clone(bencher: divan::Bencher) {
    let lenses = &*LENSES;
    bencher.bench(|| lenses.clone());
}

/// Breakdown: tower-lsp-server's `to_value` of the result, then its bytes.
#[divan::bench]
fn breakdown_to_value_and_bytes(bencher: divan::Bencher) {
    let lenses = &*LENSES;
    bencher.bench(|| {
        let v = serde_json::to_value(lenses).expect("value");
        serde_json::to_vec(&v).expect("bytes").len()
    });
}

/// Breakdown: the bytes straight from the lenses (no `Value` in between).
#[divan::bench]
fn breakdown_bytes(bencher: divan::Bencher) {
    let lenses = &*LENSES;
    bencher.bench(|| serde_json::to_vec(lenses).expect("bytes").len());
}
