//! Reading each case's tests in the background (issue 15): which cases need their log
//! read ([`Inner::test_jobs`], the session's data), and the task that reads one
//! (metadata, cached log, analysis, links per serving project) and stores it. Started
//! by `runtime::start` after new data; the data itself is `tests_model`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use testany_core::plan::newest_first;

use crate::data::PollKey;
use crate::publish;
use crate::state::{Inner, State, redact};
use crate::tests_model::{CaseEntry, CaseTests, TestJob, analyze, executor_frameworks, link_in};

impl Inner {
    /// Cases whose tests are not read yet, marked pending: for each case its newest
    /// finished runs, passing or not, as many as the projects' `history` (the newest
    /// first: it is the one linked and shown; the others give each test's history).
    /// Entries of executions no longer shown are forgotten (bounded memory over days).
    pub fn test_jobs(&mut self) -> Vec<TestJob> {
        let live: HashSet<String> = self
            .pipelines
            .values()
            .flat_map(|d| d.executions.iter().map(|e| e.key.clone()))
            .collect();
        self.tests.cases.retain(|(exec, _), _| live.contains(exec));
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
                    let id = (exec.key.clone(), case.index);
                    if self.tests.cases.contains_key(&id) {
                        continue;
                    }
                    self.tests.cases.insert(id, CaseEntry::Pending);
                    jobs.push(TestJob {
                        url: key.url.clone(),
                        pipeline: key.pipeline.clone(),
                        execution: exec.key.clone(),
                        case_index: case.index,
                        case_key: case.case_key.clone(),
                        link,
                    });
                }
            }
        }
        jobs
    }

    /// A case's tests were read: views are refreshed (diagnostics and lenses).
    pub fn apply_tests(&mut self, execution: String, case_index: usize, entry: CaseEntry) {
        self.tests.cases.insert((execution, case_index), entry);
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
            if let CaseEntry::Failed(why) = &entry {
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
        return CaseEntry::Failed("no Testany client for this service".into());
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
    let path = env.log_path(&job.execution, job.case_index);
    let tests = {
        let _file = state.lock_log_file(&path).await;
        if !env.log_cached(&path).await
            && let Err(e) = env
                .fetch_log(&client, &job.execution, job.case_index, &path)
                .await
        {
            let message = redact(&e.to_string(), &state.lock());
            tracing::warn!(execution = %job.execution, case_index = job.case_index, error = %message, "case log not read");
            return CaseEntry::Failed(message);
        }
        match analyze(env, &path).await {
            Ok(t) => t,
            Err(e) => return CaseEntry::Failed(format!("cannot read the cached log: {e}")),
        }
    };
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
    for (key, root, files, overrides) in serving {
        let links = link_in(env, &root, &files, &overrides, &case).await;
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

/// (key, root, files, whole-case override files) of a project.
type Serving = (PathBuf, PathBuf, Arc<Vec<String>>, Vec<String>);

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
            if let Some(file) = config.cases.get(&job.case_key) {
                overrides.push(file.strip_prefix("./").unwrap_or(file).to_owned());
            }
            Some((key.clone(), p.root.clone(), p.files.clone(), overrides))
        })
        .collect()
}
