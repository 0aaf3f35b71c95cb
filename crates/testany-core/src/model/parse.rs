//! Tolerant conversion from `serde_json::Value` to the model.
//!
//! Field names are compared after dropping `_`/`-` and case, so `execution_key`,
//! `executionKey` and `ExecutionKey` are one name; each field lists its aliases in order
//! of preference. A field of the wrong type is treated as missing, never as an error.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::{
    CaseResult, Execution, ExecutionResult, ExecutionStatus, ModelError, Pipeline, PipelineCase,
    Trigger, words,
};

pub(super) type Object = Map<String, Value>;

/// Field-name aliases, already folded (lower case, no `_`/`-`).
pub(super) mod names {
    pub const EXECUTION_KEY: &[&str] = &["executionkey", "executionid", "key", "id"];
    pub const CASE_KEY: &[&str] = &["casekey", "caseid", "key", "id"];
    pub const PIPELINE_KEY: &[&str] = &["pipelinekey", "pipelineid"];
    pub const PIPELINE_OWN_KEY: &[&str] = &["pipelinekey", "pipelineid", "key", "id"];
    pub const PIPELINE_NAME: &[&str] = &["pipelinename"];
    pub const NAME: &[&str] = &["name", "casename", "title"];
    pub const OWN_NAME: &[&str] = &["name", "pipelinename", "title"];
    pub const WORKSPACE: &[&str] = &["workspace", "workspacekey", "workspaceid"];
    pub const ENVIRONMENT: &[&str] = &["environment", "env", "environmentname", "envname"];
    pub const STATUS: &[&str] = &[
        "status",
        "executionstatus",
        "casestatus",
        "state",
        "exestatus",
    ];
    pub const RESULT: &[&str] = &[
        "result",
        "executionresult",
        "caseresult",
        "exeresult",
        "outcome",
    ];
    pub const TRIGGER: &[&str] = &["triggertype", "trigger", "triggersource", "triggeredby"];
    pub const STARTED: &[&str] = &[
        "startedat",
        "starttime",
        "exestarttime",
        "startat",
        "startedtime",
        "begintime",
    ];
    pub const COMPLETED: &[&str] = &[
        "completedat",
        "finishedat",
        "endedat",
        "endtime",
        "exeendtime",
        "finishtime",
        "completedtime",
        "completetime",
        "endat",
    ];
    pub const DURATION_MS: &[&str] = &[
        "durationms",
        "durationmillis",
        "durationmilliseconds",
        "durationinms",
        "elapsedms",
    ];
    pub const DURATION_S: &[&str] = &[
        "durations",
        "durationsec",
        "durationsecs",
        "durationseconds",
        "durationinseconds",
        "elapsedseconds",
    ];
    pub const ERROR: &[&str] = &[
        "error",
        "errormessage",
        "errormsg",
        "failuremessage",
        "failurereason",
        "message",
    ];
    pub const RUNTIME_UUID: &[&str] = &["runtimeuuid", "runtimeid"];
    pub const INDEX: &[&str] = &["index", "caseindex", "idx"];
    pub const CASES: &[&str] = &[
        "cases",
        "caseresults",
        "caselist",
        "executioncases",
        "testcases",
    ];
}

/// Whether a field name, lower-cased and without `_`/`-`, equals a folded alias
/// (compared without allocating: objects from the network may be wide).
pub(super) fn name_matches(name: &str, alias: &str) -> bool {
    name.bytes()
        .filter(|b| *b != b'_' && *b != b'-')
        .map(|b| b.to_ascii_lowercase())
        .eq(alias.bytes())
}

/// Objects wider than this are indexed by folded name once, so a hostile or huge
/// object costs O(n log n) instead of O(n) per field looked up.
const SCAN_LIMIT: usize = 48;

