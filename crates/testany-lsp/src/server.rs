//! The two ways in to the handlers: natively tower-lsp-server's `LanguageServer`
//! ([`Backend`], served by [`service`]); for a host that routes JSON-RPC itself (the
//! browser worker in testany-wasm), [`Server::call`], a match on the method name. Both
//! only route: they read the params into the handler's type and call the same
//! `handler::*` function.

use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::*;

use crate::env::Env;
use crate::ext::{self, CaseState, LogViewResult, PipelineState};
use crate::handler;
use crate::peer::Peer;
use crate::state::{Options, State};

#[cfg(not(target_arch = "wasm32"))]
pub use native::{Backend, service};

/// `testany/caseStates`, its params as command arguments are read ([`custom_params`]).
fn case_states(state: &State, params: Value) -> Result<Vec<CaseState>> {
    let params = custom_params::<ext::CaseStates>("{uri?}", params)?;
    handler::case_states::handle(state, params)
}

/// `testany/pipelineStates`, its params as command arguments are read ([`custom_params`]).
fn pipeline_states(state: &State, params: Value) -> Result<Vec<PipelineState>> {
    let params = custom_params::<ext::PipelineStates>("{}", params)?;
    handler::pipeline_states::handle(state, params)
}

/// `testany/logView`, its params as command arguments are read ([`custom_params`]).
async fn log_view(state: &Arc<State>, params: Value) -> Result<LogViewResult> {
    let params = custom_params::<ext::LogView>("{execution, caseIndex}", params)?;
    let result = handler::log_view::handle(state, params).await;
    // Errors quote service messages and the editor's own arguments: shown as text.
    result.map_err(|mut e| {
        e.message = crate::convert::display(&e.message).into();
        e
    })
}

/// `textDocument/codeLens`, once didOpen has found the document's project.
async fn code_lens(state: &State, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let uri = params.text_document.uri.clone();
    handler::code_lens::wait_resolved(state, &uri).await;
    handler::code_lens::handle(state, params)
}

/// A custom request's params as `R::Params`, read as command arguments are: `null` is
/// `{}`, a field set to `null` is a field not given, a missing field is named.
fn custom_params<R: Request>(usage: &str, params: Value) -> Result<R::Params> {
    let params = match params {
        Value::Null => Value::Object(Default::default()),
        Value::Object(mut obj) => {
            obj.retain(|_, v| !v.is_null());
            Value::Object(obj)
        }
        other => other,
    };
    crate::command::parse(R::METHOD, usage, params)
}

