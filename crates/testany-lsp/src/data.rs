//! Data fetched from the service and what is derived from it per project.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use testany_core::locations::{self, FailureLocation};
use testany_core::model::Execution;
use testany_core::plan::{CaseLocations, newest_first};

use crate::project::Project;

/// One poller per service URL and pipeline, however many files are open.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PollKey {
    pub url: String,
    pub pipeline: String,
}

/// The last known executions of one pipeline (newest first).
#[derive(Debug, Clone, Default)]
pub struct PipelineData {
    pub executions: Vec<Execution>,
    /// The last poll failed: the data is kept but shown as stale.
    pub stale: bool,
    pub loaded: bool,
}

/// A background log fetch for one (execution, case).
#[derive(Debug, Clone)]
pub enum LogEntry {
    Pending,
    Done(Arc<Vec<FailureLocation>>),
    Failed,
}

/// A failed case of the newest execution that ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub execution: String,
    pub case_index: usize,
    pub case_key: String,
    pub error: Option<String>,
}

/// What planning needs for a project, computed once per data change.
#[derive(Debug, Default)]
pub struct Derived {
    pub executions: Vec<Execution>,
    pub locations: Vec<CaseLocations>,
    pub stale: bool,
    /// Workspace files with at least one resolved failure location.
    pub location_files: HashSet<String>,
}

/// The poll keys of a project (no URL or invalid config: none).
pub fn poll_keys(config: Option<&testany_core::config::Config>) -> Vec<PollKey> {
    let Some(config) = config else {
        return Vec::new();
    };
    let Some(url) = &config.url else {
        return Vec::new();
    };
    config
        .pipelines
        .iter()
        .map(|p| PollKey {
            url: url.clone(),
            pipeline: p.clone(),
        })
        .collect()
}

/// For each case, the newest execution that ran it, when the case failed there.
pub fn failure_targets(executions: &[Execution]) -> Vec<Target> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for exec in newest_first(executions) {
        for case in &exec.cases {
            if !seen.insert(case.case_key.as_str()) {
                continue;
            }
            if case.is_failure() {
                out.push(Target {
                    execution: exec.key.clone(),
                    case_index: case.index,
                    case_key: case.case_key.clone(),
                    error: case.error.clone(),
                });
            }
        }
    }
    out
}

/// What planning needs for `project` from the polled data and the logs read so far.
pub fn compute(
    project: &Project,
    pipelines: &HashMap<PollKey, PipelineData>,
    logs: &HashMap<(String, usize), LogEntry>,
) -> Derived {
    let Some(config) = &project.config else {
        return Derived::default();
    };
    let mut executions = Vec::new();
    let mut stale = false;
    for k in poll_keys(Some(config)) {
        if let Some(data) = pipelines.get(&k) {
            stale |= data.stale;
            executions.extend(
                data.executions
                    .iter()
                    .filter(|e| match (&config.environment, &e.environment) {
                        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
                        _ => true,
                    })
                    .cloned(),
            );
        }
    }
    let files: Vec<&str> = project.files.iter().map(String::as_str).collect();
    let index = locations::WorkspaceIndex::new(&files);
    let mut out = Vec::new();
    let mut location_files = HashSet::new();
    for t in failure_targets(&executions) {
        let found: Vec<FailureLocation> = match logs.get(&(t.execution.clone(), t.case_index)) {
            Some(LogEntry::Done(locs)) => locs.as_ref().clone(),
            _ => locations::extract(t.error.as_deref(), ""),
        };
        let resolved: Vec<locations::ResolvedLocation> = found
            .into_iter()
            .filter_map(|l| {
                let file = index.resolve(&l.path)?.to_owned();
                location_files.insert(file.clone());
                Some(locations::ResolvedLocation {
                    location: l,
                    file: Some(file),
                })
            })
            .collect();
        out.push(CaseLocations {
            case_key: t.case_key,
            execution: t.execution,
            locations: resolved,
        });
    }
    Derived {
        executions,
        locations: out,
        stale,
        location_files,
    }
}
