//! Log understanding benchmarks (issue 14): [`Analyzer`] (normaliser, every framework
//! module and the location extractor) over two generated logs, reported in bytes/s:
//! - `ci_log`: the log of `benches/analysis.rs`, `TESTANY_BENCH_LOG_MB` MiB (default
//!   100): timestamped INFO lines, one in ten coloured, a failure block every 2,000
//!   lines. Target: >= 1 GB/s.
//! - `pytest_10k`: a `pytest -v` run of 10,000 tests (~10 MiB: progress lines, 1,000
//!   failures with long tracebacks and captured output, the short summary). Target: all
//!   10,000 results in under 20 ms. `main` prints how many tests the analyzer found.
//! - `degenerate`: a single line of 10 MB and 10 million empty lines (must stay linear).
//! - `stage_*` and `ungated`: where the time goes (the normaliser, the extractor, each
//!   module alone given every line) and the analyzer without its per-line gate.
//!
//! `TESTANY_BENCH_LOG_OUT=path` / `TESTANY_BENCH_PYTEST_OUT=path` also write the logs
//! there, to time `testany analyze` and `rg -c` on the same bytes (docs/benchmarks.md);
//! `TESTANY_BENCH_ANALYSIS_OUT=path` writes both logs' analyses as JSON, to check that a
//! change made for speed leaves every result as it was (compare two builds' files).
//!
//! Run: `cargo bench -p testany-core --bench frameworks`

use std::fmt::Write as _;
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::BytesCount;
use testany_core::frameworks::{Analysis, Analyzer, Report, TestStatus, parsers};
use testany_core::locations::Extractor;
use testany_core::normalize::{Normalizer, normalize_text};

fn main() {
    for (var, log) in [
        ("TESTANY_BENCH_LOG_OUT", &CI_LOG),
        ("TESTANY_BENCH_PYTEST_OUT", &PYTEST_LOG),
    ] {
        if let Ok(path) = std::env::var(var)
            && let Err(e) = std::fs::write(&path, log.as_bytes())
        {
            eprintln!("cannot write {path}: {e}");
        }
    }
    if let Ok(path) = std::env::var("TESTANY_BENCH_ANALYSIS_OUT")
        && let Err(e) = serde_json::to_string_pretty(&[analyze(&CI_LOG), analyze(&PYTEST_LOG)])
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(&path, json))
    {
        eprintln!("cannot write {path}: {e}");
    }
    let a = analyze(&PYTEST_LOG);
    let failed = a.tests.iter().filter(|t| t.status.is_failure()).count();
    let skipped = a
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Skipped)
        .count();
    eprintln!(
        "pytest_10k: {} bytes, {} tests found ({failed} failed, {skipped} skipped; generated: {PYTEST_TESTS}, {} failed, {} skipped)",
        PYTEST_LOG.len(),
        a.tests.len(),
        PYTEST_TESTS / 10,
        PYTEST_TESTS / 20,
    );
    divan::main();
}

/// Line by line through one analyzer, as `testany analyze` feeds it.
fn analyze(log: &str) -> Analysis {
    let mut a = Analyzer::new();
    let mut start = 0;
    while let Some(rest) = log.get(start..)
        && !rest.is_empty()
    {
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        a.line(rest.get(..end).unwrap_or(""));
        start += end + 1;
    }
    a.finish()
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn ci_log(bencher: Bencher) {
    let log = &*CI_LOG;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| analyze(divan::black_box(log)));
}

/// The same without the gate ([`Analyzer::ungated`]: every module gets every line), to
/// see what the shared classification saves.
#[divan::bench(args = ["ci_log", "pytest_10k"], sample_count = 10, sample_size = 1)]
fn ungated(bencher: Bencher, name: &str) {
    let (raw, _) = log_of(name);
    bencher.counter(BytesCount::of_str(raw)).bench(|| {
        let mut a = Analyzer::ungated();
        lines(divan::black_box(raw)).for_each(|l| a.line(l));
        a.finish()
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn pytest_10k(bencher: Bencher) {
    let log = &*PYTEST_LOG;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| analyze(divan::black_box(log)));
}

/// Every line of `log`, without its `\n`.
fn lines(log: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let rest = log.get(start..).filter(|r| !r.is_empty())?;
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        start += end + 1;
        rest.get(..end)
    })
}

