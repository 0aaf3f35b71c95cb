//! Issue 15, "lenses for a file with 500 tests in under 5 ms", measured through the
//! language server: `textDocument/codeLens` on a pytest file that defines 500 tests,
//! with no marker, whose case's log (served by the emulator, `testany_mock`, from a
//! scenario made here) lists all 500. The server is built as `testany lsp` builds it
//! (`testany_lsp::service`, `transport::serve`) and driven in-process over a pipe, as
//! `benches/code_lens.rs` does: a sample is one request framed in, the whole response
//! frame out.
//!
//! - `cached`: repeated requests without edits (the handler's cached answer, copied
//!   and serialised).
//! - `after_edit`: each request follows a `didChange` (a comment line appended, then
//!   removed), so the lenses are planned again from the linked tests: the per-test
//!   lens planning plus drift of the 500 definitions. The edits add up as they do
//!   while typing (sample N follows the warm-up's and N earlier edits; the document
//!   folds them every 512), so this is the cost after a few hundred edits.
//! - `after_reopen_and_one_edit`: untimed, the document is closed, opened again, its
//!   lenses asked for and one edit made; timed, the request after that one edit.
//!
//! Run: `cargo bench -p testany-lsp --bench test_lenses` (part of `cargo xtask bench`).

use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};
use testany_lsp::env::NativeEnv;

mod common;

/// The allocator `testany` ships (crates/testany-cli/src/main.rs), as in code_lens.rs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// Tests in the one file.
const TESTS: usize = 500;
/// The one pipeline.
const PIPELINE: &str = "BIG-0001";

/// 1-based line of test `i`'s `def` in [`test_file`].
fn def_line(i: usize) -> usize {
    3 * i + 1
}

/// `def test_NNN():` + one assert, 500 times (3 lines each).
fn test_file() -> String {
    let mut text = String::new();
    for i in 0..TESTS {
        let _ = write!(text, "def test_{i:03}():\n    assert total({i}) == {i}\n\n");
    }
    text
}

/// Whether test `i` fails (every tenth) or is skipped (every 50th, offset 25); the
/// rest pass.
fn fails(i: usize) -> bool {
    i % 10 == 3
}
fn skipped(i: usize) -> bool {
    i % 50 == 25
}

/// One pipeline, one pytest case over `tests/test_big.py` that fails in every run,
/// listing the 500 tests; three past runs.
fn scenario() -> String {
    let mut toml = format!(
        r#"workspace = "BIG"
operator = "dev@acme.test"

[history]
count = 3
interval_minutes = 60
newest_minutes_ago = 30

[[pipelines]]
key = "{PIPELINE}"
name = "Big suite"
environment = "staging"

[[pipelines.cases]]
key = "B16A0500"
name = "Big suite (pytest)"
file = "tests/test_big.py"
duration_secs = 30
outcomes = "F"
error = "50 of 500 tests failed"
log = "pytest"
executor = "pyres"
trigger_command = ["python", "-m", "pytest", "tests/test_big.py", "-v"]
"#
    );
    for i in 0..TESTS {
        let line = def_line(i);
        let _ = write!(
            toml,
            "\n[[pipelines.cases.tests]]\nname = \"test_{i:03}\"\nfile = \"tests/test_big.py\"\nline = {line}\nduration_ms = {}\n",
            10 + i
        );
        if fails(i) {
            let _ = write!(
                toml,
                "fails = true\nfail_line = {}\nsource = 'assert total({i}) == {i}'\nerror = \"AssertionError: assert {} == {i}\"\n",
                line + 1,
                i + 1
            );
        } else if skipped(i) {
            toml.push_str("skip = \"needs the payment sandbox\"\n");
        }
    }
    toml
}

/// A running server with the 500-test document open and its tests' results linked.
struct Session {
    server: common::Server,
    uri: String,
    text: String,
    version: i64,
    _mock: testany_mock::MockHandle,
}

static SESSION: LazyLock<Mutex<Session>> = LazyLock::new(|| Mutex::new(Session::start()));

