#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[cfg(all(feature = "client", target_arch = "wasm32"))]
mod client;
#[cfg(all(feature = "client", target_arch = "wasm32"))]
pub use client::TestanyClient;
#[cfg(feature = "model")]
mod fields;
pub mod log;
mod pattern;
#[cfg(feature = "model")]
pub mod plan;
#[cfg(feature = "server")]
pub mod server;

#[cfg(test)]
mod tests;

use serde::Serialize;
#[cfg(feature = "model")]
use serde_json::Value;
#[cfg(feature = "model")]
use testany_core::model::Execution;
use wasm_bindgen::prelude::*;

/// A value as a plain JS value (objects, arrays, `null`), built by `JSON.parse` from
/// serde_json text: this costs far less code than serde-wasm-bindgen (size budget).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    json_parse(&text).map_err(|_| JsError::new("JSON.parse rejected the facade's output"))
}

#[cfg(feature = "model")]
/// A JS value as JSON: a string is parsed as JSON text, anything else goes through
/// `JSON.stringify` (so `undefined` and functions are rejected).
fn from_js(value: JsValue) -> Result<Value, JsError> {
    let text = match value.as_string() {
        Some(text) => text,
        None => json_stringify(&value)
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| JsError::new("expected a JSON value"))?,
    };
    // `from_slice`, as the client reads bodies: one JSON reader in the .wasm (size budget).
    serde_json::from_slice(text.as_bytes())
        .map_err(|e| JsError::new(&format!("not valid JSON: {e}")))
}

#[wasm_bindgen]
extern "C" {
    #[cfg(feature = "model")]
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[cfg(feature = "model")]
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// A log held in wasm memory with its line index and failure analysis; the page asks it
/// for windows of rendered lines, so only what is visible ever becomes DOM.
#[wasm_bindgen]
pub struct LogView {
    log: log::Log,
}

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

#[cfg(feature = "model")]
/// An execution read from any shape the service sends (object or JSON text), returned
/// in testany-core's canonical snake_case shape.
#[wasm_bindgen(js_name = parseExecution)]
pub fn parse_execution(json: JsValue) -> Result<JsValue, JsError> {
    let value = from_js(json)?;
    let execution = Execution::from_json(&value).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&execution)
}

#[cfg(feature = "model")]
/// `{lenses, diagnostics}` for a document's text, from executions (an array of
/// execution objects) and optional `{uri, path, mapping, encoding, history, stale, nowMs}`.
#[wasm_bindgen(js_name = planLenses)]
pub fn plan_lenses(
    document_text: &str,
    executions: JsValue,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let values: Vec<Value> = match from_js(executions)? {
        Value::Array(items) => items,
        _ => return Err(JsError::new("executions must be an array")),
    };
    let execs = plan::executions(&values).map_err(|e| JsError::new(&e.0))?;
    let options = if options.is_undefined() || options.is_null() {
        plan::PlanOptions::default()
    } else {
        plan::PlanOptions::from_json(&from_js(options)?)
            .map_err(|e| JsError::new(&format!("invalid options: {e}")))?
    };
    to_js(&plan::plan_lenses(
        document_text,
        &execs,
        &options,
        date_now(),
    ))
}
