//! `textDocument/codeLens`: planned from the document's current text and the last
//! known data (no I/O, so it answers at once); cached per document version and data
//! generation, so repeated requests between changes cost a copy.

use std::sync::Arc;

use tower_lsp_server::ls_types::{CodeLens, CodeLensParams};

use crate::convert;
use crate::publish::{DocRef, plan_doc};
use crate::state::State;

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let mut inner = state.lock();
    let uri = params.text_document.uri;
    let generation = inner.generation;
    let doc = inner.documents.get(&uri)?;
    if let Some((g, lenses)) = &doc.lenses
        && *g == generation
    {
        return Some(lenses.as_ref().clone());
    }
    let (project, path) = (doc.project.clone()?, doc.path.clone()?);
    let (text, markers) = (doc.text.clone(), doc.markers.clone());
    let plan = plan_doc(
        &mut inner,
        &DocRef {
            uri: uri.as_str(),
            project: &project,
            path: &path,
            text: &text,
            markers: &markers,
        },
        false,
        &[],
    );
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
