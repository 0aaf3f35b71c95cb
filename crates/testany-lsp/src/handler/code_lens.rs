//! `textDocument/codeLens`: planned from the document's current text and the last
//! known data (no I/O, so it answers at once); cached per document version and data
//! generation, so repeated requests between changes cost a copy.

use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Uri};

use futures_util::future::{Either, select};

use crate::convert;
use crate::publish::plan_open;
use crate::state::State;

/// Longest wait of a lens request for didOpen to find the document's project.
const RESOLVE_WAIT: Duration = Duration::from_secs(2);

/// Waits (briefly) while didOpen is still finding `uri`'s project, so a lens request
/// sent right after didOpen is answered with the lenses rather than nothing.
pub async fn wait_resolved(state: &State, uri: &Uri) {
    // One timer for the whole wait: the deadline does not move with each wake-up.
    let mut deadline = state.env.sleep(RESOLVE_WAIT);
    loop {
        let mut notified = std::pin::pin!(state.resolved.notified());
        notified.as_mut().enable();
        let resolving = state.lock().documents.get(uri).is_some_and(|d| d.resolving);
        if !resolving {
            return;
        }
        match select(&mut deadline, notified).await {
            Either::Left(_) => return,
            Either::Right(_) => {}
        }
    }
}

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let mut inner = state.lock();
    let uri = params.text_document.uri;
    let generation = inner.generation;
    let doc = inner.documents.get_mut(&uri)?;
    if doc.resolving {
        // Still unknown: answer nothing now, refresh once didOpen knows the project.
        doc.lens_early = true;
        return None;
    }
    if let Some((g, lenses)) = &doc.lenses
        && *g == generation
    {
        return Some(lenses.as_ref().clone());
    }
    let (plan, _) = plan_open(state.env.as_ref(), &mut inner, &uri, false)?;
    let lenses: Arc<Vec<CodeLens>> = Arc::new(plan.lenses.iter().map(convert::lens).collect());
    // Running cases show elapsed time: those lenses are recomputed each time.
    let running = plan
        .lenses
        .iter()
        .any(|l| l.command.as_deref() == Some("testany.refreshExecution"));
    if !running && let Some(doc) = inner.documents.get_mut(&uri) {
        doc.lenses = Some((generation, lenses.clone()));
    }
    Some(lenses.as_ref().clone())
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::sync::Arc;

    use serde_json::json;
    use tower_lsp_server::ls_types::*;

    use crate::handler;
    use crate::state::test_state;

    const TEXT: &str = "# testany: A1B2C3D4\ndef test_x():\n    pass\n";

    fn execution(key: &str, result: &str, started: &str) -> testany_core::model::Execution {
        testany_core::model::Execution::from_json(&json!({
            "execution_id": key, "status": "COMPLETED", "result": result,
            "pipeline_key": "SHP-1", "started_at": started,
            "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": result,
                       "duration_ms": 1500}]
        }))
        .expect("execution")
    }

    /// (line, title) of each lens, and the document's cached list after the request.
    type Answer = (Vec<(u32, String)>, Option<Arc<Vec<CodeLens>>>);

    fn request(state: &crate::state::State, uri: &Uri) -> Answer {
        let lenses = super::handle(
            state,
            CodeLensParams {
                text_document: TextDocumentIdentifier::new(uri.clone()),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            },
        )
        .unwrap_or_default();
        let rows = lenses
            .into_iter()
            .map(|l| {
                (
                    l.range.start.line,
                    l.command.map(|c| c.title).unwrap_or_default(),
                )
            })
            .collect();
        let cached = state
            .lock()
            .documents
            .get(uri)
            .and_then(|d| d.lenses.as_ref().map(|(_, l)| l.clone()));
        (rows, cached)
    }

    fn same(a: &Option<Arc<Vec<CodeLens>>>, b: &Option<Arc<Vec<CodeLens>>>) -> bool {
        matches!((a, b), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
    }

    /// Issue 16: a repeated request is answered from the document's cached lenses, not
    /// planned again (a 1,000-marker file's plan is most of a request otherwise); an edit
    /// (new document version) or new data (new generation) plans again.
    #[tokio::test]
    async fn lenses_are_planned_once_per_version_and_data() {
        let root =
            std::env::temp_dir().join(format!("testany-lsp-lens-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("testany.toml"),
            "url = \"http://127.0.0.1:9/api/v2/mcp/\"\nworkspace = \"SHP\"\npipelines = [\"SHP-1\"]\n",
        )
        .unwrap();
        std::fs::write(root.join("t.py"), TEXT).unwrap();
        let st = test_state(&root.join(".cache"));
        let uri = Uri::from_file_path(root.join("t.py")).unwrap();
        handler::did_open::handle(
            &st,
            DidOpenTextDocumentParams {
                text_document: TextDocumentItem::new(uri.clone(), "python".into(), 1, TEXT.into()),
            },
        )
        .await;
        let key = crate::data::PollKey {
            url: "http://127.0.0.1:9/api/v2/mcp/".into(),
            pipeline: "SHP-1".into(),
        };
        crate::runtime::store(
            &st,
            &key,
            vec![execution("SHP-1-00001", "FAILED", "2026-12-05T10:00:00Z")],
        );
        let failed = vec![
            (0, "✗ FAILED 1s · SHP-1-00001".to_owned()),
            (0, "↻ Re-run".to_owned()),
        ];

        let (first, planned) = request(&st, &uri);
        assert_eq!(first, failed);
        let (again, cached) = request(&st, &uri);
        assert_eq!(again, failed);
        assert!(
            same(&planned, &cached),
            "the second request was planned again"
        );

        // An edit: the lenses move with the marker, planned for the new version.
        handler::did_change::handle(
            &st,
            DidChangeTextDocumentParams {
                text_document: VersionedTextDocumentIdentifier::new(uri.clone(), 2),
                content_changes: vec![TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(0, 0), Position::new(0, 0))),
                    range_length: None,
                    text: "import os\n".into(),
                }],
            },
        );
        let (edited, replanned) = request(&st, &uri);
        assert_eq!(
            edited,
            [
                (1, "✗ FAILED 1s · SHP-1-00001".to_owned()),
                (1, "↻ Re-run".to_owned())
            ]
        );
        assert!(!same(&cached, &replanned), "the edit kept the old lenses");

        // New data: planned again with the newer execution.
        crate::runtime::store(
            &st,
            &key,
            vec![
                execution("SHP-1-00001", "FAILED", "2026-12-05T10:00:00Z"),
                execution("SHP-1-00002", "PASSED", "2026-12-05T11:00:00Z"),
            ],
        );
        let (fresh, _) = request(&st, &uri);
        assert_eq!(
            fresh,
            [
                (1, "✓ PASSED 1s · SHP-1-00002".to_owned()),
                (1, "↻ Re-run".to_owned())
            ]
        );
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }
}
