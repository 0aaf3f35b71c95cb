//! Go: top-level `func TestX(t *testing.T)` (also `Benchmark`, `Example`, `Fuzz`
//! functions, as `go test` names them) and their `t.Run("name", ...)` subtests with a
//! literal name, nested. A subtest's alias is the name as `go test` prints it (spaces
//! become `_`). Comments, interpreted and raw strings and runes are skipped; methods
//! (`func (s *S) TestX`) are not tests.

use super::cursor::{Cursor, is_ident_byte, read_quoted};
use super::{DefKind, Defs, MAX_DEPTH, TestDef, clipped};

#[derive(Debug)]
struct Open {
    /// Bracket depth inside the function body or the `Run(` call.
    depth: usize,
    /// Deeper than [`MAX_DEPTH`]: not on the path, and what it holds is not listed.
    dropped: bool,
}

/// The test definitions of a Go source text.
pub fn scan(text: &str) -> Vec<TestDef> {
    let mut c = Cursor::new(text);
    let mut out = Defs::default();
    let mut open: Vec<Open> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut depth = 0usize;
    // A test function's name read, its body not yet open.
    let mut pending: Option<String> = None;
    let mut after_dot = false;
    while !c.at_end() {
        let b = c.peek();
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
                c.skip_block_comment(false);
                continue;
            }
            b'"' | b'\'' => {
                let _ = read_quoted(&mut c, b, true, None);
            }
            b'`' => {
                let _ = read_quoted_raw(&mut c);
            }
            b'{' => {
                c.bump();
                if depth == 0
                    && let Some(name) = pending.take()
                    && open.is_empty()
                {
                    path.push(name);
                    open.push(Open {
                        depth: 1,
                        dropped: false,
                    });
                }
                depth += 1;
            }
            b'(' | b'[' => {
                c.bump();
                depth += 1;
            }
            b')' | b']' | b'}' => {
                c.bump();
                depth = depth.saturating_sub(1);
                while let Some(o) = open.pop_if(|o| o.depth > depth) {
                    if !o.dropped {
                        path.pop();
                    }
                }
            }
            b'.' => {
                c.bump();
                after_dot = true;
                continue;
            }
            b if is_ident_byte(b, false) => {
                let line = c.line;
                let word = c.ident(false);
                if b.is_ascii_digit() {
                    while c.peek() == b'.' || is_ident_byte(c.peek(), false) {
                        c.bump();
                    }
                } else if word == "func" && depth == 0 {
                    c.skip_ws();
                    let line = c.line;
                    let name = c.ident(false);
                    let mut probe = c.clone();
                    probe.skip_ws();
                    if is_test_name(name) && probe.peek() == b'(' {
                        out.push(name, &[], line, DefKind::Test);
                        pending = Some(clipped(name));
                    }
                } else if word == "Run" && after_dot && !open.is_empty() {
                    let mut probe = c.clone();
                    probe.skip_ws();
                    if probe.peek() == b'(' {
                        probe.bump();
                        probe.skip_ws();
                        let q = probe.peek();
                        let title = match q {
                            b'"' => read_quoted(&mut probe, b'"', true, None),
                            b'`' => read_quoted_raw(&mut probe),
                            _ => None,
                        };
                        if let Some(t) = title {
                            c = probe;
                            depth += 1;
                            let deep = open.last().is_some_and(|o| o.dropped);
                            let pushed = !deep && out.push(&t, &path, line, DefKind::Test);
                            let printed = t.replace(' ', "_");
                            if pushed
                                && printed != t
                                && let Some(d) = out.defs.last_mut()
                            {
                                d.alias = Some(clipped(&printed));
                            }
                            let dropped = deep || path.len() >= MAX_DEPTH;
                            if !dropped {
                                path.push(clipped(&printed));
                            }
                            open.push(Open { depth, dropped });
                        }
                    }
                }
            }
            _ => c.bump(),
        }
        after_dot = false;
    }
    out.defs
}

/// `TestX`, `BenchmarkX`, `ExampleX`, `FuzzX`: the prefix alone or followed by a
/// character that is not a lower-case letter (go test's rule).
fn is_test_name(name: &str) -> bool {
    ["Test", "Benchmark", "Example", "Fuzz"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_lowercase))
    })
}

/// A raw string at its backtick, consumed; `None` when unterminated.
fn read_quoted_raw(c: &mut Cursor<'_>) -> Option<String> {
    c.bump();
    let start = c.pos;
    while !c.at_end() {
        if c.peek() == b'`' {
            let s = c.slice(start, c.pos).replace('\r', "");
            c.bump();
            return Some(s);
        }
        c.bump();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(defs: &[TestDef]) -> Vec<(String, &str, u32, Option<&str>)> {
        defs.iter()
            .map(|d| {
                (
                    d.path.join("/"),
                    d.name.as_str(),
                    d.line,
                    d.alias.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn functions_and_subtests() {
        let src = "package shop\n\
\n\
import \"testing\"\n\
\n\
// func TestCommented(t *testing.T) {}\n\
func TestSum(t *testing.T) {\n\
\tt.Run(\"adds two\", func(t *testing.T) {\n\
\t\tt.Run(`nested`, func(t *testing.T) { s := \"}\" ; _ = s })\n\
\t})\n\
\tt.Run(name, func(t *testing.T) {})\n\
}\n\
\n\
func (s *Suite) TestMethod() {}\n\
func Testlower(t *testing.T) {}\n\
func helper() { t.Run(\"not in a test\", nil) }\n\
func BenchmarkSum(b *testing.B) {}\n\
func Test(t *testing.T) {}\n";
        assert_eq!(
            rows(&scan(src)),
            vec![
                (String::new(), "TestSum", 5, None),
                ("TestSum".into(), "adds two", 6, Some("adds_two")),
                ("TestSum/adds_two".into(), "nested", 7, None),
                (String::new(), "BenchmarkSum", 15, None),
                (String::new(), "Test", 16, None),
            ]
        );
    }
}
