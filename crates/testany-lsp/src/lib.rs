#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod command;
mod convert;
mod data;
mod document;
pub mod ext;
pub mod files;
mod handler;
mod logs;
mod poller;
mod progress;
mod project;
mod publish;
#[cfg(test)]
mod regression;
mod server;
mod state;
pub mod transport;
mod workspace;

pub use server::Backend;
pub use state::Options;

/// Every command of design.md section 6, as advertised in `executeCommandProvider`:
/// the names of the dispatch table, so the two cannot disagree.
pub const COMMANDS: [&str; 6] = handler::execute_command::names();

/// Serves LSP over stdin/stdout until the client exits. Needs a tokio runtime. Input goes
/// through [`transport`] first, so no malformed frame can stop the server.
pub async fn serve_stdio(options: Options) {
    let (service, socket) = server::service(options);
    let ended = transport::serve(tokio::io::stdin(), tokio::io::stdout(), service, socket).await;
    if ended == transport::Ended::ServerStopped {
        tracing::error!("the language server stopped before its input ended");
    }
}
