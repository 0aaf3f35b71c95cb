//! The log viewer's module as JavaScript sees it, in headless Chromium
//! (`cargo xtask wasm-test`, or see the README for the raw command).
#![cfg(all(target_arch = "wasm32", feature = "viewer"))]

use testany_wasm::LogView;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const LOG: &str = "\u{1b}[31mFAIL\u{1b}[0m src/cart.test.ts\n\
Error: expect(received).toBe(expected)\n\
    at Object.<anonymous> (/builds/acme/shop/src/cart.test.ts:17:11)\n\
<script>alert(1)</script>\n";

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn json_stringify(v: &JsValue) -> String;
}

fn json(v: &JsValue) -> serde_json::Value {
    serde_json::from_str(&json_stringify(v)).unwrap()
}

#[wasm_bindgen_test]
fn log_view_counts_renders_and_finds() {
    let mut view = LogView::new(LOG);
    assert_eq!(view.line_count(), 4);
    assert_eq!(view.byte_length(), LOG.len());
    assert_eq!(
        json(&view.failures().unwrap()),
        serde_json::json!([{"line": 2, "message": "Error: expect(received).toBe(expected)", "category": "assertion"}])
    );
    assert_eq!(
        json(&view.locations().unwrap()),
        serde_json::json!([{"path": "/builds/acme/shop/src/cart.test.ts", "line": 17, "column": 11, "logLine": 2}])
    );
    // One stop per located failure (its frame's line), not also `FAIL` and `Error:`.
    assert_eq!(view.failure_lines(), vec![2]);
    let html = view.render_lines(0, 4);
    assert_eq!(html.matches("<div class=\"l").count(), 4);
    assert!(html.contains("<span class=\"ansi-fg-1\">FAIL</span>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"));
    assert_eq!(view.search("cart", false).unwrap(), vec![0, 2]);
    assert_eq!(view.search(r"^at .*:\d+:\d+\)$", true).unwrap(), vec![2]);
    assert_eq!(view.line_text(0).as_deref(), Some("FAIL src/cart.test.ts"));
}

#[wasm_bindgen_test]
fn invalid_regex_is_a_clear_error_string() {
    let view = LogView::new("a\n");
    // The browser's RegExp reports the reason; the facade names the problem.
    assert_eq!(
        view.search("(", true).unwrap_err(),
        "invalid regular expression: Unterminated group"
    );
    assert_eq!(
        view.search("a{2,1}", true).unwrap_err(),
        "invalid regular expression: numbers out of order in {} quantifier"
    );
}

#[wasm_bindgen_test]
fn regex_search_uses_the_browsers_regexp() {
    let view = LogView::new("alpha 1\nbeta 22\ngamma 333\nALPHA\n\u{1b}[31mERR\u{1b}[0m at x\n");
    let table: &[(&str, Vec<u32>)] = &[
        ("(?i)alpha", vec![0, 3]),
        ("alpha", vec![0]),
        (r"\d{2,}", vec![1, 2]),
        ("^gamma", vec![2]),
        (r"(?<word>[a-z]+) \k<word>", vec![]),
        // Escapes are stripped before matching, as for plain search.
        ("^ERR at", vec![4]),
        ("zzz", vec![]),
    ];
    for (pattern, want) in table {
        assert_eq!(&view.search(pattern, true).unwrap(), want, "{pattern}");
    }
}

#[wasm_bindgen_test]
fn chunked_loading_paints_before_analysis() {
    let mut view = LogView::with_capacity(LOG.len());
    let (a, b) = LOG.split_at(50);
    view.append(a);
    assert_eq!(view.line_count(), 2);
    assert!(view.render_lines(0, 1).contains("FAIL"));
    view.append(b);
    view.finish();
    assert_eq!(view.failure_lines(), Vec::<u32>::new());
    while !view.analyze(16) {}
    assert_eq!(view.analyzed_lines(), 4);
    assert_eq!(view.failure_lines(), vec![2]);
}
