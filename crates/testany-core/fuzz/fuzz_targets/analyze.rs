//! The whole log analysis (normaliser, every framework module, the location extractor)
//! never panics on any log, and what it reports stays bounded: ids within `MAX_ID`,
//! messages within `MAX_TEXT`, every location on a 1-based line found inside the log.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::frameworks::{Analyzer, MAX_ID, MAX_TEST_LOCATIONS, MAX_TEXT};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // First line as the error text, the rest as the log, streamed line by line.
    let (error, log) = text.split_once('\n').unwrap_or((&text, ""));
    let mut a = Analyzer::new();
    a.error_text(error);
    let mut lines = 0;
    for line in log.split('\n') {
        a.line(line);
        lines += 1;
    }
    let analysis = a.finish();
    for t in &analysis.tests {
        assert!(t.id.len() <= MAX_ID);
        assert!(t.message.as_ref().is_none_or(|m| m.len() <= MAX_TEXT));
        assert!(t.locations.len() <= MAX_TEST_LOCATIONS);
        assert!(t.log_line < lines);
    }
    for l in analysis.tests.iter().flat_map(|t| &t.locations).chain(&analysis.locations) {
        assert!(l.line >= 1);
        assert!(l.log_line.is_none_or(|i| i < lines));
    }
    let _ = analysis.primary();
});
