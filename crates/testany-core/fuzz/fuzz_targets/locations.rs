//! Failure-location extraction and resolution never panic on any log.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::locations::{extract, resolve};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // First line as the error text, the rest as the log.
    let (error, log) = text.split_once('\n').unwrap_or((&text, ""));
    let locs = extract(Some(error), log);
    let lines = log.split('\n').count();
    for l in &locs {
        assert!(l.line >= 1);
        assert!(l.log_line.is_none_or(|i| i < lines));
    }
    let _ = resolve(
        &locs,
        &["tests/test_cart.py", "src/cart.test.ts", "com/acme/A.java"],
    );
});
