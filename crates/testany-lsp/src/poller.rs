//! One poller per (service URL, pipeline): fetches the pipeline's recent executions at
//! `poll.running_secs` while one is PENDING/RUNNING, `poll.idle_secs` otherwise, backs
//! off exponentially on errors, and keeps the last known data (marked stale) when the
//! service is unreachable. Retry-After is honoured inside testany-client's retries and,
//! when those give up on a 429/503, by waiting at least that long before the next poll.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{AbortHandle, Abortable, select};
use testany_client::{Client as Tc, ListFilter};
use testany_core::model::Execution;
use testany_core::plan::newest_first;
use tokio::sync::Notify;

use crate::data::{PollKey, poll_keys};
use crate::runtime;
use crate::state::{PollerHandle, State};

/// Longest wait between two polls after repeated errors.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The wait after `errors` failed polls in a row: doubling from `running`, at most four
/// idle intervals (and [`MAX_BACKOFF`]), so recovery is noticed within a few idle polls.
pub fn backoff(running: Duration, idle: Duration, errors: u32) -> Duration {
    let cap = idle.saturating_mul(4).min(MAX_BACKOFF).max(running);
    running
        .saturating_mul(2u32.saturating_pow(errors.min(16)))
        .min(cap)
}

/// Starts pollers for every (url, pipeline) of a valid project and stops the others.
pub fn sync(state: &Arc<State>) {
    let wanted: BTreeSet<PollKey> = {
        let mut inner = state.lock();
        let wanted: BTreeSet<PollKey> = inner
            .projects
            .values()
            .flat_map(|p| poll_keys(p.config.as_ref()))
            .collect();
        let before = inner.pipelines.len();
        inner.pipelines.retain(|k, _| wanted.contains(k));
        if inner.pipelines.len() != before {
            State::touch(&mut inner);
        }
        wanted
    };
    let mut resources = state.resources();
    resources.pollers.retain(|k, h| {
        let keep = wanted.contains(k);
        if !keep {
            h.abort.abort();
        }
        keep
    });
    for k in wanted {
        if resources.pollers.contains_key(&k) {
            continue;
        }
        let wake = Arc::new(Notify::new());
        let (abort, registration) = AbortHandle::new_pair();
        let task = Abortable::new(run(state.clone(), k.clone(), wake.clone()), registration);
        state.env.spawn(Box::pin(async move {
            let _ = task.await;
        }));
        resources.pollers.insert(k, PollerHandle { wake, abort });
    }
}

/// Intervals and history depth for a key: the tightest of the projects using it.
fn settings(state: &State, key: &PollKey) -> (Duration, Duration, u32) {
    let inner = state.lock();
    let mut running = u64::MAX;
    let mut idle = u64::MAX;
    let mut history = 1;
    for c in inner.projects.values().filter_map(|p| p.config.as_ref()) {
        if poll_keys(Some(c)).contains(key) {
            running = running.min(c.poll.running_secs);
            idle = idle.min(c.poll.idle_secs);
            history = history.max(c.history);
        }
    }
    if running == u64::MAX {
        (running, idle) = (5, 60);
    }
    (
        Duration::from_secs(running.max(1)),
        Duration::from_secs(idle.max(1)),
        history,
    )
}

/// The wait after a failed poll, and the part of it no wake-up may cut short: at least
/// the `Retry-After` of a 429/503 answer (capped at [`MAX_BACKOFF`]), else the backoff.
pub fn error_delay(
    running: Duration,
    idle: Duration,
    errors: u32,
    retry_after: Option<Duration>,
) -> (Duration, Duration) {
    let hold = retry_after.unwrap_or_default().min(MAX_BACKOFF);
    (backoff(running, idle, errors).max(hold), hold)
}

/// The service's `Retry-After` when it answered 429 or 503.
fn retry_after_of(error: &testany_client::Error, client: &Tc) -> Option<Duration> {
    match error {
        testany_client::Error::Http {
            status: 429 | 503, ..
        } => client.retry_after(),
        _ => None,
    }
}

