#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[cfg(feature = "viewer")]
pub mod log;
#[cfg(feature = "viewer")]
mod pattern;
#[cfg(feature = "server")]
pub mod server;

#[cfg(all(test, feature = "viewer"))]
mod tests;

#[cfg(feature = "viewer")]
use serde::Serialize;
#[cfg(feature = "viewer")]
use wasm_bindgen::prelude::*;

/// A value as a plain JS value (objects, arrays, `null`), built by `JSON.parse` from
/// serde_json text: this costs far less code than serde-wasm-bindgen (size budget).
#[cfg(feature = "viewer")]
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    json_parse(&text).map_err(|_| JsError::new("JSON.parse rejected the module's output"))
}

#[cfg(feature = "viewer")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// A log held in wasm memory with its line index and failure analysis; the page asks it
/// for windows of rendered lines, so only what is visible ever becomes DOM.
#[cfg(feature = "viewer")]
#[wasm_bindgen]
pub struct LogView {
    log: log::Log,
}

#[cfg(feature = "viewer")]
#[wasm_bindgen]
impl LogView {
    /// A complete log, analysed at once (use `withCapacity` + `append` + `analyze` to
    /// paint before a big log is analysed).
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> LogView {
        LogView {
            log: log::Log::from_text(text),
        }
    }

    /// An empty view expecting about `bytes` of text.
    #[wasm_bindgen(js_name = withCapacity)]
    pub fn with_capacity(bytes: usize) -> LogView {
        LogView {
            log: log::Log::with_capacity(bytes),
        }
    }

    /// Add a chunk of text (line starts are indexed immediately).
    pub fn append(&mut self, chunk: &str) {
        self.log.append(chunk);
    }

    /// Mark the text complete.
    pub fn finish(&mut self) {
        self.log.finish();
    }

    /// Analyse about `budgetBytes` more of the log; true when analysis is complete.
    pub fn analyze(&mut self, budget_bytes: usize) -> bool {
        self.log.analyze(budget_bytes)
    }

    #[wasm_bindgen(js_name = analyzedLines)]
    pub fn analyzed_lines(&self) -> usize {
        self.log.analyzed_lines()
    }

    #[wasm_bindgen(js_name = lineCount)]
    pub fn line_count(&self) -> usize {
        self.log.line_count()
    }

    /// Size of the text in UTF-8 bytes.
    #[wasm_bindgen(js_name = byteLength)]
    pub fn byte_length(&self) -> usize {
        self.log.byte_len()
    }

    /// `[{line, message, category}]`, line 0-based.
    pub fn failures(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.log.failures())
    }

    /// Sorted 0-based lines of failures (for the gutter and next/previous).
    #[wasm_bindgen(js_name = failureLines)]
    pub fn failure_lines(&mut self) -> Vec<u32> {
        self.log.failure_lines()
    }

    /// `[{path, line, column, logLine}]`; `line`/`column` 1-based as tools print them,
    /// `logLine` 0-based.
    pub fn locations(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.log.locations())
    }

    /// Lines `start..end` as safe HTML (see `log::Log::render_lines`).
    #[wasm_bindgen(js_name = renderLines)]
    pub fn render_lines(&mut self, start: usize, end: usize) -> String {
        self.log.render_lines(start, end)
    }

    /// Line `n` without escapes, or `undefined`.
    #[wasm_bindgen(js_name = lineText)]
    pub fn line_text(&self, n: usize) -> Option<String> {
        self.log.line_text(n)
    }

    /// 0-based lines matching `pattern` (plain substring, or a regular expression);
    /// throws a string naming the problem when the pattern is invalid.
    pub fn search(&self, pattern: &str, regex: bool) -> Result<Vec<u32>, String> {
        self.log.search(pattern, regex).map_err(|e| e.to_string())
    }

    /// `search` over lines `from..to` (clamped): the viewer searches big logs in slices.
    #[wasm_bindgen(js_name = searchRange)]
    pub fn search_range(
        &self,
        pattern: &str,
        regex: bool,
        from: usize,
        to: usize,
    ) -> Result<Vec<u32>, String> {
        self.log
            .search_range(pattern, regex, from, to)
            .map_err(|e| e.to_string())
    }
}
