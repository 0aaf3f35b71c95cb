//! The `LanguageServer` impl: it only routes to the handlers.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{ClientSocket, LanguageServer, LspService};

use crate::env::Env;
use crate::ext::{self, CaseState, LogViewResult};
use crate::handler;
use crate::local::{Local, send};
use crate::state::{Options, State};

/// The Testany language server.
pub struct Backend {
    state: Local<Arc<State>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

impl Backend {
    pub(crate) fn from_state(state: Arc<State>) -> Self {
        Backend {
            state: Local::new(state),
        }
    }

    fn state(&self) -> &Arc<State> {
        &self.state
    }
}

/// The language server with every custom request of [`ext`] registered, over `env`.
///
/// The one constructor of both hosts: `testany lsp` passes `NativeEnv` (through
/// `serve_stdio`), the browser worker a `WebEnv` with `Options { files: Files::Client,
/// .. }`. Serve the result with `tower_lsp_server::Server` (or, natively, with
/// [`crate::transport::serve`], which also survives malformed input).
pub fn service(env: Arc<dyn Env>, options: Options) -> (LspService<Backend>, ClientSocket) {
    LspService::build(move |client| Backend::from_state(Arc::new(State::new(client, env, options))))
        .custom_method(ext::CaseStates::METHOD, Backend::case_states)
        .custom_method(ext::LogView::METHOD, Backend::log_view)
        .finish()
}

impl Backend {
    async fn case_states(&self, params: serde_json::Value) -> Result<Vec<CaseState>> {
        let params = custom_params::<ext::CaseStates>("{uri?}", params)?;
        handler::case_states::handle(self.state(), params)
    }

    async fn log_view(&self, params: serde_json::Value) -> Result<LogViewResult> {
        let params = custom_params::<ext::LogView>("{execution, caseIndex}", params)?;
        let result = send(handler::log_view::handle(self.state(), params)).await;
        // Errors quote service messages and the editor's own arguments: shown as text.
        result.map_err(|mut e| {
            e.message = crate::convert::display(&e.message).into();
            e
        })
    }
}

/// A custom request's params as `R::Params`, read as command arguments are: `null` is
/// `{}`, a field set to `null` is a field not given, a missing field is named.
fn custom_params<R: Request>(usage: &str, params: serde_json::Value) -> Result<R::Params> {
    let params = match params {
        serde_json::Value::Null => serde_json::Value::Object(Default::default()),
        serde_json::Value::Object(mut obj) => {
            obj.retain(|_, v| !v.is_null());
            serde_json::Value::Object(obj)
        }
        other => other,
    };
    crate::command::parse(R::METHOD, usage, params)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(send(handler::initialize::handle(self.state(), params)).await)
    }

    async fn initialized(&self, params: InitializedParams) {
        send(handler::initialized::handle(self.state(), params)).await;
    }

    async fn shutdown(&self) -> Result<()> {
        handler::shutdown::handle(self.state());
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        send(handler::did_open::handle(self.state(), params)).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handler::did_change::handle(self.state(), params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        send(handler::did_save::handle(self.state(), params)).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        send(handler::did_close::handle(self.state(), params)).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        send(handler::did_change_configuration::handle(
            self.state(),
            params,
        ))
        .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        send(handler::did_change_watched_files::handle(
            self.state(),
            params,
        ))
        .await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        send(handler::did_change_workspace_folders::handle(
            self.state(),
            params,
        ))
        .await;
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri.clone();
        send(handler::code_lens::wait_resolved(self.state(), &uri)).await;
        Ok(handler::code_lens::handle(self.state(), params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(handler::hover::handle(self.state(), params))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        send(handler::execute_command::handle(self.state(), params)).await
    }
}
