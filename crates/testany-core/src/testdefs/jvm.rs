//! Java and Kotlin: methods annotated `@Test`, `@ParameterizedTest`, `@RepeatedTest`,
//! `@TestFactory`, `@TestTemplate` (JUnit 4 and 5, also written qualified,
//! `@org.junit.jupiter.api.Test`), JUnit 3 `void test*()` methods, and their classes
//! (`class`, `interface`, `enum`, `record`, Kotlin `object`), nested classes included.
//! Kotlin names in backticks (`` fun `adds two`() ``) are read without them, and
//! `@DisplayName("...")` is kept as the definition's alias (Gradle prints it).
//!
//! Nesting follows braces: a class body is the first `{` after `class NAME` outside
//! parentheses. Comments (Kotlin's nest), strings, Java text blocks, Kotlin raw strings
//! and `${...}` templates, and character literals are skipped.

use super::cursor::{Cursor, is_ident_byte, read_quoted};
use super::{DefKind, Defs, MAX_DEPTH, TestDef, clipped};

/// Java or Kotlin: block comments nest in Kotlin, strings hold `${` templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Java,
    Kotlin,
}

/// The annotations that make a method a test.
const TEST_ANNOTATIONS: &[&str] = &[
    "Test",
    "ParameterizedTest",
    "RepeatedTest",
    "TestFactory",
    "TestTemplate",
];

#[derive(Debug)]
struct Class {
    /// Brace depth inside the class body.
    depth: usize,
}

/// The test definitions of a Java or Kotlin source text.
pub fn scan(text: &str, dialect: Dialect) -> Vec<TestDef> {
    let mut c = Cursor::new(text);
    let mut out = Defs::default();
    let mut classes: Vec<Class> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut braces = 0usize;
    let mut parens = 0usize;
    // `class NAME` seen, body not yet open: (name, line, brace depth).
    let mut pending_class: Option<(String, u32, usize)> = None;
    // A test annotation seen, its method not yet.
    let mut pending_test = false;
    let mut display: Option<String> = None;
    let mut prev_word = "";
    let mut after_dot = false;
    while !c.at_end() {
        let b = c.peek();
        let mut word = "";
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                c.bump();
                continue;
            }
            b'/' if c.peek_at(1) == b'/' => {
                c.skip_to_line_end();
                continue;
            }
            b'/' if c.peek_at(1) == b'*' => {
                c.bump_n(2);
                c.skip_block_comment(dialect == Dialect::Kotlin);
                continue;
            }
            b'"' => skip_string(&mut c, dialect),
            b'\'' => {
                let _ = read_quoted(&mut c, b'\'', true, None);
            }
            b'@' => {
                c.bump();
                c.skip_ws();
                let mut name = c.ident(true);
                // `@org.junit.jupiter.api.Test`: the last segment names it.
                while c.peek() == b'.' && is_ident_byte(c.peek_at(1), true) {
                    c.bump();
                    name = c.ident(true);
                }
                let mut probe = c.clone();
                probe.skip_ws();
                let first_string = if probe.peek() == b'(' {
                    c = probe;
                    annotation_args(&mut c, dialect)
                } else {
                    None
                };
                if TEST_ANNOTATIONS.contains(&name) {
                    pending_test = true;
                } else if name == "DisplayName" {
                    display = first_string;
                } else if name == "interface" {
                    // `@interface Foo`: an annotation type, read as a class.
                    word = "interface";
                }
                if word.is_empty() {
                    after_dot = false;
                    continue;
                }
            }
            b'`' if dialect == Dialect::Kotlin => {
                let line = c.line;
                if let Some(name) = read_quoted(&mut c, b'`', true, None)
                    && method_name(
                        &c,
                        MethodCtx {
                            classes: &classes,
                            braces,
                            parens,
                        },
                    )
                    && pending_test
                {
                    let alias = display.take();
                    push_test(
                        &mut out,
                        &name,
                        &path,
                        line,
                        alias,
                        &mut pending_test,
                        false,
                    );
                }
                prev_word = "";
                after_dot = false;
                continue;
            }
            b'{' => {
                c.bump();
                if parens == 0
                    && let Some((name, line, at)) = pending_class.take()
                    && at == braces
                    && classes.len() < MAX_DEPTH
                {
                    let alias = display.take();
                    if out.push(&name, &path, line, DefKind::Suite)
                        && let Some(d) = out.defs.last_mut()
                    {
                        d.alias = alias.map(|a| clipped(&a));
                    }
                    classes.push(Class { depth: braces + 1 });
                    path.push(clipped(&name));
                }
                braces += 1;
                pending_test = false;
            }
            b'}' => {
                c.bump();
                braces = braces.saturating_sub(1);
                while classes.last().is_some_and(|k| k.depth > braces) {
                    classes.pop();
                    path.pop();
                }
                pending_test = false;
                pending_class = None;
            }
            b'(' | b'[' => {
                c.bump();
                parens += 1;
            }
            b')' | b']' => {
                c.bump();
                parens = parens.saturating_sub(1);
            }
            b';' => {
                c.bump();
                if parens == 0 {
                    pending_test = false;
                    pending_class = None;
                }
            }
            b'.' => {
                c.bump();
                after_dot = true;
                continue;
            }
            b if is_ident_byte(b, true) => {
                let line = c.line;
                let name = c.ident(true);
                if b.is_ascii_digit() {
                    // A number such as `1.5e3` or `0x1F`.
                    while c.peek() == b'.' || is_ident_byte(c.peek(), true) {
                        c.bump();
                    }
                } else if !after_dot
                    && matches!(name, "class" | "interface" | "enum" | "record" | "object")
                {
                    word = name;
                } else if matches!(name, "fun" | "val" | "var") {
                    pending_class = None;
                    prev_word = name;
                } else if !after_dot
                    && method_name(
                        &c,
                        MethodCtx {
                            classes: &classes,
                            braces,
                            parens,
                        },
                    )
                {
                    let junit3 =
                        dialect == Dialect::Java && prev_word == "void" && name.starts_with("test");
                    if pending_test || junit3 {
                        let alias = display.take();
                        push_test(
                            &mut out,
                            name,
                            &path,
                            line,
                            alias,
                            &mut pending_test,
                            junit3,
                        );
                    }
                    prev_word = name;
                } else {
                    prev_word = name;
                }
            }
            _ => c.bump(),
        }
        if !word.is_empty() {
            let mut probe = c.clone();
            probe.skip_ws();
            let line = probe.line;
            let name = if probe.peek() == b'`' {
                read_quoted(&mut probe, b'`', true, None).unwrap_or_default()
            } else {
                probe.ident(true).to_owned()
            };
            if !name.is_empty()
                && !matches!(
                    name.as_str(),
                    "class" | "interface" | "enum" | "record" | "object" | "fun"
                )
            {
                c = probe;
                pending_class = Some((name, line, braces));
            }
            prev_word = "";
        }
        after_dot = false;
    }
    out.defs
}

