//! `textDocument/didOpen`: store the text first, then find its project.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::document::Document;
use crate::state::State;
use crate::{publish, workspace};

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let path = item.uri.to_file_path().map(|p| p.into_owned());
    let uri = item.uri;
    state.lock().documents.insert(
        uri.clone(),
        Document::new(item.text, item.version, path.clone()),
    );
    let Some(path) = path else {
        return;
    };
    let known = state.lock().projects.len();
    let st = state.clone();
    let key = tokio::task::spawn_blocking(move || workspace::project_of(&st, &path))
        .await
        .ok()
        .flatten();
    if let Some(doc) = state.lock().documents.get_mut(&uri) {
        doc.project = key;
        doc.lenses = None;
    }
    if state.lock().projects.len() != known {
        workspace::settle(state).await;
    }
    publish::schedule(state, uri);
}
