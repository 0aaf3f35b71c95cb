//! Postman collections (v2.0 and v2.1 JSON): folders, requests and the `pm.test('...'`
//! assertions of each request's (and folder's) scripts, with the lines they have in the
//! JSON text: a request at the line of its `"name"` value, an assertion at the line of
//! the `exec` string that holds its `pm.test(`.
//!
//! serde_json does not say where a value is, so the text is read by a small JSON reader
//! that keeps each string's line. It accepts exactly JSON (no comments, no trailing
//! commas) and names the line of the first mistake, so a collection that does not parse
//! gets a clear outcome rather than partial results.

use super::cursor::{Cursor, read_quoted};
use super::{DefKind, Defs, MAX_DEPTH, Scan, ScanError, TestDef, clipped};

/// JSON nesting beyond this is refused (a collection nests two levels per folder).
const MAX_JSON_DEPTH: usize = 512;

#[derive(Debug)]
enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    Str { value: String, line: u32 },
    Other,
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn string(&self) -> Option<(&str, u32)> {
        match self {
            Json::Str { value, line } => Some((value, *line)),
            _ => None,
        }
    }
}

/// The folders, requests and assertions of a collection.
pub fn scan(text: &str) -> Scan {
    let root = match parse(text) {
        Ok(root) => root,
        Err((line, what)) => {
            return Scan {
                defs: Vec::new(),
                error: Some(ScanError::InvalidJson { line, what }),
            };
        }
    };
    let Some(Json::Array(items)) = root.get("item") else {
        return Scan {
            defs: Vec::new(),
            error: Some(ScanError::NotACollection),
        };
    };
    let mut out = Defs::default();
    let mut path = Vec::new();
    walk(items, &mut path, &mut out);
    Scan {
        defs: out.defs,
        error: None,
    }
}

fn walk(items: &[Json], path: &mut Vec<String>, out: &mut Defs) {
    for item in items {
        let Some((name, line)) = item.get("name").and_then(Json::string) else {
            continue;
        };
        let folder = match item.get("item") {
            Some(Json::Array(children)) => Some(children),
            _ => None,
        };
        let kind = if folder.is_some() {
            DefKind::Suite
        } else {
            DefKind::Request
        };
        out.push(name, path, line, kind);
        if path.len() >= MAX_DEPTH {
            continue;
        }
        path.push(clipped(name));
        if let Some(Json::Array(events)) = item.get("event") {
            for event in events {
                assertions(event, path, out);
            }
        }
        if let Some(children) = folder {
            walk(children, path, out);
        }
        path.pop();
    }
}

/// The `pm.test(` calls of one event's script (`exec`: an array of lines or one string).
fn assertions(event: &Json, path: &[String], out: &mut Defs) {
    let Some(exec) = event.get("script").and_then(|s| s.get("exec")) else {
        return;
    };
    let mut script = String::new();
    // JSON line of each script line.
    let mut lines: Vec<u32> = Vec::new();
    let parts: Vec<(&str, u32)> = match exec {
        Json::Array(parts) => parts.iter().filter_map(Json::string).collect(),
        other => other.string().into_iter().collect(),
    };
    for (i, (part, line)) in parts.iter().enumerate() {
        if i > 0 {
            script.push('\n');
        }
        script.push_str(part);
        // Lines inside one string (its own `\n`, `\r\n` or `\r` escapes) stay on the
        // string's JSON line.
        let inner = script_line_breaks(part);
        lines.extend(std::iter::repeat_n(*line, inner + 1));
    }
    for def in super::js::scan_postman(&script) {
        let Some(&line) = lines.get(def.line as usize) else {
            continue;
        };
        out.push(&def.name, path, line, DefKind::Assertion);
    }
}

