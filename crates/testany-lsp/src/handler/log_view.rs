//! `testany/logView {execution, caseIndex}`: a case's log ready to render, so editors
//! carry no ANSI parser, failure-line rule or frame resolver of their own. The log is
//! fetched and cached as `testany.openLog` does (a finished case's copy is reused).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use testany_core::ansi::{Style, Styler};
use testany_core::failure_line::is_failure_line;
use testany_core::locations::{Extractor, WorkspaceIndex};
use tower_lsp_server::jsonrpc::{Error, Result};

use crate::command::open_log::{cached_log, workspace_projects};
use crate::env::Env;
use crate::ext::{CaseRef, LineStyle, LogFrame, LogViewResult};
use crate::logs::first_failure_line;
use crate::state::State;

#[tracing::instrument(skip_all, fields(execution = %args.execution, case = args.case_index))]
pub async fn handle(state: &Arc<State>, args: CaseRef) -> Result<LogViewResult> {
    let (path, file) = cached_log(state, &args).await?;
    let projects = workspace_projects(state, &args.execution);
    let view = view(state.env.as_ref(), &path, &projects)
        .await
        .map_err(|e| Error::invalid_params(format!("cannot read {}: {e}", path.display())))?;
    drop(file);
    let uri = state
        .env
        .to_uri(&path)
        .ok_or_else(|| Error::invalid_params("cache path is not absolute"))?;
    Ok(LogViewResult {
        uri: uri.as_str().to_owned(),
        ..view
    })
}

/// The view of log file `path` (its `uri` left empty) for the workspace `projects`
/// (root, files): frames resolve against them, and the first failure line prefers them.
pub async fn view(
    env: &dyn Env,
    path: &Path,
    projects: &[(PathBuf, Arc<Vec<String>>)],
) -> std::io::Result<LogViewResult> {
    let mut bytes = Vec::new();
    let mut chunks = env.read_log(path).await?;
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    let raw = String::from_utf8_lossy(&bytes);
    let mut text = String::with_capacity(raw.len());
    let mut styles = Vec::new();
    let mut failure_lines = Vec::new();
    let mut styler = Styler::new();
    let mut extractor = Extractor::new();
    for (i, line) in testany_core::lines::split(&raw).enumerate() {
        extractor.log_line(line);
        if is_failure_line(line) {
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
        let resolved = projects
            .iter()
            .zip(&indexes)
            .find_map(|((root, _), index)| Some(root.join(index.resolve(&loc.path)?)));
        let Some(uri) = resolved.as_deref().and_then(|p| env.to_uri(p)) else {
            continue;
        };
        // A frame in the workspace is where the user wants to stop; a library frame is not.
        failure_lines.push(log_line);
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
    let (first_failure, _) = first_failure_line(env, path, |p| {
        indexes.iter().any(|i| i.resolve(p).is_some())
    })
    .await?;
    Ok(LogViewResult {
        uri: String::new(),
        text,
        styles,
        failure_lines,
        first_failure,
        frames,
    })
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use serde_json::json;
    use testany_core::ansi::{Color, StyledSpan};
    use tower_lsp_server::ls_types::Uri;

    use tower_lsp_server::jsonrpc::ErrorCode;

    use super::*;
    use crate::env::cache_path;
    use crate::handler::case_states::tests::{execution, open, project, shp1, state};

    const LOG: &str = "collecting ...\r\n\
        \x1b[31mFAILED\x1b[0m t.py::test_x\n\
        Traceback (most recent call last):\n  \
        File \"/usr/lib/python3.12/unittest/case.py\", line 58, in run\n  \
        File \"/builds/acme/shop/t.py\", line 2, in test_x\n\
        AssertionError: boom\n\
        \tat org.pg.PGStream.<init>(PGStream.java:98)\n\
        \x1b[1mdone\n";

    #[tokio::test]
    async fn a_cached_log_becomes_text_styles_failure_lines_and_workspace_frames() {
        let root = project(
            "logview",
            &[("t.py", "# testany: A1B2C3D4\ndef test_x():\n    assert 0\n")],
        );
        let cache = root.join(".cache");
        let st = state(&cache);
        open(&st, &root.join("t.py")).await;
        // A finished case with its log cached: nothing is fetched (the service is down).
        let log = cache_path(&cache, &shp1().url, "SHP-1-00001", 0);
        std::fs::create_dir_all(log.parent().unwrap()).unwrap();
        std::fs::write(&log, LOG).unwrap();
        crate::runtime::store(
            &st,
            &shp1(),
            vec![execution(json!({
                "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
                "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED", "result": "FAILED"}]
            }))],
        );
        let args = CaseRef {
            execution: "SHP-1-00001".into(),
            case_index: 0,
        };
        let got = handle(&st, args).await.expect("view");
        let t_py = Uri::from_file_path(root.join("t.py")).unwrap();
        let red = testany_core::ansi::Style {
            fg: Some(Color::Basic { index: 1 }),
            ..Style::default()
        };
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let span = |text: &str, style| StyledSpan {
            text: text.into(),
            style,
        };
        let want = LogViewResult {
            uri: Uri::from_file_path(&log).unwrap().as_str().to_owned(),
            text: "collecting ...\n\
                FAILED t.py::test_x\n\
                Traceback (most recent call last):\n  \
                File \"/usr/lib/python3.12/unittest/case.py\", line 58, in run\n  \
                File \"/builds/acme/shop/t.py\", line 2, in test_x\n\
                AssertionError: boom\n\
                \tat org.pg.PGStream.<init>(PGStream.java:98)\n\
                done"
                .into(),
            styles: vec![
                LineStyle {
                    line: 1,
                    spans: vec![span("FAILED", red), span(" t.py::test_x", Style::default())],
                },
                LineStyle {
                    line: 7,
                    spans: vec![span("done", bold)],
                },
            ],
            // FAILED, Traceback and AssertionError are failure lines by core's rule
            // (failure_line); the project frame is a location in the workspace (the
            // standard library's frame is no location, the PGStream frame is one outside
            // the workspace: neither is a failure line).
            failure_lines: vec![1, 2, 4, 5],
            first_failure: 4,
            frames: vec![LogFrame {
                log_line: 4,
                uri: t_py.as_str().to_owned(),
                line: 1,
                column: None,
            }],
        };
        assert_eq!(got, want);
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    #[tokio::test]
    async fn a_log_nobody_serves_is_not_configured() {
        let st = state(&std::env::temp_dir().join("testany-lsp-ext-none"));
        let err = handle(
            &st,
            CaseRef {
                execution: "NOPE-1".into(),
                case_index: 3,
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            (err.code, err.message.as_ref()),
            (
                ErrorCode::ServerError(-32001),
                "no Testany configuration serves NOPE-1: add it to `pipelines` in testany.toml"
            )
        );
    }
}
