//! One poller per (service URL, pipeline): fetches the pipeline's recent executions at
//! `poll.running_secs` while one is PENDING/RUNNING, `poll.idle_secs` otherwise, backs
//! off exponentially on errors, and keeps the last known data (marked stale) when the
//! service is unreachable. Retry-After is honoured inside testany-client's retries and,
//! when those give up on a 429/503, by waiting at least that long before the next poll.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use testany_client::{Client as Tc, ClientConfig, ListFilter, Secret};
use testany_core::model::Execution;
use testany_core::plan::newest_first;
use tokio::sync::Notify;
use tower_lsp_server::ls_types::MessageType;

use crate::data::{PollKey, poll_keys};
use crate::state::{PollerHandle, State, redact};
use crate::{logs, publish};

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

/// The shared client for a service URL (one MCP session per URL).
pub fn client_for(state: &State, url: &str) -> Option<Arc<Tc>> {
    let mut inner = state.lock();
    if let Some(c) = inner.clients.get(url) {
        return Some(c.clone());
    }
    let log_domain = inner
        .projects
        .values()
        .filter_map(|p| p.config.as_ref())
        .find(|c| c.url.as_deref() == Some(url))
        .and_then(|c| c.log_domain());
    let mut config = ClientConfig::new(url);
    config.token = inner.token.clone();
    config.log_domain = log_domain;
    config.operator_id = state.env("TESTANY_OPERATOR").map(Secret::new);
    match Tc::new(config) {
        Ok(c) => {
            let c = Arc::new(c);
            inner.clients.insert(url.to_owned(), c.clone());
            Some(c)
        }
        Err(e) => {
            tracing::warn!(error = %redact(&e.to_string(), &inner), "cannot create the Testany client");
            None
        }
    }
}

/// Starts pollers for every (url, pipeline) of a valid project and stops the others.
pub fn sync(state: &Arc<State>) {
    let mut inner = state.lock();
    let wanted: BTreeSet<PollKey> = inner
        .projects
        .values()
        .flat_map(|p| poll_keys(p.config.as_ref()))
        .collect();
    let gone: Vec<PollKey> = inner
        .pollers
        .keys()
        .filter(|k| !wanted.contains(*k))
        .cloned()
        .collect();
    for k in gone {
        if let Some(h) = inner.pollers.remove(&k) {
            h.task.abort();
        }
        inner.pipelines.remove(&k);
        State::touch(&mut inner);
    }
    for k in wanted {
        if inner.pollers.contains_key(&k) {
            continue;
        }
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(run(state.clone(), k.clone(), wake.clone()));
        inner.pollers.insert(k, PollerHandle { wake, task });
    }
}

/// Makes every poller of `pipeline` (or all, when `None`) poll now.
pub fn wake(state: &State, pipeline: Option<&str>) {
    let inner = state.lock();
    for (k, h) in &inner.pollers {
        if pipeline.is_none_or(|p| p == k.pipeline) {
            h.wake.notify_one();
        }
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
        let (delay, hold) = match client_for(&state, &key.url) {
            Some(client) => match poll_once(&state, &key, &client, history).await {
                Ok(active) => {
                    errors = 0;
                    on_success(&state);
                    (if active { running } else { idle }, Duration::ZERO)
                }
                Err(e) => {
                    errors = errors.saturating_add(1);
                    let retry_after = retry_after_of(&e, &client);
                    on_error(&state, &key, &e).await;
                    error_delay(running, idle, errors, retry_after)
                }
            },
            None => (idle, Duration::ZERO),
        };
        if !hold.is_zero() {
            // The service asked not to be called before then: wake-ups wait too.
            tracing::debug!(pipeline = %key.pipeline, wait_ms = hold.as_millis() as u64, "honouring Retry-After");
            tokio::time::sleep(hold).await;
        }
        tokio::select! {
            () = tokio::time::sleep(delay.saturating_sub(hold)) => {}
            () = wake.notified() => {}
        }
    }
}

/// Fetches the pipeline's newest `history` executions; reuses finished ones already
/// known so a quiet pipeline costs one list call per poll. Returns whether any is active.
async fn poll_once(
    state: &Arc<State>,
    key: &PollKey,
    client: &Tc,
    history: u32,
) -> Result<bool, testany_client::Error> {
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
    store(state, key, fresh);
    Ok(active)
}

/// Stores new data for `key`; on change re-plans everything and fetches new logs.
pub fn store(state: &Arc<State>, key: &PollKey, executions: Vec<Execution>) {
    let changed = {
        let mut inner = state.lock();
        let data = inner.pipelines.entry(key.clone()).or_default();
        let changed = !data.loaded || data.stale || data.executions != executions;
        data.executions = executions;
        data.stale = false;
        data.loaded = true;
        if changed {
            State::touch(&mut inner);
        }
        changed
    };
    if changed {
        refresh_views(state);
        logs::schedule_background(state);
    }
}

/// Merges one execution (from refresh / run) into the data of its pipeline.
pub fn merge_execution(state: &Arc<State>, exec: &Execution) {
    let keys: Vec<PollKey> = {
        let inner = state.lock();
        inner
            .pipelines
            .keys()
            .filter(|k| exec.pipeline_key.as_deref() == Some(k.pipeline.as_str()))
            .cloned()
            .collect()
    };
    for key in keys {
        let mut list = state
            .lock()
            .pipelines
            .get(&key)
            .map(|d| d.executions.clone())
            .unwrap_or_default();
        match list.iter_mut().find(|e| e.key == exec.key) {
            Some(slot) => *slot = exec.clone(),
            None => list.insert(0, exec.clone()),
        }
        store(state, &key, list);
    }
}

/// Lenses refresh (when the client supports it) and diagnostics re-published, both
/// after the publisher's debounce so bursts of new data cost one round.
pub fn refresh_views(state: &Arc<State>) {
    state.lock().lens_dirty = true;
    publish::schedule_all(state);
}

fn on_success(state: &State) {
    let mut inner = state.lock();
    if inner.stale_warned && inner.pipelines.values().all(|d| !d.stale) {
        inner.stale_warned = false;
        tracing::info!("the Testany service is reachable again");
    }
}

async fn on_error(state: &Arc<State>, key: &PollKey, error: &testany_client::Error) {
    let (warn, message, newly_stale) = {
        let mut inner = state.lock();
        let message = redact(&error.to_string(), &inner);
        tracing::warn!(pipeline = %key.pipeline, error = %message, "poll failed");
        let data = inner.pipelines.entry(key.clone()).or_default();
        let newly_stale = !data.stale;
        data.stale = true;
        if newly_stale {
            State::touch(&mut inner);
        }
        let warn = !inner.stale_warned;
        inner.stale_warned = true;
        (warn, message, newly_stale)
    };
    if newly_stale {
        refresh_views(state);
    }
    if warn {
        state
            .show_message(
                MessageType::WARNING,
                format!("Testany: showing the last known results (stale): {message}"),
            )
            .await;
    }
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
