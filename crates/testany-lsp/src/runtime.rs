//! Carries out the session's [`Effects`] through the environment: schedules the
//! debounced publish (with its lens refresh), starts background log fetches (at most
//! `Options::log_concurrency` at a time) and shows warnings. Also wakes pollers.

use std::sync::Arc;

use tower_lsp_server::ls_types::MessageType;

use crate::session::{Effects, LogJob};
use crate::state::State;
use crate::{logs, publish};

/// Carries out `effects`; a warning is shown before this returns.
pub async fn execute(state: &Arc<State>, mut effects: Effects) {
    let warn = effects.warn.take();
    start(state, effects);
    if let Some(text) = warn {
        state.show_message(MessageType::WARNING, text).await;
    }
}

/// Carries out everything of `effects` but its warning, without waiting.
pub fn start(state: &Arc<State>, effects: Effects) {
    if let Some(text) = &effects.warn {
        tracing::debug!(warning = %text, "warning not shown (no await point)");
    }
    if effects.refresh_lenses {
        state.lock().lens_dirty = true;
    }
    if effects.refresh_lenses || effects.fetch_tests {
        // New data: the tests of cases not read yet (issue 15) or due for another try.
        crate::test_fetch::start_jobs(state);
    }
    if effects.publish || effects.refresh_lenses {
        publish::schedule_all(state);
    }
    for job in effects.fetch_logs {
        fetch_log(state, job);
    }
}

/// Fetches one log in the background; its locations then re-publish diagnostics.
fn fetch_log(state: &Arc<State>, job: LogJob) {
    let st = state.clone();
    state.env.spawn(Box::pin(async move {
        let Ok(_slot) = st.log_slots.clone().acquire_owned().await else {
            return;
        };
        let entry = logs::fetch_one(&st, &job).await;
        let effects = st.lock().apply_log(job.execution, job.case_index, entry);
        start(&st, effects);
    }));
}

/// Stores a poll's executions of `key` and carries out what that calls for (what a
/// poll does, for tests).
#[cfg(test)]
pub fn store(
    state: &Arc<State>,
    key: &crate::data::PollKey,
    executions: Vec<testany_core::model::Execution>,
) {
    let effects = state.lock().apply_executions(key, executions);
    start(state, effects);
}

/// Makes every poller of `pipeline` (or all, when `None`) poll now.
pub fn wake(state: &State, pipeline: Option<&str>) {
    let resources = state.resources();
    for (k, h) in &resources.pollers {
        if pipeline.is_none_or(|p| p == k.pipeline) {
            h.wake.notify_one();
        }
    }
}
