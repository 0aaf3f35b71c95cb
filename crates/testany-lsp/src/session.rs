//! The session: events applied to the plain data of [`Inner`], each returning the
//! [`Effects`] it calls for (as ruff's `Session`). Nothing here does I/O or knows who
//! asked: the poller and the commands apply events, `runtime::execute` carries the
//! effects out through the environment. So "data changed" fans out in one place, and a
//! command that merges an execution publishes the same way a poll does.

use std::collections::HashSet;

use testany_core::model::Execution;

use crate::data::{LogEntry, PollKey, Retry, failure_targets};
use crate::state::{Inner, State, redact};

/// A background log fetch for one failed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogJob {
    pub url: String,
    pub execution: String,
    pub case_index: usize,
    /// The case's error text (locations in it count too).
    pub error: Option<String>,
}

/// What an event calls for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Re-plan and re-publish every document's diagnostics (after the debounce).
    pub publish: bool,
    /// Send `workspace/codeLens/refresh` with that publish (when the client supports it).
    pub refresh_lenses: bool,
    /// Logs to fetch in the background (each marked pending already).
    pub fetch_logs: Vec<LogJob>,
    /// Read the tests of cases not read yet or due for another try (`Inner::test_jobs`).
    pub fetch_tests: bool,
    /// A warning for `window/showMessage`, secrets removed.
    pub warn: Option<String>,
}

impl Effects {
    /// New data for every view: diagnostics and lenses.
    pub fn refresh_views() -> Self {
        Effects {
            publish: true,
            refresh_lenses: true,
            ..Effects::default()
        }
    }

    /// `other`'s effects as well.
    pub fn and(mut self, other: Effects) -> Self {
        self.publish |= other.publish;
        self.refresh_lenses |= other.refresh_lenses;
        self.fetch_logs.extend(other.fetch_logs);
        self.fetch_tests |= other.fetch_tests;
        self.warn = self.warn.or(other.warn);
        self
    }
}

impl Inner {
    /// A poll's (or a merge's) executions of `key`, newest first. On change: views
    /// are refreshed and the new failures' logs fetched.
    pub fn apply_executions(&mut self, key: &PollKey, executions: Vec<Execution>) -> Effects {
        let data = self.pipelines.entry(key.clone()).or_default();
        let changed = !data.loaded || data.stale || data.executions != executions;
        data.executions = executions;
        data.stale = false;
        data.loaded = true;
        if !changed {
            return Effects::default();
        }
        State::touch(self);
        Effects {
            fetch_logs: self.log_jobs(),
            ..Effects::refresh_views()
        }
    }

    /// One execution (from refresh or run) merged into the data of its pipeline.
    pub fn merge_execution(&mut self, exec: &Execution) -> Effects {
        let keys: Vec<PollKey> = self
            .pipelines
            .keys()
            .filter(|k| exec.pipeline_key.as_deref() == Some(k.pipeline.as_str()))
            .cloned()
            .collect();
        let mut effects = Effects::default();
        for key in keys {
            let mut list = self
                .pipelines
                .get(&key)
                .map(|d| d.executions.clone())
                .unwrap_or_default();
            match list.iter_mut().find(|e| e.key == exec.key) {
                Some(slot) => *slot = exec.clone(),
                None => list.insert(0, exec.clone()),
            }
            effects = effects.and(self.apply_executions(&key, list));
        }
        effects
    }

    /// A poll succeeded (its data comes with [`Inner::apply_executions`]): the stale
    /// warning may be shown again once every pipeline is fresh, and failed background
    /// reads whose wait is over ([`Retry`]) are read again.
    pub fn apply_poll_success(&mut self) -> Effects {
        if self.stale_warned && self.pipelines.values().all(|d| !d.stale) {
            self.stale_warned = false;
            tracing::info!("the Testany service is reachable again");
        }
        let mut logs_due = false;
        for entry in self.logs.values_mut() {
            if let LogEntry::Failed(retry) = entry {
                logs_due |= retry.tick();
            }
        }
        let mut fetch_tests = false;
        for entry in self.tests.cases.values_mut() {
            if let crate::tests_model::CaseEntry::Failed(_, retry) = entry {
                fetch_tests |= retry.tick();
            }
        }
        Effects {
            fetch_logs: if logs_due {
                self.log_jobs()
            } else {
                Vec::new()
            },
            fetch_tests,
            ..Effects::default()
        }
    }

