//! `textDocument/didChange`: apply incremental edits (synchronously, before anything
//! else can run) and schedule diagnostics.

use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

use crate::convert::core_position;
use crate::document::Change;
use crate::publish;
use crate::state::State;

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, params: DidChangeTextDocumentParams) {
    let changes: Vec<Change> = params
        .content_changes
        .into_iter()
        .map(|c| Change {
            range: c
                .range
                .map(|r| (core_position(r.start), core_position(r.end))),
            text: c.text,
        })
        .collect();
    let uri = params.text_document.uri;
    {
        let mut inner = state.lock();
        let encoding = inner.encoding;
        let Some(doc) = inner.documents.get_mut(&uri) else {
            tracing::debug!("change for a document that is not open");
            return;
        };
        doc.apply(&changes, params.text_document.version, encoding);
    }
    publish::schedule(state, uri);
}
