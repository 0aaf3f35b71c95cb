//! History per test, not per case (issue 15): "failing since EXECUTION (N runs)", "new
//! failure", "flaky: flipped K times in the last N runs", and the last results a hover
//! lists, computed per test id across the recent runs of its case.
//!
//! The rules and wording are the per-case ones of [`crate::plan`] (design.md section 5,
//! issue 17): only passed and failed results count (skipped tests and runs where the
//! test is missing say nothing about the code); flaky needs the result to change at
//! least twice between consecutive counted runs (pass→fail→pass or fail→pass→fail), so
//! a test that failed once after passing is a new failure, not flaky; failure notes need
//! a failed latest result and at least two counted runs. A result that failed and then
//! passed on a retry within one run ([`TestStatus::Flaky`]) counts as passed here (the
//! run passed) and is counted in [`TestHistory::retried`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::frameworks::{Framework, TestResult, TestStatus};

/// One finished run of a case: its execution key and the tests its log reported.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub execution: &'a str,
    pub tests: &'a [TestResult],
}

/// One past result of a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub execution: String,
    pub status: TestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// What a test's recent history says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "trend", rename_all = "snake_case")]
pub enum Trend {
    /// The result changed `flips` (>= 2) times between consecutive counted runs, of
    /// `runs` counted runs.
    Flaky { flips: usize, runs: usize },
    /// The latest result failed, the counted one before it passed.
    NewFailure,
    /// The latest `runs` (>= 2) counted results failed; `execution` is the first of them.
    FailingSince { execution: String, runs: usize },
}

impl Trend {
    /// The note as the editor shows it, in the per-case wording.
    pub fn note(&self) -> String {
        match self {
            Trend::Flaky { flips, runs } => format!(
                "flaky: flipped {} in the last {}",
                crate::text::count(*flips, "time", "times"),
                crate::text::count(*runs, "run", "runs")
            ),
            Trend::NewFailure => "new failure".to_owned(),
            Trend::FailingSince { execution, runs } => format!(
                "failing since {execution} ({})",
                crate::text::count(*runs, "run", "runs")
            ),
        }
    }
}

/// A test's last results and their trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestHistory {
    /// One per run given, newest first; `None` where the run did not report the test.
    pub results: Vec<Option<Entry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// Runs in which the test failed and then passed on a retry.
    pub retried: usize,
}

/// The trend of one test's results, newest first (`None`: not reported in that run),
/// with each result's execution key.
pub fn trend(history: &[(&str, Option<TestStatus>)]) -> Option<Trend> {
    let mut runs = 0;
    let mut flips = 0;
    let mut previous: Option<bool> = None;
    // Failed results in a row from the newest, and the oldest execution of that streak.
    let mut streak = 0;
    let mut since: Option<&str> = None;
    for &(execution, status) in history {
        let Some(failed) = status.and_then(counted) else {
            continue;
        };
        if previous.is_some_and(|p| p != failed) {
            flips += 1;
        }
        if failed && streak == runs {
            streak += 1;
            since = Some(execution);
        }
        previous = Some(failed);
        runs += 1;
    }
    if flips >= 2 {
        return Some(Trend::Flaky { flips, runs });
    }
    let latest_failed = matches!(history.first(), Some((_, Some(s))) if s.is_failure());
    match (latest_failed, streak, since) {
        (true, 1, _) if runs > 1 => Some(Trend::NewFailure),
        (true, 2.., Some(execution)) => Some(Trend::FailingSince {
            execution: execution.to_owned(),
            runs: streak,
        }),
        _ => None,
    }
}

/// Whether a result counts, and as failed (`Some(true)`) or passed.
fn counted(status: TestStatus) -> Option<bool> {
    match status {
        TestStatus::Passed | TestStatus::Flaky => Some(false),
        TestStatus::Failed | TestStatus::Error => Some(true),
        TestStatus::Skipped => None,
    }
}

