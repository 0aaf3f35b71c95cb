//! `textDocument/didOpen`: store the text first, then find its project.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::document::Document;
use crate::state::State;
use crate::{publish, workspace};

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let path = state.env.to_path(&item.uri);
    let uri = item.uri;
    let mut doc = Document::new(item.text, item.version, path.clone());
    doc.resolving = path.is_some();
    state.lock().documents.insert(uri.clone(), doc);
    let Some(path) = path else {
        return;
    };
    let known = state.lock().projects.len();
    let key = workspace::project_of(state, &path).await;
    {
        let mut inner = state.lock();
        let early = match inner.documents.get_mut(&uri) {
            Some(doc) => {
                doc.project = key;
                doc.lenses = None;
                doc.resolving = false;
                std::mem::take(&mut doc.lens_early)
            }
            None => false,
        };
        // A lens request answered before the project was known gets a refresh (sent
        // by the publisher scheduled below, when the client supports it).
        inner.lens_dirty |= early;
    }
    state.resolved.notify_waiters();
    if state.lock().projects.len() != known {
        workspace::settle(state).await;
    }
    publish::schedule(state, uri);
}
