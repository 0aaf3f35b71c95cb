//! `recent::RecentFilter`: days, pipeline, order and dedup of recent failures.

use std::collections::HashSet;

use jiff::Timestamp;
use testany_core::model::Execution;
use testany_core::recent::RecentFilter;

fn exec(key: &str, pipeline: &str, started: Option<&str>, completed: Option<&str>) -> Execution {
    let mut v = serde_json::json!({
        "execution_id": key, "status": "COMPLETED", "result": "FAILED", "pipeline_key": pipeline,
        "cases": [
            {"case_key": "A1", "index": 0, "status": "COMPLETED", "result": "FAILED"},
            {"case_key": "B2", "index": 1, "status": "COMPLETED", "result": "PASSED"}
        ]
    });
    if let Some(s) = started {
        v["started_at"] = s.into();
    }
    if let Some(c) = completed {
        v["completed_at"] = c.into();
    }
    Execution::from_json(&v).unwrap()
}

fn keys(
    filter: &RecentFilter<'_>,
    execs: &[Execution],
    seen: &mut HashSet<(String, usize)>,
) -> Vec<String> {
    filter
        .failures(execs, seen)
        .iter()
        .map(|(e, c)| format!("{}#{}", e.key, c.index))
        .collect()
}

#[test]
fn days_pipeline_order_and_dedup() {
    let now: Timestamp = "2026-12-05T12:00:00Z".parse().unwrap();
    let execs = [
        exec("P-1-01", "P-1", Some("2026-11-20T10:00:00Z"), None),
        exec("P-1-02", "P-1", Some("2026-12-04T10:00:00Z"), None),
        // No start: its completion counts.
        exec("P-1-03", "P-1", None, Some("2026-12-05T10:00:00Z")),
        exec("Q-1-01", "Q-1", Some("2026-12-03T10:00:00Z"), None),
        // Undated: kept, last.
        exec("P-1-04", "P-1", None, None),
    ];
    let mut seen = HashSet::new();
    let week = RecentFilter::new(None, None, now);
    assert_eq!(
        keys(&week, &execs, &mut seen),
        ["P-1-03#0", "P-1-02#0", "Q-1-01#0", "P-1-04#0"]
    );
    // The same executions again (another project of the same pipeline): nothing new.
    assert_eq!(keys(&week, &execs, &mut seen), Vec::<String>::new());

    let mut seen = HashSet::new();
    let month_p = RecentFilter::new(Some("P-1"), Some(30), now);
    assert_eq!(
        keys(&month_p, &execs, &mut seen),
        ["P-1-03#0", "P-1-02#0", "P-1-01#0", "P-1-04#0"]
    );

    // `days = 0` means one day.
    let mut seen = HashSet::new();
    let day = RecentFilter::new(None, Some(0), now);
    assert_eq!(
        day.since,
        "2026-12-04T12:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(keys(&day, &execs, &mut seen), ["P-1-03#0", "P-1-04#0"]);
}
