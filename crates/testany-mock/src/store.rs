//! Executions and their lifecycle, computed lazily from creation time and `now`.
//!
//! No background tasks: a status is a pure function of the scripted durations, the
//! creation time and the clock, so a read at any moment gives the right state.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::scenario::{Outcome, Scenario};

/// Milliseconds since the Unix epoch.
pub(crate) type Millis = i64;

/// Longest scaled duration of one step (about 100 years): with a few thousand cases the
/// sums of [`end_of`] stay far inside `i64` at any speed.
const MAX_SCALED_MS: f64 = 3.2e12;

/// One execution of a pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Execution {
    pub key: String,
    pub pipeline: usize,
    pub environment: String,
    pub trigger: &'static str,
    pub triggered_by: String,
    pub created: Millis,
    pub pending_ms: i64,
    pub case_ms: Vec<i64>,
    pub outcomes: Vec<Outcome>,
    pub uuids: Vec<String>,
    pub cancelled: Option<Millis>,
    /// Reports RUNNING (last case running) until refreshed.
    pub stuck: bool,
}

/// The state of one case at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseState {
    Pending,
    Running,
    Done(Outcome),
    Cancelled,
    NotRun,
}

impl CaseState {
    pub fn word(self) -> &'static str {
        match self {
            CaseState::Pending => "PENDING",
            CaseState::Running => "RUNNING",
            CaseState::Done(o) => o.word(),
            CaseState::Cancelled => "CANCELLED",
            CaseState::NotRun => "SKIPPED",
        }
    }
}

/// A case's state plus its timing at a moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseView {
    pub state: CaseState,
    pub started: Option<Millis>,
    pub completed: Option<Millis>,
}

/// The store of all executions.
#[derive(Debug)]
pub(crate) struct Store {
    pub scenario: Arc<Scenario>,
    speed: f64,
    executions: Vec<Execution>,
    index: HashMap<String, usize>,
    /// Next sequence number and run counter per pipeline.
    next_seq: Vec<u64>,
    /// The credentials of the last log request, quoted back by the `echo_secrets` fault.
    pub echoed: Option<String>,
}

impl Store {
    /// Builds the store with the scenario's past executions relative to `now`.
    pub fn new(scenario: Arc<Scenario>, speed: f64, now: Millis) -> Store {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let mut store = Store {
            echoed: None,
            next_seq: vec![0; scenario.pipelines.len()],
            scenario: scenario.clone(),
            speed,
            executions: Vec::new(),
            index: HashMap::new(),
        };
        let h = &scenario.history;
        let count = u64::from(h.count);
        for (p, pipeline) in scenario.pipelines.iter().enumerate() {
            let envs = pipeline.all_environments();
            for i in 0..count {
                let age_min = h.newest_minutes_ago + (count - 1 - i) * h.interval_minutes;
                // Stagger pipelines by a few minutes so their runs interleave realistically.
                let created = now - (age_min as i64) * 60_000 - (p as i64) * 7 * 60_000;
                let env = if i % 4 == 1 {
                    envs.get(1).unwrap_or(&pipeline.environment).clone()
                } else {
                    pipeline.environment.clone()
                };
                let (trigger, by) = match i % 4 {
                    0 => ("MANUAL", scenario.operator.clone()),
                    1 | 2 => ("PLAN", format!("P-{}-{:05X}", scenario.workspace, p + 1)),
                    _ => (
                        "GATEKEEPER",
                        format!("G-{}-{:05X}", scenario.workspace, p + 1),
                    ),
                };
                store.create(p, env, trigger, by, created, 1.0);
            }
            if pipeline.stuck
                && count > 0
                && let Some(last) = store.executions.last_mut()
            {
                last.stuck = true;
            }
        }
        store
    }

    /// Creates the next execution of pipeline `p`; `speed` divides the scripted durations.
    fn create(
        &mut self,
        p: usize,
        environment: String,
        trigger: &'static str,
        triggered_by: String,
        created: Millis,
        speed: f64,
    ) -> usize {
        let Some(pipeline) = self.scenario.pipelines.get(p) else {
            return 0;
        };
        let run = self.next_seq.get(p).copied().unwrap_or(0);
        if let Some(s) = self.next_seq.get_mut(p) {
            *s += 1;
        }
        let key = format!("{}-{:05X}", pipeline.key, run + 1);
        // Clamped: a tiny speed must not push the lifecycle sums past `i64`.
        let scale = |secs: f64| ((secs * 1000.0) / speed).round().clamp(0.0, MAX_SCALED_MS) as i64;
        let execution = Execution {
            pending_ms: scale(pipeline.pending_secs),
            case_ms: pipeline
                .cases
                .iter()
                .map(|c| scale(c.duration_secs))
                .collect(),
            outcomes: pipeline.cases.iter().map(|c| c.outcome(run)).collect(),
            uuids: (0..pipeline.cases.len())
                .map(|i| runtime_uuid(&key, i))
                .collect(),
            key: key.clone(),
            pipeline: p,
            environment,
            trigger,
            triggered_by,
            created,
            cancelled: None,
            stuck: false,
        };
        self.executions.push(execution);
        let idx = self.executions.len() - 1;
        self.index.insert(key, idx);
        idx
    }

