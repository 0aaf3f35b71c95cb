//! The calls the server makes to the editor: diagnostics, messages, lens refreshes,
//! registrations, showDocument, work-done progress and the custom file requests.
//!
//! Natively these go through tower-lsp-server's `Client` (the server behind `service`).
//! A host that routes JSON-RPC itself (the browser worker in testany-wasm, over
//! `Server`) gives a [`Channel`] instead; [`Peer`] turns the typed calls into its method
//! names and JSON values, as tower-lsp-server does. A plain module: it imports nothing
//! of the server's.

use std::fmt::Display;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::notification::{self, Notification};
use tower_lsp_server::ls_types::request::{self, Request};
use tower_lsp_server::ls_types::{
    Diagnostic, MessageType, ProgressToken, PublishDiagnosticsParams, Registration,
    RegistrationParams, ShowDocumentParams, ShowMessageParams, Uri, WorkDoneProgressCreateParams,
};

use testany_client::transport::{BoxFuture, MaybeSendSync};

/// A host's way to the editor, by method name and JSON value.
///
/// As tower-lsp-server's `Client`, the host sends nothing before it has answered
/// `initialize` successfully (requests then fail with `-32002 Server not initialized`),
/// except `window/showMessage` and `window/logMessage`; and nothing after `exit`.
pub trait Channel: MaybeSendSync + 'static {
    /// Sends a notification.
    fn notify(&self, method: &'static str, params: Value) -> BoxFuture<'_, ()>;
    /// Sends a request and waits for the editor's answer.
    fn request(&self, method: &'static str, params: Value) -> BoxFuture<'_, Result<Value>>;
}

/// The editor, as the server talks to it (cheap to clone).
#[derive(Clone)]
pub struct Peer(Way);

#[derive(Clone)]
enum Way {
    #[cfg(not(target_arch = "wasm32"))]
    Lsp(tower_lsp_server::Client),
    Channel(Arc<dyn Channel>),
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer").finish_non_exhaustive()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<tower_lsp_server::Client> for Peer {
    fn from(client: tower_lsp_server::Client) -> Self {
        Peer(Way::Lsp(client))
    }
}

impl From<Arc<dyn Channel>> for Peer {
    fn from(channel: Arc<dyn Channel>) -> Self {
        Peer(Way::Channel(channel))
    }
}

impl Peer {
    /// Sends notification `N`.
    pub async fn send_notification<N: Notification>(&self, params: N::Params) {
        match &self.0 {
            #[cfg(not(target_arch = "wasm32"))]
            Way::Lsp(client) => client.send_notification::<N>(params).await,
            Way::Channel(channel) => match serde_json::to_value(params) {
                Ok(params) => channel.notify(N::METHOD, params).await,
                Err(e) => {
                    tracing::error!(error = %e, method = N::METHOD, "a notification did not serialise")
                }
            },
        }
    }

    /// Sends request `R` and reads the editor's answer; an answer that is not an
    /// `R::Result` is a `-32700` error, as tower-lsp-server reads it.
    pub async fn send_request<R: Request>(&self, params: R::Params) -> Result<R::Result> {
        match &self.0 {
            #[cfg(not(target_arch = "wasm32"))]
            Way::Lsp(client) => client.send_request::<R>(params).await,
            Way::Channel(channel) => {
                let params = serde_json::to_value(params).map_err(|e| internal(&e))?;
                let answer = channel.request(R::METHOD, params).await?;
                serde_json::from_value(answer).map_err(|e| Error {
                    code: ErrorCode::ParseError,
                    message: e.to_string().into(),
                    data: None,
                })
            }
        }
    }

    pub async fn publish_diagnostics(
        &self,
        uri: Uri,
        diags: Vec<Diagnostic>,
        version: Option<i32>,
    ) {
        self.send_notification::<notification::PublishDiagnostics>(PublishDiagnosticsParams::new(
            uri, diags, version,
        ))
        .await;
    }

    pub async fn show_message<M: Display>(&self, typ: MessageType, message: M) {
        match &self.0 {
            #[cfg(not(target_arch = "wasm32"))]
            Way::Lsp(client) => client.show_message(typ, message).await,
            Way::Channel(_) => {
                let params = ShowMessageParams {
                    typ,
                    message: message.to_string(),
                };
                self.send_notification::<notification::ShowMessage>(params)
                    .await;
            }
        }
    }

    pub async fn code_lens_refresh(&self) -> Result<()> {
        self.send_request::<request::CodeLensRefresh>(()).await
    }

    pub async fn register_capability(&self, registrations: Vec<Registration>) -> Result<()> {
        self.send_request::<request::RegisterCapability>(RegistrationParams { registrations })
            .await
    }

    /// Whether the editor showed the document.
    pub async fn show_document(&self, params: ShowDocumentParams) -> Result<bool> {
        self.send_request::<request::ShowDocument>(params)
            .await
            .map(|r| r.success)
    }

    pub async fn create_work_done_progress(&self, token: ProgressToken) -> Result<()> {
        self.send_request::<request::WorkDoneProgressCreate>(WorkDoneProgressCreateParams { token })
            .await
    }
}

fn internal(e: &serde_json::Error) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: e.to_string().into(),
        data: None,
    }
}