/// The history of every test of the newest run (`runs[0]`), keyed by (framework, id).
/// Runs are newest first; each run's tests are indexed once, so the cost is linear in
/// the tests of all runs.
pub fn histories(runs: &[Run<'_>]) -> HashMap<(Framework, String), TestHistory> {
    let indexes: Vec<HashMap<(Framework, &str), &TestResult>> = runs
        .iter()
        .map(|r| {
            r.tests
                .iter()
                .map(|t| ((t.framework, t.id.as_str()), t))
                .collect()
        })
        .collect();
    let Some(latest) = runs.first() else {
        return HashMap::new();
    };
    let mut out = HashMap::with_capacity(latest.tests.len());
    for t in latest.tests {
        let key = (t.framework, t.id.as_str());
        if out.contains_key(&(t.framework, t.id.clone())) {
            continue;
        }
        let found: Vec<Option<&TestResult>> =
            indexes.iter().map(|ix| ix.get(&key).copied()).collect();
        out.insert((t.framework, t.id.clone()), history_from(runs, &found));
    }
    out
}

/// The history of one test across `runs` (newest first).
pub fn history_of(runs: &[Run<'_>], framework: Framework, id: &str) -> TestHistory {
    let found: Vec<Option<&TestResult>> = runs
        .iter()
        .map(|r| {
            r.tests
                .iter()
                .find(|t| t.framework == framework && t.id == id)
        })
        .collect();
    history_from(runs, &found)
}

fn history_from(runs: &[Run<'_>], found: &[Option<&TestResult>]) -> TestHistory {
    let statuses: Vec<(&str, Option<TestStatus>)> = runs
        .iter()
        .zip(found)
        .map(|(r, t)| (r.execution, t.map(|t| t.status)))
        .collect();
    TestHistory {
        results: runs
            .iter()
            .zip(found)
            .map(|(r, t)| {
                t.map(|t| Entry {
                    execution: r.execution.to_owned(),
                    status: t.status,
                    duration_ms: t.duration_ms,
                })
            })
            .collect(),
        trend: trend(&statuses),
        retried: found
            .iter()
            .flatten()
            .filter(|t| t.status == TestStatus::Flaky)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TestStatus::{Error as E, Failed as F, Flaky as K, Passed as P, Skipped as S};

    fn keyed(statuses: &[Option<TestStatus>]) -> Vec<(String, Option<TestStatus>)> {
        statuses
            .iter()
            .enumerate()
            .map(|(k, s)| (format!("X-{}", 10 - k as i64), *s))
            .collect()
    }

    fn trend_of(statuses: &[Option<TestStatus>]) -> Option<String> {
        let k = keyed(statuses);
        let h: Vec<(&str, Option<TestStatus>)> = k.iter().map(|(e, s)| (e.as_str(), *s)).collect();
        trend(&h).map(|t| t.note())
    }

    #[test]
    fn notes_use_the_per_case_wording_and_thresholds() {
        let cases: Vec<(Vec<Option<TestStatus>>, Option<&str>)> = vec![
            (vec![Some(F)], None),
            (vec![Some(F), Some(P)], Some("new failure")),
            (
                vec![Some(E), Some(F), Some(P)],
                Some("failing since X-9 (2 runs)"),
            ),
            (
                vec![Some(F), Some(F), Some(F)],
                Some("failing since X-8 (3 runs)"),
            ),
            (
                vec![Some(F), None, Some(S), Some(F), Some(P)],
                Some("failing since X-7 (2 runs)"),
            ),
            (
                vec![Some(P), Some(F), Some(P)],
                Some("flaky: flipped 2 times in the last 3 runs"),
            ),
            (
                vec![Some(F), Some(P), Some(F), Some(P)],
                Some("flaky: flipped 3 times in the last 4 runs"),
            ),
            (vec![Some(P), Some(F)], None),
            (vec![Some(P), Some(P)], None),
            // Passed on a retry counts as passed.
            (vec![Some(F), Some(K)], Some("new failure")),
            // Missing or skipped in the latest run: no failure note.
            (vec![None, Some(F), Some(F)], None),
            (vec![Some(S), Some(F), Some(F)], None),
            (vec![], None),
        ];
        for (statuses, want) in cases {
            assert_eq!(trend_of(&statuses).as_deref(), want, "{statuses:?}");
        }
        assert_eq!(
            Trend::Flaky { flips: 1, runs: 1 }.note(),
            "flaky: flipped 1 time in the last 1 run"
        );
    }

    fn result(id: &str, status: TestStatus, ms: u64) -> TestResult {
        let mut t = TestResult::new(Framework::Pytest, id, status, 0);
        t.duration_ms = Some(ms);
        t
    }

    #[test]
    fn histories_per_test_id_across_runs() {
        let r3 = vec![
            result("a", F, 10),
            result("b", P, 5),
            result("c", F, 1),
            result("a", F, 10),
        ];
        let r2 = vec![result("a", P, 9), result("b", K, 6), result("c", F, 2)];
        let r1 = vec![result("a", F, 8), result("c", P, 3)];
        let runs = [
            Run {
                execution: "E-3",
                tests: &r3,
            },
            Run {
                execution: "E-2",
                tests: &r2,
            },
            Run {
                execution: "E-1",
                tests: &r1,
            },
        ];
        let h = histories(&runs);
        let mut keys: Vec<&str> = h.keys().map(|(_, id)| id.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(keys, vec!["a", "b", "c"]);
        let get = |id: &str| h.get(&(Framework::Pytest, id.to_owned())).cloned();
        let a = get("a");
        assert_eq!(
            a.as_ref()
                .and_then(|a| a.trend.as_ref())
                .map(Trend::note)
                .as_deref(),
            Some("flaky: flipped 2 times in the last 3 runs")
        );
        assert_eq!(
            get("c").and_then(|c| c.trend),
            Some(Trend::FailingSince {
                execution: "E-2".into(),
                runs: 2
            })
        );
        let b = get("b");
        assert_eq!(b.as_ref().and_then(|b| b.trend.clone()), None);
        assert_eq!(b.as_ref().map(|b| b.retried), Some(1));
        assert_eq!(
            b.map(|b| b.results),
            Some(vec![
                Some(Entry {
                    execution: "E-3".into(),
                    status: P,
                    duration_ms: Some(5)
                }),
                Some(Entry {
                    execution: "E-2".into(),
                    status: K,
                    duration_ms: Some(6)
                }),
                None,
            ])
        );
        assert_eq!(history_of(&runs, Framework::Pytest, "a"), a.unwrap());
        assert_eq!(histories(&[]), HashMap::new());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn status() -> impl Strategy<Value = Option<TestStatus>> {
            prop::option::of(prop::sample::select(vec![P, F, E, S, K]))
        }

        proptest! {
            #[test]
            fn trend_is_consistent(statuses in prop::collection::vec(status(), 0..30)) {
                let k = keyed(&statuses);
                let h: Vec<(&str, Option<TestStatus>)> = k.iter().map(|(e, s)| (e.as_str(), *s)).collect();
                match trend(&h) {
                    Some(Trend::Flaky { flips, runs }) => {
                        prop_assert!(flips >= 2 && flips < runs);
                    }
                    Some(Trend::FailingSince { runs, .. }) => {
                        prop_assert!(runs >= 2);
                        prop_assert!(matches!(statuses.first(), Some(Some(s)) if s.is_failure()));
                    }
                    Some(Trend::NewFailure) => {
                        prop_assert!(matches!(statuses.first(), Some(Some(s)) if s.is_failure()));
                    }
                    None => {}
                }
            }
        }
    }
}
