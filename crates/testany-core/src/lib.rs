#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod ansi;
pub mod category;
pub mod config;
pub mod document;
pub mod drift;
pub mod failure_line;
pub mod frameworks;
pub mod health;
pub mod lines;
pub mod linking;
pub mod locations;
pub mod loopback;
pub mod markers;
pub mod model;
pub mod normalize;
pub mod plan;
pub mod recent;
pub mod run_locally;
pub mod sanitize;
mod search;
pub mod test_history;
pub mod testdefs;
pub mod text;
