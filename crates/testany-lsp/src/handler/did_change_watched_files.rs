//! `workspace/didChangeWatchedFiles`: testany.toml edits reload their project; files
//! created or deleted refresh the file lists used to resolve failure locations; any
//! file event refreshes the marker index.

use std::path::PathBuf;
use std::sync::Arc;

use testany_core::config::CONFIG_FILE_NAME;
use tower_lsp_server::ls_types::{DidChangeWatchedFilesParams, FileChangeType};

use crate::runtime;
use crate::session::Effects;
use crate::state::State;
use crate::workspace;

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidChangeWatchedFilesParams) {
    let mut configs: Vec<PathBuf> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut changed: Vec<PathBuf> = Vec::new();
    for event in params.changes {
        let Some(path) = state.env.to_path(&event.uri) else {
            continue;
        };
        if path.file_name().is_some_and(|n| n == CONFIG_FILE_NAME) {
            configs.push(path);
        } else if event.typ == FileChangeType::CREATED || event.typ == FileChangeType::DELETED {
            files.push(path);
        } else {
            changed.push(path);
        }
    }
    let any_config = !configs.is_empty();
    for c in &configs {
        workspace::reload_config(state, c).await;
    }
    let relisted = !files.is_empty() && workspace::relist(state, &files).await;
    let rescanned = !changed.is_empty() && workspace::rescan_markers(state, &changed).await;
    let touched = relisted || rescanned;
    if any_config {
        workspace::settle(state).await;
    } else if touched {
        // Edits that change no file list and no marker (most saves, build output)
        // cost no republish and no lens refresh.
        runtime::start(state, Effects::refresh_views());
        if relisted {
            // A `[cases]` file may have gone (or come back).
            workspace::report_errors(state).await;
        }
    }
}
