//! List filters, and applying those a tool does not declare to its results.

use serde_json::Value;
use testany_core::model::{Execution, ExecutionList, ExecutionResult, ExecutionStatus};

use crate::args::Arg;

/// Every filter of `testany_list_executions` (execution-skill.md and newer docs).
/// Dates are `YYYY-MM-DD` or RFC 3339 timestamps, passed through as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub workspace: Option<String>,
    pub pipeline_key: Option<String>,
    pub status: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub triggered_by: Option<String>,
    pub env: Option<String>,
    pub exe_start_time_from: Option<String>,
    pub exe_start_time_to: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl ListFilter {
    /// The set filters as typed arguments.
    pub fn to_args(&self) -> Vec<(Arg, Value)> {
        let text = [
            (Arg::Workspace, &self.workspace),
            (Arg::PipelineKey, &self.pipeline_key),
            (Arg::Status, &self.status),
            (Arg::DateFrom, &self.date_from),
            (Arg::DateTo, &self.date_to),
            (Arg::TriggeredBy, &self.triggered_by),
            (Arg::Env, &self.env),
            (Arg::ExeStartTimeFrom, &self.exe_start_time_from),
            (Arg::ExeStartTimeTo, &self.exe_start_time_to),
        ];
        let mut args: Vec<(Arg, Value)> = text
            .into_iter()
            .filter_map(|(arg, value)| value.as_deref().map(|v| (arg, Value::from(v))))
            .collect();
        if let Some(page) = self.page {
            args.push((Arg::Page, Value::from(page)));
        }
        if let Some(size) = self.page_size {
            args.push((Arg::PageSize, Value::from(size)));
        }
        args
    }
}

fn eq_opt(have: Option<&str>, want: &str) -> bool {
    // A row that does not say is kept: we cannot tell it does not match.
    have.is_none_or(|h| h.eq_ignore_ascii_case(want))
}

/// Compares an execution's start with a bound: dates by day, timestamps exactly.
fn start_cmp(execution: &Execution, bound: &str) -> Option<std::cmp::Ordering> {
    let started = execution.started_at?;
    let bound = bound.trim();
    if bound.len() == 10 {
        let day = started.to_string();
        return Some(day.get(..10)?.cmp(bound));
    }
    let bound = testany_core::model::parse_rfc3339(bound)?;
    Some(started.cmp(&bound))
}

fn status_matches(execution: &Execution, want: &str) -> bool {
    let status = ExecutionStatus::parse(want);
    let result = ExecutionResult::parse(want);
    execution.status == status || execution.result.as_ref() == Some(&result)
}

/// [`retain_matching`] on one page, keeping its paging signal: whether more pages
/// follow is decided on the rows the server sent, before any is dropped here. Without
/// this, a page whose rows all belong to another environment ends a caller's paging
/// early (`testany health` counted too few runs, issue 17).
pub fn retain_matching_page(list: &mut ExecutionList, filter: &ListFilter, undeclared: &[Arg]) {
    if list.has_more.is_none() {
        let sent = list.executions.len() as u64;
        let before = filter
            .page
            .map_or(0, |p| p.saturating_sub(1))
            .saturating_mul(filter.page_size.or(list.page_size).unwrap_or(sent));
        list.has_more = Some(list.more_after(before.saturating_add(sent)));
    }
    retain_matching(&mut list.executions, filter, undeclared);
}