/// The native server: tower-lsp-server's `LanguageServer` over the handlers.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use tower_lsp_server::{ClientSocket, LanguageServer, LspService};

    /// The Testany language server.
    pub struct Backend {
        state: Arc<State>,
    }

    impl std::fmt::Debug for Backend {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Backend").finish_non_exhaustive()
        }
    }

    impl Backend {
        pub(crate) fn from_state(state: Arc<State>) -> Self {
            Backend { state }
        }

        async fn case_states(&self, params: Value) -> Result<Vec<CaseState>> {
            case_states(&self.state, params)
        }

        async fn pipeline_states(&self, params: Value) -> Result<Vec<PipelineState>> {
            pipeline_states(&self.state, params)
        }

        async fn log_view(&self, params: Value) -> Result<LogViewResult> {
            log_view(&self.state, params).await
        }
    }

    /// The language server with every custom request of [`ext`] registered, over `env`:
    /// what `testany lsp` serves (through `serve_stdio` with `NativeEnv`). Serve it with
    /// `tower_lsp_server::Server` or with [`crate::transport::serve`], which also survives
    /// malformed input. Hosts without tower-lsp-server's runtime use [`Server`].
    pub fn service(env: Arc<dyn Env>, options: Options) -> (LspService<Backend>, ClientSocket) {
        LspService::build(move |client| {
            Backend::from_state(Arc::new(State::new(client, env, options)))
        })
        .custom_method(ext::CaseStates::METHOD, Backend::case_states)
        .custom_method(ext::PipelineStates::METHOD, Backend::pipeline_states)
        .custom_method(ext::LogView::METHOD, Backend::log_view)
        .finish()
    }

    // Each method here (and each `custom_method` above) is also routed by `Server::call`,
    // to the same handler: the router's tests (testany-wasm) compare the answers.
    impl LanguageServer for Backend {
        async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
            Ok(handler::initialize::handle(&self.state, params)
                .await
                .into())
        }

        async fn initialized(&self, params: InitializedParams) {
            handler::initialized::handle(&self.state, params).await;
        }

        async fn shutdown(&self) -> Result<()> {
            handler::shutdown::handle(&self.state);
            Ok(())
        }

        async fn did_open(&self, params: DidOpenTextDocumentParams) {
            handler::did_open::handle(&self.state, params).await;
        }

        async fn did_change(&self, params: DidChangeTextDocumentParams) {
            handler::did_change::handle(&self.state, params);
        }

        async fn did_save(&self, params: DidSaveTextDocumentParams) {
            handler::did_save::handle(&self.state, params).await;
        }

        async fn did_close(&self, params: DidCloseTextDocumentParams) {
            handler::did_close::handle(&self.state, params).await;
        }

        async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
            handler::did_change_configuration::handle(&self.state, params).await;
        }

        async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
            handler::did_change_watched_files::handle(&self.state, params).await;
        }

        async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
            handler::did_change_workspace_folders::handle(&self.state, params).await;
        }

        async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
            Ok(code_lens(&self.state, params).await)
        }

        async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
            Ok(handler::hover::handle(&self.state, params))
        }

        async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
            handler::execute_command::handle(&self.state, params).await
        }
    }
}

/// The server for a host that routes JSON-RPC itself (the browser worker): the same
/// handlers as [`Backend`], by method name, without tower-lsp-server's router (which
/// builds a reader and writer for all 67 LSP methods: 106 KB of the worker's gzipped
/// 739 KB, docs/benchmarks.md). The host keeps the protocol: `initialize` once,
/// `shutdown`, `exit`, `$/cancelRequest`, request ids, and the answers to the server's
/// own requests ([`crate::peer::Channel`]).
pub struct Server {
    state: Arc<State>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").finish_non_exhaustive()
    }
}

/// Whether a method is a request (answered) or a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Notification,
}

/// A client message routed to its handler, not yet run.
pub enum Call {
    /// A request: its answer, or the error to answer with (params that do not read as
    /// the handler's type: `-32602`, as tower-lsp-server says it).
    Request(LocalBoxFuture<'static, Result<Value>>),
    /// A notification (params that do not read are ignored, as natively).
    Notification(LocalBoxFuture<'static, ()>),
    /// A method of the LSP this server does not implement. The native server answers
    /// such a request "Method not found" without `data` and ignores such a notification
    /// (tower-lsp-server's defaults).
    Unimplemented(Kind),
    /// A method outside the LSP and [`ext`]: natively "Method not found" with the method
    /// name as `data`.
    Unknown,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Call::Request(_) => f.write_str("Request"),
            Call::Notification(_) => f.write_str("Notification"),
            Call::Unimplemented(kind) => write!(f, "Unimplemented({kind:?})"),
            Call::Unknown => f.write_str("Unknown"),
        }
    }
}

impl Call {
    /// Its kind, `None` for [`Call::Unknown`].
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Call::Request(_) => Some(Kind::Request),
            Call::Notification(_) => Some(Kind::Notification),
            Call::Unimplemented(kind) => Some(*kind),
            Call::Unknown => None,
        }
    }
}

impl Server {
    /// The server over `env`, talking to the editor through `peer` (a host's
    /// [`crate::peer::Channel`]).
    pub fn new(env: Arc<dyn Env>, options: Options, peer: impl Into<Peer>) -> Self {
        Server {
            state: Arc::new(State::new(peer, env, options)),
        }
    }

