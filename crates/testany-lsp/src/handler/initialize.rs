//! `initialize`: negotiates the position encoding, records client capabilities,
//! workspace folders, settings and the token, and declares our capabilities.

use serde::Serialize;
use serde_json::Value;
use testany_client::Secret;
use testany_core::markers::Encoding;
use tower_lsp_server::ls_types::*;

use crate::state::{Caps, Files, State};

#[tracing::instrument(skip_all)]
pub async fn handle(state: &State, params: InitializeParams) -> Declared {
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
    declared(utf8)
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

/// What `initialize` answers: the capabilities this server declares and its name.
/// A type of its own rather than ls-types' `InitializeResult`, whose serialiser covers
/// every capability of the LSP (33 KB of the browser worker, issue 16); this one covers
/// the few declared. The native server answers the same JSON through ls-types (`From`,
/// tested).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Declared {
    capabilities: Capabilities,
    server_info: ServerInfo,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Capabilities {
    position_encoding: PositionEncodingKind,
    text_document_sync: TextDocumentSyncOptions,
    code_lens_provider: CodeLensOptions,
    hover_provider: bool,
    execute_command_provider: ExecuteCommandOptions,
    workspace: WorkspaceCapabilities,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceCapabilities {
    workspace_folders: WorkspaceFoldersServerCapabilities,
}

fn declared(utf8: bool) -> Declared {
    Declared {
        capabilities: Capabilities {
            position_encoding: if utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            },
            text_document_sync: TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
            code_lens_provider: CodeLensOptions {
                resolve_provider: Some(false),
            },
            hover_provider: true,
            execute_command_provider: ExecuteCommandOptions {
                commands: crate::COMMANDS.iter().map(|c| (*c).to_owned()).collect(),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
            workspace: WorkspaceCapabilities {
                workspace_folders: WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                },
            },
        },
        server_info: ServerInfo {
            name: "testany-lsp".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    }
}

impl From<Declared> for InitializeResult {
    fn from(declared: Declared) -> Self {
        let caps = declared.capabilities;
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(caps.position_encoding),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    caps.text_document_sync,
                )),
                code_lens_provider: Some(caps.code_lens_provider),
                hover_provider: Some(HoverProviderCapability::Simple(caps.hover_provider)),
                execute_command_provider: Some(caps.execute_command_provider),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(caps.workspace.workspace_folders),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(declared.server_info),
            offset_encoding: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tower_lsp_server::ls_types::InitializeResult;

    use super::{declared, split_settings};

    /// The browser worker answers `initialize` with `Declared` as it is, the native server
    /// through ls-types' `InitializeResult`: the same JSON, this one.
    #[test]
    fn both_hosts_declare_the_same_capabilities() {
        for (utf8, encoding) in [(true, "utf-8"), (false, "utf-16")] {
            let own = serde_json::to_value(declared(utf8)).unwrap();
            let full = serde_json::to_value(InitializeResult::from(declared(utf8))).unwrap();
            assert_eq!(own, full);
            assert_eq!(
                own,
                json!({
                    "capabilities": {
                        "positionEncoding": encoding,
                        "textDocumentSync": {"openClose": true, "change": 2, "save": true},
                        "codeLensProvider": {"resolveProvider": false},
                        "hoverProvider": true,
                        "executeCommandProvider": {"commands": crate::COMMANDS},
                        "workspace": {
                            "workspaceFolders": {"supported": true, "changeNotifications": true}
                        }
                    },
                    "serverInfo": {"name": "testany-lsp", "version": env!("CARGO_PKG_VERSION")}
                })
            );
        }
    }

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
