//! Recent failures: which failed cases `testany.recentFailures` lists, in which order and
//! how often (issue 16: the filtering and dedup lived in the language server's command,
//! and the web engine's copy ignored `days`).

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};

use crate::model::{CaseResult, Execution};
use crate::plan::newest_first;

/// Days looked back when the request names none.
pub const DEFAULT_DAYS: u32 = 7;

/// The filter of one request: a pipeline (all when `None`) and a start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentFilter<'a> {
    pub pipeline: Option<&'a str>,
    /// Executions that started (else completed) earlier are left out; undated ones stay.
    pub since: Timestamp,
}

impl<'a> RecentFilter<'a> {
    /// The last `days` (default [`DEFAULT_DAYS`], at least 1) before `now`.
    pub fn new(pipeline: Option<&'a str>, days: Option<u32>, now: Timestamp) -> Self {
        let days = days.unwrap_or(DEFAULT_DAYS).max(1);
        let since = now
            .checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        RecentFilter { pipeline, since }
    }

    /// The failed cases of `executions` that pass the filter, newest execution first;
    /// each (execution, case index) once over all calls that share `seen` (a pipeline's
    /// executions may reach the server through several projects).
    pub fn failures<'e>(
        &self,
        executions: &'e [Execution],
        seen: &mut HashSet<(String, usize)>,
    ) -> Vec<(&'e Execution, &'e CaseResult)> {
        let mut out = Vec::new();
        for exec in newest_first(executions) {
            let pipeline = exec.pipeline_key.as_deref().unwrap_or_default();
            if self.pipeline.is_some_and(|p| p != pipeline) {
                continue;
            }
            if exec
                .started_at
                .or(exec.completed_at)
                .is_some_and(|t| t < self.since)
            {
                continue;
            }
            for case in exec.failed_cases() {
                if seen.insert((exec.key.clone(), case.index)) {
                    out.push((exec, case));
                }
            }
        }
        out
    }
}
