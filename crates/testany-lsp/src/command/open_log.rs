//! `testany.openLog {execution, caseIndex}`: sign + guarded fetch (testany-client) into
//! the cache (mode 0600), then `window/showDocument` with the first failure line
//! selected; returns `{uri, line}` either way.

use std::path::PathBuf;
use std::sync::Arc;

use testany_core::locations::WorkspaceIndex;
use testany_core::markers::len_in;
use tower_lsp_server::jsonrpc::Error;
use tower_lsp_server::ls_types::{Position, Range, ShowDocumentParams};

use super::{client_for_execution, known_execution, not_configured, service_error};
use crate::ext::{CaseRef, OpenLogArgs, OpenLogResult};
use crate::logs::first_failure_line;
use crate::state::State;

/// The case's log in the cache, fetched (sign + guarded download) unless it is there
/// already: only finished cases' logs are ever written to `<n>.log` (by the server or
/// `testany logs`), and a finished case's log never changes. A case not known to be
/// finished (its execution asked for when the polls do not have it) is fetched again
/// each time, into the cache's directory for partial logs (same shape, another
/// directory: `testany_client::log_cache::partial_url`), never into the finished log's
/// place, where the background reads (and `testany logs`) would take it for the final
/// log. Returns the path and the file's lock, held while reading.
pub async fn cached_log(
    state: &Arc<State>,
    args: &CaseRef,
) -> Result<(PathBuf, tokio::sync::OwnedMutexGuard<()>), Error> {
    let client = client_for_execution(state, &args.execution);
    // The cache has a directory per service (env::service_dir).
    let url = client
        .as_ref()
        .map_or_else(String::new, |c| c.config().url.clone());
    let path = state.env.log_path(&url, &args.execution, args.case_index);
    let file = state.lock_log_file(&path).await;
    if state.env.log_cached(&path).await {
        return Ok((path, file));
    }
    let client = client.ok_or_else(|| not_configured(&args.execution))?;
    let execution = match known_execution(state, &args.execution) {
        Some(e) => Some(e),
        None => client.get_execution(&args.execution).await.ok(),
    };
    let finished = execution
        .and_then(|e| {
            e.case_at(args.case_index)
                .map(|c| !c.is_active() && c.result.is_some())
        })
        .unwrap_or(false);
    let (path, file) = if finished {
        (path, file)
    } else {
        drop(file);
        let running = state.env.log_path(
            &testany_client::log_cache::partial_url(&url),
            &args.execution,
            args.case_index,
        );
        let file = state.lock_log_file(&running).await;
        (running, file)
    };
    state
        .env
        .fetch_log(&client, &args.execution, args.case_index, &path)
        .await
        .map_err(|e| service_error(state, &e))?;
    Ok((path, file))
}

pub async fn run(state: &Arc<State>, args: OpenLogArgs) -> Result<OpenLogResult, Error> {
    let at = args.line;
    let args = CaseRef {
        execution: args.execution,
        case_index: args.case_index,
    };
    let (path, file) = cached_log(state, &args).await?;
    let files = workspace_files(state, &args.execution);
    let lists: Vec<Vec<&str>> = files
        .iter()
        .map(|f| f.iter().map(String::as_str).collect())
        .collect();
    let indexes: Vec<WorkspaceIndex<'_>> = lists.iter().map(|l| WorkspaceIndex::new(l)).collect();
    // A test's lens names its own line of the log (issue 15).
    let (line, line_text) = match at {
        Some(line) => (line, String::new()),
        None => first_failure_line(state.env.as_ref(), &path, |p| {
            indexes.iter().any(|i| i.resolve(p).is_some())
        })
        .await
        .map_err(|e| Error::invalid_params(format!("cannot read {}: {e}", path.display())))?,
    };
    drop(file);
    let uri = state
        .env
        .to_uri(&path)
        .ok_or_else(|| Error::invalid_params("cache path is not absolute"))?;
    let (show, encoding) = {
        let inner = state.lock();
        (inner.caps.show_document, inner.encoding)
    };
    let line32 = u32::try_from(line).unwrap_or(u32::MAX);
    if show {
        let selection = Range::new(
            Position::new(line32, 0),
            Position::new(line32, len_in(&line_text, encoding)),
        );
        let shown = state
            .client
            .show_document(ShowDocumentParams {
                uri: uri.clone(),
                external: Some(false),
                take_focus: Some(true),
                selection: Some(selection),
            })
            .await;
        if let Err(e) = shown {
            tracing::debug!(error = %e, "the client did not show the log");
        }
    }
    Ok(OpenLogResult {
        uri: uri.as_str().to_owned(),
        line,
    })
}

