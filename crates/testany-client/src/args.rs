//! Mapping typed arguments onto the names each tool's `inputSchema` declares.
//!
//! Only `testany_log_sign`'s argument names are documented (executionKey, caseIndex);
//! the others are read from `tools/list`. An argument the schema does not declare is
//! never sent: the caller filters results client-side instead.

use serde_json::{Map, Value};

use crate::protocol::ToolSchema;

/// The arguments our operations know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arg {
    ExecutionKey,
    PipelineKey,
    CaseIndex,
    /// `testany_get_case`'s case key (facts.md: "argument: the case key", name unknown).
    CaseKey,
    Workspace,
    Status,
    DateFrom,
    DateTo,
    TriggeredBy,
    Env,
    ExeStartTimeFrom,
    ExeStartTimeTo,
    Page,
    PageSize,
}

impl Arg {
    /// Accepted names, the seed's (snake_case, execution-skill.md / facts.md) first.
    pub fn candidates(self) -> &'static [&'static str] {
        match self {
            Arg::ExecutionKey => &[
                "execution_key",
                "executionKey",
                "execution_id",
                "executionId",
                "execution",
                "key",
                "id",
            ],
            Arg::PipelineKey => &[
                "pipeline_key",
                "pipelineKey",
                "pipeline_id",
                "pipelineId",
                "pipeline",
                "key",
                "id",
            ],
            Arg::CaseIndex => &["case_index", "caseIndex", "index"],
            Arg::CaseKey => &[
                "case_key", "caseKey", "case_id", "caseId", "case", "key", "id",
            ],
            Arg::Workspace => &["workspace", "workspace_key", "workspaceKey"],
            Arg::Status => &["status", "result"],
            Arg::DateFrom => &["date_from", "dateFrom", "from"],
            Arg::DateTo => &["date_to", "dateTo", "to"],
            Arg::TriggeredBy => &["triggered_by", "triggeredBy", "trigger"],
            Arg::Env => &["env", "environment"],
            Arg::ExeStartTimeFrom => &["exe_start_time_from", "exeStartTimeFrom"],
            Arg::ExeStartTimeTo => &["exe_start_time_to", "exeStartTimeTo"],
            Arg::Page => &["page", "page_num", "pageNum", "page_no", "pageNo"],
            Arg::PageSize => &["page_size", "pageSize", "size", "limit"],
        }
    }

    /// The name to use when no schema is known.
    pub fn seed_name(self, tool: &str) -> &'static str {
        match (tool, self) {
            ("testany_log_sign", Arg::ExecutionKey) => "executionKey",
            ("testany_log_sign", Arg::CaseIndex) => "caseIndex",
            _ => self.candidates().first().copied().unwrap_or("key"),
        }
    }
}

/// `execution_key`, `executionKey` and `Execution-Key` all normalise to `executionkey`.
/// ASCII case folding: the names compared are ASCII, and Unicode's case tables would
/// cost ~5 KB in the .wasm.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The schema's name for `arg`, if it declares one.
fn declared_name<'s>(arg: Arg, properties: &'s [String], taken: &[&str]) -> Option<&'s str> {
    let free = |p: &&String| !taken.contains(&p.as_str());
    for candidate in arg.candidates() {
        if let Some(p) = properties
            .iter()
            .filter(free)
            .find(|p| p.as_str() == *candidate)
        {
            return Some(p.as_str());
        }
    }
    for candidate in arg.candidates() {
        let want = normalise(candidate);
        if let Some(p) = properties
            .iter()
            .filter(free)
            .find(|p| normalise(p) == want)
        {
            return Some(p.as_str());
        }
    }
    None
}

/// The arguments to send and the ones the schema does not declare.
#[derive(Debug, Default, PartialEq)]
pub struct Mapped {
    pub arguments: Map<String, Value>,
    pub undeclared: Vec<Arg>,
}

