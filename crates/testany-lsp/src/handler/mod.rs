//! One handler per LSP method, as free functions over the shared state.

pub mod case_states;
pub mod code_lens;
pub mod did_change;
pub mod did_change_configuration;
pub mod did_change_watched_files;
pub mod did_change_workspace_folders;
pub mod did_close;
pub mod did_open;
pub mod did_save;
pub mod execute_command;
pub mod hover;
pub mod initialize;
pub mod initialized;
pub mod log_view;
pub mod pipeline_states;
pub mod shutdown;