/// The CI log normalised once, for the per-stage benches below.
static CI_NORMALISED: LazyLock<String> = LazyLock::new(|| normalize_text(&CI_LOG));
static PYTEST_NORMALISED: LazyLock<String> = LazyLock::new(|| normalize_text(&PYTEST_LOG));

fn log_of(name: &str) -> (&'static str, &'static str) {
    match name {
        "pytest_10k" => (&PYTEST_LOG, &PYTEST_NORMALISED),
        _ => (&CI_LOG, &CI_NORMALISED),
    }
}

/// Where the analyzer's time goes, stage by stage: the normaliser alone over the raw log.
#[divan::bench(args = ["ci_log", "pytest_10k"], sample_count = 10, sample_size = 1)]
fn stage_normalizer(bencher: Bencher, name: &str) {
    let (raw, _) = log_of(name);
    bencher.counter(BytesCount::of_str(raw)).bench(|| {
        let mut n = Normalizer::new();
        lines(divan::black_box(raw))
            .map(|l| n.line(l).len())
            .sum::<usize>()
    });
}

/// The location extractor alone over the normalised lines.
#[divan::bench(args = ["ci_log", "pytest_10k"], sample_count = 10, sample_size = 1)]
fn stage_extractor(bencher: Bencher, name: &str) {
    let (raw, norm) = log_of(name);
    bencher.counter(BytesCount::of_str(raw)).bench(|| {
        let mut e = Extractor::new();
        lines(divan::black_box(norm)).for_each(|l| e.normalized_line(l));
        e.finish()
    });
}

/// Each framework module alone over the normalised lines (index into `parsers()`), given
/// every line (no gate): what a module costs where its interest holds every line.
#[divan::bench(args = ["ci_log", "pytest_10k"], consts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sample_count = 5, sample_size = 1)]
fn stage_parser<const P: usize>(bencher: Bencher, name: &str) {
    let (raw, norm) = log_of(name);
    bencher.counter(BytesCount::of_str(raw)).bench(|| {
        let mut all = parsers();
        let p = &mut all[P];
        let mut report = Report::default();
        for (n, l) in lines(divan::black_box(norm)).enumerate() {
            p.line(l, n, &mut report);
        }
        p.finish(&mut report);
        report.tests().len()
    });
}

/// Degenerate logs must stay linear (issue 14, "Bad input"): one line of 10 MB (a
/// minified bundle, a base64 blob), and 10 million empty lines.
static ONE_LINE: LazyLock<String> = LazyLock::new(|| {
    let unit =
        "at Object.<anonymous> (/builds/a b/x.test.ts:4:20) \x1b[31mFAILED\x1b[0m tests/t.py::x ";
    unit.repeat(10_000_000 / unit.len() + 1)
});
static EMPTY_LINES: LazyLock<String> = LazyLock::new(|| "\n".repeat(10_000_000));

#[divan::bench(args = ["one_line_10mb", "empty_lines_10m"], sample_count = 10, sample_size = 1)]
fn degenerate(bencher: Bencher, name: &str) {
    let log: &str = if name == "one_line_10mb" {
        &ONE_LINE
    } else {
        &EMPTY_LINES
    };
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| analyze(divan::black_box(log)));
}

