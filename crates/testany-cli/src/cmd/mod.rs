//! One module per subcommand.

pub mod analyze;
pub mod completions;
pub mod demo;
pub mod doctor;
pub mod executions;
pub mod health;
pub mod logs;
pub mod lsp;
pub mod mock;
pub mod pipeline;
pub mod run;
pub mod status;
pub mod tests;
