//! Line normaliser benchmarks (issue 14): the normaliser alone and failure extraction
//! (normaliser + parsers) over generated logs of `TESTANY_BENCH_LOG_MB` MiB (default 100),
//! reported in bytes/s. Two logs:
//! - `plain`: the log of `benches/analysis.rs` (timestamped INFO lines, one in ten
//!   coloured, a failure block every 2,000 lines);
//! - `prefixed`: the same lines as a CI runner and docker-compose print them: every line
//!   behind a GitHub Actions timestamp and a `web_1  | ` service prefix, so every line
//!   takes the normaliser's slow path.
//!
//! Run: `cargo bench -p testany-core --bench normalize`

use std::fmt::Write as _;
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::BytesCount;
use testany_core::locations;
use testany_core::normalize::Normalizer;

fn main() {
    divan::main();
}

fn log_bytes() -> usize {
    let mb: f64 = std::env::var("TESTANY_BENCH_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    (mb * 1024.0 * 1024.0) as usize
}

const BLOCKS: [&str; 6] = [
    "Traceback (most recent call last):\n  File \"/builds/acme/shop/tests/test_cart.py\", line 42, in test_total\n    assert total == 3\nAssertionError: assert 2 == 3\n",
    "E       assert 2 == 3\n\ntests/test_cart.py:42: AssertionError\n",
    "    expect(received).toBe(expected)\n      at Object.<anonymous> (/builds/acme/shop/src/cart.test.ts:17:11)\n      at Promise.then.completed (/builds/acme/shop/node_modules/jest-circus/build/utils.js:298:28)\n",
    "org.opentest4j.AssertionFailedError: expected: <3> but was: <2>\n\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)\n\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)\n",
    "--- FAIL: TestTotal (0.00s)\n    cart_test.go:42: expected 3, got 2\n",
    "thread 'tests::total' panicked at src/lib.rs:10:5:\nassertion `left == right` failed\n",
];

/// Lines of the analysis benchmark's log, each passed to `emit` (without `\n`).
fn generate(target: usize, mut emit: impl FnMut(&mut String, &str)) -> String {
    let mut s = String::with_capacity(target + 4096);
    let mut line = String::new();
    let mut i = 0usize;
    while s.len() < target {
        let sec = i % 60;
        line.clear();
        if i % 2000 == 1999 {
            for l in BLOCKS[(i / 2000) % BLOCKS.len()].lines() {
                emit(&mut s, l);
            }
            i += 1;
            continue;
        } else if i.is_multiple_of(10) {
            let _ = write!(
                line,
                "\x1b[2m2026-11-26T04:{:02}:{sec:02}Z\x1b[0m \x1b[32mINFO\x1b[0m worker-{} processed job {} in {} ms",
                (i / 60) % 60,
                i % 8,
                i,
                i % 997
            );
        } else {
            let _ = write!(
                line,
                "2026-11-26T04:{:02}:{sec:02}Z INFO http: GET http://api.internal:8080/v1/cart/{} 200 ({} ms) user=u{}",
                (i / 60) % 60,
                i,
                i % 311,
                i % 1000
            );
        }
        emit(&mut s, &line);
        i += 1;
    }
    s
}

static PLAIN: LazyLock<String> = LazyLock::new(|| {
    generate(log_bytes(), |s, l| {
        s.push_str(l);
        s.push('\n');
    })
});

static PREFIXED: LazyLock<String> = LazyLock::new(|| {
    let mut n = 0u32;
    generate(log_bytes(), |s, l| {
        n = n.wrapping_add(1);
        let _ = writeln!(
            s,
            "2026-11-26T04:{:02}:{:02}.{:07}Z web_1  | {l}",
            (n / 60) % 60,
            n % 60,
            n % 9_999_999
        );
    })
});

/// Every line through one normaliser, as the extractor feeds it.
fn normalize_all(log: &str) -> usize {
    let mut n = Normalizer::new();
    let mut total = 0usize;
    let mut start = 0;
    while let Some(rest) = log.get(start..)
        && !rest.is_empty()
    {
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        total += n.line(rest.get(..end).unwrap_or("")).len();
        start += end + 1;
    }
    total
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn normalize_plain(bencher: Bencher) {
    let log = &*PLAIN;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| normalize_all(divan::black_box(log)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn normalize_prefixed(bencher: Bencher) {
    let log = &*PREFIXED;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| normalize_all(divan::black_box(log)));
}

/// Normaliser + every parser (`locations::extract`), the issue's >= 1 GB/s figure.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn extract_plain(bencher: Bencher) {
    let log = &*PLAIN;
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| locations::extract(None, divan::black_box(log)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn extract_prefixed(bencher: Bencher) {
    let log = &*PREFIXED;
    assert_eq!(
        locations::extract(None, log)
            .iter()
            .map(|l| (l.path.as_str(), l.line))
            .collect::<Vec<_>>(),
        [
            ("/builds/acme/shop/tests/test_cart.py", 42),
            ("tests/test_cart.py", 42),
            ("/builds/acme/shop/src/cart.test.ts", 17),
            ("com/acme/shop/OrderTest.java", 88),
            ("cart_test.go", 42),
            ("src/lib.rs", 10),
        ]
    );
    bencher
        .counter(BytesCount::of_str(log))
        .bench(|| locations::extract(None, divan::black_box(log)));
}
