//! testany.toml: the design.md section 3 file, defaults, every error message, discovery,
//! environment overrides and the editor-settings overlay.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::json;
use testany_core::config::{Config, ConfigError, PollConfig, find_config_path, url_host};

fn cases(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn valid_files_parse_to_expected_config() {
    let table = [
        (
            include_str!("fixtures/config/full.toml"),
            Config {
                url: Some("https://testany.com.cn/api/v2/mcp/".into()),
                workspace: Some("Y2K".into()),
                pipelines: strings(&["Y2K-0601"]),
                environment: Some("staging".into()),
                log_domain: Some("testany.com.cn".into()),
                history: 10,
                poll: PollConfig {
                    running_secs: 5,
                    idle_secs: 60,
                },
                cases: cases(&[("A1B2C3D4", "tests/test_login.py")]),
            },
        ),
        (
            include_str!("fixtures/config/minimal.toml"),
            Config {
                url: Some("http://testany.localhost:8123/api/v2/mcp/".into()),
                ..Config::default()
            },
        ),
        (
            include_str!("fixtures/config/custom.toml"),
            Config {
                url: Some("https://staging.testany.com.cn/api/v2/mcp/".into()),
                pipelines: strings(&["Y2K-0601", "Y2K-0602"]),
                history: 25,
                poll: PollConfig {
                    running_secs: 2,
                    idle_secs: 60,
                },
                cases: cases(&[
                    ("A1B2C3D4", "tests/test_login.py"),
                    ("B0000001", "web/e2e/search.spec.ts"),
                ]),
                ..Config::default()
            },
        ),
        ("", Config::default()),
    ];
    for (text, expected) in table {
        let config = Config::from_toml_str(text, "testany.toml");
        assert_eq!(config, Ok(expected), "{text}");
    }
}

#[test]
fn defaults_are_the_documented_ones() {
    let config = Config::default();
    assert_eq!(config.url, None);
    assert_eq!(config.history, 10);
    assert_eq!(config.poll.running_secs, 5);
    assert_eq!(config.poll.idle_secs, 60);
    assert!(config.pipelines.is_empty() && config.cases.is_empty());
    assert_eq!(config.validate(), Err(ConfigError::MissingUrl));
    assert_eq!(
        ConfigError::MissingUrl.to_string(),
        "no Testany URL is configured: set `url` in testany.toml or the TESTANY_URL environment variable"
    );
}

#[test]
fn each_error_is_one_sentence_with_key_and_line() {
    let table: &[(&str, &str)] = &[
        (
            "url = \"https://x.example\"\ntoken = \"s3cret-value\"\n",
            "testany.toml line 2: `token` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead",
        ),
        (
            "histroy = 3\nworkspace = 5\nTOKEN = \"s3cret-value\"\n",
            "testany.toml line 3: `TOKEN` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead",
        ),
        (
            "\n\napi_token = \"s3cret-value\"\n",
            "testany.toml line 3: `api_token` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead",
        ),
        (
            "url = \"https://x.example\"\n\npipeline = [\"Y2K-0601\"]\n",
            "testany.toml line 3: unknown key `pipeline` (known keys: url, workspace, pipelines, environment, log_domain, history, [poll], [cases])",
        ),
        (
            "[poll]\nrunning_secs = 5\nidel_secs = 3\n",
            "testany.toml line 3: unknown key `poll.idel_secs` (known keys: running_secs, idle_secs)",
        ),
        (
            "[server]\nport = 1\n",
            "testany.toml line 1: unknown key `server` (known keys: url, workspace, pipelines, environment, log_domain, history, [poll], [cases])",
        ),
        (
            "url = \"https://x.example\"\nhistory = \"ten\"\n",
            "testany.toml line 2: `history` must be an integer, found a string",
        ),
        (
            "pipelines = \"Y2K-0601\"\n",
            "testany.toml line 1: `pipelines` must be an array of strings, found a string",
        ),
        (
            "pipelines = [\"Y2K-0601\", 7]\n",
            "testany.toml line 1: `pipelines` must be an array of strings, found an array with non-string items",
        ),
        (
            "history = 1.5\n",
            "testany.toml line 1: `history` must be an integer, found a float",
        ),
        (
            "workspace = 1979-05-27\n",
            "testany.toml line 1: `workspace` must be a string, found a date-time",
        ),
        (
            "url = true\n",
            "testany.toml line 1: `url` must be a string, found a boolean",
        ),
        (
            "poll = 3\n",
            "testany.toml line 1: `poll` must be a table, found an integer",
        ),
        (
            "[[poll]]\nrunning_secs = 1\n",
            "testany.toml line 1: `poll` must be a table, found an array of tables",
        ),
        (
            "[poll]\nidle_secs = \"1m\"\n",
            "testany.toml line 2: `poll.idle_secs` must be an integer, found a string",
        ),
        (
            "[cases]\nA1B2C3D4 = 3\n",
            "testany.toml line 2: `cases.A1B2C3D4` must be a string, found an integer",
        ),
        // The first mistake in source order is reported, not the first by name.
        (
            "[cases]\nZZ = \"ok.py\"\nYY = 1\nAA = \"ok.py\"\nBB = 2\n",
            "testany.toml line 3: `cases.YY` must be a string, found an integer",
        ),
        (
            "[poll]\nrunning_secs = \"5s\"\nidle_secs = \"1m\"\n",
            "testany.toml line 2: `poll.running_secs` must be an integer, found a string",
        ),
        (
            "workspace = 1\nurl = 2\n",
            "testany.toml line 1: `workspace` must be a string, found an integer",
        ),
        (
            "[cases]\nA1B2C3D4 = { path = \"x\" }\n",
            "testany.toml line 2: `cases.A1B2C3D4` must be a string, found a table",
        ),
        (
            "history = 0\n",
            "testany.toml line 1: `history` must be at least 1",
        ),
        (
            "history = -3\n",
            "testany.toml line 1: `history` must be at least 1",
        ),
        (
            "history = 99999999999\n",
            "testany.toml line 1: `history` is too large",
        ),
        (
            "[poll]\nrunning_secs = 0\n",
            "testany.toml line 2: `poll.running_secs` must be at least 1",
        ),
        (
            "url = \"ftp://testany.com.cn/\"\n",
            "testany.toml line 1: `url` must start with https:// or http://",
        ),
        // Regression (issue 16): plain http only to loopback hosts (core's loopback rule).
        (
            "url = \"http://testany.com.cn/api/v2/mcp/\"\n",
            "testany.toml line 1: `url` must use https:// (http:// is only for loopback hosts such as testany.localhost)",
        ),
        (
            "url = \"https:///api/v2/mcp/\"\n",
            "testany.toml line 1: `url` must name a host, e.g. https://testany.com.cn/api/v2/mcp/",
        ),
        (
            "log_domain = \"https://testany.com.cn\"\n",
            "testany.toml line 1: `log_domain` must be a bare host name such as testany.com.cn",
        ),
        (
            "url = \"https://x.example\nworkspace = \"Y2K\"\n",
            "testany.toml line 1: invalid TOML: invalid basic string, expected `\"`",
        ),
        (
            "workspace = \"Y2K\"\n\nworkspace = \"Y2L\"\n",
            "testany.toml line 3: invalid TOML: duplicate key",
        ),
        (
            "history = 10\n[poll\n",
            "testany.toml line 2: invalid TOML: unclosed table, expected `]`",
        ),
    ];
    for (text, message) in table {
        let error = Config::from_toml_str(text, "testany.toml").expect_err(text);
        assert_eq!(error.to_string(), *message, "{text}");
        assert!(!error.to_string().contains("s3cret"), "secret echoed");
    }
}

#[test]
fn errors_carry_structured_fields() {
    let error = Config::from_toml_str("\nhistory = \"ten\"", "/w/testany.toml").unwrap_err();
    assert_eq!(
        error,
        ConfigError::WrongType {
            source_name: "/w/testany.toml".into(),
            key: "history".into(),
            expected: "an integer",
            found: "a string",
            line: Some(2),
        }
    );
    let error = Config::from_toml_str("token = \"x\"", "testany.toml").unwrap_err();
    assert_eq!(
        error,
        ConfigError::Token {
            source_name: "testany.toml".into(),
            key: "token".into(),
            line: Some(1),
        }
    );
}

#[test]
fn discovery_walks_up_to_the_nearest_file() {
    let present =
        |files: &'static [&'static str]| move |p: &Path| files.iter().any(|f| p == Path::new(f));
    let table: [(&str, &'static [&'static str], Option<&str>); 5] = [
        (
            "/repo/tests/unit/test_login.py",
            &["/repo/testany.toml"],
            Some("/repo/testany.toml"),
        ),
        (
            "/repo/tests/unit/test_login.py",
            &["/repo/testany.toml", "/repo/tests/testany.toml"],
            Some("/repo/tests/testany.toml"),
        ),
        (
            "/repo/tests",
            &["/repo/tests/testany.toml"],
            Some("/repo/tests/testany.toml"),
        ),
        ("/repo/tests/a.py", &["/elsewhere/testany.toml"], None),
        (
            "relative/dir/a.py",
            &["relative/testany.toml"],
            Some("relative/testany.toml"),
        ),
    ];
    for (start, files, expected) in table {
        assert_eq!(
            find_config_path(Path::new(start), present(files)),
            expected.map(PathBuf::from),
            "{start}"
        );
    }
}

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn environment_overrides_the_file() {
    let mut config =
        Config::from_toml_str(include_str!("fixtures/config/full.toml"), "testany.toml").unwrap();
    config.apply_env(env(&[
        ("TESTANY_URL", "http://testany.localhost:9000/api/v2/mcp/"),
        ("TESTANY_WORKSPACE", "ABC"),
        ("TESTANY_PIPELINES", "ABC-0001, ABC-0002,,"),
        ("TESTANY_ENVIRONMENT", ""),
        ("TESTANY_LOG_DOMAIN", "testany.localhost"),
        ("TESTANY_TOKEN", "never-stored"),
    ]));
    assert_eq!(
        config,
        Config {
            url: Some("http://testany.localhost:9000/api/v2/mcp/".into()),
            workspace: Some("ABC".into()),
            pipelines: strings(&["ABC-0001", "ABC-0002"]),
            environment: Some("staging".into()),
            log_domain: Some("testany.localhost".into()),
            history: 10,
            poll: PollConfig::default(),
            cases: cases(&[("A1B2C3D4", "tests/test_login.py")]),
        }
    );
    assert!(!format!("{config:?}").contains("never-stored"));
}

