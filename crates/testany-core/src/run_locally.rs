//! "Run locally" (issue 15): the framework's own command for just one test, to run in
//! the editor's terminal from the case's project folder:
//! `python -m pytest path::name`, `python -m unittest mod.Class.test`,
//! `mvn -Dtest=Class#method test`, `gradle test --tests Class.method`,
//! `npx playwright test file:line`, `npx jest file -t '^title$'`,
//! `newman run collection --folder "Request"`, `go test ./pkg -run '^TestX$/^sub$'`.
//!
//! Test names come from logs and may hold anything (quotes, `$`, `;`, newlines, escape
//! characters), so every argument is quoted for the shell that will read it
//! ([`quote`]): a terminal must run exactly the command shown, never a part of a name.
//! Filters that are patterns to the tool (Surefire's `-Dtest`, Gradle's `--tests`, Go's
//! `-run`, Jest's `-t`) get the name's special characters escaped or replaced by a
//! one-character wildcard, so the filter still selects the test. A value from the log
//! never becomes an option of the tool: a relative path starting with `-` gets `./`, a
//! Newman request name starting with `-` is bound as `--folder=...`, and a unittest id or
//! Gradle class starting with `-` (no real one does) gets no command.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::frameworks::{Framework, TestResult};

/// The shell a command line is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    /// sh, bash, zsh (ANSI-C `$'...'` quoting for control characters: bash, zsh, ksh).
    Posix,
    PowerShell,
}

/// A command to run one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCommand {
    /// Program and arguments, unquoted (for a process API).
    pub argv: Vec<String>,
    /// Workspace-relative folder to run it in (`""`: the workspace root): the case's
    /// project root, where its paths are relative to.
    pub cwd: String,
}

impl LocalCommand {
    /// The command line for `shell`, every argument quoted as needed.
    pub fn line(&self, shell: Shell) -> String {
        let mut out = String::new();
        for (k, a) in self.argv.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            out.push_str(&quote(a, shell));
        }
        out
    }
}

/// What the command is built from.
#[derive(Debug, Clone, Copy)]
pub struct LocalInput<'a> {
    pub test: &'a TestResult,
    /// The case's executor (`maven` or `gradle` picks the JUnit runner).
    pub executor: Option<&'a str>,
    /// The test's linked workspace file and 0-based line (from linking).
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    /// The case's project root in the workspace (linking's `CaseLinks::root`).
    pub root: Option<&'a str>,
    /// The case's trigger path (a Postman collection when no file is linked).
    pub trigger_path: Option<&'a str>,
}