/// File lists of the projects polling the execution's pipeline (all projects when none
/// does), to tell workspace frames from library frames.
pub fn workspace_files(state: &State, execution: &str) -> Vec<Arc<Vec<String>>> {
    workspace_projects(state, execution)
        .into_iter()
        .map(|(_, files)| files)
        .collect()
}

/// Root and file list of the projects polling the execution's pipeline (all projects
/// when none does).
pub fn workspace_projects(state: &State, execution: &str) -> Vec<(PathBuf, Arc<Vec<String>>)> {
    let pipeline = known_execution(state, execution)
        .and_then(|e| e.pipeline_key)
        .or_else(|| execution.rsplit_once('-').map(|(p, _)| p.to_owned()));
    let inner = state.lock();
    let serving: Vec<(PathBuf, Arc<Vec<String>>)> = inner
        .projects
        .values()
        .filter(|p| {
            p.config
                .as_ref()
                .is_some_and(|c| c.pipelines.iter().any(|q| Some(q) == pipeline.as_ref()))
        })
        .map(|p| (p.root.clone(), p.files.clone()))
        .collect();
    if serving.is_empty() {
        inner
            .projects
            .values()
            .map(|p| (p.root.clone(), p.files.clone()))
            .collect()
    } else {
        serving
    }
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::collections::BTreeMap;

    use testany_core::config::Config;

    use super::*;
    use crate::data::{PipelineData, PollKey};
    use crate::project::Project;

    /// Issue 15 ("logs of finished executions are immutable"): the log of a running
    /// case (the shop's stuck SHP-0602-0000C, its last case running) is fetched into
    /// the partial logs' directory, and the cache's `<n>.log` stays absent; before, the
    /// partial log was written there and later read as the finished case's log, never
    /// fetched again. A finished case's log is fetched once, even when its execution is
    /// not among the polled ones (before, it was fetched again on every openLog).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_running_case_log_never_takes_the_finished_logs_place() {
        let mock = testany_mock::start(testany_mock::MockConfig::shop().unwrap())
            .await
            .unwrap();
        let url = mock.mcp_url_localhost();
        let cache =
            std::env::temp_dir().join(format!("testany-lsp-running-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&cache);
        let state = crate::state::test_state(&cache);
        let config = Config {
            url: Some(url.clone()),
            pipelines: vec!["SHP-0602".into()],
            ..Config::default()
        };
        state.lock().projects.insert(
            "/ws/testany.toml".into(),
            Project {
                root: "/ws".into(),
                config_path: Some("/ws/testany.toml".into()),
                config: Some(config),
                error: None,
                files: Arc::new(Vec::new()),
                markers: Arc::new(BTreeMap::new()),
            },
        );
        let client = state.client_for(&url).unwrap();
        let exec = client.get_execution("SHP-0602-0000C").await.unwrap();
        let running = exec.cases.iter().find(|c| c.is_active()).unwrap().index;
        state.lock().pipelines.insert(
            PollKey {
                url: url.clone(),
                pipeline: "SHP-0602".into(),
            },
            PipelineData {
                executions: vec![exec],
                stale: false,
                loaded: true,
            },
        );
        let case = CaseRef {
            execution: "SHP-0602-0000C".into(),
            case_index: running,
        };
        let (path, file) = cached_log(&state, &case).await.unwrap();
        drop(file);
        let final_path = state.env.log_path(&url, "SHP-0602-0000C", running);
        let partial = state.env.log_path(
            &testany_client::log_cache::partial_url(&url),
            "SHP-0602-0000C",
            running,
        );
        assert_eq!(path, partial);
        assert_ne!(partial.parent(), final_path.parent());
        assert!(std::fs::metadata(&path).is_ok_and(|m| m.len() > 0));
        assert!(!final_path.exists(), "{}", final_path.display());
        // A finished case of an execution the polls do not have (asked for once) is
        // cached in its place and read from there the next time: one log GET in all.
        let finished = CaseRef {
            execution: "SHP-0601-0000C".into(),
            case_index: 1,
        };
        let before = mock.counts().log_fetches;
        for _ in 0..2 {
            let (path, file) = cached_log(&state, &finished).await.unwrap();
            drop(file);
            assert_eq!(path, state.env.log_path(&url, "SHP-0601-0000C", 1));
        }
        assert_eq!(mock.counts().log_fetches - before, 1);
        let _ = std::fs::remove_dir_all(&cache);
        mock.shutdown().await;
    }
}