#[derive(Clone, Copy)]
struct MethodCtx<'a> {
    classes: &'a [Class],
    braces: usize,
    parens: usize,
}

/// Whether the identifier just read can be a method's name: directly in a class body,
/// outside parentheses, followed by `(`.
fn method_name(c: &Cursor<'_>, ctx: MethodCtx<'_>) -> bool {
    if ctx.parens != 0 || ctx.classes.last().is_none_or(|k| k.depth != ctx.braces) {
        return false;
    }
    let mut probe = c.clone();
    probe.skip_ws();
    probe.peek() == b'('
}

/// Records the method `name` when a test annotation preceded it or it is a JUnit 3
/// `void test*()` (`junit3`).
fn push_test(
    out: &mut Defs,
    name: &str,
    path: &[String],
    line: u32,
    alias: Option<String>,
    pending_test: &mut bool,
    junit3: bool,
) {
    if !*pending_test && !junit3 {
        return;
    }
    *pending_test = false;
    if out.push(name, path, line, DefKind::Test)
        && let Some(d) = out.defs.last_mut()
    {
        d.alias = alias.map(|a| clipped(&a));
    }
}

/// Skips an annotation's `( ... )` (the `(` at `pos`) and returns its first string
/// literal (`@DisplayName("adds two")`).
fn annotation_args(c: &mut Cursor<'_>, dialect: Dialect) -> Option<String> {
    let mut depth = 0usize;
    let mut first = None;
    while !c.at_end() {
        match c.peek() {
            b'(' | b'[' | b'{' => {
                depth += 1;
                c.bump();
            }
            b')' | b']' | b'}' => {
                if depth == 0 {
                    // A closer the arguments did not open: broken code.
                    break;
                }
                c.bump();
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'"' => {
                let mut probe = c.clone();
                let s = if probe.starts_with("\"\"\"") {
                    None
                } else {
                    read_quoted(&mut probe, b'"', true, None)
                };
                skip_string(c, dialect);
                if first.is_none() {
                    first = s;
                }
            }
            b'\'' => {
                let _ = read_quoted(c, b'\'', true, None);
            }
            b'/' if c.peek_at(1) == b'/' => c.skip_to_line_end(),
            b'/' if c.peek_at(1) == b'*' => {
                c.bump_n(2);
                c.skip_block_comment(dialect == Dialect::Kotlin);
            }
            // A `;` cannot be inside an annotation's arguments: broken code.
            b';' => break,
            _ => c.bump(),
        }
    }
    first
}

/// Skips a string at its `"`: `"..."` (Kotlin's `${...}` templates included), `"""..."""`
/// (a Java text block with escapes, a Kotlin raw string without). An unterminated
/// `"..."` ends at the line break.
fn skip_string(c: &mut Cursor<'_>, dialect: Dialect) {
    if c.starts_with("\"\"\"") {
        c.bump_n(3);
        while !c.at_end() {
            if c.starts_with("\"\"\"") {
                c.bump_n(3);
                // Kotlin: `""""` ends with the last three quotes.
                while c.peek() == b'"' {
                    c.bump();
                }
                return;
            }
            match c.peek() {
                b'\\' if dialect == Dialect::Java => c.bump_n(2),
                b'$' if dialect == Dialect::Kotlin && c.peek_at(1) == b'{' => {
                    c.bump_n(2);
                    skip_template_expr(c);
                }
                _ => c.bump(),
            }
        }
        return;
    }
    c.bump();
    while !c.at_end() {
        match c.peek() {
            b'\\' => c.bump_n(2),
            b'"' => {
                c.bump();
                return;
            }
            b'\n' | b'\r' => return,
            b'$' if dialect == Dialect::Kotlin && c.peek_at(1) == b'{' => {
                c.bump_n(2);
                skip_template_expr(c);
            }
            _ => c.bump(),
        }
    }
}

/// Skips a Kotlin `${ ... }` after its `${`: braces counted, simple strings inside
/// skipped (a nested template's own `${` counts as a brace).
fn skip_template_expr(c: &mut Cursor<'_>) {
    let mut braces = 1usize;
    while !c.at_end() {
        match c.peek() {
            b'{' => braces += 1,
            b'}' => {
                braces -= 1;
                if braces == 0 {
                    c.bump();
                    return;
                }
            }
            b'"' => {
                let _ = read_quoted(c, b'"', true, None);
                continue;
            }
            b'\n' | b'\r' => return,
            _ => {}
        }
        c.bump();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DefKind::{Suite as S, Test as T};

    fn rows(defs: &[TestDef]) -> Vec<(String, &str, u32, DefKind, Option<&str>)> {
        defs.iter()
            .map(|d| {
                (
                    d.path.join("."),
                    d.name.as_str(),
                    d.line,
                    d.kind,
                    d.alias.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn java_junit5_with_nested_and_parameterized() {
        let src = r#"package com.acme;

import org.junit.jupiter.api.*;

/** A doc comment: @Test void notThis() {} */
@DisplayName("Cart tests")
class CartTest {
    private final String s = "@Test void inString() {";
    private final char q = '"';

    @Test
    void addsItem() {
        helper(Foo.class, () -> {});
    }

    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {1, 2})
    public void countsItems(int n) { }

    @org.junit.jupiter.api.Test @DisplayName("removes (all) items")
    void removesItems() {}

    void helper(Class<?> c, Runnable r) {}

    @Nested
    class Totals {
        @RepeatedTest(3)
        void rounds() {
            String block = """
                @Test void inTextBlock() {}
                """;
        }
    }

    @Test
    void afterNested() {}
}
"#;
        assert_eq!(
            rows(&scan(src, Dialect::Java)),
            vec![
                (String::new(), "CartTest", 6, S, Some("Cart tests")),
                ("CartTest".into(), "addsItem", 11, T, None),
                ("CartTest".into(), "countsItems", 17, T, None),
                (
                    "CartTest".into(),
                    "removesItems",
                    20,
                    T,
                    Some("removes (all) items")
                ),
                ("CartTest".into(), "Totals", 25, S, None),
                ("CartTest.Totals".into(), "rounds", 27, T, None),
                ("CartTest".into(), "afterNested", 35, T, None),
            ]
        );
    }

    #[test]
    fn java_junit3_and_junit4() {
        let src = "public class LegacyTest extends TestCase {\n  public void testOld() { run(); }\n  public void notATest() {}\n  @org.junit.Test(expected = X.class) public void four() {}\n  record R(int x) { void testInRecord() {} }\n}\n";
        assert_eq!(
            rows(&scan(src, Dialect::Java)),
            vec![
                (String::new(), "LegacyTest", 0, S, None),
                ("LegacyTest".into(), "testOld", 1, T, None),
                ("LegacyTest".into(), "four", 3, T, None),
                ("LegacyTest".into(), "R", 4, S, None),
                ("LegacyTest.R".into(), "testInRecord", 4, T, None),
            ]
        );
    }

    #[test]
    fn kotlin_backticks_objects_and_templates() {
        let src = "package com.acme\n\
/* outer /* nested @Test fun no() {} */ still comment */\n\
class PriceTest {\n\
    private val s = \"${ \"}\" } @Test fun inTemplate()\"\n\
    private val raw = \"\"\"@Test fun inRaw() {}\"\"\"\n\
\n\
    @Test\n\
    fun `adds two numbers`() {\n\
        assertEquals(4, 2 + 2)\n\
    }\n\
\n\
    @Test fun plain() = Unit\n\
\n\
    @Nested\n\
    inner class Discounts {\n\
        @ParameterizedTest @ValueSource(strings = [\"a\", \"b\"])\n\
        fun <T> applies(x: String) {}\n\
    }\n\
    companion object { fun helper() {} }\n\
}\n\
object Standalone { @Test fun `in object`() {} }\n";
        assert_eq!(
            rows(&scan(src, Dialect::Kotlin)),
            vec![
                (String::new(), "PriceTest", 2, S, None),
                ("PriceTest".into(), "adds two numbers", 7, T, None),
                ("PriceTest".into(), "plain", 11, T, None),
                ("PriceTest".into(), "Discounts", 14, S, None),
                ("PriceTest.Discounts".into(), "applies", 16, T, None),
                (String::new(), "Standalone", 20, S, None),
                ("Standalone".into(), "in object", 20, T, None),
            ]
        );
    }
}
