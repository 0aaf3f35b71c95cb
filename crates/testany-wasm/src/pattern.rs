//! Regular expressions for `LogView::search`. In the browser this is the page's own
//! `RegExp` (the syntax VS Code's search box uses), so no regex engine ships in the
//! .wasm (−20 KB gzipped: size budget). Native builds (tests, benches) use regex-lite.
//! Both read a leading `(?i)` as "ignore case".

/// A compiled pattern, or one sentence saying why the pattern is not one.
pub struct Regex(Inner);

/// Splits a leading `(?i)` off: the one inline flag both engines are given the same way.
fn flags(pattern: &str) -> (&str, bool) {
    match pattern.strip_prefix("(?i)") {
        Some(rest) => (rest, true),
        None => (pattern, false),
    }
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = RegExp)]
    type JsRegExp;
    /// `catch`: a bad pattern throws a SyntaxError, which must not unwind through wasm.
    #[wasm_bindgen(constructor, js_class = "RegExp", catch)]
    fn new(pattern: &str, flags: &str) -> Result<JsRegExp, JsValue>;
    #[wasm_bindgen(method)]
    fn test(this: &JsRegExp, text: &str) -> bool;

    type JsErrorObject;
    #[wasm_bindgen(method, getter)]
    fn message(this: &JsErrorObject) -> Option<String>;
}

#[cfg(target_arch = "wasm32")]
struct Inner(JsRegExp);

#[cfg(not(target_arch = "wasm32"))]
struct Inner(regex_lite::Regex);

impl Regex {
    #[cfg(target_arch = "wasm32")]
    pub fn new(pattern: &str) -> Result<Self, String> {
        let (body, ignore_case) = flags(pattern);
        match JsRegExp::new(body, if ignore_case { "i" } else { "" }) {
            Ok(re) => Ok(Regex(Inner(re))),
            Err(e) => {
                let message = e.unchecked_into::<JsErrorObject>().message();
                // V8 says "Invalid regular expression: /x(/: Unterminated group": keep
                // the reason; the caller names the problem.
                let message = message.unwrap_or_default();
                let why = message.rsplit(": ").next().unwrap_or_default();
                Err(if why.is_empty() {
                    "not a JavaScript regular expression"
                } else {
                    why
                }
                .to_string())
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(pattern: &str) -> Result<Self, String> {
        let (body, ignore_case) = flags(pattern);
        regex_lite::RegexBuilder::new(body)
            .case_insensitive(ignore_case)
            .build()
            .map(|re| Regex(Inner(re)))
            .map_err(|e| e.to_string())
    }

    #[cfg(target_arch = "wasm32")]
    pub fn is_match(&self, line: &str) -> bool {
        self.0.0.test(line)
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn is_match(&self, line: &str) -> bool {
        self.0.0.is_match(line)
    }
}
