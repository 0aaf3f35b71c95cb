//! serde impls. Serializing writes the canonical shape (snake_case names, every field
//! present, `null` when absent, upper-case status words, RFC 3339 timestamps);
//! deserializing goes through the tolerant `from_json` readers, so it accepts every
//! shape they do and reads the canonical shape back to the same value.

use jiff::Timestamp;
use serde::de::Error as _;
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{
    CaseResult, Execution, ExecutionList, ExecutionResult, ExecutionStatus, FailureCategory,
    LogSign, Pipeline, PipelineCase, Trigger,
};

fn ts(t: &Option<Timestamp>) -> Option<String> {
    t.as_ref().map(Timestamp::to_string)
}

macro_rules! word_serde {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            /// A string word (synonyms folded); a number is kept as its text.
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match Value::deserialize(d)? {
                    Value::String(s) => Ok(<$ty>::parse(&s)),
                    Value::Number(n) => Ok(<$ty>::Unknown(n.to_string())),
                    other => Err(D::Error::custom(format_args!(
                        "expected a string, found {}",
                        super::parse::type_name(&other)
                    ))),
                }
            }
        }
    )*};
}
word_serde!(ExecutionStatus, ExecutionResult, Trigger);

impl Serialize for FailureCategory {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailureCategory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        FailureCategory::parse(&raw).ok_or_else(|| {
            D::Error::custom("expected one of assertion, timeout, error, infrastructure")
        })
    }
}

impl Serialize for CaseResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CaseResult", 10)?;
        st.serialize_field("index", &self.index)?;
        st.serialize_field("case_key", &self.case_key)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("result", &self.result)?;
        st.serialize_field("duration_ms", &self.duration_ms)?;
        st.serialize_field("error", &self.error)?;
        st.serialize_field("runtime_uuid", &self.runtime_uuid)?;
        st.serialize_field("started_at", &ts(&self.started_at))?;
        st.serialize_field("completed_at", &ts(&self.completed_at))?;
        st.end()
    }
}

impl Serialize for Execution {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Execution", 12)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("result", &self.result)?;
        st.serialize_field("pipeline_key", &self.pipeline_key)?;
        st.serialize_field("pipeline_name", &self.pipeline_name)?;
        st.serialize_field("workspace", &self.workspace)?;
        st.serialize_field("environment", &self.environment)?;
        st.serialize_field("trigger", &self.trigger)?;
        st.serialize_field("started_at", &ts(&self.started_at))?;
        st.serialize_field("completed_at", &ts(&self.completed_at))?;
        st.serialize_field("duration_ms", &self.duration_ms)?;
        st.serialize_field("cases", &self.cases)?;
        st.end()
    }
}

impl Serialize for PipelineCase {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PipelineCase", 2)?;
        st.serialize_field("case_key", &self.case_key)?;
        st.serialize_field("name", &self.name)?;
        st.end()
    }
}

impl Serialize for Pipeline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Pipeline", 5)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("workspace", &self.workspace)?;
        st.serialize_field("environment", &self.environment)?;
        st.serialize_field("cases", &self.cases)?;
        st.end()
    }
}

impl Serialize for ExecutionList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ExecutionList", 7)?;
        st.serialize_field("executions", &self.executions)?;
        st.serialize_field("total", &self.total)?;
        st.serialize_field("page", &self.page)?;
        st.serialize_field("page_size", &self.page_size)?;
        st.serialize_field("has_more", &self.has_more)?;
        st.serialize_field("next_cursor", &self.next_cursor)?;
        st.serialize_field("skipped_rows", &self.skipped_rows)?;
        st.end()
    }
}

macro_rules! tolerant_deserialize {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(d)?;
                <$ty>::from_json(&value).map_err(D::Error::custom)
            }
        }
    )*};
}
tolerant_deserialize!(Execution, Pipeline, ExecutionList, LogSign);

impl<'de> Deserialize<'de> for CaseResult {
    /// A standalone case (`testany_get_execution_case`); its index defaults to 0.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        CaseResult::from_json(&value, 0).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for PipelineCase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        PipelineCase::from_json(&value)
            .ok_or_else(|| D::Error::custom("a pipeline case has no key"))
    }
}