/// An object prepared for alias lookups.
pub(super) enum Fields<'a> {
    Scan(&'a Object),
    Index(BTreeMap<String, Vec<&'a Value>>),
}

impl<'a> Fields<'a> {
    pub(super) fn new(obj: &'a Object) -> Fields<'a> {
        if obj.len() <= SCAN_LIMIT {
            return Fields::Scan(obj);
        }
        let mut index: BTreeMap<String, Vec<&'a Value>> = BTreeMap::new();
        for (name, value) in obj {
            let folded: String = name
                .bytes()
                .filter(|b| *b != b'_' && *b != b'-')
                .map(|b| char::from(b.to_ascii_lowercase()))
                .collect();
            index.entry(folded).or_default().push(value);
        }
        Fields::Index(index)
    }
}

/// The first non-null value under any alias (in alias order) that `conv` accepts.
pub(super) fn lookup<'a, T>(
    fields: &Fields<'a>,
    aliases: &[&str],
    mut conv: impl FnMut(&'a Value) -> Option<T>,
) -> Option<T> {
    for alias in aliases {
        match fields {
            Fields::Scan(obj) => {
                for (name, value) in obj.iter() {
                    if value.is_null() || !name_matches(name, alias) {
                        continue;
                    }
                    if let Some(v) = conv(value) {
                        return Some(v);
                    }
                }
            }
            Fields::Index(index) => {
                for value in index.get(*alias).into_iter().flatten() {
                    if value.is_null() {
                        continue;
                    }
                    if let Some(v) = conv(value) {
                        return Some(v);
                    }
                }
            }
        }
    }
    None
}

/// [`lookup`] on a plain object (for small nested objects read once).
fn lookup_in<'a, T>(
    obj: &'a Object,
    aliases: &[&str],
    conv: impl FnMut(&'a Value) -> Option<T>,
) -> Option<T> {
    lookup(&Fields::new(obj), aliases, conv)
}

/// The JSON type of a value, in words, for error messages that must not quote it.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string as is (any string, even empty).
pub(super) fn as_text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// A key: a non-blank string, or a number written out.
pub(super) fn as_key(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A name-like value: a string, or an object's `name`/`key`.
fn as_label(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => lookup_in(o, &["name", "key", "code", "id"], as_key),
        _ => None,
    }
}

/// A non-negative whole number: integers, finite floats (rounded) or digit strings.
pub(super) fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            // Float-to-int `as` saturates; the range check keeps it exact in meaning.
            (0.0..1.8e19).contains(&f).then(|| f.round() as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_usize(value: &Value) -> Option<usize> {
    as_u64(value).and_then(|n| usize::try_from(n).ok())
}

/// Epoch numbers below this are seconds, above it milliseconds (1e11 s is year 5138,
/// 1e11 ms is 1973), so both common encodings read right.
const SECONDS_LIMIT: i64 = 100_000_000_000;

/// A timestamp: RFC 3339 (offset or `Z`), a civil `2024-01-15 10:00:00` taken as UTC,
/// or an epoch number (milliseconds; seconds when small, see [`SECONDS_LIMIT`]).
pub(super) fn as_timestamp(value: &Value) -> Option<Timestamp> {
    match value {
        Value::Number(n) => {
            let n = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.abs() < 9.0e15).map(|f| f as i64))?;
            epoch(n)
        }
        Value::String(s) => parse_timestamp(s),
        _ => None,
    }
}

fn epoch(n: i64) -> Option<Timestamp> {
    // `unsigned_abs`: `i64::MIN.abs()` overflows.
    if n.unsigned_abs() < SECONDS_LIMIT.unsigned_abs() {
        Timestamp::from_second(n).ok()
    } else {
        Timestamp::from_millisecond(n).ok()
    }
}

/// Parses the text forms of [`as_timestamp`].
pub fn parse_timestamp(raw: &str) -> Option<Timestamp> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(ts) = parse_rfc3339(s) {
        return Some(ts);
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return s.parse::<i64>().ok().and_then(epoch);
    }
    None
}

/// RFC 3339 text (`2024-01-15T10:00:00Z`, `…+08:00`, fractions) as a timestamp, and the
/// ISO 8601 variants services also send: a date alone (midnight UTC), no offset (UTC),
/// `T10:00` without seconds, `,` before the fraction, `±hhmm` and `±hh` offsets, an RFC
/// 9557 `[zone]` suffix, a leap second `:60` (read as `:59`).
///
/// Those variants are rewritten as RFC 3339 text, then the `time` crate parses and
/// validates it. Not jiff's parser: it links every jiff error message into the wasm
/// build (~37 KB gzipped, issue 8), and time's ISO 8601 parser is ~2 KB larger still.
pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    use time::format_description::well_known::Rfc3339;
    let text = rfc3339_text(s)?;
    let t = time::OffsetDateTime::parse(&text, &Rfc3339).ok()?;
    Timestamp::from_nanosecond(t.unix_timestamp_nanos()).ok()
}

