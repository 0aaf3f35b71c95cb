//! Pipeline health (execution-skill.md, "Check Pipeline Health"): pass rate, run count,
//! flaky cases, slowest cases and a per-day series over a window of executions.
//!
//! The window is the `days` UTC calendar days ending with the day of `now` (today
//! included), so the series has exactly `days` entries. An execution is placed by its
//! start time (its completion time when it has no start); undated executions and those
//! outside the window are ignored. Pass rate counts passed / (passed + failed):
//! running, cancelled and skipped runs are neither.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::category;
use crate::model::{Execution, ExecutionResult, ExecutionStatus};
use crate::plan::civil_from_days;

/// How many slowest cases are reported.
pub const SLOWEST: usize = 10;

/// Health of the executions given (normally one pipeline's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineHealth {
    pub days: u32,
    /// First day of the window, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Last day of the window (the day of `now`).
    pub to: String,
    pub runs: u32,
    pub passed: u32,
    pub failed: u32,
    /// Running, pending, cancelled, skipped or unknown.
    pub other: u32,
    /// passed / (passed + failed), 0.0..=1.0; `None` without finished runs.
    pub pass_rate: Option<f64>,
    /// Cases whose result flipped more than once in the window (pass→fail→pass or
    /// fail→pass→fail), most failures first. A case that started failing and stayed
    /// failing is a regression, not flaky (issue 17).
    pub flaky: Vec<FlakyCase>,
    /// Cases with the longest mean duration, slowest first.
    pub slowest: Vec<SlowCase>,
    /// One entry per UTC day, oldest first.
    pub series: Vec<DayStat>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlakyCase {
    pub case_key: String,
    pub name: Option<String>,
    pub runs: u32,
    pub passed: u32,
    pub failed: u32,
    /// Changes between passed and failed from one finished run to the next (>= 2).
    pub flips: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlowCase {
    pub case_key: String,
    pub name: Option<String>,
    pub runs: u32,
    pub mean_ms: u64,
    pub max_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStat {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub runs: u32,
    pub passed: u32,
    pub failed: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Passed,
    Failed,
    Other,
}

fn verdict(status: Option<&ExecutionStatus>, result: Option<&ExecutionResult>) -> Verdict {
    match result {
        Some(ExecutionResult::Passed) => return Verdict::Passed,
        Some(ExecutionResult::Unknown(raw))
            if raw.eq_ignore_ascii_case("SUCCESS")
                || raw.eq_ignore_ascii_case("FAIL_AS_EXPECTED") =>
        {
            return Verdict::Passed;
        }
        _ => {}
    }
    if category::is_failure(status, result) {
        Verdict::Failed
    } else {
        Verdict::Other
    }
}

#[derive(Default)]
struct CaseAcc {
    /// (start, failed) of each passed or failed run, in input order.
    finished: Vec<(Timestamp, bool)>,
    name: Option<String>,
    runs: u32,
    passed: u32,
    failed: u32,
    timed: u32,
    total_ms: u128,
    max_ms: u64,
}

/// Health over the `days` UTC days ending today (`days` is clamped to 1..=366).
pub fn health(executions: &[Execution], now: Timestamp, days: u32) -> PipelineHealth {
    let days = days.clamp(1, 366);
    let today = now.as_second().div_euclid(86_400);
    let first = today - i64::from(days) + 1;
    let mut series: Vec<DayStat> = (first..=today)
        .map(|d| DayStat {
            date: date_string(d),
            runs: 0,
            passed: 0,
            failed: 0,
        })
        .collect();
    let mut h = PipelineHealth {
        days,
        from: date_string(first),
        to: date_string(today),
        runs: 0,
        passed: 0,
        failed: 0,
        other: 0,
        pass_rate: None,
        flaky: Vec::new(),
        slowest: Vec::new(),
        series: Vec::new(),
    };
    let mut cases: BTreeMap<&str, CaseAcc> = BTreeMap::new();
    for e in executions {
        let Some(at) = e.started_at.or(e.completed_at) else {
            continue;
        };
        if at > now {
            continue;
        }
        let day = at.as_second().div_euclid(86_400);
        let Some(slot) = usize::try_from(day - first)
            .ok()
            .and_then(|i| series.get_mut(i))
        else {
            continue;
        };
        h.runs += 1;
        slot.runs += 1;
        match verdict(Some(&e.status), e.result.as_ref()) {
            Verdict::Passed => {
                h.passed += 1;
                slot.passed += 1;
            }
            Verdict::Failed => {
                h.failed += 1;
                slot.failed += 1;
            }
            Verdict::Other => h.other += 1,
        }
        for c in &e.cases {
            let acc = cases.entry(c.case_key.as_str()).or_default();
            if acc.name.is_none() {
                acc.name.clone_from(&c.name);
            }
            acc.runs += 1;
            match verdict(c.status.as_ref(), c.result.as_ref()) {
                Verdict::Passed => {
                    acc.passed += 1;
                    acc.finished.push((at, false));
                }
                Verdict::Failed => {
                    acc.failed += 1;
                    acc.finished.push((at, true));
                }
                Verdict::Other => {}
            }
            if let Some(ms) = c.duration_ms {
                acc.timed += 1;
                acc.total_ms += u128::from(ms);
                acc.max_ms = acc.max_ms.max(ms);
            }
        }
    }
    let finished = h.passed + h.failed;
    h.pass_rate = (finished > 0).then(|| f64::from(h.passed) / f64::from(finished));
    h.series = series;
    for (key, acc) in &mut cases {
        let flips = flips(&mut acc.finished);
        if flips >= 2 {
            h.flaky.push(FlakyCase {
                case_key: (*key).to_owned(),
                name: acc.name.clone(),
                runs: acc.runs,
                passed: acc.passed,
                failed: acc.failed,
                flips,
            });
        }
        if acc.timed > 0 {
            h.slowest.push(SlowCase {
                case_key: (*key).to_owned(),
                name: acc.name.clone(),
                runs: acc.timed,
                mean_ms: u64::try_from(acc.total_ms / u128::from(acc.timed)).unwrap_or(u64::MAX),
                max_ms: acc.max_ms,
            });
        }
    }
    h.flaky.sort_by(|a, b| {
        b.failed
            .cmp(&a.failed)
            .then_with(|| a.case_key.cmp(&b.case_key))
    });
    h.slowest.sort_by(|a, b| {
        b.mean_ms
            .cmp(&a.mean_ms)
            .then_with(|| a.case_key.cmp(&b.case_key))
    });
    h.slowest.truncate(SLOWEST);
    h
}

/// How often the result changed from one finished run to the next, in time order
/// (executions may come in any order; equal times keep their input order).
fn flips(finished: &mut [(Timestamp, bool)]) -> u32 {
    finished.sort_by_key(|(at, _)| *at);
    let changes = finished
        .windows(2)
        .filter(|w| matches!(w, [a, b] if a.1 != b.1));
    u32::try_from(changes.count()).unwrap_or(u32::MAX)
}

fn date_string(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CaseResult;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn exec(
        key: &str,
        at: &str,
        result: ExecutionResult,
        cases: &[(&str, ExecutionResult, u64)],
    ) -> Execution {
        Execution {
            key: key.into(),
            status: ExecutionStatus::Completed,
            result: Some(result),
            pipeline_key: Some("Y2K-0601".into()),
            pipeline_name: None,
            workspace: None,
            environment: None,
            trigger: None,
            started_at: Some(ts(at)),
            completed_at: None,
            duration_ms: None,
            cases: cases
                .iter()
                .enumerate()
                .map(|(i, (k, r, ms))| CaseResult {
                    index: i,
                    case_key: (*k).into(),
                    name: Some(format!("case {k}")),
                    status: Some(ExecutionStatus::Completed),
                    result: Some(r.clone()),
                    duration_ms: Some(*ms),
                    ..CaseResult::default()
                })
                .collect(),
        }
    }

    #[test]
    fn window_series_flaky_slowest() {
        use ExecutionResult::{Failed as F, Passed as P};
        let execs = vec![
            exec(
                "E1",
                "2026-11-26T04:00:00Z",
                F,
                &[("A", F, 2000), ("B", P, 100)],
            ),
            exec(
                "E2",
                "2026-11-25T23:59:59Z",
                P,
                &[("A", P, 1000), ("B", P, 300)],
            ),
            exec(
                "E3",
                "2026-11-24T00:00:00Z",
                F,
                &[("A", F, 3000), ("C", ExecutionResult::Error, 50)],
            ),
            // Outside the window (before the first day) and in the future.
            exec("E4", "2026-11-23T23:59:59Z", P, &[("A", P, 1)]),
            exec("E5", "2026-11-26T06:00:00Z", P, &[("A", P, 1)]),
        ];
        let h = health(&execs, ts("2026-11-26T05:00:00Z"), 3);
        assert_eq!((h.runs, h.passed, h.failed, h.other), (3, 1, 2, 0));
        assert_eq!(
            (h.from.as_str(), h.to.as_str()),
            ("2026-11-24", "2026-11-26")
        );
        assert_eq!(h.pass_rate, Some(1.0 / 3.0));
        let series: Vec<(&str, u32, u32, u32)> = h
            .series
            .iter()
            .map(|d| (d.date.as_str(), d.runs, d.passed, d.failed))
            .collect();
        assert_eq!(
            series,
            vec![
                ("2026-11-24", 1, 0, 1),
                ("2026-11-25", 1, 1, 0),
                ("2026-11-26", 1, 0, 1)
            ]
        );
        assert_eq!(
            h.flaky,
            vec![FlakyCase {
                case_key: "A".into(),
                name: Some("case A".into()),
                runs: 3,
                passed: 1,
                failed: 2,
                flips: 2,
            }]
        );
        let slow: Vec<(&str, u64, u64, u32)> = h
            .slowest
            .iter()
            .map(|s| (s.case_key.as_str(), s.mean_ms, s.max_ms, s.runs))
            .collect();
        assert_eq!(
            slow,
            vec![("A", 2000, 3000, 3), ("B", 200, 300, 2), ("C", 50, 50, 1)]
        );
    }

    /// Issue 17: a case that failed only in its latest run was listed as flaky. Flaky
    /// needs the result to flip more than once, in time order whatever the input order.
    #[test]
    fn flaky_means_flipping_more_than_once() {
        use ExecutionResult::{Failed as F, Passed as P, Skipped as S};
        let run = |key: &str, at: &str, cases: &[(&str, ExecutionResult)]| {
            let cases: Vec<(&str, ExecutionResult, u64)> =
                cases.iter().map(|(k, r)| (*k, r.clone(), 10)).collect();
            exec(key, at, P, &cases)
        };
        // Oldest to newest: NEW P P F, SINCE P F F, PFP P F P, FPF F P F, OK P P P,
        // SKIP P S F (one flip: skipped runs do not count).
        let execs = vec![
            run(
                "E3",
                "2026-11-26T03:00:00Z",
                &[
                    ("NEW", F),
                    ("SINCE", F),
                    ("PFP", P),
                    ("FPF", F),
                    ("OK", P),
                    ("SKIP", F),
                ],
            ),
            run(
                "E1",
                "2026-11-26T01:00:00Z",
                &[
                    ("NEW", P),
                    ("SINCE", P),
                    ("PFP", P),
                    ("FPF", F),
                    ("OK", P),
                    ("SKIP", P),
                ],
            ),
            run(
                "E2",
                "2026-11-26T02:00:00Z",
                &[
                    ("NEW", P),
                    ("SINCE", F),
                    ("PFP", F),
                    ("FPF", P),
                    ("OK", P),
                    ("SKIP", S),
                ],
            ),
            // A single run of a case: nothing to flip.
            run("E0", "2026-11-26T00:00:00Z", &[("ONCE", F)]),
        ];
        let h = health(&execs, ts("2026-11-26T05:00:00Z"), 1);
        let flaky = |key: &str, passed: u32, failed: u32| FlakyCase {
            case_key: key.into(),
            name: Some(format!("case {key}")),
            runs: 3,
            passed,
            failed,
            flips: 2,
        };
        // Most failures first.
        assert_eq!(h.flaky, vec![flaky("FPF", 1, 2), flaky("PFP", 2, 1)]);
    }

    #[test]
    fn empty_and_clamped() {
        let h = health(&[], ts("1970-01-01T00:00:00Z"), 0);
        assert_eq!(h.days, 1);
        assert_eq!(h.series.len(), 1);
        assert_eq!(
            h.series.first().map(|d| d.date.as_str()),
            Some("1970-01-01")
        );
        assert_eq!(h.pass_rate, None);
        let h = health(&[], ts("2024-02-29T12:00:00Z"), 10_000);
        assert_eq!(h.series.len(), 366);
        assert_eq!(h.to, "2024-02-29");
        assert_eq!(h.from, "2023-03-01");
    }
}