#[test]
fn environment_alone_is_a_complete_configuration() {
    assert_eq!(Config::from_env(env(&[("TESTANY_WORKSPACE", "Y2K")])), None);
    assert_eq!(Config::from_env(env(&[("TESTANY_URL", " ")])), None);
    let config = Config::from_env(env(&[
        ("TESTANY_URL", "https://dev.testany.com.cn/api/v2/mcp/"),
        ("TESTANY_PIPELINES", "Y2K-0601"),
    ]))
    .unwrap();
    assert_eq!(
        config,
        Config {
            url: Some("https://dev.testany.com.cn/api/v2/mcp/".into()),
            pipelines: strings(&["Y2K-0601"]),
            ..Config::default()
        }
    );
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.log_domain().as_deref(), Some("dev.testany.com.cn"));
}

#[test]
fn merge_json_overlays_editor_settings() {
    let mut config =
        Config::from_toml_str(include_str!("fixtures/config/full.toml"), "testany.toml").unwrap();
    config
        .merge_json(&json!({
            "url": "https://staging.testany.com.cn/api/v2/mcp/",
            "token": "from-secret-storage",
            "pipelines": ["Y2K-0602"],
            "environment": null,
            "logDomain": "",
            "history": 3,
            "poll": { "runningSecs": 1 },
            "cases": { "B0000001": "web/search.spec.ts" },
            "trace": { "server": "verbose" }
        }))
        .unwrap();
    assert_eq!(
        config,
        Config {
            url: Some("https://staging.testany.com.cn/api/v2/mcp/".into()),
            workspace: Some("Y2K".into()),
            pipelines: strings(&["Y2K-0602"]),
            environment: Some("staging".into()),
            log_domain: Some("testany.com.cn".into()),
            history: 3,
            poll: PollConfig {
                running_secs: 1,
                idle_secs: 60,
            },
            cases: cases(&[("B0000001", "web/search.spec.ts")]),
        }
    );
    assert!(!format!("{config:?}").contains("from-secret-storage"));

    // The whole settings object, with the section inside, and a single pipeline string.
    let mut config = Config::default();
    config
        .merge_json(&json!({"testany": {"url": "http://127.0.0.1:8080/api/v2/mcp/", "pipelines": "A-1, B-2"}}))
        .unwrap();
    assert_eq!(
        config.url.as_deref(),
        Some("http://127.0.0.1:8080/api/v2/mcp/")
    );
    assert_eq!(config.pipelines, strings(&["A-1", "B-2"]));
    assert_eq!(config.merge_json(&json!(null)), Ok(()));
}

