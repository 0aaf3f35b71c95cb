//! Terminal injection (issue 17): the service's strings (case logs, case names, errors,
//! pipeline names, environments) reach the terminal sanitised by every subcommand.
//! `tests/hostile.toml` fills each of them with OSC 52 / 0 / 8, CSI erase, DCS, 8-bit
//! C1 controls, bidi overrides, NUL, BEL, BS and bare CRs. Expected outputs are written
//! out: with colours forced on (`CLICOLOR_FORCE=1`: SGR kept), with `NO_COLOR=1`, and on
//! a plain pipe (no SGR either way).

mod common;

use common::{Env, Mock, Output, normalize};

const SCENARIO: &str = include_str!("hostile.toml");
const KEY: &str = "EVL-0001-00001";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    NoColor,
    Pipe,
    Forced,
}

fn env_for(mock: &Mock, mode: Mode) -> Env {
    let mut env = Env::new();
    env.set("TESTANY_URL", &mock.url);
    env.set("TESTANY_PIPELINES", "EVL-0001");
    env.set("TESTANY_WORKSPACE", "EVL");
    if mode != Mode::NoColor {
        env.vars.retain(|(k, _)| k != "NO_COLOR");
    }
    if mode == Mode::Forced {
        env.set("CLICOLOR_FORCE", "1");
    }
    env
}

/// Nothing that acts on a terminal or hides text: no C0 control but `\n`, no C1, no
/// bidi control, and ESC only as the start of an SGR sequence when colours are on.
fn assert_inert(text: &str, colour: bool) {
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        assert!(colour, "ESC without colours in {text:?}");
        let body = rest[at..].strip_prefix("\x1b[").expect("only CSI");
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap();
        assert_eq!(&body[end..end + 1], "m", "only SGR in {text:?}");
        rest = &body[end + 1..];
    }
    for c in text.chars() {
        let bad = (c < ' ' && c != '\n' && c != '\x1b')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        assert!(!bad, "{c:?} in {text:?}");
    }
}

fn run(env: &Env, mode: Mode, args: &[&str]) -> Output {
    let out = env.run(args);
    assert_inert(&out.stdout, mode == Mode::Forced);
    assert_inert(&out.stderr, mode == Mode::Forced);
    out
}

fn stdout_of(env: &Env, mode: Mode, args: &[&str], code: i32) -> String {
    let out = run(env, mode, args);
    assert_eq!(out.code, code, "{args:?}: {out:?}");
    normalize(&out.stdout, &[])
}

const LOG_PLAIN: &str = "Running with testany-runner 3.14.2 (a1b2c3d4)\nRuntime acd454c3-a05f-4d79-b66d-29919da530e6 on shop-ci-7f9c for EVL-0001-00001 (environment: staging<U+009B>1m)\nFetching changes with git depth set to 20...\nInitialized empty Git repository in /builds/evil/.git/\nChecking out 5e1f0c2a as detached HEAD (ref is main)...\n$ cd /builds/evil\n$ ./run-case.sh BAD00001\nnot ok test_login_ok␀<U+2066>x<U+2069>\n/builds/evil/tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> red click␈␇\nERROR: Job failed: exit code 1\n";

const LOG_COLOUR: &str = "  \u{1b}[32;1mRunning with testany-runner 3.14.2 (a1b2c3d4)\u{1b}[0m\n  \u{1b}[36;1mRuntime\u{1b}[0m acd454c3-a05f-4d79-b66d-29919da530e6 on shop-ci-7f9c for EVL-0001-00001 (environment: staging<U+009B>1m)\n  \u{1b}[32;1mFetching changes with git depth set to 20...\u{1b}[0m\n  Initialized empty Git repository in /builds/evil/.git/\n  \u{1b}[32;1mChecking out 5e1f0c2a as detached HEAD (ref is main)...\u{1b}[0m\n  \u{1b}[32;1m$ cd /builds/evil\u{1b}[0m\n  \u{1b}[32;1m$ ./run-case.sh BAD00001\u{1b}[0m\n  \u{1b}[31mnot ok\u{1b}[0m test_login_ok␀<U+2066>x<U+2069>\n\u{1b}[1m\u{1b}[31m▶\u{1b}[0m /builds/evil/tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> \u{1b}[31mred\u{1b}[0m click␈␇\n\u{1b}[1m\u{1b}[31m▶\u{1b}[0m \u{1b}[31;1mERROR: Job failed: exit code 1\u{1b}[0m\n";

const SHOW_PLAIN: &str = "EVL-0001-00001 FAILED\n  pipeline  EVL-0001 (Nightly <U+202E>gnirts<U+202C> run)\n  status    COMPLETED\n  env       staging<U+009B>1m\n  trigger   MANUAL\n  started   [TIME]\n  duration  2s\n\n#  CASE      RESULT  DURATION  NAME                             ERROR\n0  BAD00001  FAILED  1s        test_login_ok␀<U+2066>x<U+2069>  tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> red click␈␇\n1  GOOD0002  PASSED  1s        test_fine\n";

