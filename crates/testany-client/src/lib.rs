#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
mod case;
mod client;
pub mod error;
pub mod filter;
pub mod log_cache;
mod logs;
pub mod logurl;
pub mod protocol;
pub mod retry;
pub mod secret;
pub mod transport;

pub use case::{CaseMeta, Executor};
pub use client::{Client, ClientConfig, host_of, tools};
pub use error::{Error, Result, TimeoutKind};
pub use filter::ListFilter;
pub use logs::{LogText, cache_relative_path, truncation_notice};
#[cfg(not(target_arch = "wasm32"))]
pub use logs::{SavedLog, create_private_dir_all};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use testany_core::model::{CaseResult, Execution, ExecutionList, LogSign, Pipeline};