    /// A poll of `key` failed with `error`: the data is kept, marked stale; one
    /// warning until the service recovers.
    pub fn apply_poll_error(&mut self, key: &PollKey, error: &str) -> Effects {
        let message = redact(error, self);
        tracing::warn!(pipeline = %key.pipeline, error = %message, "poll failed");
        let data = self.pipelines.entry(key.clone()).or_default();
        let newly_stale = !data.stale;
        data.stale = true;
        let mut effects = Effects::default();
        if newly_stale {
            State::touch(self);
            effects = Effects::refresh_views();
        }
        if !self.stale_warned {
            self.stale_warned = true;
            effects.warn = Some(format!(
                "Testany: showing the last known results (stale): {message}"
            ));
        }
        effects
    }

    /// A background log fetch finished (a failure counts its attempts: [`Retry`]).
    pub fn apply_log(&mut self, execution: String, case_index: usize, entry: LogEntry) -> Effects {
        let id = (execution, case_index);
        let entry = match entry {
            LogEntry::Failed(retry) => {
                let previous = match self.logs.get(&id) {
                    Some(LogEntry::Failed(r)) => Some(*r),
                    _ => None,
                };
                LogEntry::Failed(retry.after(previous))
            }
            other => other,
        };
        self.logs.insert(id, entry);
        State::touch(self);
        Effects {
            publish: true,
            ..Effects::default()
        }
    }

    /// Logs of failed cases not fetched yet (marked pending) or due for another try
    /// (marked running); locations of executions no longer shown are forgotten (bounded
    /// memory over days).
    fn log_jobs(&mut self) -> Vec<LogJob> {
        let live: HashSet<String> = self
            .pipelines
            .values()
            .flat_map(|d| d.executions.iter().map(|e| e.key.clone()))
            .collect();
        self.logs.retain(|(exec, _), _| live.contains(exec));
        let mut jobs = Vec::new();
        let mut keys: Vec<PollKey> = self.pipelines.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let Some(data) = self.pipelines.get(&key) else {
                continue;
            };
            for t in failure_targets(&data.executions) {
                let id = (t.execution.clone(), t.case_index);
                match self.logs.get_mut(&id) {
                    None => {
                        self.logs.insert(id, LogEntry::Pending);
                    }
                    Some(LogEntry::Failed(retry)) => {
                        let Retry::Due { attempts } = *retry else {
                            continue;
                        };
                        *retry = Retry::Running { attempts };
                    }
                    Some(_) => continue,
                }
                jobs.push(LogJob {
                    url: key.url.clone(),
                    execution: t.execution,
                    case_index: t.case_index,
                    error: t.error,
                });
            }
        }
        jobs
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key() -> PollKey {
        PollKey {
            url: "http://t.localhost/api/v2/mcp/".into(),
            pipeline: "P-1".into(),
        }
    }

    fn failed(id: &str) -> Execution {
        Execution::from_json(&json!({
            "execution_id": id, "status": "COMPLETED", "result": "FAILED", "pipeline_key": "P-1",
            "started_at": "2026-11-26T04:00:00Z",
            "cases": [{"case_key": "K1", "index": 0, "status": "FAILED", "error": "boom"}]
        }))
        .unwrap()
    }

    /// Issue 16: the "data changed" fan-out is the session's answer, not the poller's
    /// doing: new data asks for views and the new failure's log once; the same data
    /// again asks for nothing.
    #[test]
    fn new_executions_call_for_views_and_logs_once() {
        let mut inner = Inner::default();
        let first = inner.apply_executions(&key(), vec![failed("P-1-00001")]);
        assert_eq!(
            first,
            Effects {
                publish: true,
                refresh_lenses: true,
                fetch_logs: vec![LogJob {
                    url: "http://t.localhost/api/v2/mcp/".into(),
                    execution: "P-1-00001".into(),
                    case_index: 0,
                    error: Some("boom".into()),
                }],
                fetch_tests: false,
                warn: None,
            }
        );
        assert_eq!(inner.generation, 1);
        let again = inner.apply_executions(&key(), vec![failed("P-1-00001")]);
        assert_eq!(again, Effects::default());
        // A merged execution of the pipeline goes the same way (commands publish
        // through the session, not through the poller).
        let merged = inner.merge_execution(&failed("P-1-00002"));
        assert_eq!(
            (
                merged.publish,
                merged.refresh_lenses,
                merged.fetch_logs.len()
            ),
            (true, true, 1)
        );
        assert_eq!(inner.pipelines[&key()].executions.len(), 2);
        // A finished log re-publishes diagnostics without a lens refresh.
        let log = inner.apply_log("P-1-00001".into(), 0, LogEntry::Failed(Retry::first(false)));
        assert_eq!(
            log,
            Effects {
                publish: true,
                ..Effects::default()
            }
        );
    }