    /// The handler of `method` with `params` (as the message had them: `None` when
    /// absent), the same [`Backend`] calls.
    pub fn call(&self, method: &str, params: Option<Value>) -> Call {
        let state = self.state.clone();
        match method {
            "initialize" => request(params, async move |p: subset::InitializeParams| {
                Ok(handler::initialize::handle(&state, p.into()).await)
            }),
            "initialized" => notification(params, async move |p| {
                handler::initialized::handle(&state, p).await;
            }),
            "shutdown" => Call::Request(Box::pin(async move {
                no_params(params)?;
                handler::shutdown::handle(&state);
                Ok(Value::Null)
            })),
            "textDocument/didOpen" => notification(params, async move |p| {
                handler::did_open::handle(&state, p).await;
            }),
            "textDocument/didChange" => notification(params, async move |p| {
                handler::did_change::handle(&state, p);
            }),
            "textDocument/didSave" => notification(params, async move |p| {
                handler::did_save::handle(&state, p).await;
            }),
            "textDocument/didClose" => notification(params, async move |p| {
                handler::did_close::handle(&state, p).await;
            }),
            "workspace/didChangeConfiguration" => notification(params, async move |p| {
                handler::did_change_configuration::handle(&state, p).await;
            }),
            "workspace/didChangeWatchedFiles" => notification(params, async move |p| {
                handler::did_change_watched_files::handle(&state, p).await;
            }),
            "workspace/didChangeWorkspaceFolders" => notification(params, async move |p| {
                handler::did_change_workspace_folders::handle(&state, p).await;
            }),
            "textDocument/codeLens" => {
                request(params, async move |p| Ok(code_lens(&state, p).await))
            }
            "textDocument/hover" => {
                request(params, async move |p| Ok(handler::hover::handle(&state, p)))
            }
            "workspace/executeCommand" => request(params, async move |p| {
                handler::execute_command::handle(&state, p).await
            }),
            ext::CaseStates::METHOD => request(params, async move |p| case_states(&state, p)),
            ext::PipelineStates::METHOD => {
                request(params, async move |p| pipeline_states(&state, p))
            }
            ext::LogView::METHOD => request(params, async move |p| log_view(&state, p).await),
            _ if UNIMPLEMENTED_REQUESTS.contains(&method) => Call::Unimplemented(Kind::Request),
            _ if UNIMPLEMENTED_NOTIFICATIONS.contains(&method) => {
                Call::Unimplemented(Kind::Notification)
            }
            _ => Call::Unknown,
        }
    }
}

/// `initialize`'s params as far as `handler::initialize` reads them. All of
/// `ClientCapabilities` has readers for every capability of the LSP: reading only these
/// keeps 32 KB (gzipped) out of the browser worker (docs/benchmarks.md, issue 16).
/// Natively tower-lsp-server reads all of it, so only there does a malformed capability
/// the server ignores make `initialize` fail (-32602). The types are named as ls-types
/// names them, so serde's errors name the same types on both hosts.
mod subset {
    use serde::Deserialize;
    use serde_json::Value;
    use tower_lsp_server::ls_types::{
        self as full, CodeLensWorkspaceClientCapabilities, DidChangeWatchedFilesClientCapabilities,
        DynamicRegistrationClientCapabilities, PositionEncodingKind,
        ShowDocumentClientCapabilities, WorkspaceFolder,
    };

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct InitializeParams {
        capabilities: ClientCapabilities,
        workspace_folders: Option<Vec<WorkspaceFolder>>,
        initialization_options: Option<Value>,
    }

