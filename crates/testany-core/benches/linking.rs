//! Linking benchmarks (issue 15, "Performance"):
//! - `link_10k_tests_5k_files`: one pytest case of 10,000 tests (500 files of 20 tests,
//!   half in classes, a tenth parametrised) linked against a 5,000-file workspace (the
//!   500 test files, 100 same-named files in a `legacy/` folder, 4,400 other files),
//!   every test file read through the closure and scanned. Target: < 200 ms.
//! - `workspace_index_5k_files`: [`Workspace::new`] alone (the server keeps it until
//!   files are added or removed).
//! - `lenses_file_500_tests`: what the lenses of one open file with 500 tests cost:
//!   the file's scan (Python and TypeScript) and the lookup of its linked tests in a
//!   [`LinkIndex`] of 10,000 links. Target: < 5 ms.
//!
//! Run: `cargo bench -p testany-core --bench linking`

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use divan::Bencher;
use testany_core::frameworks::{Framework, TestResult, TestStatus};
use testany_core::linking::{CaseSource, Link, LinkIndex, Workspace, link_case};
use testany_core::testdefs::{self, Language};

const TEST_FILES: usize = 500;
const TESTS_PER_FILE: usize = 20;
const WORKSPACE_FILES: usize = 5_000;

fn main() {
    let links = linked();
    let ok = links.iter().filter(|l| l.site().is_some()).count();
    eprintln!(
        "link_10k_tests_5k_files: {} tests, {ok} linked, {} files in the workspace",
        TESTS.len(),
        FILES.len()
    );
    divan::main();
}

/// A pytest file: `TESTS_PER_FILE` tests, the odd ones in a class.
fn py_file(k: usize) -> String {
    let mut s = String::from("import pytest\n\n");
    for i in (0..TESTS_PER_FILE).step_by(2) {
        let _ = write!(
            s,
            "@pytest.mark.parametrize('n', [1, 2])\ndef test_{k}_{i}(n):\n    \"\"\"Doc: def test_no(): ...\"\"\"\n    assert n  # def test_no()\n\n"
        );
    }
    s.push_str(&format!("class TestGroup{k}:\n"));
    for i in (1..TESTS_PER_FILE).step_by(2) {
        let _ = write!(
            s,
            "    def test_{k}_{i}(self):\n        x = 'abc'\n        assert x\n\n"
        );
    }
    s
}

/// The workspace: (path, text) of every file.
static FILES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let mut files = Vec::with_capacity(WORKSPACE_FILES);
    for k in 0..TEST_FILES {
        files.push((
            format!("shop/tests/area{}/test_mod{k}.py", k % 10),
            py_file(k),
        ));
    }
    for k in 0..100 {
        files.push((
            format!("legacy/tests/area{}/test_mod{k}.py", k % 10),
            "def test_old():\n    pass\n".to_owned(),
        ));
    }
    let mut k = 0;
    while files.len() < WORKSPACE_FILES {
        files.push((
            format!("shop/src/pkg{}/module{k}.py", k % 50),
            "def helper():\n    return 1\n".to_owned(),
        ));
        k += 1;
    }
    files
});

/// The case's 10,000 results, as the pytest module reports them.
static TESTS: LazyLock<Vec<TestResult>> = LazyLock::new(|| {
    let mut tests = Vec::with_capacity(TEST_FILES * TESTS_PER_FILE);
    for k in 0..TEST_FILES {
        let file = format!("tests/area{}/test_mod{k}.py", k % 10);
        for i in 0..TESTS_PER_FILE {
            let id = if i % 2 == 0 {
                format!("{file}::test_{k}_{i}[{}]", 1 + i % 2)
            } else {
                format!("{file}::TestGroup{k}::test_{k}_{i}")
            };
            let status = if i % 7 == 0 {
                TestStatus::Failed
            } else {
                TestStatus::Passed
            };
            let mut t = TestResult::new(Framework::Pytest, &id, status, tests.len());
            t.file = Some(file.clone());
            tests.push(t);
        }
    }
    tests
});

static COMMAND: LazyLock<Vec<String>> = LazyLock::new(|| {
    ["python", "-m", "pytest", "tests/", "-v"]
        .map(String::from)
        .to_vec()
});

