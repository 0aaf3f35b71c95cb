//! Option objects read field by field from JSON values. serde's derive, through
//! serde_json's `Value` deserializer, costs ~19 KB gzipped in the .wasm (its error texts,
//! float formatting and `Debug` escapes): size budget. Unknown keys are ignored and
//! `null` counts as absent, as `#[serde(default)]` did.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// One option object; errors name the key and the type it needs.
pub struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
}

impl<'a> Fields<'a> {
    /// `undefined`/`null` (as `Value::Null`) is an empty object; anything else but an
    /// object is refused.
    pub fn new(value: &'a Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(Fields { map: None }),
            Value::Object(map) => Ok(Fields { map: Some(map) }),
            _ => Err("expected an object of options".into()),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map?.get(key).filter(|v| !v.is_null())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    }

    pub fn u64(&self, key: &str) -> Result<Option<u64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("`{key}` must be a whole number of 0 or more")),
        }
    }

    pub fn f64(&self, key: &str) -> Result<Option<f64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("`{key}` must be a number")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| format!("`{key}` must be true or false")),
        }
    }

    /// An object whose values are all strings.
    pub fn string_map(&self, key: &str) -> Result<BTreeMap<String, String>, String> {
        let Some(value) = self.get(key) else {
            return Ok(BTreeMap::new());
        };
        let Value::Object(map) = value else {
            return Err(format!("`{key}` must be an object of strings"));
        };
        // Inserted one by one: `collect` into a map links a sort (size budget).
        let mut out = BTreeMap::new();
        for (k, v) in map {
            let Value::String(s) = v else {
                return Err(format!("`{key}.{k}` must be a string"));
            };
            out.insert(k.clone(), s.clone());
        }
        Ok(out)
    }
}