/// The command for one test, or `None` when its framework has no single-test command
/// or the log does not identify the test well enough.
pub fn command(input: &LocalInput<'_>) -> Option<LocalCommand> {
    let t = input.test;
    // A Maven or Gradle project's folder is where `src/test/` starts, when the case did
    // not place its root (`trigger_path = "./"`).
    let jvm_root = || {
        let f = input.file?;
        let (head, _) = f.split_once("src/test/")?;
        Some(head.trim_end_matches('/'))
    };
    let root = match input.root {
        Some(r) => r,
        None if t.framework == Framework::Junit => jvm_root().unwrap_or(""),
        None => "",
    }
    .trim_end_matches('/');
    let rel = |f: &str| -> String {
        let f = f.strip_prefix("./").unwrap_or(f);
        if root.is_empty() {
            return f.to_owned();
        }
        f.strip_prefix(root)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(f)
            .to_owned()
    };
    let argv = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let argv: Vec<String> = match t.framework {
        Framework::Pytest => {
            let (_, rest) = t.id.split_once("::")?;
            let file = input
                .file
                .map(rel)
                .or_else(|| t.id.split_once("::").map(|(f, _)| f.to_owned()))?;
            let mut a = argv(&["python", "-m", "pytest"]);
            a.push(positional_path(format!("{file}::{rest}")));
            a
        }
        Framework::Unittest => {
            // A dotted name never starts with `-`; such an id would be an option.
            if t.id.starts_with('-') {
                return None;
            }
            let mut a = argv(&["python", "-m", "unittest"]);
            a.push(t.id.clone());
            a
        }
        Framework::Junit => {
            let (class, method) = t.id.split_once('#').unwrap_or((t.id.as_str(), ""));
            let method = strip_params(method);
            let gradle = input
                .executor
                .is_some_and(|e| e.eq_ignore_ascii_case("gradle"))
                || input
                    .file
                    .is_some_and(|f| f.ends_with(".kt") && input.executor.is_none());
            if gradle {
                // Gradle matches `pkg.Class.method`, `*` being its only wildcard.
                // No class name starts with `-`; such a filter would be an option.
                if class.starts_with('-') {
                    return None;
                }
                let mut filter = class.replace('*', "?");
                if !method.is_empty() {
                    filter.push('.');
                    filter.push_str(&method.replace('*', "?"));
                }
                let mut a = argv(&["gradle", "test", "--tests"]);
                a.push(filter);
                a
            } else {
                // Surefire: simple class name (`Outer$Inner` for a nested one); its
                // pattern characters in a name become `?` (any one character).
                let simple = class.rsplit('.').next().unwrap_or(class);
                let mut filter = surefire_escape(simple);
                if !method.is_empty() {
                    filter.push('#');
                    filter.push_str(&surefire_escape(method));
                }
                vec![
                    "mvn".to_owned(),
                    format!("-Dtest={filter}"),
                    "-Dsurefire.failIfNoSpecifiedTests=false".to_owned(),
                    "test".to_owned(),
                ]
            }
        }
        Framework::Playwright => {
            let file = input.file.map(rel).or_else(|| t.file.clone())?;
            let line = input.line.map(|l| l + 1).or(t.line)?;
            let mut a = argv(&["npx", "playwright", "test"]);
            a.push(positional_path(format!("{file}:{line}")));
            // `[chromium] › ...`: only that project.
            if let Some(project) =
                t.id.strip_prefix('[')
                    .and_then(|r| r.split_once("] › "))
                    .map(|(p, _)| p)
            {
                a.push(format!("--project={project}"));
            }
            a
        }
        Framework::Jest => {
            let file = input.file.map(rel).or_else(|| t.file.clone());
            // Jest's -t matches the full name: describe titles and the test's, by spaces.
            let parts: Vec<&str> = t.id.split(" › ").collect();
            let titles = if file.is_some() {
                parts.get(1..).unwrap_or(&[])
            } else {
                &parts[..]
            };
            if titles.is_empty() {
                return None;
            }
            let mut a = argv(&["npx", "jest"]);
            if let Some(f) = file {
                a.push(positional_path(f));
            }
            a.push("-t".to_owned());
            a.push(format!("^{}$", regex_escape(&titles.join(" "))));
            a
        }
        Framework::Newman => {
            let collection = input
                .file
                .map(rel)
                .or_else(|| input.trigger_path.map(rel))?;
            // `collection / folder / request / test`: the request runs all its tests.
            let before = t.id.strip_suffix(t.name.as_str())?.strip_suffix(" / ")?;
            let request = before.rsplit(" / ").next()?;
            let mut a = argv(&["newman", "run"]);
            a.push(positional_path(collection));
            if request.starts_with('-') {
                // Request names are free text: bound to the option, not read as one.
                a.push(format!("--folder={request}"));
            } else {
                a.push("--folder".to_owned());
                a.push(request.to_owned());
            }
            a
        }
        Framework::Go => {
            let dir = match input.file.map(rel) {
                Some(f) => match f.rsplit_once('/') {
                    Some((d, _)) => format!("./{d}"),
                    None => ".".to_owned(),
                },
                None => "./...".to_owned(),
            };
            let pattern: Vec<String> =
                t.id.split('/')
                    .map(|p| format!("^{}$", regex_escape(p)))
                    .collect();
            let mut a = argv(&["go", "test"]);
            a.push(dir);
            a.push("-run".to_owned());
            a.push(pattern.join("/"));
            a
        }
        _ => return None,
    };
    Some(LocalCommand {
        argv,
        cwd: root.to_owned(),
    })
}

/// A relative path from the log as a positional argument: one starting with `-` would
/// be read as an option of the tool (`pytest -p.py::t` loads a plugin), so it gets `./`,
/// which names the same file (Jest and Playwright match it as a pattern against the
/// absolute path, where `.` is any character and `/` the folder separator before it).
fn positional_path(path: String) -> String {
    if path.starts_with('-') {
        format!("./{path}")
    } else {
        path
    }
}

/// `testX(String)[1]` → `testX`, `adds two()` → `adds two`.
fn strip_params(name: &str) -> &str {
    let end = name.find(['(', '[']).unwrap_or(name.len());
    name.get(..end).unwrap_or(name).trim_end()
}

/// Surefire's pattern characters (`,` separates patterns; `*`, `?` wildcards; `!`
/// negates; `#` separates the method; `%` starts `%regex[`) become `?`.
fn surefire_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ',' | '*' | '!' | '#' | '%' | '[' | ']' => '?',
            c => c,
        })
        .collect()
}

