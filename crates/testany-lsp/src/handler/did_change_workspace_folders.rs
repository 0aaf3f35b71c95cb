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
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        inner.folders.retain(|f| !removed.contains(f));
        for f in &params.event.added {
            if let Some(p) = f.uri.to_file_path() {
                inner.folders.push(p.into_owned());
            }
        }
    }
    let st = state.clone();
    let _ = tokio::task::spawn_blocking(move || workspace::reload_all(&st)).await;
    workspace::settle(state).await;
}
