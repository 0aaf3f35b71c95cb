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