#[test]
fn merge_json_rejects_wrong_types_and_changes_nothing() {
    let table = [
        (
            json!({"workspace": "NEW", "history": "ten"}),
            "editor settings: `history` must be an integer, found a string",
        ),
        (
            json!({"poll": {"idleSecs": 0}}),
            "editor settings: `poll.idle_secs` must be at least 1",
        ),
        (
            json!({"url": "testany.com.cn"}),
            "editor settings: `url` must start with https:// or http://",
        ),
        (
            json!({"poll": [1]}),
            "editor settings: `poll` must be a table, found an array with non-string items",
        ),
        (
            json!({"history": 2.5}),
            "editor settings: `history` must be an integer, found a float",
        ),
        (
            json!("https://x"),
            "editor settings: `testany` must be an object, found a string",
        ),
    ];
    for (settings, message) in table {
        let mut config = Config::default();
        let error = config.merge_json(&settings).unwrap_err();
        assert_eq!(error.to_string(), message, "{settings}");
        assert_eq!(config, Config::default(), "{settings}");
    }
}

#[test]
fn validate_checks_the_merged_configuration() {
    let valid = Config {
        url: Some("https://testany.com.cn/api/v2/mcp/".into()),
        ..Config::default()
    };
    assert_eq!(valid.validate(), Ok(()));
    let table = [
        (
            Config {
                url: Some("testany.com.cn".into()),
                ..valid.clone()
            },
            "configuration: `url` must start with https:// or http://",
        ),
        (
            Config {
                history: 0,
                ..valid.clone()
            },
            "configuration: `history` must be at least 1",
        ),
        (
            Config {
                poll: PollConfig {
                    running_secs: 0,
                    idle_secs: 60,
                },
                ..valid.clone()
            },
            "configuration: `poll.running_secs` must be at least 1",
        ),
        (
            Config {
                poll: PollConfig {
                    running_secs: 5,
                    idle_secs: 0,
                },
                ..valid.clone()
            },
            "configuration: `poll.idle_secs` must be at least 1",
        ),
        (
            Config {
                log_domain: Some("testany.com.cn/logs".into()),
                ..valid.clone()
            },
            "configuration: `log_domain` must be a bare host name such as testany.com.cn",
        ),
    ];
    for (config, message) in table {
        assert_eq!(config.validate().unwrap_err().to_string(), message);
    }
}

