//! Analysis benchmarks (issue 5): marker scan and planning for a 10,000-line file with
//! 1,000 markers; failure extraction and ANSI stripping over a generated log whose size
//! is `TESTANY_BENCH_LOG_MB` (default 100), reported in bytes/s.
//!
//! `TESTANY_BENCH_LOG_OUT=path` also writes the generated log there, so the same bytes
//! can be searched with `rg -c` for comparison (see docs/benchmarks.md).
//!
//! Run: `cargo bench -p testany-core --bench analysis`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::BytesCount;
use jiff::Timestamp;
use testany_core::markers::{Anchor, Encoding, anchors, scan};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus, Trigger};
use testany_core::plan::{PlanInput, plan};
use testany_core::{ansi, locations};

fn main() {
    if let Ok(path) = std::env::var("TESTANY_BENCH_LOG_OUT")
        && let Err(e) = std::fs::write(&path, LOG.as_bytes())
    {
        eprintln!("cannot write {path}: {e}");
    }
    divan::main();
}

const LINES: usize = 10_000;
const MARKERS: usize = 1_000;
const HISTORY: usize = 10;

/// A 10,000-line Python-like file with a marker every 10 lines (some lines CJK).
static DOC: LazyLock<String> = LazyLock::new(|| {
    let mut s = String::new();
    for i in 0..LINES {
        if i % (LINES / MARKERS) == 0 {
            let _ = writeln!(s, "# testany: {:08X}", i / 10);
        } else if i % 7 == 0 {
            let _ = writeln!(s, "    name = '测试 {i}'  # 🎉");
        } else {
            let _ = writeln!(s, "    assert cart.total({i}) == {}", i * 2);
        }
    }
    s
});

static ANCHORS: LazyLock<Vec<Anchor>> =
    LazyLock::new(|| anchors("tests/test_big.py", &DOC, &scan(&DOC), &BTreeMap::new()));

/// `HISTORY` executions of a pipeline running all 1,000 cases, some failing.
static EXECUTIONS: LazyLock<Vec<Execution>> = LazyLock::new(|| {
    (0..HISTORY)
        .map(|e| Execution {
            key: format!("Y2K-0601-{e:05X}"),
            status: ExecutionStatus::Completed,
            result: Some(ExecutionResult::Failed),
            pipeline_key: Some("Y2K-0601".into()),
            pipeline_name: None,
            workspace: Some("Y2K".into()),
            environment: Some("staging".into()),
            trigger: Some(Trigger::Plan),
            started_at: Timestamp::from_second(1_800_000_000 + e as i64 * 3600).ok(),
            completed_at: None,
            duration_ms: None,
            cases: (0..MARKERS)
                .map(|c| {
                    let failed = (c + e) % 13 == 0;
                    CaseResult {
                        index: c,
                        case_key: format!("{c:08X}"),
                        name: Some(format!("test_{c}")),
                        status: Some(ExecutionStatus::Completed),
                        result: Some(if failed {
                            ExecutionResult::Failed
                        } else {
                            ExecutionResult::Passed
                        }),
                        duration_ms: Some((c as u64 * 97) % 200_000),
                        error: failed.then(|| "AssertionError: assert 2 == 3".to_owned()),
                        ..CaseResult::default()
                    }
                })
                .collect(),
        })
        .collect()
});

#[divan::bench]
fn markers_scan_10k_lines(bencher: Bencher) {
    bencher
        .counter(BytesCount::of_str(&*DOC))
        .bench(|| scan(divan::black_box(&DOC)));
}

#[divan::bench]
fn plan_10k_lines_1k_markers(bencher: Bencher) {
    let (anchors, execs) = (&*ANCHORS, &*EXECUTIONS);
    assert_eq!(anchors.len(), MARKERS);
    bencher.bench(|| plan(&big_input(divan::black_box(&DOC), anchors, execs)));
}

