//! Reading each case's tests in the background (issue 15): which cases need their log
//! read ([`Inner::test_jobs`], the session's data), and the task that reads one
//! (metadata, cached log, analysis, links per serving project) and stores it. Started
//! by `runtime::start` after new data; the data itself is `tests_model`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use testany_core::plan::newest_first;

use crate::data::{PollKey, Retry};
use crate::publish;
use crate::state::{Inner, State, redact};
use crate::tests_model::{
    Basis, CaseEntry, CaseTests, TestJob, analyze, executor_frameworks, link_in,
};

impl Inner {
    /// Cases whose tests are not read yet, marked pending, or whose failed read is due
    /// for another try ([`Retry`]): for each case its newest finished runs, passing or
    /// not, as many as the projects' `history` (the newest first: it is the one linked
    /// and shown; the others give each test's history). Entries of executions no longer
    /// shown are forgotten (bounded memory over days).
    pub fn test_jobs(&mut self) -> Vec<TestJob> {
        let live: HashSet<String> = self
            .pipelines
            .values()
            .flat_map(|d| d.executions.iter().map(|e| e.key.clone()))
            .collect();
        self.tests.cases.retain(|(exec, _), _| live.contains(exec));
        self.tests.relinking.retain(|(exec, _)| live.contains(exec));
        let mut keys: Vec<PollKey> = self.pipelines.keys().cloned().collect();
        keys.sort();
        let mut jobs = Vec::new();
        for key in keys {
            let Some(data) = self.pipelines.get(&key) else {
                continue;
            };
            let depth = self
                .projects
                .values()
                .filter_map(|p| p.config.as_ref())
                .filter(|c| c.pipelines.contains(&key.pipeline))
                .map(|c| c.history as usize)
                .max()
                .unwrap_or(1)
                .max(1);
            let mut runs: HashMap<&str, usize> = HashMap::new();
            for exec in newest_first(&data.executions) {
                for case in &exec.cases {
                    let finished = !case.is_active() && case.result.is_some();
                    if !finished {
                        continue;
                    }
                    let n = runs.entry(case.case_key.as_str()).or_insert(0);
                    *n += 1;
                    if *n > depth {
                        continue;
                    }
                    let link = *n == 1;
                    let job = || TestJob {
                        url: key.url.clone(),
                        pipeline: key.pipeline.clone(),
                        execution: exec.key.clone(),
                        case_index: case.index,
                        case_key: case.case_key.clone(),
                        link,
                    };
                    let id = (exec.key.clone(), case.index);
                    if let Some(CaseEntry::Failed(_, retry)) = self.tests.cases.get_mut(&id) {
                        let Retry::Due { attempts } = *retry else {
                            continue;
                        };
                        *retry = Retry::Running { attempts };
                        jobs.push(job());
                        continue;
                    }
                    if let Some(entry) = self.tests.cases.get(&id) {
                        // A shown case linked with lists its projects no longer have.
                        let relink = link
                            && !self.tests.relinking.contains(&id)
                            && matches!(entry, CaseEntry::Done(t) if !links_current(&self.projects, &key, t));
                        if !relink {
                            continue;
                        }
                        self.tests.relinking.insert(id.clone());
                        jobs.push(job());
                        continue;
                    }
                    self.tests.cases.insert(id, CaseEntry::Pending);
                    jobs.push(job());
                }
            }
        }
        jobs
    }

    /// A case's tests were read: views are refreshed (diagnostics and lenses). A
    /// failure counts its attempts ([`Retry`]).
    pub fn apply_tests(&mut self, execution: String, case_index: usize, entry: CaseEntry) {
        let id = (execution, case_index);
        self.tests.relinking.remove(&id);
        let previous = self.tests.cases.get(&id);
        let entry = match entry {
            // Linking again failed: the links made before are better than none.
            CaseEntry::Failed(..) if matches!(previous, Some(CaseEntry::Done(_))) => return,
            CaseEntry::Failed(why, retry) => {
                let before = match previous {
                    Some(CaseEntry::Failed(_, r)) => Some(*r),
                    _ => None,
                };
                CaseEntry::Failed(why, retry.after(before))
            }
            other => other,
        };
        self.tests.cases.insert(id, entry);
        State::touch(self);
        self.lens_dirty = true;
    }
}

