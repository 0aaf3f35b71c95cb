//! ANSI stripping and styling never panic, never leave an escape, and agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::ansi::{Styler, spans, strip};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stripped = strip(&text);
    assert!(!stripped.contains('\x1b'));
    let joined: String = spans(&text).into_iter().map(|s| s.text).collect();
    assert_eq!(joined, stripped);
    let mut styler = Styler::new();
    for line in text.lines() {
        let _ = styler.line(line);
    }
});
