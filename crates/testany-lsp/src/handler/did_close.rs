//! `textDocument/didClose`: forget the text and clear its diagnostics.

use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::publish;
use crate::state::State;

#[tracing::instrument(skip_all)]
pub async fn handle(state: &State, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    {
        let mut inner = state.lock();
        inner.documents.remove(&uri);
        inner.dirty.remove(&uri);
    }
    publish::clear(state, uri).await;
}