/// The RFC 3339 spelling of an extended-format ISO 8601 date-time; `None` when `s` is
/// not shaped like one (digits and ranges are left for the parser to check).
fn rfc3339_text(s: &str) -> Option<String> {
    let s = match s.find('[') {
        Some(i) if s.ends_with(']') => &s[..i],
        _ => s,
    };
    // Every form is ASCII (so every byte offset below is a character boundary).
    if !s.is_ascii() {
        return None;
    }
    let mut t = s.to_owned();
    if t.len() == 10 {
        t.push_str("T00:00:00");
    }
    // `time` takes any byte between date and time; RFC 3339 allows `T`, `t`, space.
    if !matches!(t.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    if t.len() == 16 || matches!(t.as_bytes().get(16), Some(b'Z' | b'z' | b'+' | b'-')) {
        t.insert_str(16, ":00");
    }
    if t.as_bytes().get(19) == Some(&b',') {
        t.replace_range(19..20, ".");
    }
    // A leap second reads as `:59` with its fraction (`time` would make it
    // `:59.999999999`).
    if t.get(16..19) == Some(":60") {
        t.replace_range(17..19, "59");
    }
    let tail = t.get(19..)?;
    match tail.rfind(['+', '-']) {
        Some(at) => {
            let zone = &tail[at + 1..];
            let digits = zone.bytes().all(|b| b.is_ascii_digit());
            match zone.len() {
                4 if digits => t.insert(19 + at + 3, ':'),
                2 if digits => t.push_str(":00"),
                _ => {}
            }
        }
        // No offset: UTC.
        None if !tail.ends_with(['Z', 'z']) => t.push('Z'),
        None => {}
    }
    Some(t)
}

/// A status field's value: a word (synonyms folded) or, for numbers, the number as
/// text (numeric codes differ between vendor documents, so they are never guessed).
enum StatusWord {
    Status(ExecutionStatus),
    Result(ExecutionResult),
}

fn as_status_word(value: &Value) -> Option<StatusWord> {
    match value {
        Value::String(s) => Some(if let Some(st) = words::status(s) {
            StatusWord::Status(st)
        } else if let Some(r) = words::result(s) {
            StatusWord::Result(r)
        } else {
            StatusWord::Status(ExecutionStatus::Unknown(s.clone()))
        }),
        Value::Number(n) => Some(StatusWord::Status(ExecutionStatus::Unknown(n.to_string()))),
        Value::Object(o) => lookup_in(o, &["name", "code", "value", "status"], |v| match v {
            Value::Object(_) => None,
            v => as_status_word(v),
        }),
        _ => None,
    }
}

fn as_result(value: &Value) -> Option<ExecutionResult> {
    match value {
        Value::String(s) => Some(ExecutionResult::parse(s)),
        Value::Number(n) => Some(ExecutionResult::Unknown(n.to_string())),
        Value::Object(o) => lookup_in(o, &["name", "code", "value", "result"], |v| match v {
            Value::Object(_) => None,
            v => as_result(v),
        }),
        _ => None,
    }
}

fn as_trigger(value: &Value) -> Option<Trigger> {
    match value {
        // An e-mail here names a person (`triggered_by`), not a trigger kind; it is
        // never kept, since operator e-mails are treated as secrets.
        Value::String(s) if s.contains('@') => None,
        Value::String(s) => Some(Trigger::parse(s)),
        Value::Number(n) => Some(Trigger::Unknown(n.to_string())),
        Value::Object(o) => lookup_in(o, &["type", "kind", "source", "name"], |v| match v {
            Value::Object(_) => None,
            v => as_trigger(v),
        }),
        _ => None,
    }
}

/// An error text: a string, or an object's `message`.
fn as_error(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            lookup_in(o, &["message", "msg", "detail", "error"], |v| v.as_str()).map(str::to_owned)
        }
        _ => None,
    }
}