/// Keeps the rows that match the filters in `undeclared`.
pub fn retain_matching(rows: &mut Vec<Execution>, filter: &ListFilter, undeclared: &[Arg]) {
    use std::cmp::Ordering::{Greater, Less};
    rows.retain(|e| {
        undeclared.iter().all(|arg| match arg {
            Arg::Workspace => filter
                .workspace
                .as_deref()
                .is_none_or(|w| eq_opt(e.workspace.as_deref(), w)),
            Arg::PipelineKey => filter
                .pipeline_key
                .as_deref()
                .is_none_or(|p| eq_opt(e.pipeline_key.as_deref(), p)),
            Arg::Status => filter
                .status
                .as_deref()
                .is_none_or(|s| status_matches(e, s)),
            Arg::Env => filter
                .env
                .as_deref()
                .is_none_or(|v| eq_opt(e.environment.as_deref(), v)),
            Arg::TriggeredBy => filter
                .triggered_by
                .as_deref()
                .is_none_or(|t| eq_opt(e.trigger.as_ref().map(|t| t.as_str()), t)),
            Arg::DateFrom | Arg::ExeStartTimeFrom => {
                let bound = if *arg == Arg::DateFrom {
                    &filter.date_from
                } else {
                    &filter.exe_start_time_from
                };
                bound
                    .as_deref()
                    .is_none_or(|b| start_cmp(e, b) != Some(Less))
            }
            Arg::DateTo | Arg::ExeStartTimeTo => {
                let bound = if *arg == Arg::DateTo {
                    &filter.date_to
                } else {
                    &filter.exe_start_time_to
                };
                bound
                    .as_deref()
                    .is_none_or(|b| start_cmp(e, b) != Some(Greater))
            }
            // Paging cannot be applied to one page of results.
            Arg::Page | Arg::PageSize | Arg::ExecutionKey | Arg::CaseIndex | Arg::CaseKey => true,
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exec(key: &str, v: Value) -> Execution {
        let mut obj = v;
        obj["execution_key"] = json!(key);
        Execution::from_json(&obj).unwrap()
    }

    #[test]
    fn filters_undeclared_arguments_client_side() {
        let rows = vec![
            exec(
                "A",
                json!({"status":"COMPLETED","result":"FAILED","environment":"staging","started_at":"2026-11-20T10:00:00Z","workspace":"SHP"}),
            ),
            exec(
                "B",
                json!({"status":"COMPLETED","result":"PASSED","environment":"prod","started_at":"2026-11-22T10:00:00Z","workspace":"SHP"}),
            ),
            exec(
                "C",
                json!({"status":"RUNNING","environment":"staging","started_at":"2026-11-25T10:00:00Z","workspace":"Y2K"}),
            ),
            exec("D", json!({"status":"PENDING"})),
        ];
        let table: Vec<(ListFilter, Vec<Arg>, Vec<&str>)> = vec![
            (
                ListFilter {
                    status: Some("failed".into()),
                    ..Default::default()
                },
                vec![Arg::Status],
                vec!["A"],
            ),
            (
                ListFilter {
                    status: Some("RUNNING".into()),
                    ..Default::default()
                },
                vec![Arg::Status],
                vec!["C"],
            ),
            (
                ListFilter {
                    env: Some("staging".into()),
                    ..Default::default()
                },
                vec![Arg::Env],
                vec!["A", "C", "D"],
            ),
            (
                ListFilter {
                    workspace: Some("shp".into()),
                    ..Default::default()
                },
                vec![Arg::Workspace],
                vec!["A", "B", "D"],
            ),
            (
                ListFilter {
                    date_from: Some("2026-11-22".into()),
                    ..Default::default()
                },
                vec![Arg::DateFrom],
                vec!["B", "C", "D"],
            ),
            (
                ListFilter {
                    date_to: Some("2026-11-22".into()),
                    ..Default::default()
                },
                vec![Arg::DateTo],
                vec!["A", "B", "D"],
            ),
            (
                ListFilter {
                    exe_start_time_from: Some("2026-11-22T10:00:01Z".into()),
                    ..Default::default()
                },
                vec![Arg::ExeStartTimeFrom],
                vec!["C", "D"],
            ),
            // An offset is read (18:00+08:00 is 10:00Z); B starts exactly then.
            (
                ListFilter {
                    exe_start_time_to: Some("2026-11-22T18:00:00+08:00".into()),
                    ..Default::default()
                },
                vec![Arg::ExeStartTimeTo],
                vec!["A", "B", "D"],
            ),
            // A bound that is not a timestamp drops nothing.
            (
                ListFilter {
                    exe_start_time_from: Some("yesterday".into()),
                    ..Default::default()
                },
                vec![Arg::ExeStartTimeFrom],
                vec!["A", "B", "C", "D"],
            ),
            // Declared filters are the server's job: nothing is dropped here.
            (
                ListFilter {
                    env: Some("staging".into()),
                    ..Default::default()
                },
                vec![],
                vec!["A", "B", "C", "D"],
            ),
            (
                ListFilter {
                    page: Some(2),
                    ..Default::default()
                },
                vec![Arg::Page],
                vec!["A", "B", "C", "D"],
            ),
        ];
        for (filter, undeclared, expected) in table {
            let mut got = rows.clone();
            retain_matching(&mut got, &filter, &undeclared);
            let keys: Vec<&str> = got.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, expected, "{filter:?}");
        }
    }

    #[test]
    fn client_side_filtering_keeps_the_paging_signal() {
        let staging = |i: u32| {
            exec(
                &format!("P-{i}"),
                json!({"status":"COMPLETED","environment":"production"}),
            )
        };
        let filter = |page: u64| ListFilter {
            env: Some("staging".into()),
            page: Some(page),
            page_size: Some(2),
            ..Default::default()
        };
        // Page 1 of 5 rows, both rows of another environment: more pages follow.
        let mut list = ExecutionList {
            executions: vec![staging(1), staging(2)],
            total: Some(5),
            ..Default::default()
        };
        retain_matching_page(&mut list, &filter(1), &[Arg::Env]);
        assert_eq!((list.executions.len(), list.has_more), (0, Some(true)));
        // Page 3 holds the 5th row: the last page.
        let mut list = ExecutionList {
            executions: vec![staging(5)],
            total: Some(5),
            ..Default::default()
        };
        retain_matching_page(&mut list, &filter(3), &[Arg::Env]);
        assert_eq!((list.executions.len(), list.has_more), (0, Some(false)));
        // A server's own has_more is kept.
        let mut list = ExecutionList {
            executions: vec![staging(1)],
            has_more: Some(true),
            ..Default::default()
        };
        retain_matching_page(&mut list, &filter(9), &[Arg::Env]);
        assert_eq!(list.has_more, Some(true));
    }

    #[test]
    fn to_args_lists_set_filters_in_order() {
        let f = ListFilter {
            workspace: Some("SHP".into()),
            status: Some("FAILED".into()),
            page_size: Some(20),
            ..Default::default()
        };
        assert_eq!(
            f.to_args(),
            vec![
                (Arg::Workspace, json!("SHP")),
                (Arg::Status, json!("FAILED")),
                (Arg::PageSize, json!(20))
            ]
        );
    }
}