const SHOW_COLOUR: &str = "\u{1b}[1mEVL-0001-00001\u{1b}[0m \u{1b}[1m\u{1b}[31mFAILED\u{1b}[0m\n  \u{1b}[2mpipeline \u{1b}[0m EVL-0001 (Nightly <U+202E>gnirts<U+202C> run)\n  \u{1b}[2mstatus   \u{1b}[0m COMPLETED\n  \u{1b}[2menv      \u{1b}[0m staging<U+009B>1m\n  \u{1b}[2mtrigger  \u{1b}[0m MANUAL\n  \u{1b}[2mstarted  \u{1b}[0m [TIME]\n  \u{1b}[2mduration \u{1b}[0m 2s\n\n\u{1b}[1m#\u{1b}[0m  \u{1b}[1mCASE\u{1b}[0m      \u{1b}[1mRESULT\u{1b}[0m  \u{1b}[1mDURATION\u{1b}[0m  \u{1b}[1mNAME\u{1b}[0m                             \u{1b}[1mERROR\u{1b}[0m\n0  BAD00001  \u{1b}[1m\u{1b}[31mFAILED\u{1b}[0m  1s        test_login_ok␀<U+2066>x<U+2069>  tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> red click␈␇\n1  GOOD0002  \u{1b}[32mPASSED\u{1b}[0m  1s        test_fine\n";

const LIST_PLAIN: &str = "EXECUTION       RESULT  PIPELINE  ENV                TRIGGER  STARTED               DURATION\nEVL-0001-00001  FAILED  EVL-0001  staging<U+009B>1m  MANUAL   [TIME]  2s\n";

const LIST_COLOUR: &str = "\u{1b}[1mEXECUTION\u{1b}[0m       \u{1b}[1mRESULT\u{1b}[0m  \u{1b}[1mPIPELINE\u{1b}[0m  \u{1b}[1mENV\u{1b}[0m                \u{1b}[1mTRIGGER\u{1b}[0m  \u{1b}[1mSTARTED\u{1b}[0m               \u{1b}[1mDURATION\u{1b}[0m\nEVL-0001-00001  \u{1b}[1m\u{1b}[31mFAILED\u{1b}[0m  EVL-0001  staging<U+009B>1m  MANUAL   [TIME]  2s\n";

const PIPELINE_PLAIN: &str = "EVL-0001 Nightly <U+202E>gnirts<U+202C> run\n  workspace EVL\n  env       staging<U+009B>1m\n\n#  CASE      NAME\n0  BAD00001  test_login_ok␀<U+2066>x<U+2069>\n1  GOOD0002  test_fine\n";

const PIPELINE_COLOUR: &str = "\u{1b}[1mEVL-0001\u{1b}[0m Nightly <U+202E>gnirts<U+202C> run\n  \u{1b}[2mworkspace\u{1b}[0m EVL\n  \u{1b}[2menv      \u{1b}[0m staging<U+009B>1m\n\n\u{1b}[1m#\u{1b}[0m  \u{1b}[1mCASE\u{1b}[0m      \u{1b}[1mNAME\u{1b}[0m\n0  BAD00001  test_login_ok␀<U+2066>x<U+2069>\n1  GOOD0002  test_fine\n";

const HEALTH_SLOWEST_PLAIN: &str = "Slowest cases\nCASE      MEAN  MAX  NAME\nBAD00001  1s    1s   test_login_ok␀<U+2066>x<U+2069>\nGOOD0002  1s    1s   test_fine\n";

const HEALTH_SLOWEST_COLOUR: &str = "\u{1b}[1mSlowest cases\u{1b}[0m\n\u{1b}[1mCASE\u{1b}[0m      \u{1b}[1mMEAN\u{1b}[0m  \u{1b}[1mMAX\u{1b}[0m  \u{1b}[1mNAME\u{1b}[0m\nBAD00001  1s    1s   test_login_ok␀<U+2066>x<U+2069>\nGOOD0002  1s    1s   test_fine\n";

const STATUS_PLAIN: &str = "EVL-0001 EVL-0001-00001 FAILED · staging<U+009B>1m · [TIME]\n  2 cases: 1 passed, 1 failed\n\nerror[error]: FAILED BAD00001 test_login_ok␀<U+2066>x<U+2069>\n |\nnote: tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> red click␈␇\nnote: not linked to a file: add `testany: BAD00001` in a comment by the test, or map it under [cases] in testany.toml\nnote: in execution EVL-0001-00001 (case 0)\n  log: testany logs EVL-0001-00001 0\n\n1 failing case, 0 linked to files; 1 failing test or case not linked (--allow-unlinked accepts that)\n";