#[test]
fn log_domain_defaults_to_the_host_of_url() {
    let table = [
        (
            "https://testany.com.cn/api/v2/mcp/",
            None,
            Some("testany.com.cn"),
        ),
        (
            "https://Dev.Testany.com.cn:8443/api/v2/mcp/",
            None,
            Some("dev.testany.com.cn"),
        ),
        (
            "http://testany.localhost:8123/api/v2/mcp/",
            None,
            Some("testany.localhost"),
        ),
        ("https://user:pw@testany.io/x", None, Some("testany.io")),
        (
            "https://testany.com.cn/api/v2/mcp/",
            Some("Staging.Testany.com.cn"),
            Some("staging.testany.com.cn"),
        ),
        ("no-scheme.example", None, None),
    ];
    for (url, domain, expected) in table {
        let config = Config {
            url: Some(url.into()),
            log_domain: domain.map(str::to_owned),
            ..Config::default()
        };
        assert_eq!(config.log_domain().as_deref(), expected, "{url}");
    }
    assert_eq!(url_host("http://[::1]:8080/x").as_deref(), Some("[::1]"));
    assert_eq!(
        url_host("https://h.example?x=1").as_deref(),
        Some("h.example")
    );
    assert_eq!(url_host("https://"), None);
}

#[test]
fn resolve_reads_file_then_environment_then_validates() {
    let file = Some((include_str!("fixtures/config/custom.toml"), "testany.toml"));
    let config = Config::resolve(file, env(&[("TESTANY_WORKSPACE", "Y2K")])).unwrap();
    assert_eq!(config.workspace.as_deref(), Some("Y2K"));
    assert_eq!(config.history, 25);
    assert_eq!(
        config.url.as_deref(),
        Some("https://staging.testany.com.cn/api/v2/mcp/")
    );

    let env_only = Config::resolve(
        None,
        env(&[("TESTANY_URL", "https://testany.io/api/v2/mcp/")]),
    );
    assert_eq!(
        env_only.map(|c| c.log_domain()),
        Ok(Some("testany.io".to_owned()))
    );
    assert_eq!(
        Config::resolve(None, env(&[])),
        Err(ConfigError::MissingUrl)
    );
    assert_eq!(
        Config::resolve(Some(("[cases]\nA = \"a.py\"\n", "testany.toml")), env(&[])),
        Err(ConfigError::MissingUrl)
    );
    assert_eq!(
        Config::resolve(Some(("token = 1", "t.toml")), env(&[]))
            .unwrap_err()
            .to_string(),
        "t.toml line 1: `token` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead"
    );
}

