//! Test definitions in source text (issue 15): where `def test_x`, `test('title'`,
//! `@Test void x()`, `func TestX(` or a Postman request and its `pm.test('...'` are
//! defined, so a result from a case log can be linked to its line without markers.
//!
//! Each language has a lexical scanner in its own module: one pass over the text that
//! skips comments and string literals and tracks just enough nesting (Python indentation,
//! brackets elsewhere) to know each test's enclosing classes or `describe` blocks. No
//! parser and no tree-sitter: a lexical scan finds what a log names (a function name, a
//! literal title) and costs microseconds per file. Every scanner is linear in the text,
//! never panics and keeps at most [`MAX_DEFS`] definitions of at most [`MAX_NAME`] bytes.

mod cursor;
pub mod go;
pub mod js;
pub mod jvm;
pub mod postman;
pub mod python;

use serde::{Deserialize, Serialize};

/// At most this many definitions are kept per file.
pub const MAX_DEFS: usize = 100_000;
/// Names and titles are cut to this many bytes (as test ids are, `frameworks::MAX_ID`).
pub const MAX_NAME: usize = crate::frameworks::MAX_ID;
/// Nesting deeper than this is not tracked, and the definitions inside are not listed
/// (their path would be cut, so no printed id could match them).
pub const MAX_DEPTH: usize = 64;

/// The languages with a scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    /// JavaScript and TypeScript (also JSX/TSX): Jest, Vitest, Mocha, Playwright.
    JavaScript,
    Java,
    Kotlin,
    Go,
    /// A Postman collection (JSON, v2.0/v2.1).
    Postman,
}

impl Language {
    /// The language of a file by its name; `None` for files no scanner reads.
    pub fn from_path(path: &str) -> Option<Language> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (_, ext) = name.rsplit_once('.')?;
        Some(match ext.to_ascii_lowercase().as_str() {
            "py" => Language::Python,
            "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => Language::JavaScript,
            "java" => Language::Java,
            "kt" | "kts" => Language::Kotlin,
            "go" => Language::Go,
            "json" => Language::Postman,
            _ => return None,
        })
    }
}

/// What a definition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefKind {
    /// A group of tests: a class, a `describe` block, a Postman folder.
    Suite,
    /// A test: a function or method, a `test(`/`it(` call, a Go `t.Run` subtest.
    Test,
    /// A Postman request (its tests are its `pm.test` assertions).
    Request,
    /// A `pm.test('...'` assertion inside a request's (or folder's) test script.
    Assertion,
}

/// One definition found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestDef {
    /// The definition's own name or title, unescaped (`test_x`, `adds two`, `TestSum`).
    pub name: String,
    /// Enclosing suites, outermost first: classes, `describe` titles, Go parent tests,
    /// Postman folders and the request of an assertion.
    pub path: Vec<String>,
    /// 0-based line of the name (Python `def`, the `test` of `test(`, a Java method's
    /// name, a request's `"name"` value, the JSON string holding `pm.test(`).
    pub line: u32,
    pub kind: DefKind,
    /// Another name the framework may print: JUnit 5's `@DisplayName("...")`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl TestDef {
    /// Whether this definition's path followed by its name is `chain`.
    pub fn is(&self, chain: &[&str]) -> bool {
        let Some((last, outer)) = chain.split_last() else {
            return false;
        };
        self.name == *last
            && self.path.len() == outer.len()
            && self.path.iter().zip(outer).all(|(a, b)| a == b)
    }
}

/// Why a file's definitions could not be read (the definitions found before the problem
/// are still returned where that makes sense).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanError {
    /// A Postman collection that is not valid JSON.
    #[error(
        "the collection is not valid JSON ({what} at line {line}): fix the file or export it again from Postman"
    )]
    InvalidJson { line: u32, what: String },
    /// Valid JSON that is not a Postman collection (no `item` array).
    #[error("the JSON file is not a Postman collection (no \"item\" array at its top level)")]
    NotACollection,
}

/// The definitions of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// In order of appearance.
    pub defs: Vec<TestDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ScanError>,
}

