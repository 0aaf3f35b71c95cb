//! The MCP tools: their JSON Schemas and what each call returns.

use serde_json::{Map, Value, json};

use crate::faults::Faults;
use crate::sign::{Claims, Signer};
use crate::store::{self, CaseState, Millis, Store};

/// A JSON-RPC error (code and message).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RpcError {
    pub code: i64,
    pub message: String,
}

impl RpcError {
    pub fn invalid_params(message: String) -> RpcError {
        RpcError {
            code: -32602,
            message,
        }
    }
}

/// A tool's answer: a JSON value, or an `isError` text.
#[derive(Debug)]
pub(crate) enum ToolResult {
    Ok(Value),
    Failed(String),
}

/// What the tools need besides the store.
#[derive(Debug)]
pub(crate) struct ToolCtx<'a> {
    pub now: Millis,
    pub port: u16,
    pub log_domain: &'a str,
    pub signer: &'a Signer,
    pub faults: &'a Faults,
}

/// Every tool with its input schema, as `tools/list` returns them.
pub(crate) fn list() -> Value {
    let s = |d: &str| json!({"type": "string", "description": d});
    let i = |d: &str| json!({"type": "integer", "minimum": 0, "description": d});
    let tool = |name: &str, description: &str, props: Value, required: &[&str]| {
        json!({
            "name": name,
            "description": description,
            "inputSchema": {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": false,
            },
        })
    };
    let key = || s("Execution key, e.g. SHP-0601-0000C");
    json!([
        tool(
            "testany_list_executions",
            "Search executions, newest first, with filters and paging.",
            json!({
                "workspace": s("Workspace key"),
                "pipeline_key": s("Pipeline key"),
                "status": s("Status or result, e.g. RUNNING, COMPLETED, FAILED"),
                "date_from": s("Earliest start, YYYY-MM-DD or RFC 3339"),
                "date_to": s("Latest start, YYYY-MM-DD (inclusive) or RFC 3339"),
                "triggered_by": s("Who or what triggered the run (e-mail, plan or gatekeeper key)"),
                "env": s("Environment"),
                "exe_start_time_from": s("Earliest start, RFC 3339 or epoch milliseconds"),
                "exe_start_time_to": s("Latest start, RFC 3339 or epoch milliseconds"),
                "page": json!({"type": "integer", "minimum": 1, "description": "1-based page, default 1"}),
                "page_size": json!({"type": "integer", "minimum": 1, "maximum": 100, "description": "Rows per page, default 20"}),
            }),
            &[],
        ),
        tool(
            "testany_get_execution",
            "Get an execution summary with its cases array.",
            json!({"execution_key": key()}),
            &["execution_key"],
        ),
        tool(
            "testany_get_execution_case",
            "Get one case of an execution (index, runtime_uuid, error).",
            json!({"execution_key": key(), "case_index": i("0-based case index")}),
            &["execution_key", "case_index"],
        ),
        tool(
            "testany_refresh_execution",
            "Force a status update from the executor and return the execution.",
            json!({"execution_key": key()}),
            &["execution_key"],
        ),
        tool(
            "testany_log_sign",
            "Get a signed URL and headers for reading one case log.",
            json!({"executionKey": key(), "caseIndex": i("0-based case index")}),
            &["executionKey", "caseIndex"],
        ),
        tool(
            "testany_execute_pipeline",
            "Trigger a new execution of a pipeline.",
            json!({"pipeline_key": s("Pipeline key"), "environment": s("Environment (default: the pipeline's)")}),
            &["pipeline_key"],
        ),
        tool(
            "testany_get_pipeline",
            "View a pipeline's configuration and cases.",
            json!({"pipeline_key": s("Pipeline key")}),
            &["pipeline_key"],
        ),
        tool(
            "testany_cancel_execution",
            "Cancel a PENDING or RUNNING execution.",
            json!({"execution_key": key()}),
            &["execution_key"],
        ),
        tool(
            "testany_get_case",
            "Get a case: its name and case_meta (trigger_method: executor, trigger_path or trigger_command).",
            json!({"case_key": s("Case key, e.g. A1B2C3D4")}),
            &["case_key"],
        ),
        tool(
            "testany_list_pipelines",
            "List the pipelines of a workspace.",
            json!({"workspace": s("Workspace key")}),
            &[],
        ),
    ])
}