/// Starts reading the tests of every case not read yet (after new data).
pub fn start_jobs(state: &Arc<State>) {
    let jobs = state.lock().test_jobs();
    for job in jobs {
        let st = state.clone();
        state.env.spawn(Box::pin(async move {
            let Ok(_slot) = st.log_slots.clone().acquire_owned().await else {
                return;
            };
            let entry = read_case(&st, &job).await;
            if let CaseEntry::Failed(why, _) = &entry {
                tracing::info!(execution = %job.execution, case = %job.case_key, "tests not read: {why}");
            }
            st.lock().apply_tests(job.execution, job.case_index, entry);
            publish::schedule_all(&st);
        }));
    }
}

/// Metadata, log and links of one case.
async fn read_case(state: &Arc<State>, job: &TestJob) -> CaseEntry {
    let Some(client) = state.client_for(&job.url) else {
        return CaseEntry::Failed(
            "no Testany client for this service".into(),
            Retry::first(false),
        );
    };
    let meta = match client.get_case(&job.case_key).await {
        Ok(m) => Some(m.as_ref().clone()),
        Err(e) => {
            let message = redact(&e.to_string(), &state.lock());
            tracing::warn!(case = %job.case_key, error = %message, "case metadata not read; linking by the log alone");
            None
        }
    };
    let env = state.env.as_ref();
    let path = env.log_path(&job.url, &job.execution, job.case_index);
    let fetched;
    let tests = {
        let _file = state.lock_log_file(&path).await;
        fetched = !env.log_cached(&path).await;
        if fetched
            && let Err(e) = env
                .fetch_log(&client, &job.execution, job.case_index, &path)
                .await
        {
            let message = redact(&e.to_string(), &state.lock());
            tracing::warn!(execution = %job.execution, case_index = job.case_index, error = %message, "case log not read");
            return CaseEntry::Failed(message, Retry::first(crate::logs::permanent(&e)));
        }
        match analyze(env, &path).await {
            Ok(t) => t,
            Err(e) => {
                return CaseEntry::Failed(
                    format!("cannot read the cached log: {e}"),
                    Retry::first(false),
                );
            }
        }
    };
    if fetched {
        crate::logs::evict(state, &path).await;
    }
    let tests = match meta
        .as_ref()
        .and_then(|m| m.executor.as_ref())
        .and_then(executor_frameworks)
    {
        Some(frameworks) => tests
            .into_iter()
            .filter(|t| frameworks.contains(&t.framework))
            .collect(),
        None => tests,
    };
    let mut case = CaseTests {
        meta,
        tests,
        projects: HashMap::new(),
    };
    let serving = if job.link {
        serving_projects(state, job)
    } else {
        Vec::new()
    };
    for (key, root, basis, overrides) in serving {
        let mut links = link_in(env, &root, &basis.files, &overrides, &case).await;
        links.basis = Some(basis);
        for problem in &links.links.problems {
            tracing::info!(case = %job.case_key, "{problem}");
        }
        let unlinked = links
            .links
            .links
            .iter()
            .filter(|l| l.site().is_none())
            .count();
        if unlinked > 0 {
            tracing::info!(case = %job.case_key, execution = %job.execution, unlinked, "tests without a definition site (ambiguous, stale or unlinked)");
        }
        case.projects.insert(key, links);
    }
    CaseEntry::Done(Arc::new(case))
}

/// Whether `case` is linked in every project serving `key` with that project's current
/// file list and marker index.
fn links_current(
    projects: &std::collections::BTreeMap<PathBuf, crate::project::Project>,
    key: &PollKey,
    case: &CaseTests,
) -> bool {
    projects.iter().all(|(pk, p)| {
        let serves = p.config.as_ref().is_some_and(|c| {
            c.url.as_deref() == Some(key.url.as_str()) && c.pipelines.contains(&key.pipeline)
        });
        !serves
            || case
                .projects
                .get(pk)
                .and_then(|l| l.basis.as_ref())
                .is_some_and(|b| b.is(&p.files, &p.markers))
    })
}

/// (key, root, files, whole-case override files) of a project.
type Serving = (PathBuf, PathBuf, Basis, Vec<String>);

