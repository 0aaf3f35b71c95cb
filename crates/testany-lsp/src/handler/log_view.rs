//! `testany/logView {execution, caseIndex}`: a case's log ready to render, so editors
//! carry no ANSI parser, failure-line rule or frame resolver of their own. The log is
//! fetched and cached as `testany.openLog` does (a finished case's copy is reused).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use testany_core::ansi::{Style, Styler};
use testany_core::locations::{Extractor, WorkspaceIndex};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use crate::command::open_log::{cached_log, workspace_projects};
use crate::convert::file_uri;
use crate::ext::{CaseRef, LineStyle, LogFrame, LogViewResult};
use crate::logs::{first_failure_line_in_file, reads_as_error};
use crate::state::State;

#[tracing::instrument(skip_all, fields(execution = %args.execution, case = args.case_index))]
pub async fn handle(state: &Arc<State>, args: CaseRef) -> Result<LogViewResult> {
    let (path, file) = cached_log(state, &args).await?;
    let projects = workspace_projects(state, &args.execution);
    let read = path.clone();
    let view = tokio::task::spawn_blocking(move || view(&read, &projects))
        .await
        .map_err(|e| Error {
            code: ErrorCode::InternalError,
            message: e.to_string().into(),
            data: None,
        })?
        .map_err(|e| Error::invalid_params(format!("cannot read {}: {e}", path.display())))?;
    drop(file);
    let uri = file_uri(&path).ok_or_else(|| Error::invalid_params("cache path is not absolute"))?;
    Ok(LogViewResult {
        uri: uri.as_str().to_owned(),
        ..view
    })
}

/// The view of log file `path` (its `uri` left empty) for the workspace `projects`
/// (root, files): frames resolve against them, and the first failure line prefers them.
pub fn view(
    path: &Path,
    projects: &[(PathBuf, Arc<Vec<String>>)],
) -> std::io::Result<LogViewResult> {
    let bytes = std::fs::read(path)?;
    let raw = String::from_utf8_lossy(&bytes);
    let mut text = String::with_capacity(raw.len());
    let mut styles = Vec::new();
    let mut failure_lines = Vec::new();
    let mut styler = Styler::new();
    let mut extractor = Extractor::new();
    let body = raw.strip_suffix('\n').unwrap_or(&raw);
    for (i, line) in body.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        extractor.log_line(line);
        if reads_as_error(line) {
            failure_lines.push(i);
        }
        let spans = styler.line(line);
        if i > 0 {
            text.push('\n');
        }
        for s in &spans {
            text.push_str(&s.text);
        }
        if spans.iter().any(|s| s.style != Style::default()) {
            styles.push(LineStyle { line: i, spans });
        }
    }
    let lists: Vec<Vec<&str>> = projects
        .iter()
        .map(|(_, f)| f.iter().map(String::as_str).collect())
        .collect();
    let indexes: Vec<WorkspaceIndex<'_>> = lists.iter().map(|l| WorkspaceIndex::new(l)).collect();
    let mut frames = Vec::new();
    for loc in extractor.finish() {
        let Some(log_line) = loc.log_line else {
            continue;
        };
        failure_lines.push(log_line);
        let resolved = projects
            .iter()
            .zip(&indexes)
            .find_map(|((root, _), index)| Some(root.join(index.resolve(&loc.path)?)));
        let Some(uri) = resolved.as_deref().and_then(file_uri) else {
            continue;
        };
        frames.push(LogFrame {
            log_line,
            uri: uri.as_str().to_owned(),
            line: loc.line.saturating_sub(1),
            column: loc.column,
        });
    }
    failure_lines.sort_unstable();
    failure_lines.dedup();
    frames.sort_by(|a, b| (a.log_line, &a.uri, a.line).cmp(&(b.log_line, &b.uri, b.line)));
    frames.dedup();
    let (first_failure, _) =
        first_failure_line_in_file(path, |p| indexes.iter().any(|i| i.resolve(p).is_some()))?;
    Ok(LogViewResult {
        uri: String::new(),
        text,
        styles,
        failure_lines,
        first_failure,
        frames,
    })
}