/// Status and result from the two fields, with the rules of facts.md: a result word
/// in `status` means the run completed with that result; a result without a status
/// means completed.
fn status_and_result(obj: &Fields<'_>) -> (Option<ExecutionStatus>, Option<ExecutionResult>) {
    let explicit_result = lookup(obj, names::RESULT, as_result);
    match lookup(obj, names::STATUS, as_status_word) {
        Some(StatusWord::Status(s)) => (Some(s), explicit_result),
        Some(StatusWord::Result(r)) => (
            Some(ExecutionStatus::Completed),
            Some(explicit_result.unwrap_or(r)),
        ),
        None => {
            let status = explicit_result.as_ref().map(|_| ExecutionStatus::Completed);
            (status, explicit_result)
        }
    }
}

/// Duration in ms: an explicit `duration_ms` (or a clearly named seconds field), else
/// the difference of the two timestamps when it is not negative.
fn duration_ms(
    obj: &Fields<'_>,
    started: Option<Timestamp>,
    done: Option<Timestamp>,
) -> Option<u64> {
    lookup(obj, names::DURATION_MS, as_u64)
        .or_else(|| {
            lookup(obj, names::DURATION_S, |v| match v {
                Value::Number(n) => n
                    .as_f64()
                    .filter(|f| (0.0..1.8e16).contains(f))
                    .map(|f| (f * 1000.0).round() as u64),
                v => as_u64(v).and_then(|s| s.checked_mul(1000)),
            })
        })
        .or_else(|| {
            let ms = done?
                .as_millisecond()
                .checked_sub(started?.as_millisecond())?;
            u64::try_from(ms).ok()
        })
}

/// A nested object under one of `aliases` (e.g. `pipeline: {key, name}`).
fn nested<'a>(obj: &Fields<'a>, aliases: &[&str]) -> Option<Fields<'a>> {
    lookup(obj, aliases, Value::as_object).map(Fields::new)
}

impl Execution {
    /// Reads an execution from any of the shapes the service may send (see the module
    /// docs). Fails only when `value` is not an object or carries no execution key; an
    /// object wrapping the execution under `execution` or `data` is unwrapped.
    pub fn from_json(value: &Value) -> Result<Execution, ModelError> {
        execution_from(value, 2)
    }
}

fn execution_from(value: &Value, unwrap_depth: u8) -> Result<Execution, ModelError> {
    let Some(obj) = value.as_object() else {
        return Err(ModelError::NotAnObject {
            what: "an execution",
            found: type_name(value),
        });
    };
    let obj = &Fields::new(obj);
    let Some(key) = lookup(obj, names::EXECUTION_KEY, as_key) else {
        if unwrap_depth > 0
            && let Some(inner) = lookup(obj, &["execution", "data", "result"], |v| {
                v.is_object().then_some(v)
            })
        {
            return execution_from(inner, unwrap_depth - 1);
        }
        return Err(ModelError::MissingKey {
            what: "an execution",
            fields: "execution_key, executionKey, execution_id, executionId, key, id",
        });
    };
    let (status, result) = status_and_result(obj);
    let pipeline = nested(obj, &["pipeline"]);
    let pipeline_key = lookup(obj, names::PIPELINE_KEY, as_key)
        .or_else(|| lookup(obj, &["pipeline"], |v| v.is_string().then(|| as_key(v))?))
        .or_else(|| {
            pipeline
                .as_ref()
                .and_then(|p| lookup(p, names::PIPELINE_OWN_KEY, as_key))
        });
    let pipeline_name = lookup(obj, names::PIPELINE_NAME, as_text).or_else(|| {
        pipeline
            .as_ref()
            .and_then(|p| lookup(p, names::OWN_NAME, as_text))
    });
    let started_at = lookup(obj, names::STARTED, as_timestamp);
    let completed_at = lookup(obj, names::COMPLETED, as_timestamp);
    let cases = lookup(obj, names::CASES, Value::as_array)
        .map(|rows| {
            rows.iter()
                .enumerate()
                .map(|(pos, row)| case_from(row, pos))
                .collect()
        })
        .unwrap_or_default();
    Ok(Execution {
        key,
        status: status.unwrap_or_else(|| ExecutionStatus::Unknown(String::new())),
        result,
        pipeline_key,
        pipeline_name,
        workspace: lookup(obj, names::WORKSPACE, as_label),
        environment: lookup(obj, names::ENVIRONMENT, as_label),
        trigger: lookup(obj, names::TRIGGER, as_trigger),
        started_at,
        completed_at,
        duration_ms: duration_ms(obj, started_at, completed_at),
        cases,
    })
}

