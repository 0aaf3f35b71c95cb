//! Marker scanning and position conversion never panic and stay inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use testany_core::markers::{Encoding, LineIndex, convert_character, len_in, scan};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let index = LineIndex::new(&text);
    for m in scan(&text) {
        let line = index.line_text(&text, m.line).expect("marker line exists");
        assert!(m.span.utf8.end as usize <= line.len());
        assert!(m.span.utf16.end <= len_in(line, Encoding::Utf16));
        assert!(line[m.span.utf8.start as usize..].starts_with("testany:"));
        assert_eq!(
            convert_character(line, m.span.utf16.end, Encoding::Utf16, Encoding::Utf8),
            m.span.utf8.end
        );
    }
});
