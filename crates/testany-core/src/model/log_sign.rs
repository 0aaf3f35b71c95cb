//! The reply of `testany_log_sign`: what a guarded log fetch needs.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::ModelError;
use super::parse::{Fields, as_text, lookup, type_name};

/// A signed log location. `sign`, `operator_id`, `curl_command` and header values are
/// secrets: `Debug` redacts them, and there is deliberately no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct LogSign {
    /// The JWT sent as `X-Sign`.
    pub sign: String,
    /// The log proxy URL (untrusted: the client checks it against `log_domain`).
    pub log_url: Option<String>,
    /// The user's e-mail sent as `X-Operator-Id`.
    pub operator_id: Option<String>,
    /// The ready-made curl command some deployments add (never run, never shown).
    pub curl_command: Option<String>,
    /// A `headers` object some deployments send instead of the fields above.
    pub headers: BTreeMap<String, String>,
    /// The case's runtime uuid when the reply carries it.
    pub runtime_uuid: Option<String>,
}

impl LogSign {
    /// Reads a log-sign reply: `sign`/`logUrl`/`operatorId`/`curlCommand` in either
    /// case style, or a `headers` object with `X-Sign`/`X-Operator-Id`. Fails when the
    /// value is not an object or has no sign at all.
    pub fn from_json(value: &Value) -> Result<LogSign, ModelError> {
        let Some(obj) = value.as_object() else {
            return Err(ModelError::NotAnObject {
                what: "a log-sign reply",
                found: type_name(value),
            });
        };
        let obj = &Fields::new(obj);
        let headers: BTreeMap<String, String> = lookup(obj, &["headers"], Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let sign = lookup(obj, &["sign", "xsign", "token"], |v| {
            v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
        })
        .or_else(|| header("X-Sign"))
        .ok_or(ModelError::MissingSign)?;
        let operator_id = lookup(obj, &["operatorid", "operator", "xoperatorid"], as_text)
            .or_else(|| header("X-Operator-Id"));
        Ok(LogSign {
            sign,
            log_url: lookup(obj, &["logurl", "url", "logproxyurl"], as_text),
            operator_id,
            curl_command: lookup(obj, &["curlcommand", "curl"], as_text),
            runtime_uuid: lookup(obj, &["runtimeuuid", "runtimeid"], as_text),
            headers,
        })
    }
}

impl fmt::Debug for LogSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |o: &Option<String>| o.as_ref().map(|_| "<redacted>");
        f.debug_struct("LogSign")
            .field("sign", &"<redacted>")
            .field("log_url", &self.log_url.as_ref().map(|_| "<set>"))
            .field("operator_id", &redacted(&self.operator_id))
            .field("curl_command", &redacted(&self.curl_command))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("runtime_uuid", &self.runtime_uuid)
            .finish()
    }
}
