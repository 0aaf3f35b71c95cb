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
    Failed(Retry),
}

/// When a failed background read (a case's log, its tests) is tried again: on later
/// successful polls, never in a loop (review round 2, finding 4: one 503 while a run
/// finished lost its per-test view until a restart). Attempt n waits 2^(n-1) polls;
/// [`Retry::MAX_ATTEMPTS`] reads at most; a permanent refusal is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Read again after `polls` more successful polls; `attempts` reads failed so far.
    After { polls: u32, attempts: u32 },
    /// Due: the next job list reads it again.
    Due { attempts: u32 },
    /// Being read again.
    Running { attempts: u32 },
    /// Never read again (permanent refusal, or out of attempts).
    Final,
}

impl Retry {
    pub const MAX_ATTEMPTS: u32 = 5;

    /// What a worker reports for its failed read (`permanent`: a refusal that another
    /// try cannot change, such as HTTP 410 Gone).
    pub fn first(permanent: bool) -> Retry {
        if permanent {
            Retry::Final
        } else {
            Retry::After {
                polls: 1,
                attempts: 1,
            }
        }
    }

    /// This failure following `previous` (the entry's state before the read).
    pub fn after(self, previous: Option<Retry>) -> Retry {
        let done = match previous {
            Some(Retry::Final) => return Retry::Final,
            Some(
                Retry::After { attempts, .. }
                | Retry::Due { attempts }
                | Retry::Running { attempts },
            ) => attempts,
            None => 0,
        };
        if self == Retry::Final {
            return Retry::Final;
        }
        let attempts = done + 1;
        if attempts >= Self::MAX_ATTEMPTS {
            return Retry::Final;
        }
        Retry::After {
            polls: 1 << (attempts - 1),
            attempts,
        }
    }

    /// A successful poll passed; true when the read became due.
    pub fn tick(&mut self) -> bool {
        let Retry::After { polls, attempts } = *self else {
            return false;
        };
        if polls <= 1 {
            *self = Retry::Due { attempts };
            true
        } else {
            *self = Retry::After {
                polls: polls - 1,
                attempts,
            };
            false
        }
    }
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
