//! The terminal sanitiser never panics, leaves nothing but well-formed SGR escapes with
//! colour on and none with colour off, and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::sanitize::{for_display, for_terminal, is_unsafe_char};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plain = for_terminal(&text, false);
    assert!(!plain.contains('\x1b') && !plain.contains('\r'));
    assert!(!plain.chars().any(is_unsafe_char));
    assert_eq!(for_display(&text), plain);
    assert_eq!(for_terminal(&plain, false), plain);
    let coloured = for_terminal(&text, true);
    for seq in coloured.split('\x1b').skip(1) {
        let body = seq.strip_prefix('[').expect("only CSI survives");
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .expect("SGR is terminated");
        assert!(body[end..].starts_with('m'), "only SGR survives");
    }
    assert_eq!(for_terminal(&coloured, true), coloured);
});