/// The status lenses of an answer (`✓ passed`, `✗ FAILED`, `⊘ skipped`): one per test
/// and the case's own on the first line of its trigger file.
fn test_status_titles(lenses: &Value) -> Vec<String> {
    lenses["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["command"]["title"].as_str())
        .filter(|t| t.starts_with('✓') || t.starts_with('✗') || t.starts_with('⊘'))
        .map(str::to_owned)
        .collect()
}

impl Session {
    fn start() -> Session {
        let rt = common::runtime();
        let scenario = testany_mock::Scenario::from_toml(&scenario()).expect("scenario");
        let mock = rt
            .block_on(testany_mock::start(
                testany_mock::MockConfig::new(scenario).expect("config"),
            ))
            .expect("mock");
        let root =
            std::env::temp_dir().join(format!("testany-lsp-bench-tests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("tests")).expect("workspace");
        std::fs::write(
            root.join("testany.toml"),
            format!(
                "url = \"{}\"\nworkspace = \"BIG\"\npipelines = [\"{PIPELINE}\"]\nenvironment = \"staging\"\nlog_domain = \"testany.localhost\"\nhistory = 3\n",
                mock.mcp_url_localhost()
            ),
        )
        .expect("config");
        let text = test_file();
        let path = root.join("tests/test_big.py");
        std::fs::write(&path, &text).expect("file");
        let uri = format!("file://{}", path.display());
        let env = NativeEnv::new(
            [("TESTANY_OPERATOR".to_owned(), mock.operator().to_owned())].into(),
            root.join(".cache"),
        );
        let mut s = Session {
            server: common::Server::start(rt, env, &root),
            uri,
            text: text.clone(),
            version: 1,
            _mock: mock,
        };
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": s.uri, "languageId": "python", "version": 1, "text": text}}),
        );
        // Until every test shows its result (the case's log is read in the background).
        let started = std::time::Instant::now();
        let mut last = Vec::new();
        for _ in 0..3_000 {
            let lenses: Value = serde_json::from_slice(&s.code_lens()).expect("JSON");
            last = test_status_titles(&lenses);
            if last.len() == TESTS + 1 {
                let count = |c: char| last.iter().filter(|t| t.starts_with(c)).count();
                let all = lenses["result"].as_array().map_or(0, Vec::len);
                eprintln!(
                    "test_lenses: {all} lenses after {:?}, {} passed, {} failed, {} skipped",
                    started.elapsed(),
                    count('✓'),
                    count('✗'),
                    count('⊘')
                );
                // The case lens is the 51st `✗`.
                assert_eq!((count('✓'), count('✗'), count('⊘')), (440, 51, 10));
                return s;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!(
            "the 500 tests never showed results; {} status lenses: {:?}",
            last.len(),
            last.iter().take(3).collect::<Vec<_>>()
        );
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.server.notify(method, params);
    }

    fn code_lens(&mut self) -> Vec<u8> {
        self.server.code_lens(&self.uri)
    }

    /// A full-text `didChange`: a comment line appended at the end on odd versions,
    /// removed on even ones (no test moves, the plan is made again).
    fn edit(&mut self) {
        self.version += 1;
        let text = if self.version % 2 == 0 {
            format!("{}# edited\n", self.text)
        } else {
            self.text.clone()
        };
        let (uri, version) = (self.uri.clone(), self.version);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }
}

/// didClose + didOpen (same text) + a lens request, waited for: the document's drift
/// starts afresh.
impl Session {
    fn reopen(&mut self) {
        let uri = self.uri.clone();
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        self.version = 1;
        let text = self.text.clone();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        let lenses: Value = serde_json::from_slice(&self.code_lens()).expect("JSON");
        assert_eq!(test_status_titles(&lenses).len(), TESTS + 1);
    }
}

/// Repeated requests without edits: the cached answer.
#[divan::bench(sample_count = 200)]
fn cached(bencher: divan::Bencher) {
    let mut session = SESSION.lock().unwrap_or_else(|e| e.into_inner());
    bencher.bench_local(|| session.code_lens().len());
}

/// A request after each edit: the lenses of the 500 tests planned again.
#[divan::bench(sample_count = 200)]
fn after_edit(bencher: divan::Bencher) {
    let mut session = SESSION.lock().unwrap_or_else(|e| e.into_inner());
    bencher.bench_local(|| {
        session.edit();
        session.code_lens().len()
    });
}

/// The request after one edit of a freshly opened document.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn after_reopen_and_one_edit(bencher: divan::Bencher) {
    let session = std::cell::RefCell::new(SESSION.lock().unwrap_or_else(|e| e.into_inner()));
    bencher
        .with_inputs(|| {
            let mut s = session.borrow_mut();
            s.reopen();
            s.edit();
        })
        .bench_local_values(|()| session.borrow_mut().code_lens().len());
}