/// Scans `text` as `language`.
pub fn scan(language: Language, text: &str) -> Scan {
    match language {
        Language::Python => Scan {
            defs: python::scan(text),
            error: None,
        },
        Language::JavaScript => Scan {
            defs: js::scan(text),
            error: None,
        },
        Language::Java => Scan {
            defs: jvm::scan(text, jvm::Dialect::Java),
            error: None,
        },
        Language::Kotlin => Scan {
            defs: jvm::scan(text, jvm::Dialect::Kotlin),
            error: None,
        },
        Language::Go => Scan {
            defs: go::scan(text),
            error: None,
        },
        Language::Postman => postman::scan(text),
    }
}

/// At most this many bytes of names and paths are kept per file: every definition
/// copies its enclosing path, so without a budget a small file of deeply nested suites
/// with long titles could ask for gigabytes (100,000 tests x 64 suites x 512 bytes).
pub const MAX_DEF_BYTES: usize = 32 << 20;

/// Collects definitions with the limits applied.
#[derive(Debug, Default)]
pub(crate) struct Defs {
    pub(crate) defs: Vec<TestDef>,
    bytes: usize,
}

impl Defs {
    /// Adds a definition; `false` when a limit dropped it.
    pub(crate) fn push(&mut self, name: &str, path: &[String], line: u32, kind: DefKind) -> bool {
        let name = crate::frameworks::clip(name, MAX_NAME);
        let bytes = name.len() + path.iter().map(String::len).sum::<usize>();
        if self.defs.len() >= MAX_DEFS || self.bytes + bytes > MAX_DEF_BYTES {
            return false;
        }
        self.bytes += bytes;
        self.defs.push(TestDef {
            name: name.to_owned(),
            path: path.to_vec(),
            line,
            kind,
            alias: None,
        });
        true
    }
}