/// A `[cases]` table of `n` entries after a 5-line header; entry `i` is on line `6 + i`.
fn many_cases(n: usize, last: &str) -> String {
    let mut text = String::from(
        "url = \"https://testany.com.cn/api/v2/mcp/\"\n# 测试 comment with multi-byte text\n\
         history = 3\n\n[cases]\n",
    );
    for i in 0..n - 1 {
        text.push_str(&format!("\"K{i:06}\" = \"tests/t_{i}.py\"\r\n"));
    }
    text.push_str(last);
    text
}

/// Issue 17: each key's line number was found by counting newlines from the start of
/// the file, so 100,000 entries took seconds (speed is measured in benches/config.rs).
/// Line numbers must stay exact at the end of such a file, whatever the line endings.
#[test]
fn hundred_thousand_cases_keep_exact_line_numbers() {
    let n = 100_000;
    let config =
        Config::from_toml_str(&many_cases(n, "\"LAST\" = \"tests/last.py\"\n"), "big.toml")
            .unwrap();
    assert_eq!(config.cases.len(), n);
    assert_eq!(config.cases["K000000"], "tests/t_0.py");
    assert_eq!(config.cases["K099998"], "tests/t_99998.py");
    assert_eq!(config.cases["LAST"], "tests/last.py");
    assert_eq!(config.history, 3);

    let err = Config::from_toml_str(&many_cases(n, "\"LAST\" = 7\n"), "big.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "big.toml line 100005: `cases.LAST` must be a string, found an integer"
    );

    let err = Config::from_toml_str(&many_cases(n, "\"LAST\" = \n"), "big.toml").unwrap_err();
    let ConfigError::Syntax { line, .. } = err else {
        panic!("expected a syntax error, got {err:?}");
    };
    assert_eq!(line, 100_005);
}

/// A `[cases]` entry links a file only when the project has it (`./` prefixes allowed);
/// the CLI and the language server word the problem with one sentence.
#[test]
fn cases_entries_to_files_missing_from_the_project() {
    let config = Config::from_toml_str(
        "url = \"https://t.test/mcp\"\n[cases]\nA1 = \"./tests/test_a.py\"\nB2 = \"tests/gone.py\"\nC3 = \"pom.xml\"\n",
        "testany.toml",
    )
    .unwrap();
    let files = strings(&["pom.xml", "tests/test_a.py", "tests/test_b.py"]);
    let missing: Vec<(&str, &str)> = config.missing_case_files(&files).collect();
    assert_eq!(missing, [("B2", "tests/gone.py")]);
    assert!(testany_core::config::case_file_listed(
        &files,
        "././pom.xml"
    ));
    assert!(!testany_core::config::case_file_listed(&files, "tests"));
    assert_eq!(
        testany_core::config::missing_case_file("B2", "tests/gone.py"),
        "[cases] entry B2 = \"tests/gone.py\" in testany.toml names a file that is not in the project: fix the path or remove the entry"
    );
    assert_eq!(config.missing_case_files(&[]).count(), 3);
}
