//! Bad input never panics the config loader, and a token never reaches an error message.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Map, Value};
use testany_core::config::{Config, find_config_path, url_host};

const VALID: &str = include_str!("fixtures/config/full.toml");

/// Pieces that make edits land on TOML structure rather than only on text.
const PIECES: &[&str] = &[
    "=",
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    ".",
    "#",
    "\n",
    "\r\n",
    "\\",
    "\"\"\"",
    "0x",
    "-",
    "+inf",
    "nan",
    "1979-05-27T07:32:00Z",
    "token",
    "poll",
    "cases",
    "history",
    "url",
    "é",
    "🦀",
    "\t",
    "\u{0}",
];

fn edit() -> impl Strategy<Value = (usize, usize, String)> {
    (
        any::<usize>(),
        0usize..12,
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_owned),
            ".{0,6}",
        ],
    )
}

/// Applies (position, delete length, insertion) edits at char boundaries.
fn mutate(text: &str, edits: &[(usize, usize, String)]) -> String {
    let mut out = text.to_owned();
    for (pos, delete, insert) in edits {
        let bounds: Vec<usize> = out
            .char_indices()
            .map(|(i, _)| i)
            .chain([out.len()])
            .collect();
        let start = bounds[pos % bounds.len()];
        let end = bounds
            .iter()
            .copied()
            .filter(|b| *b >= start)
            .nth(*delete)
            .unwrap_or(out.len());
        out.replace_range(start..end, insert);
    }
    out
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,10}".prop_map(Value::from),
        Just(Value::from("https://testany.com.cn/api/v2/mcp/")),
    ];
    let key = prop_oneof![
        prop::sample::select(
            &[
                "url",
                "workspace",
                "pipelines",
                "environment",
                "logDomain",
                "log_domain",
                "history",
                "poll",
                "runningSecs",
                "idle_secs",
                "cases",
                "token",
                "testany",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-zA-Z_]{0,8}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        if let Ok(config) = Config::from_toml_str(&text, "testany.toml") {
            let _ = config.validate();
            let _ = config.log_domain();
        }
        let _ = url_host(&text);
    }

    #[test]
    fn mutated_valid_toml_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let text = mutate(VALID, &edits);
        match Config::from_toml_str(&text, "testany.toml") {
            Ok(config) => {
                let _ = config.validate();
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.starts_with("testany.toml"), "{}", message);
                prop_assert!(!message.contains('\n'), "one line: {}", message);
            }
        }
    }

    #[test]
    fn a_token_value_never_reaches_the_message(
        secret in "[A-Za-z0-9]{12,24}",
        before in 0usize..4,
    ) {
        let mut lines: Vec<String> = VALID.lines().take(6).map(str::to_owned).collect();
        lines.insert(before, format!("token = \"{secret}\""));
        let text = lines.join("\n");
        let error = Config::from_toml_str(&text, "testany.toml").unwrap_err();
        let message = error.to_string();
        prop_assert!(!message.contains(&secret));
        prop_assert!(message.contains("TESTANY_TOKEN"));
        prop_assert!(message.contains(&format!("line {}", before + 1)), "{}", message);
    }

    #[test]
    fn arbitrary_settings_never_panic(settings in json()) {
        let mut config = Config::default();
        let before = config.clone();
        match config.merge_json(&settings) {
            Ok(()) => {
                let _ = config.validate();
            }
            Err(_) => prop_assert_eq!(config, before),
        }
    }

    #[test]
    fn arbitrary_environment_never_panics(values in prop::collection::vec(".{0,20}", 5)) {
        let names = [
            "TESTANY_URL",
            "TESTANY_WORKSPACE",
            "TESTANY_PIPELINES",
            "TESTANY_ENVIRONMENT",
            "TESTANY_LOG_DOMAIN",
        ];
        let get = |name: &str| names.iter().position(|n| *n == name).map(|i| values[i].clone());
        if let Some(config) = Config::from_env(get) {
            let _ = config.validate();
            let _ = config.log_domain();
        }
    }

    #[test]
    fn discovery_never_panics(path in "[a-z/.]{0,30}") {
        let found = find_config_path(Path::new(&path), |p| p.ends_with("a/testany.toml"));
        if let Some(found) = found {
            prop_assert!(found.ends_with("a/testany.toml"));
        }
    }
}
