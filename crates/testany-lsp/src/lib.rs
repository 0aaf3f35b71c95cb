#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]
// The state is shared through `Arc` on both targets: `Send + Sync` natively; on wasm32
// (one thread; futures and clients of the browser are `!Send`) it is not, and need not be.
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]

mod command;
mod convert;
mod data;
mod document;
pub mod env;
pub mod ext;
pub mod files;
mod handler;
mod logs;
pub mod peer;
mod poller;
mod progress;
mod project;
mod publish;
#[cfg(all(test, feature = "native"))]
mod regression;
mod runtime;
mod server;
mod session;
mod state;
mod test_fetch;
mod test_lenses;
mod tests_model;
#[cfg(feature = "native")]
pub mod transport;
mod workspace;

#[cfg(not(target_arch = "wasm32"))]
pub use server::{Backend, service};
pub use server::{Call, Kind, Server};
pub use state::{Files, Options};
/// The tower-lsp-server this crate is built with: natively its `LanguageServer` serves
/// [`service`]; on every target its JSON-RPC message types (`jsonrpc::{Request,
/// Response, Error}`) and `ls_types` are what a host routing messages to [`Server`] uses.
pub use tower_lsp_server;

/// Every command of design.md section 6, as advertised in `executeCommandProvider`:
/// the names of the dispatch table, so the two cannot disagree.
pub const COMMANDS: [&str; 7] = handler::execute_command::names();

/// Serves LSP over stdin/stdout until the client exits. Needs a tokio runtime. Input goes
/// through [`transport`] first, so no malformed frame can stop the server.
#[cfg(feature = "native")]
pub async fn serve_stdio(env: std::sync::Arc<dyn env::Env>, options: Options) {
    let (service, socket) = server::service(env, options);
    let ended = transport::serve(tokio::io::stdin(), tokio::io::stdout(), service, socket).await;
    if ended == transport::Ended::ServerStopped {
        tracing::error!("the language server stopped before its input ended");
    }
}
