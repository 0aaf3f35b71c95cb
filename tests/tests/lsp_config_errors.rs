//! Issue 17: a testany.toml that is a directory or cannot be read gets the same one
//! `window/showMessage` error as an invalid file (it used to give silence and null
//! lenses). Tests run as root, where `chmod 000` does not stop a read, so "unreadable" is
//! a FIFO (never opened: a read would block the server), a dangling symlink and bytes
//! that are not UTF-8.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Workspace};

const WAIT: Duration = Duration::from_secs(60);
const TEST_FILE: &str = "tests/test_a.py";

fn errors(messages: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = messages
        .iter()
        .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 1)
        .filter_map(|m| m["params"]["message"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

#[test]
fn a_config_that_is_a_directory_or_unreadable_is_reported_like_an_invalid_one() {
    let folders: Vec<(&str, Workspace)> = ["invalid", "directory", "fifo", "dangling", "latin1"]
        .into_iter()
        .map(|tag| (tag, Workspace::empty(&format!("cfgerr-{tag}"))))
        .collect();
    for (tag, ws) in &folders {
        ws.write(TEST_FILE, "# testany: A1B2C3D4\ndef test_a():\n    pass\n");
        let config = ws.path("testany.toml");
        match *tag {
            "invalid" => ws
                .write_config("url = \"http://x.localhost/\"\n\n[poll]\nrunning_secs = \"fast\"\n"),
            "directory" => std::fs::create_dir(&config).expect("mkdir testany.toml"),
            "fifo" => {
                let status = Command::new("mkfifo")
                    .arg(&config)
                    .status()
                    .expect("mkfifo");
                assert!(status.success());
            }
            "dangling" => std::os::unix::fs::symlink(ws.path("gone.toml"), &config)
                .expect("symlink testany.toml"),
            _ => std::fs::write(&config, b"url = \"caf\xe9\"\n").expect("write testany.toml"),
        }
    }
    let cache = Workspace::empty("cfgerr-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &cache_dir)], None);
    let roots: Vec<&std::path::Path> = folders.iter().map(|(_, ws)| ws.root.as_path()).collect();
    lsp.initialize(&roots, editor_capabilities(false), json!({}));
    for (_, ws) in &folders {
        lsp.open(&ws.uri(TEST_FILE), "python", &ws.read(TEST_FILE));
    }

    let shown = lsp.wait_for(WAIT, "five configuration errors", |m| {
        let e = errors(m);
        (e.len() >= 5).then_some(e)
    });
    let path = |tag: &str| {
        let ws = &folders.iter().find(|(t, _)| *t == tag).expect("folder").1;
        ws.path("testany.toml").display().to_string()
    };
    let mut expected = vec![
        format!(
            "Testany: {} line 4: `poll.running_secs` must be an integer, found a string",
            path("invalid")
        ),
        format!(
            "Testany: {} is a directory; the configuration must be a TOML file",
            path("directory")
        ),
        format!(
            "Testany: {} is not a regular file (a FIFO, socket or device); the configuration must be a TOML file",
            path("fifo")
        ),
        format!(
            "Testany: {} is a link to {}/gone.toml that cannot be read (No such file or directory (os error 2)); point it at a TOML file",
            path("dangling"),
            folders[3].1.root.display()
        ),
        format!(
            "Testany: {} is not UTF-8 text (invalid byte at offset 10); save it as UTF-8",
            path("latin1")
        ),
    ];
    expected.sort();
    // The invalid file's message may go on (it names the line's text); the rest are whole.
    assert_eq!(shown.len(), 5, "{shown:#?}");
    for (got, want) in shown.iter().zip(&expected) {
        assert!(got.starts_with(want), "got {got:?}\nwant {want:?}");
    }

    // Lenses: the same for every broken folder as for the invalid file.
    let reference = lsp.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": folders[0].1.uri(TEST_FILE)}}),
    );
    for (tag, ws) in &folders[1..] {
        let lenses = lsp.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": ws.uri(TEST_FILE)}}),
        );
        assert_eq!(lenses, reference, "{tag}");
    }
    // Still one error each, however often the projects are looked at.
    assert_eq!(errors(&lsp.messages()).len(), 5);
    lsp.shutdown();
}

/// Issue 15's leftover: a `[cases]` entry whose file is not in the project links nothing;
/// the server now says so once, as a warning with the CLI's sentence, stops once the file
/// exists, and says it again when the file goes.
#[test]
fn a_cases_entry_to_a_missing_file_is_one_warning_until_the_file_exists() {
    let ws = Workspace::empty("cfg-cases-missing");
    ws.write(TEST_FILE, "def test_a():\n    pass\n");
    ws.write_config(
        "url = \"http://127.0.0.1:9/mcp\"\npipelines = []\n\n[cases]\nA1B2C3D4 = \"./tests/test_a.py\"\nE5F6A7B8 = \"tests/test_gone.py\"\n",
    );
    let cache = Workspace::empty("cfg-cases-missing-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &cache_dir)], None);
    lsp.initialize(&[ws.root.as_path()], editor_capabilities(false), json!({}));
    lsp.open(&ws.uri(TEST_FILE), "python", &ws.read(TEST_FILE));
    let sentence = "Testany: [cases] entry E5F6A7B8 = \"tests/test_gone.py\" in testany.toml names a file that is not in the project: fix the path or remove the entry";
    let warnings = |messages: &[Value]| -> Vec<String> {
        messages
            .iter()
            .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 2)
            .filter_map(|m| m["params"]["message"].as_str().map(str::to_owned))
            .filter(|text| text.contains("[cases]"))
            .collect()
    };
    let shown = lsp.wait_for(WAIT, "the [cases] warning", |m| {
        let w = warnings(m);
        (!w.is_empty()).then_some(w)
    });
    assert_eq!(shown, [sentence]);
    assert!(
        errors(&lsp.messages()).is_empty(),
        "{:#?}",
        errors(&lsp.messages())
    );

    // The file appears: no second warning, however often the project is looked at.
    ws.write("tests/test_gone.py", "def test_gone():\n    pass\n");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": ws.uri("tests/test_gone.py"), "type": 1}]}),
    );
    lsp.code_lens(&ws.uri(TEST_FILE));
    assert_eq!(warnings(&lsp.messages()), [sentence]);

    // It goes again: the warning comes back, once.
    std::fs::remove_file(ws.path("tests/test_gone.py")).expect("remove test_gone.py");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": ws.uri("tests/test_gone.py"), "type": 3}]}),
    );
    let again = lsp.wait_for(WAIT, "the warning again", |m| {
        let w = warnings(m);
        (w.len() >= 2).then_some(w)
    });
    assert_eq!(again, [sentence, sentence]);
    lsp.code_lens(&ws.uri(TEST_FILE));
    assert_eq!(warnings(&lsp.messages()).len(), 2);
    lsp.shutdown();
}