/// Line breaks as the scanners count them (`\n`, `\r\n`, a lone `\r`).
fn script_line_breaks(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// The line of a failed assertion that Newman located as `at assertion:N` inside
/// `"Folder / Request"` ([`crate::locations::LocationKind::Newman`]: `path` is the
/// request's path, `line` the 1-based ordinal): the `ordinal`-th `pm.test(` of that
/// request's scripts in `defs` (a [`scan`] of the collection). `None` when the request
/// has fewer assertions (one whose call is built at run time, say).
pub fn assertion_line(defs: &[TestDef], request_path: &str, ordinal: u32) -> Option<u32> {
    let k = usize::try_from(ordinal.checked_sub(1)?).ok()?;
    defs.iter()
        .filter(|d| d.kind == DefKind::Assertion && joined_is(&d.path, request_path))
        .nth(k)
        .map(|d| d.line)
}

/// Whether `parts` joined by `" / "` is `s`, without allocating.
fn joined_is(parts: &[String], s: &str) -> bool {
    let mut rest = s;
    for (k, p) in parts.iter().enumerate() {
        if k > 0 {
            let Some(r) = rest.strip_prefix(" / ") else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest.strip_prefix(p.as_str()) else {
            return false;
        };
        rest = r;
    }
    rest.is_empty() && !parts.is_empty()
}

type ParseError = (u32, String);

fn parse(text: &str) -> Result<Json, ParseError> {
    let mut c = Cursor::new(text);
    // A byte-order mark is not JSON, but editors write one.
    if c.starts_with("\u{feff}") {
        c.bump_n(3);
    }
    let v = value(&mut c, 0)?;
    ws(&mut c);
    if !c.at_end() {
        return Err((c.line + 1, unexpected(&c)));
    }
    Ok(v)
}

fn ws(c: &mut Cursor<'_>) {
    while matches!(c.peek(), b' ' | b'\t' | b'\n' | b'\r') {
        c.bump();
    }
}

fn unexpected(c: &Cursor<'_>) -> String {
    match c.text.get(c.pos..).and_then(|s| s.chars().next()) {
        None => "unexpected end of file".to_owned(),
        Some(ch) if ch.is_control() => format!("unexpected character U+{:04X}", ch as u32),
        Some(ch) => format!("unexpected `{ch}`"),
    }
}

fn value(c: &mut Cursor<'_>, depth: usize) -> Result<Json, ParseError> {
    ws(c);
    if depth > MAX_JSON_DEPTH {
        return Err((
            c.line + 1,
            format!("nested deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    match c.peek() {
        b'{' => {
            c.bump();
            let mut fields = Vec::new();
            ws(c);
            if c.peek() == b'}' {
                c.bump();
                return Ok(Json::Object(fields));
            }
            loop {
                ws(c);
                if c.peek() != b'"' {
                    return Err((c.line + 1, unexpected(c)));
                }
                let key = string(c)?;
                ws(c);
                if c.peek() != b':' {
                    return Err((c.line + 1, unexpected(c)));
                }
                c.bump();
                let v = value(c, depth + 1)?;
                fields.push((key, v));
                ws(c);
                match c.peek() {
                    b',' => c.bump(),
                    b'}' => {
                        c.bump();
                        return Ok(Json::Object(fields));
                    }
                    _ => return Err((c.line + 1, unexpected(c))),
                }
            }
        }
        b'[' => {
            c.bump();
            let mut items = Vec::new();
            ws(c);
            if c.peek() == b']' {
                c.bump();
                return Ok(Json::Array(items));
            }
            loop {
                items.push(value(c, depth + 1)?);
                ws(c);
                match c.peek() {
                    b',' => c.bump(),
                    b']' => {
                        c.bump();
                        return Ok(Json::Array(items));
                    }
                    _ => return Err((c.line + 1, unexpected(c))),
                }
            }
        }
        b'"' => {
            let line = c.line;
            let value = string(c)?;
            Ok(Json::Str { value, line })
        }
        b'-' | b'0'..=b'9' => {
            let start = c.pos;
            while matches!(c.peek(), b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                c.bump();
            }
            if c.slice(start, c.pos).parse::<f64>().is_err() {
                return Err((c.line + 1, "a malformed number".to_owned()));
            }
            Ok(Json::Other)
        }
        b't' | b'f' | b'n' => {
            let word = c.ident(false);
            if matches!(word, "true" | "false" | "null") {
                Ok(Json::Other)
            } else {
                Err((c.line + 1, format!("unexpected `{word}`")))
            }
        }
        _ => Err((c.line + 1, unexpected(c))),
    }
}

fn string(c: &mut Cursor<'_>) -> Result<String, ParseError> {
    let line = c.line;
    read_quoted(c, b'"', true, None).ok_or((line + 1, "an unterminated string".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DefKind::{Assertion as A, Request as R, Suite as S};

    fn rows(scan: &Scan) -> Vec<(String, &str, u32, DefKind)> {
        scan.defs
            .iter()
            .map(|d| (d.path.join(" / "), d.name.as_str(), d.line, d.kind))
            .collect()
    }

    const COLLECTION: &str = r#"{
  "info": { "name": "Shop API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "item": [
    {
      "name": "Orders",
      "item": [
        {
          "name": "Create order",
          "event": [
            {
              "listen": "test",
              "script": {
                "type": "text/javascript",
                "exec": [
                  "pm.test(\"Status is 201\", function () {",
                  "    pm.response.to.have.status(201);",
                  "});",
                  "// pm.test('commented out')",
                  "pm.test('Has an \u00e9 id', () => { pm.expect(1).to.eql(1); });"
                ]
              }
            }
          ],
          "request": { "method": "POST", "url": "{{base}}/orders" }
        }
      ]
    },
    {
      "name": "Health",
      "event": [{ "listen": "test", "script": { "exec": "pm.test('up', () => {});\npm.test('fast', () => {});" } }],
      "request": "{{base}}/health"
    }
  ]
}"#;

    #[test]
    fn folders_requests_and_assertions_with_json_lines() {
        let s = scan(COLLECTION);
        assert_eq!(s.error, None);
        assert_eq!(
            rows(&s),
            vec![
                (String::new(), "Orders", 4, S),
                ("Orders".into(), "Create order", 7, R),
                ("Orders / Create order".into(), "Status is 201", 14, A),
                ("Orders / Create order".into(), "Has an é id", 18, A),
                (String::new(), "Health", 28, R),
                ("Health".into(), "up", 29, A),
                ("Health".into(), "fast", 29, A),
            ]
        );
    }

    #[test]
    fn newman_assertion_ordinals_to_lines() {
        let s = scan(COLLECTION);
        let at = |path: &str, n: u32| assertion_line(&s.defs, path, n);
        assert_eq!(at("Orders / Create order", 1), Some(14));
        assert_eq!(at("Orders / Create order", 2), Some(18));
        assert_eq!(at("Orders / Create order", 3), None);
        assert_eq!(at("Orders / Create order", 0), None);
        assert_eq!(at("Health", 2), Some(29));
        assert_eq!(at("Orders", 1), None);
        assert_eq!(at("Orders / Create", 1), None);
        assert_eq!(at("", 1), None);
    }

    #[test]
    fn invalid_json_names_the_line() {
        let cases = [
            (
                "{\n  \"item\": [\n    {\"name\": \"a\",}\n  ]\n}",
                3,
                "unexpected `}`",
            ),
            ("{\"item\": [}", 1, "unexpected `}`"),
            ("{\"item\": [\"open\n", 1, "an unterminated string"),
            ("", 1, "unexpected end of file"),
            ("{} x", 1, "unexpected `x`"),
            ("{\"a\": tru}", 1, "unexpected `tru`"),
            ("{\"a\": 1.2.3}", 1, "a malformed number"),
        ];
        for (text, line, what) in cases {
            assert_eq!(
                scan(text).error,
                Some(ScanError::InvalidJson {
                    line,
                    what: what.into()
                }),
                "{text:?}"
            );
        }
        assert_eq!(
            scan("[\"not\", \"a\", \"collection\"]").error,
            Some(ScanError::NotACollection)
        );
        assert_eq!(
            ScanError::InvalidJson {
                line: 3,
                what: "unexpected `}`".into()
            }
            .to_string(),
            "the collection is not valid JSON (unexpected `}` at line 3): fix the file or export it again from Postman"
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            scan(&text).error,
            Some(ScanError::InvalidJson {
                line: 1,
                what: "nested deeper than 512 levels".into()
            })
        );
    }
}
