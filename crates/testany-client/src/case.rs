//! `testany_get_case`: what a case is (facts.md, "Cases are test projects"): its name
//! and `case_meta.trigger_method` (executor, `trigger_path` or `trigger_command`), the
//! evidence that tells the linker which files of the workspace a case's tests live in.
//!
//! A case's metadata changes only when someone edits the case, far less often than
//! anything the editor polls, so each client fetches it once per case and keeps it
//! (issue 15: "fetched once per case and cached"). Failures are not kept: the next
//! call asks again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

/// `case_meta.trigger_method.executor`. Unknown executors keep their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Executor {
    /// pytest with network retries (facts.md: recommended for Python).
    Pyres,
    Python,
    Maven,
    Gradle,
    Postman,
    Playwright,
    /// Any other executor, as the service wrote it (trimmed).
    Other(String),
}

impl Executor {
    /// Reads an executor word case-insensitively; `None` for an empty one.
    pub fn parse(raw: &str) -> Option<Executor> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        Some(match raw.to_ascii_lowercase().as_str() {
            "pyres" => Executor::Pyres,
            "python" => Executor::Python,
            "maven" => Executor::Maven,
            "gradle" => Executor::Gradle,
            "postman" | "newman" => Executor::Postman,
            "playwright" => Executor::Playwright,
            _ => Executor::Other(raw.to_owned()),
        })
    }

    /// The executor's word: lower case for the known ones, the raw text otherwise.
    pub fn as_str(&self) -> &str {
        match self {
            Executor::Pyres => "pyres",
            Executor::Python => "python",
            Executor::Maven => "maven",
            Executor::Gradle => "gradle",
            Executor::Postman => "postman",
            Executor::Playwright => "playwright",
            Executor::Other(raw) => raw,
        }
    }
}

/// A case's metadata from `testany_get_case`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMeta {
    /// The key asked for.
    pub case_key: String,
    pub name: Option<String>,
    pub executor: Option<Executor>,
    /// A spec file, a collection, `./` or a test class path (relative to the case's ZIP).
    pub trigger_path: Option<String>,
    /// Python cases: `["python", "-m", "pytest", "tests/", "-v"]` (empty when absent).
    pub trigger_command: Vec<String>,
}

impl CaseMeta {
    /// Reads a `testany_get_case` payload. Field names are tolerated in snake_case and
    /// camelCase, `case_meta` and `trigger_method` may arrive as JSON text, a
    /// `trigger_command` may be one string (split like a shell line), and a payload
    /// wrapped in `case` or `data` is unwrapped. `Err` says what is missing.
    pub fn from_json(payload: &Value, case_key: &str) -> std::result::Result<CaseMeta, String> {
        let mut case = payload;
        for wrapper in ["case", "data", "result"] {
            if let Some(inner) = case.get(wrapper).filter(|v| v.is_object()) {
                case = inner;
            }
        }
        if !case.is_object() {
            return Err("the testany_get_case result is not a JSON object".to_owned());
        }
        let meta = field(case, &["case_meta", "caseMeta", "meta"]).map(parse_text);
        let method = meta
            .as_ref()
            .and_then(|m| field(m, &["trigger_method", "triggerMethod"]).map(parse_text))
            .or_else(|| field(case, &["trigger_method", "triggerMethod"]).map(parse_text));
        // Where the trigger fields live: trigger_method, else case_meta, else the case.
        let holders: Vec<&Value> = [method.as_ref(), meta.as_ref(), Some(case)]
            .into_iter()
            .flatten()
            .collect();
        let find = |names: &[&str]| holders.iter().find_map(|h| field(h, names));
        let name = field(case, &["name", "case_name", "caseName", "title"])
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let executor = find(&["executor", "executor_type", "executorType"])
            .and_then(Value::as_str)
            .and_then(Executor::parse);
        let trigger_path = find(&["trigger_path", "triggerPath"])
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let trigger_command = find(&["trigger_command", "triggerCommand"])
            .map(command_words)
            .unwrap_or_default();
        Ok(CaseMeta {
            case_key: case_key.to_owned(),
            name,
            executor,
            trigger_path,
            trigger_command,
        })
    }
}

/// The first of `names` present and not null in `v`.
fn field<'v>(v: &'v Value, names: &[&str]) -> Option<&'v Value> {
    names
        .iter()
        .find_map(|n| v.get(*n).filter(|x| !x.is_null()))
}

