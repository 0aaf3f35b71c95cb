//! `workspace/didChangeWorkspaceFolders`: follow added and removed folders.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeWorkspaceFoldersParams;

use crate::state::State;
use crate::workspace;

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidChangeWorkspaceFoldersParams) {
    {
        let mut inner = state.lock();
        let removed: Vec<std::path::PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| state.env.to_path(&f.uri))
            .collect();
        inner.folders.retain(|f| !removed.contains(f));
        for f in &params.event.added {
            if let Some(p) = state.env.to_path(&f.uri) {
                inner.folders.push(p);
            }
        }
    }
    workspace::reload_all(state).await;
    workspace::settle(state).await;
}