    #[derive(Deserialize)]
    struct ClientCapabilities {
        general: Option<GeneralClientCapabilities>,
        workspace: Option<WorkspaceClientCapabilities>,
        window: Option<WindowClientCapabilities>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct GeneralClientCapabilities {
        position_encodings: Option<Vec<PositionEncodingKind>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WindowClientCapabilities {
        work_done_progress: Option<bool>,
        show_document: Option<ShowDocumentClientCapabilities>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WorkspaceClientCapabilities {
        code_lens: Option<CodeLensWorkspaceClientCapabilities>,
        did_change_watched_files: Option<DidChangeWatchedFilesClientCapabilities>,
        did_change_configuration: Option<DynamicRegistrationClientCapabilities>,
    }

    impl From<InitializeParams> for full::InitializeParams {
        fn from(subset: InitializeParams) -> Self {
            let caps = subset.capabilities;
            let workspace = caps.workspace.map(|w| full::WorkspaceClientCapabilities {
                code_lens: w.code_lens,
                did_change_watched_files: w.did_change_watched_files,
                did_change_configuration: w.did_change_configuration,
                ..full::WorkspaceClientCapabilities::default()
            });
            let general = caps.general.map(|g| full::GeneralClientCapabilities {
                position_encodings: g.position_encodings,
                ..full::GeneralClientCapabilities::default()
            });
            let window = caps.window.map(|w| full::WindowClientCapabilities {
                work_done_progress: w.work_done_progress,
                show_document: w.show_document,
                ..full::WindowClientCapabilities::default()
            });
            full::InitializeParams {
                capabilities: full::ClientCapabilities {
                    general,
                    workspace,
                    window,
                    ..full::ClientCapabilities::default()
                },
                workspace_folders: subset.workspace_folders,
                initialization_options: subset.initialization_options,
                ..full::InitializeParams::default()
            }
        }
    }
}

/// A request whose params read as `P`, answered with `handle`'s result as JSON.
fn request<P, R>(params: Option<Value>, handle: impl AsyncFnOnce(P) -> Result<R> + 'static) -> Call
where
    P: DeserializeOwned,
    R: Serialize,
{
    Call::Request(Box::pin(async move {
        let params = read_params(params)?;
        let result = handle(params).await?;
        serde_json::to_value(result).map_err(|e| Error {
            code: ErrorCode::InternalError,
            message: e.to_string().into(),
            data: None,
        })
    }))
}

/// A notification whose params read as `P`.
fn notification<P: DeserializeOwned>(
    params: Option<Value>,
    handle: impl AsyncFnOnce(P) + 'static,
) -> Call {
    Call::Notification(Box::pin(async move {
        match read_params(params) {
            Ok(params) => handle(params).await,
            Err(e) => tracing::debug!(error = %e, "a notification's params did not read"),
        }
    }))
}

/// Params as tower-lsp-server reads them (its messages, so both hosts answer alike).
fn read_params<P: DeserializeOwned>(params: Option<Value>) -> Result<P> {
    let params = params.ok_or_else(|| Error::invalid_params("Missing params field"))?;
    serde_json::from_value(params).map_err(|e| Error::invalid_params(e.to_string()))
}

/// A method without params: `null` or absent, as tower-lsp-server accepts.
fn no_params(params: Option<Value>) -> Result<()> {
    match params {
        None | Some(Value::Null) => Ok(()),
        Some(p) => Err(Error::invalid_params(format!("Unexpected params: {p}"))),
    }
}

/// The requests of the LSP that tower-lsp-server 0.23 registers and this server does
/// not implement (its `LanguageServer`'s defaults). Implementing one: route it in
/// [`Server::call`] and in `Backend`, and take it off this list.
const UNIMPLEMENTED_REQUESTS: [&str; 46] = [
    "textDocument/willSaveWaitUntil",
    "textDocument/declaration",
    "textDocument/definition",
    "textDocument/typeDefinition",
    "textDocument/implementation",
    "textDocument/references",
    "textDocument/prepareCallHierarchy",
    "callHierarchy/incomingCalls",
    "callHierarchy/outgoingCalls",
    "textDocument/prepareTypeHierarchy",
    "typeHierarchy/supertypes",
    "typeHierarchy/subtypes",
    "textDocument/documentHighlight",
    "textDocument/documentLink",
    "documentLink/resolve",
    "codeLens/resolve",
    "textDocument/foldingRange",
    "textDocument/selectionRange",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/full/delta",
    "textDocument/semanticTokens/range",
    "textDocument/inlineValue",
    "textDocument/inlayHint",
    "inlayHint/resolve",
    "textDocument/moniker",
    "textDocument/completion",
    "completionItem/resolve",
    "textDocument/diagnostic",
    "workspace/diagnostic",
    "textDocument/signatureHelp",
    "textDocument/codeAction",
    "codeAction/resolve",
    "textDocument/documentColor",
    "textDocument/colorPresentation",
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/onTypeFormatting",
    "textDocument/rename",
    "textDocument/prepareRename",
    "textDocument/linkedEditingRange",
    "workspace/symbol",
    "workspaceSymbol/resolve",
    "workspace/willCreateFiles",
    "workspace/willRenameFiles",
    "workspace/willDeleteFiles",
];

/// The notifications of the LSP that tower-lsp-server 0.23 registers and this server
/// does not implement.
const UNIMPLEMENTED_NOTIFICATIONS: [&str; 8] = [
    "textDocument/willSave",
    "notebookDocument/didOpen",
    "notebookDocument/didChange",
    "notebookDocument/didSave",
    "notebookDocument/didClose",
    "workspace/didCreateFiles",
    "workspace/didRenameFiles",
    "workspace/didDeleteFiles",
];

#[cfg(all(test, feature = "native"))]
mod tests {
    use serde_json::json;

    use super::*;

    /// What the handler keeps of `initialize` (capabilities, encoding, folders, settings,
    /// token) is the same read through [`subset`] as through all of
    /// `InitializeParams`, for a client that sets every capability it reads and more.
    #[tokio::test]
    async fn the_initialize_subset_keeps_everything_the_handler_reads() {
        let params = json!({
            "processId": 7,
            "rootUri": "file:///nowhere/ws",
            "capabilities": {
                "general": {"positionEncodings": ["utf-8", "utf-16"], "markdown": {"parser": "marked"}},
                "workspace": {
                    "applyEdit": true,
                    "codeLens": {"refreshSupport": true},
                    "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
                    "didChangeConfiguration": {"dynamicRegistration": true},
                    "executeCommand": {"dynamicRegistration": true},
                    "workspaceFolders": true,
                    "configuration": true
                },
                "window": {"workDoneProgress": true, "showDocument": {"support": true}, "showMessage": {}},
                "textDocument": {"hover": {"contentFormat": ["markdown"]}, "codeLens": {"dynamicRegistration": true}}
            },
            "workspaceFolders": [{"uri": "file:///nowhere/ws", "name": "ws"}],
            "initializationOptions": {"testany": {"history": 3, "token": "t-1"}}
        });
        let full: InitializeParams = serde_json::from_value(params.clone()).expect("full");
        let subset: subset::InitializeParams = serde_json::from_value(params).expect("subset");
        let mut kept = Vec::new();
        for params in [full, subset.into()] {
            let dir = std::env::temp_dir().join("testany-lsp-initialize-subset");
            let state = crate::state::test_state(&dir);
            let result = handler::initialize::handle(&state, params).await;
            let inner = state.lock();
            kept.push(format!(
                "{:?} {:?} {:?} {} {:?} {}",
                inner.caps,
                inner.encoding,
                inner.folders,
                inner.settings[0],
                inner.token.as_ref().map(|t| t.expose().to_owned()),
                serde_json::to_value(result).expect("JSON")["capabilities"]["positionEncoding"],
            ));
        }
        assert_eq!(
            kept[0],
            "Caps { code_lens_refresh: true, show_document: true, work_done_progress: true, \
             watch_dynamic: true, configuration_dynamic: true } Utf8 [\"/nowhere/ws\"] \
             {\"history\":3} Some(\"t-1\") \"utf-8\""
        );
        assert_eq!(kept[1], kept[0]);
    }
}