/// `s` cut to [`MAX_NAME`] bytes, owned.
pub(crate) fn clipped(s: &str) -> String {
    crate::frameworks::clip(s, MAX_NAME).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_file_name() {
        let got: Vec<Option<Language>> = [
            "tests/test_a.py",
            "e2e/login.spec.ts",
            "a.test.JSX",
            "src/test/java/com/acme/FooTest.java",
            "src/test/kotlin/FooTest.kt",
            "pkg/sum_test.go",
            "api.postman_collection.json",
            "README.md",
            "Makefile",
            "dir.d\\noext",
        ]
        .iter()
        .map(|p| Language::from_path(p))
        .collect();
        assert_eq!(
            got,
            vec![
                Some(Language::Python),
                Some(Language::JavaScript),
                Some(Language::JavaScript),
                Some(Language::Java),
                Some(Language::Kotlin),
                Some(Language::Go),
                Some(Language::Postman),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn def_is_its_chain() {
        let d = TestDef {
            name: "test_x".into(),
            path: vec!["TestA".into(), "TestB".into()],
            line: 3,
            kind: DefKind::Test,
            alias: None,
        };
        assert!(d.is(&["TestA", "TestB", "test_x"]));
        assert!(!d.is(&["TestB", "test_x"]));
        assert!(!d.is(&["TestA", "TestB", "test_y"]));
        assert!(!d.is(&[]));
    }

    #[test]
    fn nested_long_titles_stay_within_the_byte_budget() {
        // 64 describes of 512-byte titles, then 100,000 tests inside: ~1 MB of text.
        let title = "t".repeat(MAX_NAME);
        let mut text = String::new();
        for _ in 0..MAX_DEPTH {
            text.push_str(&format!("describe('{title}', () => {{\n"));
        }
        for _ in 0..MAX_DEFS {
            text.push_str("it('x')\n");
        }
        let defs = scan(Language::JavaScript, &text).defs;
        let per_test = 1 + MAX_DEPTH * MAX_NAME;
        let suites: usize = (0..MAX_DEPTH).map(|k| MAX_NAME + k * MAX_NAME).sum();
        assert_eq!(defs.len(), MAX_DEPTH + (MAX_DEF_BYTES - suites) / per_test);
        assert_eq!(
            defs.last().map(|d| (d.name.as_str(), d.path.len())),
            Some(("x", MAX_DEPTH))
        );
    }

    #[test]
    fn definitions_deeper_than_tracked_are_not_listed() {
        let mut js = String::new();
        let mut py = String::new();
        for k in 0..MAX_DEPTH + 1 {
            js.push_str(&format!("describe('d{k}', () => {{\n"));
            py.push_str(&format!("{}class TestD{k}:\n", " ".repeat(k)));
        }
        js.push_str("it('deep')\n");
        js.push_str(&"})\n".repeat(MAX_DEPTH + 1));
        js.push_str("it('shallow')\n");
        py.push_str(&format!(
            "{}def test_deep(self): pass\ndef test_shallow(): pass\n",
            " ".repeat(MAX_DEPTH + 1)
        ));
        let tail = |lang: Language, text: &str| -> Vec<(String, usize)> {
            let defs = scan(lang, text).defs;
            defs.iter()
                .skip(MAX_DEPTH - 1)
                .map(|d| (d.name.clone(), d.path.len()))
                .collect()
        };
        assert_eq!(
            tail(Language::JavaScript, &js),
            // `d64` has its whole path (64 suites); what it holds would not.
            vec![
                ("d63".to_owned(), 63),
                ("d64".to_owned(), 64),
                ("shallow".to_owned(), 0)
            ]
        );
        assert_eq!(
            tail(Language::Python, &py),
            vec![("TestD63".to_owned(), 63), ("test_shallow".to_owned(), 0)]
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Pieces that open and close the constructs the scanners track, so random
        /// sequences reach unbalanced and unterminated states.
        const PIECES: &[&str] = &[
            "def test_a():",
            "class TestB:",
            "async def test_c",
            "    ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "'",
            "\"",
            "'''",
            "\"\"\"",
            "`",
            "${",
            "}",
            "{",
            "(",
            ")",
            "[",
            "]",
            "#",
            "//",
            "/*",
            "*/",
            "\\",
            "test('t', () => {",
            "describe(\"d\", ",
            "it(`x`",
            "@Test",
            "void testX() {",
            "fun `a b`()",
            "class K {",
            "func TestG(t *testing.T) {",
            "t.Run(\"s\", ",
            "pm.test('p', ",
            "/re[/]/",
            "\"item\": [",
            "\"name\": \"n\"",
            "\"exec\": [\"pm.test('q')\"]",
            ",",
            ":",
            "é",
            "😀",
            "\u{feff}",
            "@DisplayName(\"d\")",
            "\\u",
            "\\ud83d",
            "\\x4",
            "\\u{1F6",
        ];

        fn soup() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat())
        }

        fn check(text: &str) {
            let lines = text.split('\n').count() + text.matches('\r').count();
            for lang in [
                Language::Python,
                Language::JavaScript,
                Language::Java,
                Language::Kotlin,
                Language::Go,
                Language::Postman,
            ] {
                let s = scan(lang, text);
                for d in &s.defs {
                    assert!((d.line as usize) < lines, "{lang:?} {d:?} in {text:?}");
                    assert!(d.name.len() <= MAX_NAME);
                    assert!(d.path.len() <= MAX_DEPTH);
                }
            }
        }

        proptest! {
            #[test]
            fn fragment_soups_never_panic_and_lines_stay_inside(text in soup()) {
                check(&text);
            }

            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,400}|.{0,400}") {
                check(&text);
            }
        }

        #[test]
        fn postman_collection_inside_a_soup() {
            // A valid collection whose script holds every piece: lines stay in the file.
            let script: Vec<String> = ["pm.test('first', () => {});"]
                .iter()
                .chain(PIECES)
                .map(|p| serde_json::to_string(p).unwrap())
                .collect();
            let text = format!(
                "{{\"item\": [{{\"name\": \"r\", \"event\": [{{\"script\": {{\"exec\": [{}]}}}}]}}]}}",
                script.join(",\n")
            );
            check(&text);
            let s = scan(Language::Postman, &text);
            assert_eq!(s.error, None);
            assert_eq!(
                s.defs
                    .iter()
                    .find(|d| d.kind == DefKind::Assertion)
                    .map(|d| (d.name.as_str(), d.line)),
                Some(("first", 0))
            );
        }
    }
}