fn case() -> CaseSource<'static> {
    CaseSource {
        executor: Some("pyres"),
        trigger_path: None,
        trigger_command: &COMMAND,
        overrides: &[],
    }
}

fn linked() -> Vec<Link> {
    let paths: Vec<&str> = FILES.iter().map(|(p, _)| p.as_str()).collect();
    let texts: HashMap<&str, &str> = FILES
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = Workspace::new(&paths);
    let mut read = |p: &str| texts.get(p).map(|t| (*t).to_owned());
    link_case(&case(), &TESTS, &ws, &mut read).links
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn link_10k_tests_5k_files(bencher: Bencher) {
    let paths: Vec<&str> = FILES.iter().map(|(p, _)| p.as_str()).collect();
    let texts: HashMap<&str, &str> = FILES
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = Workspace::new(&paths);
    let tests = &*TESTS;
    bencher.bench_local(|| {
        let mut read = |p: &str| texts.get(p).map(|t| (*t).to_owned());
        link_case(&case(), divan::black_box(tests), &ws, &mut read)
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn workspace_index_5k_files(bencher: Bencher) {
    let paths: Vec<&str> = FILES.iter().map(|(p, _)| p.as_str()).collect();
    bencher.bench_local(|| Workspace::new(divan::black_box(&paths)));
}

/// A file of 500 tests in `lang`.
fn file_500(lang: Language) -> String {
    let mut s = String::new();
    match lang {
        Language::Python => {
            s.push_str("class TestBig:\n");
            for i in 0..500 {
                let _ = write!(
                    s,
                    "    def test_{i}(self):\n        assert f({i}) == '{i}'  # ok\n\n"
                );
            }
        }
        _ => {
            s.push_str(
                "import { test } from '@playwright/test';\n\ntest.describe('big', () => {\n",
            );
            for i in 0..500 {
                let _ = write!(
                    s,
                    "  test('case {i}', async ({{ page }}) => {{\n    await page.goto(`/item/${{{i}}}`); // go\n  }});\n\n"
                );
            }
            s.push_str("});\n");
        }
    }
    s
}

#[divan::bench(args = [Language::Python, Language::JavaScript], sample_count = 50)]
fn lenses_file_500_tests_scan(bencher: Bencher, lang: Language) {
    let text = file_500(lang);
    bencher.bench_local(|| testdefs::scan(lang, divan::black_box(&text)).defs.len());
}

#[divan::bench(sample_count = 50)]
fn lenses_file_500_tests_lookup(bencher: Bencher) {
    // 10,000 links over 20 files: one file holds 500 tests.
    let links: Vec<Link> = (0..10_000u32)
        .map(|k| Link::Linked {
            file: format!("tests/test_{}.py", k % 20),
            line: k * 3,
            via: testany_core::linking::Via::Definition,
        })
        .collect();
    let index = LinkIndex::new(&links);
    bencher.bench_local(|| {
        index
            .in_file(divan::black_box("tests/test_7.py"))
            .iter()
            .filter_map(|&(_, k)| links.get(k))
            .count()
    });
}

/// Pathological 1 MiB inputs for every scanner: each must stay linear (a quadratic
/// scanner takes seconds here, not milliseconds).
const ADVERSARIAL: &[&str] = &[
    "it ",
    "test.",
    "describe('d', () => { ",
    "`${",
    "@Test ",
    "@A(",
    "class A { ",
    "def test_x():\n ",
    "'''",
    "t.Run(\"s\", func() { ",
    "{\"item\": [",
    "/*",
];

#[divan::bench(args = ADVERSARIAL, sample_count = 5, sample_size = 1)]
fn scan_adversarial_1mib(bencher: Bencher, piece: &str) {
    let text = piece.repeat((1 << 20) / piece.len());
    bencher.bench_local(|| {
        [
            Language::Python,
            Language::JavaScript,
            Language::Java,
            Language::Kotlin,
            Language::Go,
            Language::Postman,
        ]
        .iter()
        .map(|&l| testdefs::scan(l, divan::black_box(&text)).defs.len())
        .sum::<usize>()
    });
}