/// A regular expression matching `s` literally (Go's RE2 and JavaScript's syntax
/// agree on these escapes).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `arg` as one word for `shell`: unchanged when it holds only characters the shell
/// never interprets, else quoted. Control characters are written as escapes (ANSI-C
/// `$'\x1b'` in POSIX shells, `$([char]0x1B)` in PowerShell), so a terminal never
/// receives them raw: an escape sent to an interactive shell's line editor would act as
/// a key.
pub fn quote(arg: &str, shell: Shell) -> Cow<'_, str> {
    match shell {
        Shell::Posix => quote_posix(arg),
        Shell::PowerShell => quote_powershell(arg),
    }
}

fn quote_posix(arg: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) && !arg.starts_with(['=', '-']) {
        return Cow::Borrowed(arg);
    }
    if arg.starts_with('-') && arg.chars().all(plain) {
        // An option: nothing to protect (a leading `-` is not special to the shell).
        return Cow::Borrowed(arg);
    }
    if arg.chars().any(char::is_control) {
        let mut out = String::from("$'");
        for c in arg.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        return Cow::Owned(out);
    }
    Cow::Owned(format!("'{}'", arg.replace('\'', "'\\''")))
}

fn quote_powershell(arg: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_/:.-".contains(c);
    // PowerShell splits `-Dtest=a.b` at the dot: an option with `.` or `=` is quoted.
    let option_with_value = arg.starts_with('-') && arg.contains(['.', '=']);
    if !arg.is_empty() && arg.chars().all(plain) && !option_with_value {
        return Cow::Borrowed(arg);
    }
    if arg.chars().any(char::is_control) {
        // A double-quoted string with escapes: backtick, `"`, `$` and the typographic
        // double quotes PowerShell also accepts are escaped with a backtick.
        let mut out = String::from("\"");
        for c in arg.chars() {
            match c {
                '`' | '"' | '$' | '\u{201C}' | '\u{201D}' | '\u{201E}' => {
                    out.push('`');
                    out.push(c);
                }
                c if c.is_control() => out.push_str(&format!("$([char]0x{:04X})", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        return Cow::Owned(out);
    }
    // Single quotes: a quote (also the typographic ones PowerShell accepts) is doubled.
    let mut out = String::from("'");
    for c in arg.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::TestStatus;

    fn t(framework: Framework, id: &str, name: &str, file: Option<&str>) -> TestResult {
        let mut t = TestResult::new(framework, id, TestStatus::Failed, 0);
        t.name = name.to_owned();
        t.file = file.map(str::to_owned);
        t
    }

    fn line_of(input: LocalInput<'_>, shell: Shell) -> Option<(String, String)> {
        command(&input).map(|c| (c.line(shell), c.cwd))
    }

    fn input<'a>(test: &'a TestResult) -> LocalInput<'a> {
        LocalInput {
            test,
            executor: None,
            file: None,
            line: None,
            root: None,
            trigger_path: None,
        }
    }

    #[test]
    fn commands_per_framework() {
        let py = t(
            Framework::Pytest,
            "tests/test_cart.py::TestRefund::test_x[a b-$(rm)]",
            "",
            None,
        );
        let ut = t(Framework::Unittest, "tests.test_x.T.test_one", "", None);
        let mvn = t(
            Framework::Junit,
            "com.acme.OrderTest$Refunds#refunds(String)[1]",
            "",
            None,
        );
        let kt = t(
            Framework::Junit,
            "com.acme.PriceTest#adds two, fast()",
            "",
            None,
        );
        let mut pw = t(
            Framework::Playwright,
            "[chromium] › tests/e2e/checkout.spec.ts:4:3 › checkout › adds an item",
            "checkout › adds an item",
            Some("tests/e2e/checkout.spec.ts"),
        );
        pw.line = Some(4);
        let jest = t(
            Framework::Jest,
            "src/a.test.ts › cart › totals (€)",
            "totals (€)",
            Some("src/a.test.ts"),
        );
        let nm = t(
            Framework::Newman,
            "Shop API / Orders / Create order's \"copy\" / Status is 201",
            "Status is 201",
            None,
        );
        let go = t(Framework::Go, "TestSum/adds_1.5", "adds_1.5", None);
        let rust = t(Framework::Rust, "tests::x", "x", None);
        let got = [
            line_of(
                LocalInput {
                    file: Some("shop/tests/test_cart.py"),
                    root: Some("shop"),
                    ..input(&py)
                },
                Shell::Posix,
            ),
            line_of(input(&ut), Shell::Posix),
            line_of(
                LocalInput {
                    executor: Some("maven"),
                    root: Some("api/"),
                    ..input(&mvn)
                },
                Shell::Posix,
            ),
            line_of(
                LocalInput {
                    executor: Some("gradle"),
                    file: Some("svc/price/src/test/kotlin/com/acme/PriceTest.kt"),
                    ..input(&kt)
                },
                Shell::Posix,
            ),
            line_of(
                LocalInput {
                    file: Some("web/tests/e2e/checkout.spec.ts"),
                    line: Some(5),
                    root: Some("web"),
                    ..input(&pw)
                },
                Shell::Posix,
            ),
            line_of(input(&jest), Shell::Posix),
            line_of(
                LocalInput {
                    trigger_path: Some("shop.postman_collection.json"),
                    ..input(&nm)
                },
                Shell::Posix,
            ),
            line_of(
                LocalInput {
                    file: Some("svc/a/sum_test.go"),
                    ..input(&go)
                },
                Shell::Posix,
            ),
            line_of(input(&rust), Shell::Posix),
        ];
        let want = [
            Some((
                "python -m pytest 'tests/test_cart.py::TestRefund::test_x[a b-$(rm)]'",
                "shop",
            )),
            Some(("python -m unittest tests.test_x.T.test_one", "")),
            Some((
                "mvn '-Dtest=OrderTest$Refunds#refunds' -Dsurefire.failIfNoSpecifiedTests=false test",
                "api",
            )),
            Some((
                "gradle test --tests 'com.acme.PriceTest.adds two, fast'",
                "svc/price",
            )),
            Some((
                "npx playwright test tests/e2e/checkout.spec.ts:6 --project=chromium",
                "web",
            )),
            Some(("npx jest src/a.test.ts -t '^cart totals \\(€\\)$'", "")),
            Some((
                "newman run shop.postman_collection.json --folder 'Create order'\\''s \"copy\"'",
                "",
            )),
            Some(("go test ./svc/a -run '^TestSum$/^adds_1\\.5$'", "")),
            None,
        ];
        let got: Vec<Option<(&str, &str)>> = got
            .iter()
            .map(|g| g.as_ref().map(|(a, b)| (a.as_str(), b.as_str())))
            .collect();
        assert_eq!(got, want);
    }

    /// Finding 9 (review round 2): an id, file or request name from the log that starts
    /// with `-` must never become an option of the tool (`python -m pytest -p.py::t`
    /// loads a plugin named `.py::t`).
    #[test]
    fn hostile_values_stay_arguments() {
        let py = t(Framework::Pytest, "-p.py::test_a", "", None);
        let py_linked = t(Framework::Pytest, "x.py::test_a", "", None);
        let ut = t(Framework::Unittest, "-k.evil", "", None);
        let mvn = t(Framework::Junit, "-X#y", "", None);
        let gradle = t(Framework::Junit, "--init-script=evil.gradle#x", "", None);
        let pw = t(
            Framework::Playwright,
            "[-x] › --config=evil.js:3:1 › a",
            "a",
            None,
        );
        let jest = t(Framework::Jest, "--config=evil.js › -a", "-a", None);
        let nm = t(Framework::Newman, "C / -r cli / Status", "Status", None);
        let go = t(Framework::Go, "-exec=evil", "", None);
        let inputs = [
            input(&py),
            LocalInput {
                file: Some("--rootdir=/tmp"),
                ..input(&py_linked)
            },
            input(&ut),
            LocalInput {
                executor: Some("maven"),
                ..input(&mvn)
            },
            LocalInput {
                executor: Some("gradle"),
                ..input(&gradle)
            },
            LocalInput {
                file: Some("--config=evil.js"),
                line: Some(2),
                ..input(&pw)
            },
            LocalInput {
                file: Some("--config=evil.js"),
                ..input(&jest)
            },
            LocalInput {
                trigger_path: Some("--reporters=x.json"),
                ..input(&nm)
            },
            input(&go),
        ];
        let got: Vec<Option<Vec<String>>> =
            inputs.iter().map(|i| command(i).map(|c| c.argv)).collect();
        let want: Vec<Option<Vec<&str>>> = vec![
            Some(vec!["python", "-m", "pytest", "./-p.py::test_a"]),
            Some(vec!["python", "-m", "pytest", "./--rootdir=/tmp::test_a"]),
            // No unittest name starts with `-`: refused.
            None,
            // `-Dtest=` binds the value.
            Some(vec![
                "mvn",
                "-Dtest=-X#y",
                "-Dsurefire.failIfNoSpecifiedTests=false",
                "test",
            ]),
            // No JVM class name starts with `-`: refused.
            None,
            Some(vec![
                "npx",
                "playwright",
                "test",
                "./--config=evil.js:3",
                "--project=-x",
            ]),
            Some(vec!["npx", "jest", "./--config=evil.js", "-t", "^-a$"]),
            Some(vec![
                "newman",
                "run",
                "./--reporters=x.json",
                "--folder=-r cli",
            ]),
            // The folder is `./...`; `-run` binds the pattern.
            Some(vec!["go", "test", "./...", "-run", "^-exec=evil$"]),
        ];
        let got: Vec<Option<Vec<&str>>> = got
            .iter()
            .map(|g| g.as_ref().map(|v| v.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn powershell_lines() {
        let mvn = t(Framework::Junit, "com.acme.OrderTest#it's", "", None);
        let c = command(&LocalInput {
            executor: Some("maven"),
            ..input(&mvn)
        });
        assert_eq!(
            c.map(|c| c.line(Shell::PowerShell)).as_deref(),
            Some("mvn '-Dtest=OrderTest#it''s' '-Dsurefire.failIfNoSpecifiedTests=false' test")
        );
    }

    #[test]
    fn quoting() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain/path.py", "plain/path.py", "plain/path.py"),
            ("", "''", "''"),
            ("a b", "'a b'", "'a b'"),
            ("it's", "'it'\\''s'", "'it''s'"),
            ("$HOME;`x`", "'$HOME;`x`'", "'$HOME;`x`'"),
            ("=cmd", "'=cmd'", "'=cmd'"),
            ("-v", "-v", "-v"),
            ("-Dx=a.b", "-Dx=a.b", "'-Dx=a.b'"),
            (
                "a\u{1b}[2Jb\nc'",
                "$'a\\x1b[2Jb\\x0ac\\''",
                "\"a$([char]0x001B)[2Jb$([char]0x000A)c'\"",
            ),
            ("\u{2019}x", "'\u{2019}x'", "'\u{2019}\u{2019}x'"),
            ("\"$x`\u{7}", "$'\"$x`\\x07'", "\"`\"`$x``$([char]0x0007)\""),
        ];
        for (arg, posix, ps) in cases {
            assert_eq!(quote(arg, Shell::Posix), *posix, "posix {arg:?}");
            assert_eq!(quote(arg, Shell::PowerShell), *ps, "powershell {arg:?}");
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// What a POSIX shell makes of a quoted word (the quoting forms [`quote`] writes).
        fn unquote_posix(s: &str) -> String {
            let mut out = String::new();
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\'' => {
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                            out.push(c);
                        }
                    }
                    '\\' => out.extend(chars.next()),
                    '$' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        let mut bytes = Vec::new();
                        while let Some(c) = chars.next() {
                            match c {
                                '\'' => break,
                                '\\' => match chars.next() {
                                    Some('x') => {
                                        let h: String = chars.by_ref().take(2).collect();
                                        bytes.push(u8::from_str_radix(&h, 16).unwrap());
                                    }
                                    Some(c) => bytes.extend(c.to_string().bytes()),
                                    None => {}
                                },
                                c => bytes.extend(c.to_string().bytes()),
                            }
                        }
                        out.push_str(&String::from_utf8(bytes).unwrap());
                    }
                    c => out.push(c),
                }
            }
            out
        }

        proptest! {
            #[test]
            fn posix_quoting_round_trips(arg in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
                let q = quote(&arg, Shell::Posix);
                prop_assert!(!q.contains(|c: char| c.is_control()));
                prop_assert_eq!(unquote_posix(&q), arg);
            }

            #[test]
            fn powershell_quoting_has_no_raw_controls(arg in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
                let q = quote(&arg, Shell::PowerShell);
                prop_assert!(!q.contains(|c: char| c.is_control()));
            }

            #[test]
            fn commands_never_panic(
                f in 0..8usize,
                id in "\\PC{0,60}",
                name in "\\PC{0,20}",
                file in prop::option::of("[a-z/._]{0,20}"),
                line in prop::option::of(0u32..100),
                root in prop::option::of("[a-z/]{0,8}"),
            ) {
                let fw = [
                    Framework::Pytest, Framework::Unittest, Framework::Junit, Framework::Playwright,
                    Framework::Jest, Framework::Newman, Framework::Go, Framework::Ruby,
                ];
                let test = t(fw.get(f).copied().unwrap_or(Framework::Go), &id, &name, file.as_deref());
                let c = command(&LocalInput {
                    test: &test,
                    executor: None,
                    file: file.as_deref(),
                    line,
                    root: root.as_deref(),
                    trigger_path: Some("c.json"),
                });
                if let Some(c) = c {
                    let l = c.line(Shell::Posix);
                    prop_assert!(!l.contains(|c: char| c.is_control()));
                }
            }
        }
    }
}
