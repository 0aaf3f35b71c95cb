//! `testany doctor`: the binary run as a process against the emulator, with a clean
//! environment. Neovim's `:checkhealth testany` shows exactly this report, so its JSON
//! shape and exit codes are checked field by field.

mod common;

use common::{Env, Mock, TOKEN, shop_project};
use serde_json::{Value, json};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A free loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn doctor_json_reports_a_valid_project_and_the_service() {
    let mock = Mock::shop(20.0);
    let env = Env::new();
    let project = env.work().join("shop");
    shop_project(&project, &mock.url);
    let project = project.canonicalize().unwrap();
    let out = env.run_in(&project, &["doctor", "--json", "--service"], None);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let mut report = parse(&out.stdout);
    // The path of the binary under test, whatever the target directory.
    assert_eq!(
        report["binary"],
        std::path::Path::new(common::BIN)
            .canonicalize()
            .unwrap()
            .display()
            .to_string()
    );
    report["binary"] = Value::Null;
    assert_eq!(
        report,
        json!({
            "version": VERSION,
            "binary": null,
            "config": {
                "file": project.join("testany.toml").display().to_string(),
                "found": true,
                "valid": true,
                "error": null,
                "url": mock.url,
                "workspace": "SHP",
                "pipelines": ["SHP-0601"],
                "environment": "staging",
            },
            "token": {"variable": "TESTANY_TOKEN", "present": false},
            "service": {
                "url": mock.url,
                "reachable": true,
                "protocol": "2025-06-18",
                "pipelines": 3,
                "error": null,
            },
        })
    );
}