/// Maps `args` for `tool` onto `schema` (the seed's names when no schema is known).
pub fn map_arguments(tool: &str, schema: Option<&ToolSchema>, args: &[(Arg, Value)]) -> Mapped {
    let mut mapped = Mapped::default();
    // A tool without `inputSchema.properties` tells us nothing: use the seed's names.
    let properties = schema.and_then(|s| s.properties.as_deref());
    for (arg, value) in args {
        match properties {
            None => {
                mapped
                    .arguments
                    .insert(arg.seed_name(tool).to_owned(), value.clone());
            }
            Some(properties) => {
                let taken: Vec<&str> = mapped.arguments.keys().map(String::as_str).collect();
                match declared_name(*arg, properties, &taken) {
                    Some(name) => {
                        let name = name.to_owned();
                        mapped.arguments.insert(name, value.clone());
                    }
                    None => {
                        tracing::debug!(tool, argument = ?arg, "the tool's schema does not declare this argument; not sending it");
                        mapped.undeclared.push(*arg);
                    }
                }
            }
        }
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(props: &[&str]) -> ToolSchema {
        ToolSchema {
            name: "t".into(),
            properties: Some(props.iter().map(|p| p.to_string()).collect()),
        }
    }

    #[test]
    fn maps_onto_declared_names() {
        let table: Vec<(&str, Vec<&str>, Arg, Option<&str>)> = vec![
            (
                "testany_get_execution",
                vec!["execution_key"],
                Arg::ExecutionKey,
                Some("execution_key"),
            ),
            (
                "testany_get_execution",
                vec!["executionKey"],
                Arg::ExecutionKey,
                Some("executionKey"),
            ),
            (
                "testany_get_execution",
                vec!["execution_id"],
                Arg::ExecutionKey,
                Some("execution_id"),
            ),
            (
                "testany_get_execution",
                vec!["executionId"],
                Arg::ExecutionKey,
                Some("executionId"),
            ),
            (
                "testany_get_execution",
                vec!["ExecutionKey"],
                Arg::ExecutionKey,
                Some("ExecutionKey"),
            ),
            (
                "testany_get_execution",
                vec!["key"],
                Arg::ExecutionKey,
                Some("key"),
            ),
            (
                "testany_get_execution",
                vec!["id"],
                Arg::ExecutionKey,
                Some("id"),
            ),
            (
                "testany_get_pipeline",
                vec!["pipeline"],
                Arg::PipelineKey,
                Some("pipeline"),
            ),
            (
                "testany_get_pipeline",
                vec!["pipelineKey"],
                Arg::PipelineKey,
                Some("pipelineKey"),
            ),
            (
                "testany_get_execution_case",
                vec!["execution_key", "index"],
                Arg::CaseIndex,
                Some("index"),
            ),
            (
                "testany_log_sign",
                vec!["executionKey", "caseIndex"],
                Arg::CaseIndex,
                Some("caseIndex"),
            ),
            (
                "testany_list_executions",
                vec!["environment"],
                Arg::Env,
                Some("environment"),
            ),
            (
                "testany_list_executions",
                vec!["pageSize"],
                Arg::PageSize,
                Some("pageSize"),
            ),
            (
                "testany_list_executions",
                vec!["workspace"],
                Arg::TriggeredBy,
                None,
            ),
        ];
        for (tool, props, arg, expected) in table {
            let m = map_arguments(tool, Some(&schema(&props)), &[(arg, json!("v"))]);
            match expected {
                Some(name) => {
                    assert_eq!(
                        m.arguments,
                        Map::from_iter([(name.to_owned(), json!("v"))]),
                        "{props:?}"
                    );
                    assert!(m.undeclared.is_empty());
                }
                None => {
                    assert!(m.arguments.is_empty(), "{props:?}");
                    assert_eq!(m.undeclared, vec![arg]);
                }
            }
        }
    }

    #[test]
    fn two_arguments_never_share_one_name() {
        let m = map_arguments(
            "x",
            Some(&schema(&["key", "index"])),
            &[
                (Arg::ExecutionKey, json!("E")),
                (Arg::PipelineKey, json!("P")),
            ],
        );
        assert_eq!(
            m.arguments,
            Map::from_iter([("key".to_owned(), json!("E"))])
        );
        assert_eq!(m.undeclared, vec![Arg::PipelineKey]);
    }

    #[test]
    fn falls_back_to_seed_names_without_a_schema() {
        let args = [(Arg::ExecutionKey, json!("E")), (Arg::CaseIndex, json!(0))];
        let m = map_arguments("testany_log_sign", None, &args);
        assert_eq!(
            m.arguments,
            Map::from_iter([
                ("executionKey".to_owned(), json!("E")),
                ("caseIndex".to_owned(), json!(0))
            ])
        );
        let m = map_arguments(
            "testany_get_execution_case",
            Some(&ToolSchema {
                name: "t".into(),
                properties: None,
            }),
            &args,
        );
        assert_eq!(
            m.arguments,
            Map::from_iter([
                ("execution_key".to_owned(), json!("E")),
                ("case_index".to_owned(), json!(0))
            ])
        );
    }
}
