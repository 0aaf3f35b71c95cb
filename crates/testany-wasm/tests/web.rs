//! The facade as JavaScript sees it, in headless Chromium
//! (`cargo xtask wasm-test`, or see the README for the raw command).
#![cfg(target_arch = "wasm32")]

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

#[cfg(feature = "model")]
mod model {
    use super::*;
    use testany_wasm::{parse_execution, plan_lenses};
    use wasm_bindgen::JsCast;

    #[wasm_bindgen_test]
    fn parse_execution_accepts_text_and_objects() {
        let raw = r#"{"executionKey":"SHP-1","status":"success","cases":[]}"#;
        let from_text = json(&parse_execution(JsValue::from_str(raw)).unwrap());
        assert_eq!(from_text["key"], "SHP-1");
        assert_eq!(from_text["result"], "PASSED");
        let object = js_parse(raw);
        assert_eq!(json(&parse_execution(object).unwrap()), from_text);
        let err = parse_execution(JsValue::from_str("[1]")).unwrap_err();
        let err: JsValue = err.into();
        let message = err.dyn_ref::<js_error::Error>().map(|e| e.message());
        assert_eq!(
            message.as_deref(),
            Some("expected an execution as a JSON object, found an array")
        );
    }

    #[wasm_bindgen_test]
    fn plan_lenses_on_a_marked_document() {
        let execs = js_parse(
            r#"[{"execution_key":"SHP-1","status":"COMPLETED","result":"FAILED","start_time":"2026-11-26T04:00:00Z",
                "cases":[{"case_key":"CART01","result":"FAILED","error":"AssertionError: 2 != 3"}]}]"#,
        );
        let plan = json(&plan_lenses("// testany: CART01\n", execs, JsValue::UNDEFINED).unwrap());
        assert_eq!(plan["lenses"][0]["range"]["start"]["line"], 0);
        assert_eq!(plan["diagnostics"][0]["code"], "assertion");
        assert!(plan_lenses("x", JsValue::from_str("{}"), JsValue::UNDEFINED).is_err());
    }

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
        fn js_parse(text: &str) -> JsValue;
    }

    mod js_error {
        use wasm_bindgen::prelude::*;
        #[wasm_bindgen]
        extern "C" {
            #[wasm_bindgen(js_name = Error)]
            pub type Error;
            #[wasm_bindgen(method, getter)]
            pub fn message(this: &Error) -> String;
        }
    }
}

#[cfg(feature = "client")]
mod client {
    use testany_wasm::TestanyClient;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
        fn js_parse(text: &str) -> JsValue;
        #[wasm_bindgen(js_name = Error)]
        type JsErr;
        #[wasm_bindgen(method, getter)]
        fn message(this: &JsErr) -> String;
    }

    fn message(v: JsValue) -> String {
        v.unchecked_into::<JsErr>().message()
    }

    #[wasm_bindgen_test]
    fn options_are_checked() {
        let err = TestanyClient::new(js_parse("{}"))
            .err()
            .map(|e| message(e.into()));
        assert_eq!(err.as_deref(), Some("the client needs the service `url`"));
        let err = TestanyClient::new(js_parse(r#"{"url": 3}"#))
            .err()
            .map(|e| message(e.into()));
        assert_eq!(
            err.as_deref(),
            Some("invalid client options: `url` must be a string")
        );
        let err = TestanyClient::new(js_parse(
            r#"{"url": "http://127.0.0.1:9/", "requestTimeoutMs": -5}"#,
        ))
        .err()
        .map(|e| message(e.into()));
        assert_eq!(
            err.as_deref(),
            Some("invalid client options: `requestTimeoutMs` must be a whole number of 0 or more")
        );
    }

    #[wasm_bindgen_test]
    async fn an_unreachable_service_rejects_without_the_token() {
        let client = TestanyClient::new(js_parse(
            r#"{"url": "http://127.0.0.1:9/api/v2/mcp/", "token": "sekrit-token-123", "requestTimeoutMs": 2000}"#,
        ))
        .unwrap();
        let err = JsFuture::from(client.get_execution("SHP-1".into()))
            .await
            .unwrap_err();
        let text = message(err);
        assert!(!text.is_empty());
        assert!(!text.contains("sekrit-token-123"), "{text}");
    }
}
