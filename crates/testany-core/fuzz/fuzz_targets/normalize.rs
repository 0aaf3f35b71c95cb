//! The line normaliser never panics, only removes text (escapes, trailing CRs, a
//! prefix: what is left ends the escape-free line) and is idempotent with what the log
//! taught it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::ansi::strip;
use testany_core::normalize::Normalizer;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut n = Normalizer::new();
    for line in text.split('\n') {
        let out = n.line(line);
        assert!(out.len() <= line.len());
        assert!(!out.contains('\x1b'));
        assert!(strip(line).trim_end_matches('\r').ends_with(&*out));
        let again = n.apply(&out);
        assert_eq!(n.apply(&again), again);
    }
});
