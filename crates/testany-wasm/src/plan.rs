//! `planLenses` input and output as plain Rust: options with defaults, tolerant
//! execution parsing, then testany-core's planner.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;
use testany_core::document::Document;
use testany_core::markers::Encoding;
use testany_core::model::Execution;
use testany_core::plan::Plan;

/// Options of `planLenses`; every field may be left out.
#[derive(Debug, Default, PartialEq)]
pub struct PlanOptions {
    /// URI of the document (for related information); default `untitled:document`.
    pub uri: Option<String>,
    /// Workspace-relative path of the document (for `[cases]` mappings).
    pub path: Option<String>,
    /// `[cases]` mapping: case key -> workspace-relative file.
    pub mapping: BTreeMap<String, String>,
    /// `"utf-8"` or `"utf-16"` (default, as LSP and VS Code count columns).
    pub encoding: Option<String>,
    /// Executions per case for hover and flaky notes; default 10.
    pub history: Option<usize>,
    pub stale: bool,
    /// Clock in epoch milliseconds; the page passes `Date.now()` when absent.
    pub now_ms: Option<f64>,
}

impl PlanOptions {
    /// The options object as JavaScript passes it (camelCase keys; `null` = absent).
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let f = crate::fields::Fields::new(value)?;
        Ok(PlanOptions {
            uri: f.string("uri")?,
            path: f.string("path")?,
            mapping: f.string_map("mapping")?,
            encoding: f.string("encoding")?,
            history: f
                .u64("history")?
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            stale: f.bool("stale")?,
            now_ms: f.f64("nowMs")?,
        })
    }
}

/// Why planning could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every element of `executions` read with `Execution::from_json` (any shape the
/// service sends, or the canonical one `parseExecution` returns).
pub fn executions(values: &[Value]) -> Result<Vec<Execution>, PlanError> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Execution::from_json(v).map_err(|e| PlanError(format!("execution {i}: {e}"))))
        .collect()
}

/// Lenses and diagnostics for `text` (markers plus the mapping), as the language server
/// plans them: core's `Document` with its defaults, overridden by the options given.
pub fn plan_lenses(text: &str, execs: &[Execution], options: &PlanOptions, now_ms: f64) -> Plan {
    // Saturating float-to-int cast: NaN becomes 0, the epoch.
    let now = Timestamp::from_millisecond(options.now_ms.unwrap_or(now_ms) as i64)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let mut doc = Document::new(
        options.uri.as_deref().unwrap_or("untitled:document"),
        options.path.as_deref().unwrap_or(""),
        text,
        &options.mapping,
        execs,
        now,
    );
    if matches!(options.encoding.as_deref(), Some("utf-8" | "utf8")) {
        doc.encoding = Encoding::Utf8;
    }
    if let Some(history) = options.history {
        doc.history = history;
    }
    doc.stale = options.stale;
    doc.plan()
}
