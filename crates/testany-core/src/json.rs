//! JSON objects built without `serde_json::json!`: the macro turns every value into
//! `to_value(..).unwrap()`, and that panic path links serde_json's error `Debug` and
//! core's escaping tables into the .wasm (size budget, issue 8).

use serde_json::{Map, Value};

/// `{"k": v, …}` from pairs, in order of insertion into the (sorted) map.
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_is_what_json_macro_builds() {
        assert_eq!(
            object([
                ("b", Value::from(2u64)),
                ("a", Value::from("x")),
                ("n", Value::Null)
            ]),
            serde_json::json!({"a": "x", "b": 2, "n": null})
        );
        assert_eq!(object([]), serde_json::json!({}));
    }
}