    /// Starts a new run of `pipeline_key` now.
    pub fn execute(
        &mut self,
        pipeline_key: &str,
        environment: Option<&str>,
        now: Millis,
    ) -> Result<&Execution, String> {
        let Some((p, pipeline)) = self.scenario.pipeline(pipeline_key) else {
            return Err(format!("pipeline {pipeline_key} was not found"));
        };
        let envs = pipeline.all_environments();
        let env = match environment {
            None => pipeline.environment.clone(),
            Some(e) => match envs.iter().find(|x| x.eq_ignore_ascii_case(e)) {
                Some(x) => x.clone(),
                None => {
                    return Err(format!(
                        "environment {e} is not configured for pipeline {pipeline_key} (known: {})",
                        envs.join(", ")
                    ));
                }
            },
        };
        let operator = self.scenario.operator.clone();
        let idx = self.create(p, env, "MANUAL", operator, now, self.speed);
        self.executions
            .get(idx)
            .ok_or_else(|| "execution could not be created".to_string())
    }

    /// Forces a status update: a stuck execution completes.
    pub fn refresh(&mut self, key: &str) -> Option<&Execution> {
        let i = *self.index.get(key)?;
        let exe = self.executions.get_mut(i)?;
        exe.stuck = false;
        Some(exe)
    }

    pub fn get(&self, key: &str) -> Option<&Execution> {
        self.index.get(key).and_then(|i| self.executions.get(*i))
    }

    /// Cancels a PENDING or RUNNING execution.
    pub fn cancel(&mut self, key: &str, now: Millis) -> Result<&Execution, String> {
        let Some(&i) = self.index.get(key) else {
            return Err(format!("execution {key} was not found"));
        };
        let Some(exe) = self.executions.get(i) else {
            return Err(format!("execution {key} was not found"));
        };
        let status = execution_status(exe, now);
        if status != "PENDING" && status != "RUNNING" {
            return Err(format!(
                "execution {key} is {status}; only PENDING or RUNNING executions can be cancelled"
            ));
        }
        let exe = self
            .executions
            .get_mut(i)
            .ok_or_else(|| format!("execution {key} was not found"))?;
        exe.cancelled = Some(now);
        Ok(exe)
    }

    /// All executions, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Execution> {
        let mut v: Vec<&Execution> = self.executions.iter().collect();
        v.sort_by(|a, b| b.created.cmp(&a.created).then(b.key.cmp(&a.key)));
        v.into_iter()
    }

    /// The latest execution of pipeline `p`.
    pub fn latest_of(&self, p: usize) -> Option<&Execution> {
        self.executions
            .iter()
            .filter(|e| e.pipeline == p)
            .max_by_key(|e| e.created)
    }
}

/// The state of case `i` at `now`.
pub(crate) fn case_view(exe: &Execution, i: usize, now: Millis) -> CaseView {
    let view = scripted_case_view(exe, i, now);
    let last = exe.case_ms.len().saturating_sub(1);
    match view.state {
        CaseState::Done(_) if exe.stuck && i == last => match exe.cancelled {
            Some(c) if c <= now => CaseView {
                state: CaseState::Cancelled,
                completed: Some(c),
                ..view
            },
            _ => CaseView {
                state: CaseState::Running,
                completed: None,
                ..view
            },
        },
        _ => view,
    }
}

/// The state of case `i` at `now` as scripted, ignoring a stuck execution.
fn scripted_case_view(exe: &Execution, i: usize, now: Millis) -> CaseView {
    let effective = exe.cancelled.map_or(now, |c| c.min(now));
    let cancelled = exe.cancelled.is_some_and(|c| c <= now);
    let mut cursor = exe.created.saturating_add(exe.pending_ms);
    for (j, d) in exe.case_ms.iter().enumerate() {
        let start = cursor;
        let end = cursor.saturating_add(*d);
        if j == i {
            let outcome = exe.outcomes.get(i).copied().unwrap_or(Outcome::Passed);
            return if end <= effective {
                CaseView {
                    state: CaseState::Done(outcome),
                    started: Some(start),
                    completed: Some(end),
                }
            } else if start <= effective && effective >= exe.created.saturating_add(exe.pending_ms)
            {
                if cancelled {
                    CaseView {
                        state: CaseState::Cancelled,
                        started: Some(start),
                        completed: Some(effective),
                    }
                } else {
                    CaseView {
                        state: CaseState::Running,
                        started: Some(start),
                        completed: None,
                    }
                }
            } else {
                CaseView {
                    state: if cancelled {
                        CaseState::NotRun
                    } else {
                        CaseState::Pending
                    },
                    started: None,
                    completed: None,
                }
            };
        }
        cursor = end;
    }
    CaseView {
        state: CaseState::NotRun,
        started: None,
        completed: None,
    }
}