#[test]
fn doctor_without_service_flag_asks_nothing_and_reads_a_path_argument() {
    let env = Env::new();
    let project = env.work().join("p");
    std::fs::create_dir_all(project.join("tests")).unwrap();
    // Nothing listens here: a request would make the exit code 3.
    let url = format!("http://127.0.0.1:{}/api/v2/mcp/", closed_port());
    std::fs::write(
        project.join("testany.toml"),
        format!("url = \"{url}\"\npipelines = [\"P-1\"]\n"),
    )
    .unwrap();
    let out = env.run(&["doctor", "--json", "p/tests"]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = parse(&out.stdout);
    assert_eq!(report["service"], Value::Null);
    assert_eq!(report["config"]["valid"], true);
    assert_eq!(report["config"]["pipelines"], json!(["P-1"]));
    assert_eq!(report["config"]["workspace"], Value::Null);
    assert_eq!(
        report["config"]["file"],
        project
            .canonicalize()
            .unwrap()
            .join("testany.toml")
            .display()
            .to_string()
    );
}

#[test]
fn doctor_reports_an_invalid_configuration_with_the_core_sentence_and_exits_2() {
    let mut env = Env::new();
    let toml = env.work().join("testany.toml");
    std::fs::write(
        &toml,
        "url = \"https://x.example/\"\ntoken = \"abc-secret\"\n",
    )
    .unwrap();
    env.set("TESTANY_TOKEN", "tok-value-never-printed");
    let toml = toml.canonicalize().unwrap().display().to_string();
    for args in [
        &["doctor", "--json"][..],
        &["doctor", "--json", "--service"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert_eq!(out.stderr, "");
        assert_eq!(
            parse(&out.stdout),
            json!({
                "version": VERSION,
                "binary": parse(&out.stdout)["binary"],
                "config": {
                    "file": toml,
                    "found": true,
                    "valid": false,
                    "error": format!("{toml} line 2: `token` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead"),
                    "url": null,
                    "workspace": null,
                    "pipelines": [],
                    "environment": null,
                },
                "token": {"variable": "TESTANY_TOKEN", "present": true},
                "service": null,
            })
        );
        for secret in ["abc-secret", "tok-value-never-printed"] {
            assert!(!out.stdout.contains(secret), "{args:?} printed {secret}");
        }
    }
    let out = env.run(&["doctor"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "binary:\n  ok: testany {VERSION} ({bin})\nconfiguration:\n  ok: found {toml}\n  \
             error: {toml} line 2: `token` must not be in the configuration; put the token in \
             the TESTANY_TOKEN environment variable instead\ntoken:\n  ok: TESTANY_TOKEN is \
             set\nservice:\n  not asked (no valid configuration)\n",
            bin = parse(&env.run(&["doctor", "--json"]).stdout)["binary"]
                .as_str()
                .unwrap()
        )
    );
    assert!(!out.stdout.contains("tok-value-never-printed"));
}

#[test]
fn doctor_without_any_configuration_says_what_to_create() {
    let env = Env::new();
    let out = env.run(&["doctor", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let report = parse(&out.stdout);
    let work = env.work().canonicalize().unwrap().display().to_string();
    assert_eq!(
        report["config"],
        json!({
            "file": null,
            "found": false,
            "valid": false,
            "error": format!("no testany.toml found in {work} or any parent directory and TESTANY_URL is not set; create a testany.toml (see `testany demo`) or set TESTANY_URL"),
            "url": null,
            "workspace": null,
            "pipelines": [],
            "environment": null,
        })
    );
    assert_eq!(
        report["token"],
        json!({"variable": "TESTANY_TOKEN", "present": false})
    );
}

#[test]
fn doctor_human_report_of_an_environment_configuration_and_a_live_service() {
    let mock = Mock::shop(20.0);
    let env = Env::for_mock(&mock);
    let out = env.run(&["doctor", "--service"]);
    assert_eq!(out.code, 0, "{out:?}");
    let bin = parse(&env.run(&["doctor", "--json"]).stdout)["binary"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        out.stdout,
        format!(
            "binary:\n  ok: testany {VERSION} ({bin})\nconfiguration:\n  ok: no testany.toml; \
             using TESTANY_URL\n  ok: valid: url {url}, workspace SHP, pipelines SHP-0601\n\
             token:\n  note: TESTANY_TOKEN is not set (needed by the hosted service, not by \
             `testany mock`)\nservice:\n  ok: {url} answers (MCP 2025-06-18, 3 pipelines)\n",
            url = mock.url
        )
    );
}

#[test]
fn doctor_service_unreachable_exits_3_with_the_clients_sentence() {
    let mut env = Env::new();
    let url = format!("http://127.0.0.1:{}/api/v2/mcp/", closed_port());
    env.set("TESTANY_URL", &url);
    let out = env.run(&["doctor", "--json", "--service"]);
    assert_eq!(out.code, 3, "{out:?}");
    let report = parse(&out.stdout);
    assert_eq!(report["config"]["valid"], true);
    assert_eq!(report["service"]["reachable"], false);
    assert_eq!(report["service"]["pipelines"], Value::Null);
    let error = report["service"]["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!(
            "could not connect to the Testany service at {url}"
        )),
        "{error}"
    );
}

#[test]
fn doctor_service_refusing_the_credentials_and_then_accepting_the_token() {
    let mock = Mock::with_token();
    let mut env = Env::for_mock(&mock);
    let out = env.run(&["doctor", "--json", "--service"]);
    assert_eq!(out.code, 3, "{out:?}");
    let report = parse(&out.stdout);
    assert_eq!(report["token"]["present"], false);
    assert_eq!(
        report["service"]["error"],
        "the Testany service refused the credentials (HTTP 401); set a valid token in TESTANY_TOKEN (or the editor's secret storage)"
    );

    env.set("TESTANY_TOKEN", TOKEN);
    let out = env.run(&["doctor", "--json", "--service"]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = parse(&out.stdout);
    assert_eq!(report["token"]["present"], true);
    assert_eq!(report["service"]["reachable"], true);
    assert!(!out.stdout.contains(TOKEN), "{}", out.stdout);
    let out = env.run(&["doctor", "--service"]);
    assert!(!out.stdout.contains(TOKEN), "{}", out.stdout);
}