    /// Review round 2, finding 4: a failure-location log whose fetch failed once (a
    /// 503 from the log host) is fetched again on a later successful poll, waiting
    /// 1, 2, 4, 8 polls between tries, 5 reads at most; a gone log (410) is final.
    #[test]
    fn a_failed_log_fetch_is_retried_on_later_polls_with_a_cap() {
        let job = LogJob {
            url: "http://t.localhost/api/v2/mcp/".into(),
            execution: "P-1-00001".into(),
            case_index: 0,
            error: Some("boom".into()),
        };
        let mut inner = Inner::default();
        let first = inner.apply_executions(&key(), vec![failed("P-1-00001")]);
        assert_eq!(first.fetch_logs, vec![job.clone()]);
        inner.apply_log("P-1-00001".into(), 0, LogEntry::Failed(Retry::first(false)));
        // The same data again asks for nothing; the next successful poll retries it.
        assert_eq!(
            inner.apply_executions(&key(), vec![failed("P-1-00001")]),
            Effects::default()
        );
        assert_eq!(inner.apply_poll_success().fetch_logs, vec![job.clone()]);
        // Once running, another poll does not start it twice.
        assert_eq!(inner.apply_poll_success(), Effects::default());
        // It keeps failing: tried again after 2, 4 and 8 polls, then never.
        let mut retried_after = Vec::new();
        let mut polls = 0;
        inner.apply_log("P-1-00001".into(), 0, LogEntry::Failed(Retry::first(false)));
        for _ in 0..100 {
            polls += 1;
            let effects = inner.apply_poll_success();
            if !effects.fetch_logs.is_empty() {
                assert_eq!(effects.fetch_logs, vec![job.clone()]);
                retried_after.push(polls);
                polls = 0;
                inner.apply_log("P-1-00001".into(), 0, LogEntry::Failed(Retry::first(false)));
            }
        }
        assert_eq!(retried_after, vec![2, 4, 8]);
        assert!(matches!(
            inner.logs[&("P-1-00001".to_owned(), 0)],
            LogEntry::Failed(Retry::Final)
        ));
        // A retried fetch that succeeds is done; a gone log (410) is never fetched again.
        inner.apply_executions(&key(), vec![failed("P-1-00002"), failed("P-1-00001")]);
        inner.apply_log("P-1-00002".into(), 0, LogEntry::Failed(Retry::first(false)));
        assert_eq!(inner.apply_poll_success().fetch_logs.len(), 1);
        inner.apply_log(
            "P-1-00002".into(),
            0,
            LogEntry::Done(std::sync::Arc::new(Vec::new())),
        );
        inner.apply_executions(&key(), vec![failed("P-1-00003")]);
        inner.apply_log("P-1-00003".into(), 0, LogEntry::Failed(Retry::first(true)));
        for _ in 0..20 {
            assert_eq!(inner.apply_poll_success(), Effects::default());
        }
    }

    #[test]
    fn a_failed_poll_marks_stale_once_and_warns_once() {
        let mut inner = Inner::default();
        inner.apply_executions(&key(), vec![failed("P-1-00001")]);
        let first = inner.apply_poll_error(&key(), "HTTP 503");
        assert_eq!(
            first,
            Effects {
                warn: Some("Testany: showing the last known results (stale): HTTP 503".into()),
                ..Effects::refresh_views()
            }
        );
        assert_eq!(
            inner.apply_poll_error(&key(), "HTTP 503"),
            Effects::default()
        );
        // Recovered: the next failure warns again.
        inner.apply_executions(&key(), vec![failed("P-1-00001")]);
        inner.apply_poll_success();
        assert!(inner.apply_poll_error(&key(), "HTTP 503").warn.is_some());
    }
}
