//! `testany.showExecution {execution}`: the execution as model JSON, its names and errors
//! as display text (`convert::execution`), its durations also as text (`ExecutionView`).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Error;

use super::{client_for_execution, known_execution, not_configured, service_error};
use crate::ext::{ExecutionRef, ExecutionView};
use crate::state::State;

pub async fn run(state: &Arc<State>, args: ExecutionRef) -> Result<ExecutionView, Error> {
    let exec = match known_execution(state, &args.execution).filter(|e| !e.cases.is_empty()) {
        Some(e) => e,
        None => {
            let client = client_for_execution(state, &args.execution)
                .ok_or_else(|| not_configured(&args.execution))?;
            client
                .get_execution(&args.execution)
                .await
                .map_err(|e| service_error(state, &e))?
        }
    };
    Ok(crate::convert::execution(exec).into())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ext::ExecutionRef;

    /// Issue 16: the result carries each duration as core's text, so editors show
    /// `1s` for 1,500 ms (TypeScript rounded it to `2s`) and `2m`, not `2m 0s`; the
    /// milliseconds stay as data.
    #[tokio::test]
    async fn durations_come_as_core_text_beside_the_milliseconds() {
        let cache = std::env::temp_dir().join(format!("testany-show-exec-{}", std::process::id()));
        let st = crate::state::test_state(&cache);
        let exec = testany_core::model::Execution::from_json(&json!({
            "execution_id": "SHP-1-00007", "status": "COMPLETED", "result": "FAILED",
            "pipeline_key": "SHP-1", "started_at": "2026-11-26T04:00:00Z",
            "duration_ms": 120_000,
            "cases": [
                {"case_key": "A1", "index": 0, "status": "FAILED", "duration_ms": 1500},
                {"case_key": "B2", "index": 1, "status": "PASSED", "duration_ms": 135_000},
                {"case_key": "C3", "index": 2, "status": "PENDING"},
            ],
        }))
        .expect("execution");
        let key = crate::data::PollKey {
            url: "http://127.0.0.1:9/api/v2/mcp/".into(),
            pipeline: "SHP-1".into(),
        };
        crate::runtime::store(&st, &key, vec![exec]);
        let shown = super::run(
            &st,
            ExecutionRef {
                execution: "SHP-1-00007".into(),
            },
        )
        .await
        .expect("showExecution");
        // As the command's result goes on the wire.
        let shown = serde_json::to_value(shown).expect("json");
        let durations: Vec<_> = shown["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .map(|c| (c["duration_ms"].clone(), c["duration_text"].clone()))
            .collect();
        assert_eq!(
            durations,
            [
                (json!(1500), json!("1s")),
                (json!(135_000), json!("2m 15s")),
                (json!(null), json!(null)),
            ]
        );
        assert_eq!(
            (&shown["duration_ms"], &shown["duration_text"]),
            (&json!(120_000), &json!("2m"))
        );
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&cache);
    }
}
