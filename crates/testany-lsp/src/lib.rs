#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod command;
mod convert;
mod data;
mod document;
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
mod workspace;

pub use server::Backend;
pub use state::Options;

/// Every command of design.md section 6, as advertised in `executeCommandProvider`.
pub const COMMANDS: [&str; 6] = [
    "testany.openLog",
    "testany.showExecution",
    "testany.refreshExecution",
    "testany.runPipeline",
    "testany.recentFailures",
    "testany.pipelineHealth",
];

/// Serves LSP over stdin/stdout until the client exits. Needs a tokio runtime.
pub async fn serve_stdio(options: Options) {
    let (service, socket) =
        tower_lsp_server::LspService::new(move |client| Backend::new(client, options.clone()));
    tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