fn req_str<'a>(args: &'a Map<String, Value>, name: &str) -> Result<&'a str, RpcError> {
    match args.get(name) {
        None | Some(Value::Null) => Err(RpcError::invalid_params(format!(
            "missing required argument `{name}`"
        ))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(RpcError::invalid_params(format!(
            "argument `{name}` must be a string"
        ))),
    }
}

fn opt_str<'a>(args: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, RpcError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(RpcError::invalid_params(format!(
            "argument `{name}` must be a string"
        ))),
    }
}

fn opt_uint(args: &Map<String, Value>, name: &str) -> Result<Option<u64>, RpcError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            RpcError::invalid_params(format!("argument `{name}` must be a non-negative integer"))
        }),
    }
}

fn req_uint(args: &Map<String, Value>, name: &str) -> Result<u64, RpcError> {
    opt_uint(args, name)?
        .ok_or_else(|| RpcError::invalid_params(format!("missing required argument `{name}`")))
}

/// A time bound from `YYYY-MM-DD`, RFC 3339 or epoch milliseconds; `end` makes a date inclusive.
fn time_bound(
    args: &Map<String, Value>,
    name: &str,
    end: bool,
) -> Result<Option<Millis>, RpcError> {
    let bad = || {
        RpcError::invalid_params(format!(
            "argument `{name}` must be a date (YYYY-MM-DD), an RFC 3339 time or epoch milliseconds"
        ))
    };
    let text = match args.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => return n.as_i64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim(),
        Some(_) => return Err(bad()),
    };
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(Some(ms));
    }
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(Some(t.as_millisecond()));
    }
    if let Ok(d) = text.parse::<jiff::civil::Date>() {
        let day = if end {
            d.tomorrow().map_err(|_| bad())?
        } else {
            d
        };
        let t = day
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map_err(|_| bad())?
            .timestamp()
            .as_millisecond();
        return Ok(Some(if end { t - 1 } else { t }));
    }
    Err(bad())
}

