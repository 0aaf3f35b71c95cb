//! `textDocument/codeLens` on a file with 1,000 markers whose cases have results (issue
//! 16: p50 under 5 ms natively). The server is built as `testany lsp` builds it
//! (`testany_lsp::service`, `transport::serve`) and driven in-process over a pipe: a
//! sample is one request framed in, the whole response frame out (serialising the
//! 2,000 lenses included, the client's JSON parsing not). The emulator
//! (`testany_mock`, shop scenario) gives the results.
//!
//! Run: `cargo bench -p testany-lsp --bench code_lens` (part of `cargo xtask bench`).

use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};
use testany_lsp::env::NativeEnv;

mod common;

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
    server: common::Server,
    uri: String,
    _mock: testany_mock::MockHandle,
}

static SESSION: LazyLock<Mutex<Session>> = LazyLock::new(|| Mutex::new(Session::start()));

impl Session {
    fn start() -> Session {
        let rt = common::runtime();
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
        let env = NativeEnv::new(Default::default(), root.join(".cache"));
        let mut s = Session {
            server: common::Server::start(rt, env, &root),
            uri,
            _mock: mock,
        };
        s.server.notify(
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

    fn code_lens(&mut self) -> Vec<u8> {
        self.server.code_lens(&self.uri)
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
