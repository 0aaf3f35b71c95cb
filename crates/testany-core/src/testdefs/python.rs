//! Python: `def test_x`, `async def test_x`, `class TestX` and the `test*` methods of
//! classes (pytest's and unittest's defaults), nested classes included. Nesting comes
//! from indentation of logical lines (brackets and backslashes continue a line);
//! comments and string literals (all quote styles and prefixes, triple-quoted across
//! lines) are skipped, so a `def test_x` inside a docstring is not a test.
//!
//! Functions nested in functions are not tests (pytest does not collect them), nor are
//! classes inside functions.

use super::cursor::Cursor;
use super::{DefKind, Defs, MAX_DEPTH, TestDef, clipped};

#[derive(Debug)]
struct Block {
    indent: usize,
    /// A class (else a function).
    class: bool,
}

/// The test definitions of a Python source text.
pub fn scan(text: &str) -> Vec<TestDef> {
    let mut c = Cursor::new(text);
    let mut out = Defs::default();
    let mut blocks: Vec<Block> = Vec::new();
    // Names of the enclosing classes, when every enclosing block is a class.
    let mut path: Vec<String> = Vec::new();
    // Open brackets of the current logical line.
    let mut depth = 0usize;
    let mut at_line_start = true;
    while !c.at_end() {
        if at_line_start && depth == 0 {
            at_line_start = false;
            let indent = indentation(&mut c);
            if matches!(c.peek(), b'\n' | b'\r' | b'#' | 0) {
                // Blank or comment-only lines do not close blocks.
                continue;
            }
            while blocks.last().is_some_and(|b| b.indent >= indent) {
                if blocks.pop().is_some_and(|b| b.class) && blocks.len() < path.len() {
                    path.pop();
                }
            }
            statement(&mut c, indent, &mut blocks, &mut path, &mut out);
            continue;
        }
        match c.peek() {
            b'#' => c.skip_to_line_end(),
            b'\n' | b'\r' => {
                c.bump();
                at_line_start = true;
            }
            b'\\' => {
                // A line continuation (or a stray backslash): the next line continues.
                c.bump();
                if c.starts_with("\r\n") {
                    c.bump();
                }
                c.bump();
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                c.bump();
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                c.bump();
            }
            b'\'' | b'"' => skip_string(&mut c),
            b if super::cursor::is_ident_byte(b, false) => {
                // A string prefix (r, b, f, u, rb...) is part of the word before a quote.
                c.ident(false);
            }
            _ => c.bump(),
        }
    }
    out.defs
}

/// Counts the indentation at a line start (a tab advances to the next multiple of 8, as
/// Python does) and steps over it.
fn indentation(c: &mut Cursor<'_>) -> usize {
    let mut n = 0usize;
    loop {
        match c.peek() {
            b' ' => n += 1,
            b'\t' => n = (n / 8 + 1) * 8,
            b'\x0c' => n = 0,
            _ => return n,
        }
        c.bump();
    }
}

/// The first words of a logical line: `class NAME`, `def NAME`, `async def NAME`.
fn statement(
    c: &mut Cursor<'_>,
    indent: usize,
    blocks: &mut Vec<Block>,
    path: &mut Vec<String>,
    out: &mut Defs,
) {
    let line = c.line;
    let mut word = c.ident(false);
    if word == "async" {
        c.skip_blanks();
        word = c.ident(false);
    }
    let class = match word {
        "class" => true,
        "def" => false,
        _ => return,
    };
    if !matches!(c.peek(), b' ' | b'\t' | b'\\') {
        return;
    }
    c.skip_blanks();
    let name = c.ident(false);
    if name.is_empty() || name.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return;
    }
    if blocks.len() >= MAX_DEPTH {
        // Deeper than tracked: its path would be cut, so it is not listed.
        return;
    }
    // Only classes all the way down: a def or class inside a function is not collected.
    let in_classes = blocks.len() == path.len();
    blocks.push(Block { indent, class });
    if class && in_classes {
        out.push(name, path, line, DefKind::Suite);
        path.push(clipped(name));
    }
    if !class && in_classes && name.starts_with("test") {
        out.push(name, path, line, DefKind::Test);
    }
}