fn log_bytes() -> usize {
    let mb: f64 = std::env::var("TESTANY_BENCH_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    (mb * 1024.0 * 1024.0) as usize
}

/// The CI log of `benches/analysis.rs` (same generator, same bytes).
static CI_LOG: LazyLock<String> = LazyLock::new(|| {
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

const PYTEST_TESTS: usize = 10_000;

/// The node id of test `i`: 100 files of 100 tests, every third one parametrised.
fn node_id(i: usize) -> String {
    let file = format!("tests/unit/test_mod_{:03}.py", i / 100);
    if i.is_multiple_of(3) {
        format!("{file}::test_case_{i:05}[user-{} eu west]", i % 7)
    } else {
        format!("{file}::TestCart::test_case_{i:05}")
    }
}

/// `pytest -v` of `PYTEST_TESTS` tests: one in ten fails (long traceback, captured
/// stdout and log), one in twenty is skipped, the rest pass; ~10 MiB.
static PYTEST_LOG: LazyLock<String> = LazyLock::new(|| {
    let mut s = String::with_capacity(11 << 20);
    s.push_str(
        "============================= test session starts ==============================\n\
         platform linux -- Python 3.12.3, pytest-8.2.0, pluggy-1.5.0 -- /usr/local/bin/python3\n\
         cachedir: .pytest_cache\n\
         rootdir: /builds/acme/shop\n\
         configfile: pyproject.toml\n\
         plugins: cov-5.0.0, xdist-3.6.1\n\
         collecting ... collected 10000 items\n\n",
    );
    let status = |i: usize| match (i % 10, i % 20) {
        (9, _) => "FAILED",
        (_, 4) => "SKIPPED",
        _ => "PASSED",
    };
    for i in 0..PYTEST_TESTS {
        let id = node_id(i);
        let word = status(i);
        let pct = format!("[{:>3}%]", (i + 1) * 100 / PYTEST_TESTS);
        let head = if word == "SKIPPED" {
            format!("{id} SKIPPED (needs the payment sandbox)")
        } else {
            format!("{id} {word}")
        };
        let pad = 80usize.saturating_sub(head.len() + pct.len()).max(1);
        let _ = writeln!(s, "{head}{:pad$}{pct}", "");
    }
    s.push_str(
        "\n=================================== FAILURES ===================================\n",
    );
    for i in (0..PYTEST_TESTS).filter(|i| i % 10 == 9) {
        let id = node_id(i);
        let name = id.rsplit("::").next().unwrap_or(&id);
        let title = if id.contains("::TestCart::") {
            format!("TestCart.{name}")
        } else {
            name.to_owned()
        };
        let bar = 80usize.saturating_sub(title.len() + 2) / 2;
        let _ = writeln!(s, "{} {title} {}", "_".repeat(bar), "_".repeat(bar));
        s.push('\n');
        let _ = writeln!(s, "    def test_case_{i:05}(cart, user):");
        for k in 0..12 {
            let _ = writeln!(
                s,
                "        cart.add(Item(\"sku-{k}\", quantity={}, price=Decimal(\"{}.{:02}\")))",
                k % 4 + 1,
                k + 3,
                k * 7 % 100
            );
        }
        s.push_str("        cart.apply(Discount(\"WELCOME10\", percent=10))\n");
        s.push_str(">       assert cart.total() == Decimal(\"27.00\")\n");
        s.push_str("E       AssertionError: assert Decimal('24.30') == Decimal('27.00')\n");
        s.push_str("E        +  where Decimal('24.30') = <bound method Cart.total of <shop.cart.Cart object at 0x7f3a2c1d9e50>>()\n");
        s.push_str("E        +    where <bound method Cart.total of <shop.cart.Cart object at 0x7f3a2c1d9e50>> = <shop.cart.Cart object at 0x7f3a2c1d9e50>.total\n\n");
        let file = id.split("::").next().unwrap_or(&id);
        let _ = writeln!(s, "{file}:{}: AssertionError", 40 + i % 50);
        s.push_str(
            "----------------------------- Captured stdout call -----------------------------\n",
        );
        for k in 0..20 {
            let _ = writeln!(
                s,
                "cart {i}: added sku-{k} quantity {} subtotal {}.{:02} (session 5b1f0c2e-{i:04x}-{k:04x})",
                k % 4 + 1,
                k * 3 + 7,
                k * 13 % 100
            );
        }
        s.push_str(
            "------------------------------ Captured log call -------------------------------\n",
        );
        for k in 0..62 {
            let _ = writeln!(
                s,
                "INFO     shop.cart:cart.py:{} recalculated total for cart {i} after item {k}: {}.{:02} EUR (tax 21%)",
                80 + k % 30,
                k * 5 + 11,
                k * 17 % 100
            );
        }
    }
    s.push_str(
        "=========================== short test summary info ============================\n",
    );
    for i in (0..PYTEST_TESTS).filter(|i| i % 10 == 9) {
        let _ = writeln!(
            s,
            "FAILED {} - AssertionError: assert Decimal('24.30') == Decimal('27.00')",
            node_id(i)
        );
    }
    let failed = PYTEST_TESTS / 10;
    let skipped = (0..PYTEST_TESTS)
        .filter(|i| status(*i) == "SKIPPED")
        .count();
    let _ = writeln!(
        s,
        "============ {failed} failed, {} passed, {skipped} skipped in 187.42s (0:03:07) ============",
        PYTEST_TESTS - failed - skipped
    );
    s
});