fn end_of(exe: &Execution) -> Millis {
    exe.case_ms
        .iter()
        .fold(exe.created.saturating_add(exe.pending_ms), |t, d| {
            t.saturating_add(*d)
        })
}

/// The execution status word at `now`.
pub(crate) fn execution_status(exe: &Execution, now: Millis) -> &'static str {
    if exe.cancelled.is_some_and(|c| c <= now) {
        "CANCELLED"
    } else if now < exe.created.saturating_add(exe.pending_ms) {
        "PENDING"
    } else if now < end_of(exe) || exe.stuck {
        "RUNNING"
    } else {
        "COMPLETED"
    }
}

fn result_of(exe: &Execution) -> &'static str {
    let has = |o: Outcome| exe.outcomes.contains(&o);
    if has(Outcome::Failed) || has(Outcome::Timeout) {
        "FAILED"
    } else if has(Outcome::Error) {
        "ERROR"
    } else if !exe.outcomes.is_empty() && exe.outcomes.iter().all(|o| *o == Outcome::Skipped) {
        "SKIPPED"
    } else {
        "PASSED"
    }
}

/// RFC 3339 UTC text of a millisecond timestamp.
pub(crate) fn rfc3339(ms: Millis) -> Value {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => Value::String(format!("{t:.0}")),
        Err(_) => Value::Null,
    }
}

/// The execution as JSON in the shape of execution-skill.md; `with_cases` false for list rows.
pub(crate) fn execution_json(
    scenario: &Scenario,
    exe: &Execution,
    now: Millis,
    with_cases: bool,
) -> Value {
    let status = execution_status(exe, now);
    let started = exe.created.saturating_add(exe.pending_ms);
    let started_at = if status == "PENDING"
        || (status == "CANCELLED" && exe.cancelled.is_some_and(|c| c < started))
    {
        None
    } else {
        Some(started)
    };
    let completed = match status {
        "COMPLETED" => Some(end_of(exe)),
        "CANCELLED" => exe.cancelled,
        _ => None,
    };
    let duration = match (started_at, completed) {
        (Some(s), Some(c)) => Some(c - s),
        (Some(s), None) => Some(now - s),
        _ => None,
    };
    let pipeline = scenario.pipelines.get(exe.pipeline);
    let mut m = Map::new();
    m.insert("execution_id".into(), json!(exe.key));
    m.insert("status".into(), json!(status));
    m.insert(
        "result".into(),
        if status == "COMPLETED" {
            json!(result_of(exe))
        } else {
            Value::Null
        },
    );
    m.insert("created_at".into(), rfc3339(exe.created));
    m.insert("started_at".into(), started_at.map_or(Value::Null, rfc3339));
    m.insert(
        "completed_at".into(),
        completed.map_or(Value::Null, rfc3339),
    );
    m.insert("duration_ms".into(), json!(duration));
    m.insert(
        "pipeline_key".into(),
        json!(pipeline.map(|p| p.key.as_str())),
    );
    m.insert(
        "pipeline_name".into(),
        json!(pipeline.map(|p| p.name.as_str())),
    );
    m.insert("workspace".into(), json!(scenario.workspace));
    m.insert("environment".into(), json!(exe.environment));
    m.insert("trigger".into(), json!(exe.trigger));
    m.insert("triggered_by".into(), json!(exe.triggered_by));
    let views: Vec<CaseView> = (0..exe.case_ms.len())
        .map(|i| case_view(exe, i, now))
        .collect();
    let count = |f: &dyn Fn(CaseState) -> bool| views.iter().filter(|v| f(v.state)).count();
    m.insert(
        "summary".into(),
        json!({
            "total": views.len(),
            "passed": count(&|s| s == CaseState::Done(Outcome::Passed)),
            "failed": count(&|s| matches!(s, CaseState::Done(Outcome::Failed | Outcome::Timeout))),
            "error": count(&|s| s == CaseState::Done(Outcome::Error)),
            "running": count(&|s| s == CaseState::Running),
            "pending": count(&|s| s == CaseState::Pending),
        }),
    );
    if with_cases {
        let cases: Vec<Value> = (0..views.len())
            .map(|i| case_json(scenario, exe, i, now))
            .collect();
        m.insert("cases".into(), Value::Array(cases));
    }
    Value::Object(m)
}

