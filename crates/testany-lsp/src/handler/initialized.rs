//! `initialized`: watch testany.toml (and file creation/deletion for the file lists),
//! load the folders' projects, start pollers and the publisher.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::state::{Files, State};
use crate::{publish, workspace};

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, _params: InitializedParams) {
    state.env.spawn(Box::pin(publish::run(state.clone())));
    let caps = state.lock().caps;
    if caps.watch_dynamic {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/testany.toml".to_owned()),
                    kind: None,
                },
                FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*".to_owned()),
                    kind: Some(WatchKind::Create | WatchKind::Change | WatchKind::Delete),
                },
            ],
        };
        let registration = Registration {
            id: "testany-watch".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = state.client.clone();
        // Not awaited inline: the client may answer only after we return.
        state.env.spawn(Box::pin(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                tracing::debug!(error = %e, "the client refused file watching");
            }
        }));
    }
    if caps.configuration_dynamic {
        let registration = Registration {
            id: "testany-config".to_owned(),
            method: "workspace/didChangeConfiguration".to_owned(),
            register_options: Some(serde_json::json!({ "section": "testany" })),
        };
        let client = state.client.clone();
        state.env.spawn(Box::pin(async move {
            let _ = client.register_capability(vec![registration]).await;
        }));
    }
    if state.options.files == Files::Client {
        // Files come from the client, which takes requests only once initialized.
        workspace::load_folders(state).await;
    }
    workspace::settle(state).await;
}