/// Runs one tool. `Err` is a JSON-RPC error (bad arguments, unknown tool).
pub(crate) fn call(
    store: &mut Store,
    ctx: &ToolCtx<'_>,
    name: &str,
    args: &Map<String, Value>,
) -> Result<ToolResult, RpcError> {
    let now = ctx.now;
    match name {
        "testany_list_executions" => list_executions(store, args, now),
        "testany_get_execution" | "testany_refresh_execution" => {
            let key = req_str(args, "execution_key")?;
            if name == "testany_refresh_execution" {
                store.refresh(key);
            }
            Ok(match store.get(key) {
                Some(exe) => ToolResult::Ok(store::execution_json(&store.scenario, exe, now, true)),
                None => not_found(key),
            })
        }
        "testany_get_execution_case" => {
            let key = req_str(args, "execution_key")?;
            let index = req_uint(args, "case_index")?;
            let (exe, i) = match find_case(store, key, index) {
                Ok(found) => found,
                Err(failed) => return Ok(failed),
            };
            let mut v = store::case_json(&store.scenario, exe, i, now);
            if let Value::Object(m) = &mut v {
                m.insert("execution_id".into(), json!(key));
                m.insert("environment".into(), json!(exe.environment));
            }
            Ok(ToolResult::Ok(v))
        }
        "testany_log_sign" => log_sign(store, ctx, args),
        "testany_execute_pipeline" => {
            let key = req_str(args, "pipeline_key")?;
            let env = opt_str(args, "environment")?;
            Ok(match store.execute(key, env, now) {
                Ok(exe) => {
                    let exe = exe.clone();
                    ToolResult::Ok(store::execution_json(&store.scenario, &exe, now, true))
                }
                Err(m) => ToolResult::Failed(m),
            })
        }
        "testany_cancel_execution" => {
            let key = req_str(args, "execution_key")?;
            Ok(match store.cancel(key, now) {
                Ok(exe) => {
                    let exe = exe.clone();
                    ToolResult::Ok(store::execution_json(&store.scenario, &exe, now, true))
                }
                Err(m) => ToolResult::Failed(m),
            })
        }
        "testany_get_pipeline" => {
            let key = req_str(args, "pipeline_key")?;
            let Some((p, pipeline)) = store.scenario.pipeline(key) else {
                return Ok(ToolResult::Failed(format!("pipeline {key} was not found")));
            };
            let cases: Vec<Value> = pipeline
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| json!({"case_key": c.key, "name": c.name, "index": i}))
                .collect();
            let latest = store.latest_of(p).map(|e| e.key.clone());
            Ok(ToolResult::Ok(json!({
                "pipeline_key": pipeline.key,
                "name": pipeline.name,
                "workspace": store.scenario.workspace,
                "environment": pipeline.environment,
                "environments": pipeline.all_environments(),
                "case_count": pipeline.cases.len(),
                "cases": cases,
                "latest_execution_id": latest,
            })))
        }
        "testany_list_pipelines" => {
            let ws = opt_str(args, "workspace")?;
            let scenario = &store.scenario;
            let rows: Vec<Value> =
                if ws.is_some_and(|w| !w.eq_ignore_ascii_case(&scenario.workspace)) {
                    Vec::new()
                } else {
                    scenario
                        .pipelines
                        .iter()
                        .map(|p| {
                            json!({
                                "pipeline_key": p.key,
                                "name": p.name,
                                "workspace": scenario.workspace,
                                "environment": p.environment,
                                "case_count": p.cases.len(),
                            })
                        })
                        .collect()
                };
            Ok(ToolResult::Ok(
                json!({"total": rows.len(), "pipelines": rows}),
            ))
        }
        "testany_get_case" => {
            let key = req_str(args, "case_key")?;
            Ok(get_case(&store.scenario, key))
        }
        other => Err(RpcError::invalid_params(format!("unknown tool `{other}`"))),
    }
}

/// `testany_get_case`: the first definition of the case in the scenario, with the
/// `case_meta.trigger_method` shape facts.md describes.
fn get_case(scenario: &crate::Scenario, key: &str) -> ToolResult {
    let Some(case) = scenario
        .pipelines
        .iter()
        .flat_map(|p| p.cases.iter())
        .find(|c| c.key == key)
    else {
        return ToolResult::Failed(format!("case {key} was not found"));
    };
    let trigger = case.trigger();
    let mut method = Map::new();
    method.insert("executor".into(), json!(trigger.executor));
    if let Some(path) = trigger.trigger_path {
        method.insert("trigger_path".into(), json!(path));
    }
    if let Some(command) = trigger.trigger_command {
        method.insert("trigger_command".into(), json!(command));
    }
    ToolResult::Ok(json!({
        "case_key": case.key,
        "name": case.name,
        "workspace": scenario.workspace,
        "case_meta": {
            "trigger_method": method,
            "environment_variables": [],
        },
    }))
}

fn not_found(key: &str) -> ToolResult {
    ToolResult::Failed(format!("execution {key} was not found"))
}

/// The execution `key` and its case `index`, or the isError result naming what is missing.
fn find_case<'s>(
    store: &'s Store,
    key: &str,
    index: u64,
) -> Result<(&'s store::Execution, usize), ToolResult> {
    let exe = store.get(key).ok_or_else(|| not_found(key))?;
    let i = usize::try_from(index)
        .ok()
        .filter(|i| *i < exe.case_ms.len())
        .ok_or_else(|| {
            ToolResult::Failed(format!(
                "case index {index} was not found in execution {key} (it has {} cases)",
                exe.case_ms.len()
            ))
        })?;
    Ok((exe, i))
}