/// One row of a `cases` array. Never fails: the row keeps its position (the log_sign
/// `caseIndex`) even when it carries nothing usable.
fn case_from(value: &Value, position: usize) -> CaseResult {
    match value {
        Value::Object(obj) => CaseResult::from_object(obj, position),
        Value::String(_) => CaseResult {
            index: position,
            case_key: as_key(value).unwrap_or_default(),
            ..CaseResult::default()
        },
        _ => CaseResult {
            index: position,
            ..CaseResult::default()
        },
    }
}

impl CaseResult {
    /// Reads a case row; `position` is its place in the array, used as `index` unless
    /// the row gives one. Fails only when `value` is not an object.
    pub fn from_json(value: &Value, position: usize) -> Result<CaseResult, ModelError> {
        let Some(obj) = value.as_object() else {
            return Err(ModelError::NotAnObject {
                what: "a case",
                found: type_name(value),
            });
        };
        Ok(Self::from_object(obj, position))
    }

    fn from_object(obj: &Object, position: usize) -> CaseResult {
        let obj = &Fields::new(obj);
        // Some shapes nest the declared case: `{"case": {"key", "name"}, "status": ...}`.
        let declared = nested(obj, &["case", "testcase"]);
        let (status, result) = status_and_result(obj);
        let started_at = lookup(obj, names::STARTED, as_timestamp);
        let completed_at = lookup(obj, names::COMPLETED, as_timestamp);
        CaseResult {
            index: lookup(obj, names::INDEX, as_usize).unwrap_or(position),
            case_key: lookup(obj, names::CASE_KEY, as_key)
                .or_else(|| {
                    declared
                        .as_ref()
                        .and_then(|d| lookup(d, names::CASE_KEY, as_key))
                })
                .unwrap_or_default(),
            name: lookup(obj, names::NAME, as_text).or_else(|| {
                declared
                    .as_ref()
                    .and_then(|d| lookup(d, names::NAME, as_text))
            }),
            status,
            result,
            duration_ms: duration_ms(obj, started_at, completed_at),
            error: lookup(obj, names::ERROR, as_error),
            runtime_uuid: lookup(obj, names::RUNTIME_UUID, as_key),
            started_at,
            completed_at,
        }
    }
}

impl PipelineCase {
    /// Reads a declared case: an object with a key (and maybe a name) or a bare key string.
    pub fn from_json(value: &Value) -> Option<PipelineCase> {
        match value {
            Value::String(s) if !s.trim().is_empty() => Some(PipelineCase {
                case_key: s.clone(),
                name: None,
            }),
            Value::Object(obj) => {
                let obj = &Fields::new(obj);
                let declared = nested(obj, &["case", "testcase"]);
                let case_key = lookup(obj, names::CASE_KEY, as_key).or_else(|| {
                    declared
                        .as_ref()
                        .and_then(|d| lookup(d, names::CASE_KEY, as_key))
                })?;
                let name = lookup(obj, names::NAME, as_text).or_else(|| {
                    declared
                        .as_ref()
                        .and_then(|d| lookup(d, names::NAME, as_text))
                });
                Some(PipelineCase { case_key, name })
            }
            _ => None,
        }
    }
}

impl Pipeline {
    /// Reads a pipeline (`testany_get_pipeline`). Fails only when `value` is not an
    /// object or has no key; cases without a key are left out.
    pub fn from_json(value: &Value) -> Result<Pipeline, ModelError> {
        pipeline_from(value, 2)
    }
}