/// One case as JSON.
pub(crate) fn case_json(scenario: &Scenario, exe: &Execution, i: usize, now: Millis) -> Value {
    let view = case_view(exe, i, now);
    let def = scenario
        .pipelines
        .get(exe.pipeline)
        .and_then(|p| p.cases.get(i));
    let error = match view.state {
        CaseState::Done(o) => def.and_then(|d| d.error_for(o)),
        CaseState::Cancelled => Some("Cancelled by the operator".to_string()),
        _ => None,
    };
    let duration = match (view.started, view.completed) {
        (Some(s), Some(c)) => Some(c - s),
        (Some(s), None) => Some(now - s),
        _ => None,
    };
    json!({
        "case_key": def.map(|d| d.key.as_str()),
        "name": def.map(|d| d.name.as_str()),
        "index": i,
        "status": view.state.word(),
        "duration_ms": duration,
        "started_at": view.started.map_or(Value::Null, rfc3339),
        "completed_at": view.completed.map_or(Value::Null, rfc3339),
        "error": error,
        "runtime_uuid": exe.uuids.get(i),
    })
}

/// SplitMix64 finaliser: a cheap, well-mixed 64-bit hash step.
pub(crate) fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a over bytes, then mixed.
pub(crate) fn hash_str(s: &str, salt: u64) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ salt;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// A stable, UUID-v4-shaped runtime id per execution and case.
pub(crate) fn runtime_uuid(key: &str, case: usize) -> String {
    let a = hash_str(key, case as u64 * 2 + 1);
    let b = hash_str(key, case as u64 * 2 + 2);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0x0FFF,
        ((b >> 48) & 0x3FFF) | 0x8000,
        b & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(speed: f64) -> Store {
        Store::new(
            Arc::new(Scenario::shop().unwrap()),
            speed,
            1_700_000_000_000,
        )
    }

    #[test]
    fn history_has_count_per_pipeline_with_keys() {
        let s = store(1.0);
        let keys: Vec<&str> = s.newest_first().map(|e| e.key.as_str()).collect();
        assert_eq!(keys.len(), 36);
        assert_eq!(keys[0], "SHP-0601-0000C");
        assert_eq!(keys[1], "SHP-0602-0000C");
        assert_eq!(keys[2], "SHP-0603-0000C");
        assert_eq!(keys[35], "SHP-0603-00001");
    }

    #[test]
    fn lifecycle_moves_through_states() {
        let mut s = store(1.0);
        let t0 = 1_700_000_100_000;
        let exe = s.execute("SHP-0601", None, t0).unwrap().clone();
        assert_eq!(exe.key, "SHP-0601-0000D");
        assert_eq!(execution_status(&exe, t0), "PENDING");
        assert_eq!(execution_status(&exe, t0 + 2_999), "PENDING");
        assert_eq!(execution_status(&exe, t0 + 3_000), "RUNNING");
        assert_eq!(case_view(&exe, 0, t0 + 3_000).state, CaseState::Running);
        assert_eq!(case_view(&exe, 1, t0 + 3_000).state, CaseState::Pending);
        assert_eq!(
            case_view(&exe, 0, t0 + 5_500).state,
            CaseState::Done(Outcome::Passed)
        );
        assert_eq!(execution_status(&exe, t0 + 34_499), "RUNNING");
        assert_eq!(execution_status(&exe, t0 + 34_500), "COMPLETED");
    }

    #[test]
    fn cancel_stops_running_cases() {
        let mut s = store(10.0);
        let t0 = 1_700_000_100_000;
        let key = s
            .execute("SHP-0601", Some("production"), t0)
            .unwrap()
            .key
            .clone();
        let exe = s.cancel(&key, t0 + 400).unwrap().clone();
        assert_eq!(execution_status(&exe, t0 + 10_000), "CANCELLED");
        assert_eq!(case_view(&exe, 0, t0 + 10_000).state, CaseState::Cancelled);
        assert_eq!(case_view(&exe, 1, t0 + 10_000).state, CaseState::NotRun);
        let again = s.cancel(&key, t0 + 500).unwrap_err();
        assert_eq!(
            again,
            format!(
                "execution {key} is CANCELLED; only PENDING or RUNNING executions can be cancelled"
            )
        );
    }

    #[test]
    fn uuid_shape_is_stable() {
        let u = runtime_uuid("SHP-0601-00001", 0);
        assert_eq!(u, runtime_uuid("SHP-0601-00001", 0));
        assert_ne!(u, runtime_uuid("SHP-0601-00001", 1));
        let parts: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        assert_eq!(u.chars().nth(14), Some('4'));
    }
}