const STATUS_COLOUR: &str = "\u{1b}[1mEVL-0001\u{1b}[0m EVL-0001-00001 \u{1b}[1m\u{1b}[31mFAILED\u{1b}[0m · staging<U+009B>1m · [TIME]\n  2 cases: 1 passed, 1 failed\n\n\u{1b}[1m\u{1b}[91merror[error]\u{1b}[0m\u{1b}[1m: FAILED BAD00001 test_login_ok␀<U+2066>x<U+2069>\u{1b}[0m\n \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[92mnote\u{1b}[0m: tests/test_login.py:7: boom␍ALL PASSED<U+009D>52;c;eA==<U+009C> red click␈␇\n\u{1b}[1m\u{1b}[92mnote\u{1b}[0m: not linked to a file: add `testany: BAD00001` in a comment by the test, or map it under [cases] in testany.toml\n\u{1b}[1m\u{1b}[92mnote\u{1b}[0m: in execution EVL-0001-00001 (case 0)\n  \u{1b}[2mlog:\u{1b}[0m testany logs EVL-0001-00001 0\n\n\u{1b}[1m\u{1b}[31m1 failing case, 0 linked to files\u{1b}[0m\u{1b}[1m\u{1b}[31m; 1 failing test or case not linked (--allow-unlinked accepts that)\u{1b}[0m\n";

const TESTS_PLAIN: &str = "EVL-0001-00001 FAILED · staging<U+009B>1m · latest of EVL-0001\n\ncase BAD00001 test_login_ok␀<U+2066>x<U+2069> FAILED: no tests in its log\n\ncase GOOD0002 test_fine PASSED: no tests in its log\n\n0 tests\n";

const TESTS_COLOUR: &str = "\u{1b}[1mEVL-0001-00001\u{1b}[0m FAILED · staging<U+009B>1m · latest of EVL-0001\n\n\u{1b}[1mcase\u{1b}[0m BAD00001 test_login_ok␀<U+2066>x<U+2069> FAILED: no tests in its log\n\n\u{1b}[1mcase\u{1b}[0m GOOD0002 test_fine PASSED: no tests in its log\n\n\u{1b}[32m0 tests\u{1b}[0m\n";

fn check_all(mode: Mode) {
    let mock = Mock::scenario(SCENARIO);
    let env = env_for(&mock, mode);
    let colour = mode == Mode::Forced;
    let pick = |plain: &'static str, coloured: &'static str| if colour { coloured } else { plain };
    assert_eq!(
        stdout_of(&env, mode, &["logs", KEY, "0"], 0),
        pick(LOG_PLAIN, LOG_COLOUR)
    );
    assert_eq!(
        stdout_of(&env, mode, &["executions", "show", KEY], 0),
        pick(SHOW_PLAIN, SHOW_COLOUR)
    );
    assert_eq!(
        stdout_of(&env, mode, &["executions", "list"], 0),
        pick(LIST_PLAIN, LIST_COLOUR)
    );
    assert_eq!(
        stdout_of(&env, mode, &["pipeline", "show", "EVL-0001"], 0),
        pick(PIPELINE_PLAIN, PIPELINE_COLOUR)
    );
    let health = stdout_of(&env, mode, &["health", "EVL-0001"], 0);
    let slowest = pick(HEALTH_SLOWEST_PLAIN, HEALTH_SLOWEST_COLOUR);
    assert!(health.ends_with(slowest), "{health:?}");
    // Its failing case is linked to no file: exit 1, or 0 when that is allowed.
    assert_eq!(
        stdout_of(&env, mode, &["status"], 1),
        pick(STATUS_PLAIN, STATUS_COLOUR)
    );
    assert_eq!(
        stdout_of(&env, mode, &["status", "--allow-unlinked"], 0),
        pick(STATUS_PLAIN, STATUS_COLOUR)
    );
    // `tests`: the case's name and the environment as the service sent them, inert;
    // its failing case makes exit 1 even though its log names no test.
    assert_eq!(
        stdout_of(&env, mode, &["tests"], 1),
        pick(TESTS_PLAIN, TESTS_COLOUR)
    );
    // An error message quoting text it was given.
    let out = run(&env, mode, &["logs", KEY, "\x1b]0;x\x07\u{202e}\ry"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "{}: execution EVL-0001-00001 has no case <U+202E>␍y; `testany executions show EVL-0001-00001` lists its cases\n",
            pick("error", "\u{1b}[1m\u{1b}[31merror\u{1b}[0m")
        )
    );
    // `--json` stays data: the strings as the service sent them, JSON-escaped.
    let out = run(&env, mode, &["pipeline", "show", "EVL-0001", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["name"], "Nightly\u{1b}]0;pwned\u{7} \u{202e}gnirts\u{202c} run",
        "{}",
        out.stdout
    );
}

#[test]
fn hostile_service_text_with_no_color() {
    check_all(Mode::NoColor);
}

#[test]
fn hostile_service_text_on_a_pipe() {
    check_all(Mode::Pipe);
}

#[test]
fn hostile_service_text_with_colours_forced() {
    check_all(Mode::Forced);
}
