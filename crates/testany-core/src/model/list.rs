//! The result of `testany_list_executions`, whose shape is not documented (facts.md):
//! a bare array, or an object holding one array with optional total and paging fields.

use serde_json::Value;

use super::Execution;
use super::parse::{Fields, as_u64, lookup, type_name};

/// One page of executions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExecutionList {
    /// The rows that carry an execution key, in the order received.
    pub executions: Vec<Execution>,
    /// Total matching executions on the server, when it says.
    pub total: Option<u64>,
    /// Page number as the server counts it (0- or 1-based: not normalised).
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// Whether another page follows, when the server says.
    pub has_more: Option<bool>,
    /// A cursor for the next page, when the server pages by cursor.
    pub next_cursor: Option<String>,
    /// Rows dropped because they were not objects or had no execution key.
    pub skipped_rows: usize,
}

/// The names an object may hold its rows under, in order of preference.
const ROWS: &[&str] = &[
    "executions",
    "items",
    "data",
    "list",
    "records",
    "rows",
    "results",
];

impl ExecutionList {
    /// Reads a list result. Fails only when `value` is neither an array nor an object
    /// holding an array under one of the row names (directly or inside `data`).
    pub fn from_json(value: &Value) -> Result<ExecutionList, super::ModelError> {
        list_from(value, 2)
    }

    /// More rows exist beyond this page: `has_more`, else `total` against the rows
    /// seen so far (`seen` includes this page).
    pub fn more_after(&self, seen: u64) -> bool {
        match (self.has_more, self.total) {
            (Some(more), _) => more,
            (None, Some(total)) => seen < total && !self.executions.is_empty(),
            (None, None) => self.next_cursor.is_some(),
        }
    }
}

fn list_from(value: &Value, depth: u8) -> Result<ExecutionList, super::ModelError> {
    match value {
        Value::Array(rows) => Ok(from_rows(rows)),
        Value::Object(obj) => {
            let obj = &Fields::new(obj);
            if let Some(rows) = lookup(obj, ROWS, Value::as_array) {
                let mut list = from_rows(rows);
                paging(obj, &mut list);
                return Ok(list);
            }
            // `{"data": {"items": [...], "total": 3}}` and similar wrappers.
            if depth > 0
                && let Some(inner) = lookup(obj, &["data", "result", "page"], |v| {
                    v.is_object().then_some(v)
                })
            {
                let mut list = list_from(inner, depth - 1)?;
                paging_fill(obj, &mut list);
                return Ok(list);
            }
            Err(super::ModelError::NotAList {
                found: "an object without an array of rows",
            })
        }
        other => Err(super::ModelError::NotAList {
            found: type_name(other),
        }),
    }
}

fn from_rows(rows: &[Value]) -> ExecutionList {
    let mut list = ExecutionList::default();
    for row in rows {
        match Execution::from_json(row) {
            Ok(execution) => list.executions.push(execution),
            Err(_) => list.skipped_rows += 1,
        }
    }
    list
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn paging(obj: &Fields<'_>, list: &mut ExecutionList) {
    list.total = lookup(
        obj,
        &["total", "totalcount", "totalelements", "count"],
        as_u64,
    );
    list.page = lookup(
        obj,
        &[
            "page",
            "pageno",
            "pagenum",
            "pagenumber",
            "pageindex",
            "current",
        ],
        as_u64,
    );
    list.page_size = lookup(obj, &["pagesize", "perpage", "size", "limit"], as_u64);
    list.has_more = lookup(obj, &["hasmore", "hasnext", "hasnextpage", "more"], as_bool);
    list.next_cursor = lookup(obj, &["nextcursor", "cursor", "nextpagetoken"], |v| {
        v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
    });
}

/// Paging fields an outer wrapper may hold beside `data`; inner values win.
fn paging_fill(obj: &Fields<'_>, list: &mut ExecutionList) {
    let mut outer = ExecutionList::default();
    paging(obj, &mut outer);
    list.total = list.total.or(outer.total);
    list.page = list.page.or(outer.page);
    list.page_size = list.page_size.or(outer.page_size);
    list.has_more = list.has_more.or(outer.has_more);
    list.next_cursor = list.next_cursor.take().or(outer.next_cursor);
}