fn list_executions(
    store: &Store,
    args: &Map<String, Value>,
    now: Millis,
) -> Result<ToolResult, RpcError> {
    let workspace = opt_str(args, "workspace")?;
    let pipeline = opt_str(args, "pipeline_key")?;
    let status = opt_str(args, "status")?;
    let triggered_by = opt_str(args, "triggered_by")?;
    let env = opt_str(args, "env")?;
    let from = max_opt(
        time_bound(args, "date_from", false)?,
        time_bound(args, "exe_start_time_from", false)?,
    );
    let to = min_opt(
        time_bound(args, "date_to", true)?,
        time_bound(args, "exe_start_time_to", true)?,
    );
    let page = opt_uint(args, "page")?.unwrap_or(1).max(1);
    let page_size = opt_uint(args, "page_size")?.unwrap_or(20).clamp(1, 100);
    let scenario = &store.scenario;
    let eq = |a: &str, b: Option<&str>| b.is_none_or(|b| a.eq_ignore_ascii_case(b.trim()));
    let rows: Vec<Value> = store
        .newest_first()
        .filter(|_| eq(&scenario.workspace, workspace))
        .filter(|e| {
            let key = scenario
                .pipelines
                .get(e.pipeline)
                .map_or("", |p| p.key.as_str());
            eq(key, pipeline)
        })
        .filter(|e| eq(&e.environment, env))
        .filter(|e| eq(&e.triggered_by, triggered_by) || eq(e.trigger, triggered_by))
        .filter(|e| from.is_none_or(|f| e.created >= f) && to.is_none_or(|t| e.created <= t))
        .map(|e| store::execution_json(scenario, e, now, false))
        .filter(|v| {
            status.is_none_or(|s| {
                ["status", "result"].iter().any(|f| {
                    v.get(f)
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.eq_ignore_ascii_case(s.trim()))
                })
            })
        })
        .collect();
    let total = rows.len();
    let skip = usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let rows: Vec<Value> = rows
        .into_iter()
        .skip(skip)
        .take(usize::try_from(page_size).unwrap_or(20))
        .collect();
    Ok(ToolResult::Ok(json!({
        "executions": rows,
        "total": total,
        "page": page,
        "page_size": page_size,
    })))
}

fn max_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn min_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn log_sign(
    store: &Store,
    ctx: &ToolCtx<'_>,
    args: &Map<String, Value>,
) -> Result<ToolResult, RpcError> {
    let key = req_str(args, "executionKey")?;
    let index = req_uint(args, "caseIndex")?;
    let (exe, i) = match find_case(store, key, index) {
        Ok(found) => found,
        Err(failed) => return Ok(failed),
    };
    let view = store::case_view(exe, i, ctx.now);
    if matches!(view.state, CaseState::Pending | CaseState::NotRun) {
        return Ok(ToolResult::Failed(format!(
            "case {index} of execution {key} has not started; it has no log yet"
        )));
    }
    let uuid = exe.uuids.get(i).cloned().unwrap_or_default();
    let now_s = ctx.now.div_euclid(1000);
    let exp = if ctx.faults.expired_sign {
        now_s - 120
    } else {
        now_s + 15 * 60
    };
    let claims = Claims {
        exec: key.to_string(),
        case: index,
        uuid: uuid.clone(),
        exp,
    };
    let Some(sign) = ctx.signer.issue(&claims) else {
        return Ok(ToolResult::Failed("the sign could not be issued".into()));
    };
    let operator = &store.scenario.operator;
    let url = format!(
        "http://{uuid}.tr.{}:{}/api/v2/logproxy/internal/view",
        ctx.log_domain, ctx.port
    );
    let curl = format!("curl -s -H \"X-Sign: {sign}\" -H \"X-Operator-Id: {operator}\" \"{url}\"");
    Ok(ToolResult::Ok(json!({
        "sign": sign,
        "logUrl": url,
        "operatorId": operator,
        "curlCommand": curl,
        "expiresAt": store::rfc3339(exp.saturating_mul(1000)),
    })))
}