/// Skips a string literal whose quote is at `pos`: `'x'`, `"x"`, `'''x'''`, `"""x"""`.
/// An unterminated single-quoted string ends at the line break.
fn skip_string(c: &mut Cursor<'_>) {
    let q = c.peek();
    let triple = c.peek_at(1) == q && c.peek_at(2) == q;
    if triple {
        c.bump_n(3);
        while !c.at_end() {
            match c.peek() {
                b'\\' => c.bump_n(2),
                b if b == q && c.peek_at(1) == q && c.peek_at(2) == q => {
                    c.bump_n(3);
                    return;
                }
                _ => c.bump(),
            }
        }
        return;
    }
    c.bump();
    while !c.at_end() {
        match c.peek() {
            b'\\' => {
                c.bump();
                if c.starts_with("\r\n") {
                    c.bump();
                }
                c.bump();
            }
            b'\n' | b'\r' => return,
            b if b == q => {
                c.bump();
                return;
            }
            _ => c.bump(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (path joined by "::", name, line, kind)
    pub(crate) fn rows(defs: &[TestDef]) -> Vec<(String, &str, u32, DefKind)> {
        defs.iter()
            .map(|d| (d.path.join("::"), d.name.as_str(), d.line, d.kind))
            .collect()
    }

    use DefKind::{Suite as S, Test as T};

    #[test]
    fn functions_classes_methods_and_nesting() {
        let src = "\
import pytest

def helper():
    def test_inner():  # nested in a function: not collected
        pass

def test_top():
    assert 1

async def test_async():
    pass

@pytest.mark.parametrize('x', [1, 2])
def test_param(x):
    pass

class TestCart:
    def setup_method(self):
        pass

    def test_total(self):
        s = '''
def test_in_string():
'''
        # def test_in_comment():

    class TestNested:
        async def test_deep(self):
            pass

    def test_after_nested(self):
        pass

def test_last(
    a,
    b,
): pass
";
        assert_eq!(
            rows(&scan(src)),
            vec![
                (String::new(), "test_top", 6, T),
                (String::new(), "test_async", 9, T),
                (String::new(), "test_param", 13, T),
                (String::new(), "TestCart", 16, S),
                ("TestCart".into(), "test_total", 20, T),
                ("TestCart".into(), "TestNested", 26, S),
                ("TestCart::TestNested".into(), "test_deep", 27, T),
                ("TestCart".into(), "test_after_nested", 30, T),
                (String::new(), "test_last", 33, T),
            ]
        );
    }

    #[test]
    fn strings_brackets_and_continuations_do_not_open_blocks() {
        let src = "\
x = (\n    1,\ndef test_not_a_def_inside_parens)\n\
y = \"def test_no\" + \\\n    'def test_no2'\n\
z = r\"\\\"\"; w = b'\\'def test_no3'\n\
\tdef test_tab_indented(): pass\n\
def test_crlf():\r\n    pass\r\n\
def test_cr():\r    pass\r\
class TestUnittest(unittest.TestCase):\n\
\x20   \"\"\"Doc with def test_in_doc(): and ''' quotes\"\"\"\n\
\x20   def test_one(self): pass\n\
def test_unterminated():\n    s = 'abc\ndef test_after_bad_string(): pass\n";
        assert_eq!(
            rows(&scan(src)),
            vec![
                (String::new(), "test_tab_indented", 6, T),
                (String::new(), "test_crlf", 7, T),
                (String::new(), "test_cr", 9, T),
                (String::new(), "TestUnittest", 11, S),
                ("TestUnittest".into(), "test_one", 13, T),
                (String::new(), "test_unterminated", 14, T),
                (String::new(), "test_after_bad_string", 16, T),
            ]
        );
    }

    #[test]
    fn dedent_closes_classes() {
        let src = "class A:\n  class B:\n    def test_b(self): pass\n  def test_a(self): pass\ndef test_m(): pass\n";
        assert_eq!(
            rows(&scan(src)),
            vec![
                (String::new(), "A", 0, S),
                ("A".into(), "B", 1, S),
                ("A::B".into(), "test_b", 2, T),
                ("A".into(), "test_a", 3, T),
                (String::new(), "test_m", 4, T),
            ]
        );
    }
}
