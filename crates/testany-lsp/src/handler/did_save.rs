//! `textDocument/didSave`: a saved testany.toml is re-read at once (clients that do
//! not watch files still get live configuration).

use std::sync::Arc;

use testany_core::config::CONFIG_FILE_NAME;
use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::state::State;
use crate::workspace;

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidSaveTextDocumentParams) {
    let Some(path) = state.env.to_path(&params.text_document.uri) else {
        return;
    };
    if path.file_name().is_none_or(|n| n != CONFIG_FILE_NAME) {
        return;
    }
    workspace::reload_config(state, &path).await;
    workspace::settle(state).await;
}