async fn run(state: Arc<State>, key: PollKey, wake: Arc<Notify>) {
    let mut errors: u32 = 0;
    loop {
        let (running, idle, history) = settings(&state, &key);
        let (delay, hold) = match state.client_for(&key.url) {
            Some(client) => match poll_once(&state, &key, &client, history).await {
                Ok((executions, active)) => {
                    errors = 0;
                    let effects = {
                        let mut inner = state.lock();
                        let stored = inner.apply_executions(&key, executions);
                        stored.and(inner.apply_poll_success())
                    };
                    runtime::execute(&state, effects).await;
                    (if active { running } else { idle }, Duration::ZERO)
                }
                Err(e) => {
                    errors = errors.saturating_add(1);
                    let retry_after = retry_after_of(&e, &client);
                    let effects = state.lock().apply_poll_error(&key, &e.to_string());
                    runtime::execute(&state, effects).await;
                    error_delay(running, idle, errors, retry_after)
                }
            },
            None => (idle, Duration::ZERO),
        };
        if !hold.is_zero() {
            // The service asked not to be called before then: wake-ups wait too.
            tracing::debug!(pipeline = %key.pipeline, wait_ms = hold.as_millis() as u64, "honouring Retry-After");
            state.env.sleep(hold).await;
        }
        let sleep = state.env.sleep(delay.saturating_sub(hold));
        let woken = std::pin::pin!(wake.notified());
        let _ = select(sleep, woken).await;
    }
}

/// Fetches the pipeline's newest `history` executions; reuses finished ones already
/// known so a quiet pipeline costs one list call per poll. Returns them, and whether
/// any is active.
async fn poll_once(
    state: &Arc<State>,
    key: &PollKey,
    client: &Tc,
    history: u32,
) -> Result<(Vec<Execution>, bool), testany_client::Error> {
    let filter = ListFilter {
        pipeline_key: Some(key.pipeline.clone()),
        page_size: Some(u64::from(history.max(1))),
        ..ListFilter::default()
    };
    let list = client.list_executions(&filter).await?;
    let previous: Vec<Execution> = state
        .lock()
        .pipelines
        .get(key)
        .map(|d| d.executions.clone())
        .unwrap_or_default();
    let rows: Vec<&Execution> = newest_first(&list.executions)
        .into_iter()
        .filter(|e| e.pipeline_key.as_deref().is_none_or(|p| p == key.pipeline))
        .take(history.max(1) as usize)
        .collect();
    let mut fresh = Vec::with_capacity(rows.len());
    for row in rows {
        let known = previous
            .iter()
            .find(|p| p.key == row.key && p.status == row.status && p.status.is_finished());
        let exec = match known {
            Some(p) if !p.cases.is_empty() => p.clone(),
            _ if !row.cases.is_empty() && row.status.is_finished() => row.clone(),
            _ => client.get_execution(&row.key).await?,
        };
        fresh.push(exec);
    }
    let active = fresh.iter().any(Execution::is_active);
    Ok((fresh, active))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_sets_a_floor_that_wakes_cannot_cut() {
        let s = Duration::from_secs;
        let cases = [
            ((1, 1, 1, None), (2, 0)),
            ((1, 1, 1, Some(6)), (6, 6)),
            ((5, 60, 3, Some(2)), (40, 2)),
            ((5, 60, 1, Some(3600)), (300, 300)),
        ];
        for ((running, idle, errors, after), (delay, hold)) in cases {
            assert_eq!(
                error_delay(s(running), s(idle), errors, after.map(s)),
                (s(delay), s(hold)),
                "{running} {idle} {errors} {after:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_four_idle_intervals() {
        let s = Duration::from_secs;
        let cases = [
            ((5, 60, 1), 10),
            ((5, 60, 2), 20),
            ((5, 60, 5), 160),
            ((5, 60, 6), 240),
            ((5, 600, 30), 300),
            ((1, 1, 3), 4),
            ((10, 1, 3), 10),
        ];
        for ((running, idle, errors), want) in cases {
            assert_eq!(
                backoff(s(running), s(idle), errors),
                s(want),
                "{running} {idle} {errors}"
            );
        }
    }
}
