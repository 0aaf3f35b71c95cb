//! `textDocument/hover` on a marker: the case's recent history and pass rate.

use testany_core::document::Document;
use tower_lsp_server::ls_types::{Hover, HoverParams};

use crate::convert;
use crate::state::State;

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, params: HoverParams) -> Option<Hover> {
    let mut inner = state.lock();
    let at = params.text_document_position_params;
    let doc = inner.documents.get(&at.text_document.uri)?;
    let (key, path) = (doc.project.clone()?, doc.path.clone()?);
    let (text, found) = (doc.text.clone(), doc.markers.clone());
    let project = inner.projects.get(&key)?;
    let config = project.config.as_ref()?;
    let rel = project.relative(&path)?;
    let mapping = config.cases.clone();
    let history = config.history as usize;
    let derived = inner.derived(&key);
    let mut doc = Document::new(
        at.text_document.uri.as_str(),
        &rel,
        &text,
        &mapping,
        &derived.executions,
        state.env.now(),
    );
    doc.markers = Some(&found);
    doc.locations = &derived.locations;
    doc.encoding = inner.encoding;
    doc.history = history;
    doc.stale = derived.stale;
    let position = convert::core_position(at.position);
    if let Some(h) = doc.hover(position) {
        return Some(convert::hover(h));
    }
    // A test definition (issue 15): its last results.
    let uri = at.text_document.uri;
    crate::test_lenses::hover(&mut inner, &uri, &key, &rel, &text, position).map(convert::hover)
}
