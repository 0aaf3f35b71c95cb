//! `initialize`: negotiates the position encoding, records client capabilities,
//! workspace folders, settings and the token, and declares our capabilities.

use serde_json::Value;
use testany_client::Secret;
use testany_core::markers::Encoding;
use tower_lsp_server::ls_types::*;

use crate::state::{Caps, Files, State};

#[tracing::instrument(skip_all)]
pub async fn handle(state: &State, params: InitializeParams) -> InitializeResult {
    // The browser worker reads only what this reads (`server::subset`): a field read here
    // is added there too (its test sets every field the two read).
    let caps = &params.capabilities;
    let utf8 = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
    let workspace = caps.workspace.as_ref();
    let negotiated = Caps {
        code_lens_refresh: workspace
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        show_document: caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support),
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_dynamic: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration_dynamic: workspace
            .and_then(|w| w.did_change_configuration.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
    };
    let folders = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| state.env.to_path(&f.uri))
        .collect();
    let (settings, token) = split_settings(params.initialization_options.unwrap_or(Value::Null));
    {
        let mut inner = state.lock();
        inner.encoding = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        inner.caps = negotiated;
        inner.folders = folders;
        inner.settings[0] = settings;
        inner.token = token
            .or_else(|| state.var("TESTANY_TOKEN"))
            .map(Secret::new);
    }
    // Projects of the folders are known before any other request is served (commands
    // may come right after initialize). Pollers start in `initialized`. A client that
    // serves the files answers no request before `initialized`: loaded there.
    if state.options.files == Files::Env {
        crate::workspace::load_folders(state).await;
    }
    InitializeResult {
        capabilities: capabilities(utf8),
        server_info: Some(ServerInfo {
            name: "testany-lsp".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        offset_encoding: None,
    }
}

/// The `testany` settings (a `testany` sub-object wins when present) and the token,
/// which is taken out so it is never merged, stored with settings or logged.
pub fn split_settings(value: Value) -> (Value, Option<String>) {
    let mut settings = match value {
        Value::Object(mut obj) => match obj.remove("testany") {
            Some(Value::Object(inner)) => Value::Object(inner),
            _ => Value::Object(obj),
        },
        _ => Value::Null,
    };
    let token = settings
        .as_object_mut()
        .and_then(|o| o.remove("token"))
        .and_then(|t| t.as_str().map(str::to_owned))
        .filter(|t| !t.is_empty());
    (settings, token)
}

fn capabilities(utf8: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: crate::COMMANDS.iter().map(|c| (*c).to_owned()).collect(),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::split_settings;

    #[test]
    fn token_is_taken_out_of_settings() {
        let cases = [
            (
                json!({"token": "t", "url": "u"}),
                json!({"url": "u"}),
                Some("t"),
            ),
            (
                json!({"testany": {"token": "t2", "history": 3}}),
                json!({"history": 3}),
                Some("t2"),
            ),
            (json!({"token": ""}), json!({}), None),
            (json!(null), json!(null), None),
        ];
        for (input, settings, token) in cases {
            let (s, t) = split_settings(input);
            assert_eq!((s, t.as_deref()), (settings, token));
        }
    }
}