fn pipeline_from(value: &Value, unwrap_depth: u8) -> Result<Pipeline, ModelError> {
    let Some(obj) = value.as_object() else {
        return Err(ModelError::NotAnObject {
            what: "a pipeline",
            found: type_name(value),
        });
    };
    let obj = &Fields::new(obj);
    let Some(key) = lookup(obj, names::PIPELINE_OWN_KEY, as_key) else {
        if unwrap_depth > 0
            && let Some(inner) = lookup(obj, &["pipeline", "data", "result"], |v| {
                v.is_object().then_some(v)
            })
        {
            return pipeline_from(inner, unwrap_depth - 1);
        }
        return Err(ModelError::MissingKey {
            what: "a pipeline",
            fields: "pipeline_key, pipelineKey, pipeline_id, key, id",
        });
    };
    let cases = lookup(obj, names::CASES, Value::as_array)
        .map(|rows| rows.iter().filter_map(PipelineCase::from_json).collect())
        .unwrap_or_default();
    Ok(Pipeline {
        key,
        name: lookup(obj, names::OWN_NAME, as_text),
        workspace: lookup(obj, names::WORKSPACE, as_label),
        environment: lookup(obj, names::ENVIRONMENT, as_label),
        cases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<Timestamp> {
        Some(s.parse().unwrap())
    }

    /// How jiff's parser (used before `time`, and still a dependency) reads a text: the
    /// oracle for the table below.
    fn jiff_reading(raw: &str) -> Option<Timestamp> {
        let s = raw.trim();
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Some(ts);
        }
        if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
            return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return s.parse::<i64>().ok().and_then(epoch);
        }
        None
    }

    /// Every form read as written here, and as jiff reads it.
    #[test]
    fn timestamp_forms() {
        let table = [
            ("2024-01-15T10:00:00Z", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15t10:00:00z", ts("2024-01-15T10:00:00Z")),
            (" 2024-01-15T10:00:00Z ", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15 10:00:00Z", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T18:00:00+08:00", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T05:30:00-04:30", ts("2024-01-15T10:00:00Z")),
            (
                "2024-01-15T10:00:00.123456789Z",
                ts("2024-01-15T10:00:00.123456789Z"),
            ),
            ("2024-01-15T10:00:00.5+00:00", ts("2024-01-15T10:00:00.5Z")),
            ("2024-01-15T10:00:00,5Z", ts("2024-01-15T10:00:00.5Z")),
            ("2024-01-15 10:00:00", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T10:00:00.250", ts("2024-01-15T10:00:00.25Z")),
            ("2024-01-15", ts("2024-01-15T00:00:00Z")),
            ("2024-01-15T10:00Z", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T10:00", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T18:00+08:00", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T18:00:00+0800", ts("2024-01-15T10:00:00Z")),
            ("2024-01-15T18:00:00+08", ts("2024-01-15T10:00:00Z")),
            (
                "2024-01-15T18:00:00+08:00[Asia/Shanghai]",
                ts("2024-01-15T10:00:00Z"),
            ),
            (
                "2024-01-15T10:00:00Z[u-ca=iso8601]",
                ts("2024-01-15T10:00:00Z"),
            ),
            ("1705312800000", ts("2024-01-15T10:00:00Z")),
            ("1705312800", ts("2024-01-15T10:00:00Z")),
            ("2024-02-30T10:00:00Z", None),
            ("2024-01-15T24:00:00Z", None),
            ("2024-01-15T10:00:00Zjunk", None),
            ("2024-01-15T10:00:00+08:00Z", None),
            ("2024-01-15x10:00:00Z", None),
            ("2016-12-31T23:59:60Z", ts("2016-12-31T23:59:59Z")),
            ("2016-12-31T23:59:60.5Z", ts("2016-12-31T23:59:59.5Z")),
            ("2024-01-15T10:00:60+01:00", ts("2024-01-15T09:00:59Z")),
            (
                "2024-01-15T10:00:00.1234567891Z",
                ts("2024-01-15T10:00:00.123456789Z"),
            ),
            ("2024-01-15T10:00:00+0", None),
            ("2024-01-15[Asia/Shanghai", None),
            ("é", None),
            ("2024-01-15T10:00:6é", None),
            ("not a time", None),
            ("", None),
        ];
        let mut jiff_differs = Vec::new();
        for (text, expected) in table {
            assert_eq!(parse_timestamp(text), expected, "{text:?}");
            if jiff_reading(text) != expected {
                jiff_differs.push((text, jiff_reading(text)));
            }
        }
        // jiff refuses more than nine fraction digits; `time` drops the extra ones.
        assert_eq!(
            jiff_differs,
            [("2024-01-15T10:00:00.1234567891Z", None)],
            "forms jiff reads otherwise"
        );
        // Forms jiff read and this reader leaves out: the basic format, an hour alone, and
        // offsets of 24 hours or more (no service is known to send them).
        for text in [
            "20240115T100000Z",
            "2024-01-15T10",
            "2024-01-15T10:00:00+24:00",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text:?}");
            assert!(jiff_reading(text).is_some(), "jiff reads {text:?}");
        }
        assert_eq!(parse_rfc3339("1705312800"), None);
    }
}