/// The projects polling the job's pipeline on its service.
fn serving_projects(state: &State, job: &TestJob) -> Vec<Serving> {
    let inner = state.lock();
    inner
        .projects
        .iter()
        .filter_map(|(key, p)| {
            let config = p.config.as_ref()?;
            let serves = config.url.as_deref() == Some(job.url.as_str())
                && config.pipelines.contains(&job.pipeline);
            if !serves {
                return None;
            }
            let mut overrides: Vec<String> = p
                .markers
                .iter()
                .filter(|(_, ms)| ms.iter().any(|m| m.case_key == job.case_key))
                .map(|(rel, _)| rel.clone())
                .collect();
            // A `[cases]` entry whose file is not in the project links nothing (as the
            // CLI's `status`): it would count the case as anchored with no anchor to show.
            if let Some(file) = config.cases.get(&job.case_key)
                && testany_core::config::case_file_listed(&p.files, file)
            {
                overrides.push(file.trim_start_matches("./").to_owned());
            }
            let basis = Basis {
                files: p.files.clone(),
                markers: p.markers.clone(),
            };
            Some((key.clone(), p.root.clone(), basis, overrides))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use testany_core::config::Config;
    use testany_core::model::Execution;

    use super::*;
    use crate::data::PipelineData;
    use crate::project::Project;
    use crate::tests_model::ProjectLinks;

    fn key() -> PollKey {
        PollKey {
            url: "http://t.localhost/api/v2/mcp/".into(),
            pipeline: "P-1".into(),
        }
    }

    fn inner(runs: usize) -> Inner {
        let mut inner = Inner::default();
        let config = Config {
            url: Some(key().url),
            pipelines: vec!["P-1".into()],
            history: 2,
            ..Config::default()
        };
        inner.projects.insert(
            "/ws/testany.toml".into(),
            Project {
                root: "/ws".into(),
                config_path: Some("/ws/testany.toml".into()),
                config: Some(config),
                error: None,
                files: Arc::new(vec!["tests/test_a.py".into()]),
                markers: Arc::new(BTreeMap::new()),
            },
        );
        let executions = (1..=runs)
            .rev()
            .map(|n| {
                Execution::from_json(&json!({
                    "execution_id": format!("P-1-0000{n}"), "status": "COMPLETED",
                    "result": "PASSED", "pipeline_key": "P-1",
                    "started_at": format!("2026-11-26T0{n}:00:00Z"),
                    "cases": [{"case_key": "K1", "index": 0, "status": "COMPLETED", "result": "PASSED"},
                              {"case_key": "K2", "index": 1, "status": "RUNNING"}]
                }))
                .unwrap()
            })
            .collect();
        inner.pipelines.insert(
            key(),
            PipelineData {
                executions,
                stale: false,
                loaded: true,
            },
        );
        inner
    }

    fn job(execution: &str, link: bool) -> TestJob {
        TestJob {
            url: key().url,
            pipeline: "P-1".into(),
            execution: execution.into(),
            case_index: 0,
            case_key: "K1".into(),
            link,
        }
    }

    /// CLIFIX finding 1: a `[cases]` entry whose file is not in the project is no
    /// override (the case was "anchored" with no anchor anywhere, its one test's lens
    /// hidden); an entry whose file is there still is one.
    #[cfg(feature = "native")]
    #[test]
    fn a_cases_entry_to_a_missing_file_is_no_override() {
        let state = crate::state::test_state(
            &std::env::temp_dir().join("testany-lsp-cases-entry-missing-file"),
        );
        let overrides = |file: &str| {
            let mut inner = inner(1);
            if let Some(c) = inner
                .projects
                .get_mut(std::path::Path::new("/ws/testany.toml"))
                .and_then(|p| p.config.as_mut())
            {
                c.cases = BTreeMap::from([("K1".to_owned(), file.to_owned())]);
            }
            *state.lock() = inner;
            serving_projects(&state, &job("P-1-00001", true))
                .into_iter()
                .map(|(_, _, _, o)| o)
                .collect::<Vec<_>>()
        };
        assert_eq!(overrides("pom.xml"), vec![Vec::<String>::new()]);
        assert_eq!(
            overrides("./tests/test_a.py"),
            vec![vec!["tests/test_a.py".to_owned()]]
        );
    }

    /// Issue 15: each finished case's newest runs up to `history` are read once (passing
    /// ones too; running ones not), only the newest linked; a case linked with file
    /// lists its project no longer has is linked again, once.
    #[test]
    fn jobs_read_each_run_once_and_relink_when_the_files_change() {
        let mut inner = inner(3);
        assert_eq!(
            inner.test_jobs(),
            vec![job("P-1-00003", true), job("P-1-00002", false)]
        );
        assert_eq!(inner.test_jobs(), vec![]);
        let project = inner.projects[std::path::Path::new("/ws/testany.toml")].clone();
        let linked = |files: Arc<Vec<String>>| {
            let mut projects = HashMap::new();
            projects.insert(
                PathBuf::from("/ws/testany.toml"),
                ProjectLinks {
                    basis: Some(Basis {
                        files,
                        markers: project.markers.clone(),
                    }),
                    ..ProjectLinks::default()
                },
            );
            CaseEntry::Done(Arc::new(CaseTests {
                meta: None,
                tests: Vec::new(),
                projects,
            }))
        };
        inner.apply_tests("P-1-00003".into(), 0, linked(project.files.clone()));
        assert_eq!(inner.test_jobs(), vec![]);
        // The project's files were listed again (a file created): linked again, once.
        if let Some(p) = inner
            .projects
            .get_mut(std::path::Path::new("/ws/testany.toml"))
        {
            p.files = Arc::new(vec!["tests/test_a.py".into(), "tests/test_b.py".into()]);
        }
        assert_eq!(inner.test_jobs(), vec![job("P-1-00003", true)]);
        assert_eq!(inner.test_jobs(), vec![]);
        // A failed re-link keeps the links made before (not retried: it is Done).
        inner.apply_tests(
            "P-1-00003".into(),
            0,
            CaseEntry::Failed("HTTP 503".into(), Retry::first(false)),
        );
        assert!(matches!(
            inner.tests.cases.get(&("P-1-00003".to_owned(), 0)),
            Some(CaseEntry::Done(_))
        ));
    }

    /// Review round 2, finding 4: a case whose log read failed (HTTP 503) is read
    /// again on the next successful poll, once, and is then done; before, `test_jobs`
    /// returned `[]` for it until the server restarted.
    #[test]
    fn a_failed_read_is_retried_after_the_next_successful_poll() {
        let mut inner = inner(1);
        let project = inner.projects[std::path::Path::new("/ws/testany.toml")].clone();
        assert_eq!(inner.test_jobs(), vec![job("P-1-00001", true)]);
        inner.apply_tests(
            "P-1-00001".into(),
            0,
            CaseEntry::Failed("HTTP 503".into(), Retry::first(false)),
        );
        assert_eq!(inner.test_jobs(), vec![]);
        let effects = inner.apply_poll_success();
        assert!(effects.fetch_tests);
        assert_eq!(inner.test_jobs(), vec![job("P-1-00001", true)]);
        assert_eq!(inner.test_jobs(), vec![]);
        assert!(!inner.apply_poll_success().fetch_tests);
        // Failed again: attempt 2 waits two polls.
        inner.apply_tests(
            "P-1-00001".into(),
            0,
            CaseEntry::Failed("HTTP 503".into(), Retry::first(false)),
        );
        assert!(matches!(
            inner.tests.cases.get(&("P-1-00001".to_owned(), 0)),
            Some(CaseEntry::Failed(
                _,
                Retry::After {
                    polls: 2,
                    attempts: 2
                }
            ))
        ));
        assert!(!inner.apply_poll_success().fetch_tests);
        assert!(inner.apply_poll_success().fetch_tests);
        assert_eq!(inner.test_jobs(), vec![job("P-1-00001", true)]);
        inner.apply_tests(
            "P-1-00001".into(),
            0,
            CaseEntry::Done(Arc::new(CaseTests {
                meta: None,
                tests: Vec::new(),
                projects: HashMap::from([(
                    PathBuf::from("/ws/testany.toml"),
                    ProjectLinks {
                        basis: Some(Basis {
                            files: project.files.clone(),
                            markers: project.markers.clone(),
                        }),
                        ..ProjectLinks::default()
                    },
                )]),
            })),
        );
        assert!(!inner.apply_poll_success().fetch_tests);
        assert_eq!(inner.test_jobs(), vec![]);
        // A gone log (HTTP 410 from the log proxy) is final.
        let mut inner = self::inner(1);
        inner.test_jobs();
        inner.apply_tests(
            "P-1-00001".into(),
            0,
            CaseEntry::Failed("HTTP 410".into(), Retry::first(true)),
        );
        assert!(!inner.apply_poll_success().fetch_tests);
        assert_eq!(inner.test_jobs(), vec![]);
    }
}