/// The planning input for the generated 10,000-line document.
fn big_input<'a>(
    text: &'a str,
    anchors: &'a [Anchor],
    executions: &'a [Execution],
) -> PlanInput<'a> {
    PlanInput {
        uri: "file:///w/tests/test_big.py",
        path: "tests/test_big.py",
        text,
        anchors,
        executions,
        locations: &[],
        related: &[],
        encoding: Encoding::Utf16,
        history: HISTORY,
        stale: false,
        now: Timestamp::from_second(1_800_100_000).unwrap_or_default(),
        drift: None,
    }
}

#[divan::bench]
fn scan_and_plan_10k_lines_1k_markers(bencher: Bencher) {
    let execs = &*EXECUTIONS;
    bencher.bench(|| {
        let text = divan::black_box(&*DOC);
        let anchors = anchors("tests/test_big.py", text, &scan(text), &BTreeMap::new());
        plan(&big_input(text, &anchors, execs))
    });
}

fn log_bytes() -> usize {
    let mb: f64 = std::env::var("TESTANY_BENCH_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    (mb * 1024.0 * 1024.0) as usize
}

/// A CI log: mostly timestamped INFO lines (with `:` in times and URLs), one line in ten
/// coloured, and every ~2,000 lines a failure block in one of the supported shapes.
static LOG: LazyLock<String> = LazyLock::new(|| {
    let target = log_bytes();
    let mut s = String::with_capacity(target + 4096);
    let blocks = [
        "Traceback (most recent call last):\n  File \"/builds/acme/shop/tests/test_cart.py\", line 42, in test_total\n    assert total == 3\nAssertionError: assert 2 == 3\n",
        "E       assert 2 == 3\n\ntests/test_cart.py:42: AssertionError\n",
        "    expect(received).toBe(expected)\n      at Object.<anonymous> (/builds/acme/shop/src/cart.test.ts:17:11)\n      at Promise.then.completed (/builds/acme/shop/node_modules/jest-circus/build/utils.js:298:28)\n",
        "org.opentest4j.AssertionFailedError: expected: <3> but was: <2>\n\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)\n\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)\n",
        "--- FAIL: TestTotal (0.00s)\n    cart_test.go:42: expected 3, got 2\n",
        "thread 'tests::total' panicked at src/lib.rs:10:5:\nassertion `left == right` failed\n",
    ];
    let mut i = 0usize;
    while s.len() < target {
        let sec = i % 60;
        if i % 2000 == 1999 {
            s.push_str(blocks[(i / 2000) % blocks.len()]);
        } else if i.is_multiple_of(10) {
            let _ = writeln!(
                s,
                "\x1b[2m2026-11-26T04:{:02}:{sec:02}Z\x1b[0m \x1b[32mINFO\x1b[0m worker-{} processed job {} in {} ms",
                (i / 60) % 60,
                i % 8,
                i,
                i % 997
            );
        } else {
            let _ = writeln!(
                s,
                "2026-11-26T04:{:02}:{sec:02}Z INFO http: GET http://api.internal:8080/v1/cart/{} 200 ({} ms) user=u{}",
                (i / 60) % 60,
                i,
                i % 311,
                i % 1000
            );
        }
        i += 1;
    }
    s
});

#[divan::bench(sample_count = 10, sample_size = 1)]
fn log_extract_locations(bencher: Bencher) {
    let log = &*LOG;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| locations::extract(None, divan::black_box(log)));
}

/// Streaming use (the CLI's `analyze`): line by line into one reused buffer.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn log_ansi_strip_lines(bencher: Bencher) {
    let log = &*LOG;
    bencher.counter(BytesCount::of_str(log)).bench(|| {
        let mut buf = String::with_capacity(4096);
        let mut total = 0usize;
        for line in divan::black_box(log).split_inclusive('\n') {
            buf.clear();
            ansi::strip_into(line, &mut buf);
            total += buf.len();
        }
        total
    });
}

/// Whole log into one new string (includes faulting in ~100 MiB of output).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn log_ansi_strip(bencher: Bencher) {
    let log = &*LOG;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| ansi::strip(divan::black_box(log)));
}