/// An object sent as JSON text is read as the object; anything else stays as it is.
fn parse_text(v: &Value) -> Value {
    match v {
        Value::String(s) if s.trim_start().starts_with('{') => {
            serde_json::from_str(s).unwrap_or(Value::Null)
        }
        other => other.clone(),
    }
}

/// An argument array (strings; numbers and booleans as their text), or one command
/// line split into words.
fn command_words(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('[')
                && let Ok(parsed @ Value::Array(_)) = serde_json::from_str::<Value>(t)
            {
                return command_words(&parsed);
            }
            split_words(t)
        }
        _ => Vec::new(),
    }
}

/// Splits a command line on whitespace, honouring single and double quotes and
/// backslash escapes outside single quotes (enough for `python -m pytest "tests/a b"`).
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Per-client cache of case metadata: one slot per case key, locked while its fetch
/// runs, so concurrent callers asking for the same case share one request.
#[derive(Debug, Default)]
pub(crate) struct CaseCache {
    slots: Mutex<HashMap<String, Slot>>,
}

/// One case's metadata, `None` until fetched.
type Slot = Arc<futures_util::lock::Mutex<Option<Arc<CaseMeta>>>>;

impl CaseCache {
    pub(crate) fn slot(&self, key: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(key.to_owned()).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(v: Value) -> CaseMeta {
        CaseMeta::from_json(&v, "A1B2C3D4").unwrap()
    }

    #[test]
    fn reads_the_documented_shape() {
        let m = meta(json!({
            "case_key": "A1B2C3D4",
            "name": "api tests",
            "case_meta": {"trigger_method": {
                "executor": "pyres",
                "trigger_command": ["python", "-m", "pytest", "tests/", "-v"]
            }}
        }));
        assert_eq!(
            m,
            CaseMeta {
                case_key: "A1B2C3D4".into(),
                name: Some("api tests".into()),
                executor: Some(Executor::Pyres),
                trigger_path: None,
                trigger_command: vec![
                    "python".into(),
                    "-m".into(),
                    "pytest".into(),
                    "tests/".into(),
                    "-v".into()
                ],
            }
        );
    }

    #[test]
    fn tolerates_camel_case_text_envelopes_and_unknown_executors() {
        let m = meta(json!({"data": {
            "caseName": "login e2e",
            "caseMeta": "{\"triggerMethod\": {\"executor\": \"PLAYWRIGHT\", \"triggerPath\": \" tests/e2e/login.spec.ts \"}}"
        }}));
        assert_eq!(m.name.as_deref(), Some("login e2e"));
        assert_eq!(m.executor, Some(Executor::Playwright));
        assert_eq!(m.trigger_path.as_deref(), Some("tests/e2e/login.spec.ts"));
        assert!(m.trigger_command.is_empty());

        let m = meta(json!({"name": "k6", "case_meta": {"trigger_method": {
            "executor": " K6-Load ", "trigger_command": "k6 run 'load tests/smoke.js' --vus 10"
        }}}));
        assert_eq!(m.executor, Some(Executor::Other("K6-Load".into())));
        assert_eq!(m.executor.as_ref().map(Executor::as_str), Some("K6-Load"));
        assert_eq!(
            m.trigger_command,
            ["k6", "run", "load tests/smoke.js", "--vus", "10"]
        );

        // trigger_method beside case_meta, a command array sent as JSON text.
        let m = meta(json!({"trigger_method": {"executor": "python",
            "trigger_command": "[\"python\", \"test_api.py\"]"}}));
        assert_eq!(m.executor, Some(Executor::Python));
        assert_eq!(m.trigger_command, ["python", "test_api.py"]);
        assert_eq!(m.name, None);
    }

    #[test]
    fn missing_meta_is_empty_and_non_objects_are_refused() {
        let m = meta(json!({"name": "bare"}));
        assert_eq!((m.executor, m.trigger_path), (None, None));
        assert_eq!(
            CaseMeta::from_json(&json!(["x"]), "K").unwrap_err(),
            "the testany_get_case result is not a JSON object"
        );
    }

    #[test]
    fn splits_command_lines_like_a_shell() {
        assert_eq!(
            split_words(r#"python -m pytest "tests/a b" x\ y 'it''s' """#),
            ["python", "-m", "pytest", "tests/a b", "x y", "its", ""]
        );
        assert!(split_words("   ").is_empty());
    }
}
