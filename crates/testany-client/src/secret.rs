//! Secrets (token, log sign, operator id) in a newtype so that no `Debug`, `Display`
//! or tracing field can print them by accident (design.md section 9), and a
//! process-wide registry of every secret the process has seen, so that a service that
//! quotes one back (in an error body, a retry line, a stale message) cannot make us
//! print it.
//!
//! Rules of the registry (issue 17):
//! - Values shorter than [`MIN_SECRET_LEN`] bytes are not remembered: they would redact
//!   ordinary words; tokens, JWT signs, e-mail operator ids and query strings are longer.
//! - Overlapping secrets: every byte covered by any remembered secret is redacted, and
//!   each run of covered bytes becomes one `[redacted]`, so neither a longer nor a shorter
//!   secret leaves a fragment of the other behind.
//! - Memory: configured secrets ([`Secret::new`]: token, operator id) keep the newest
//!   [`MAX_CONFIGURED`]; secrets the service issued ([`Secret::from_service`]: signs,
//!   operator ids from sign replies, log URL query strings) the newest [`MAX_ISSUED`].
//!   Signs expire within minutes and the language server fetches at most a few logs at a
//!   time, so an evicted one is long dead; a value seen again moves to the newest place.
//! - Any JWT is redacted by its shape too, seen or not: a sign issued to another
//!   process (or before a restart) and quoted back is still a credential.
//! - It works the same on wasm32 (std's lock types compile there; there are no threads).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::sync::{PoisonError, RwLock};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[redacted]";
/// Shorter values are never remembered (they would redact ordinary words).
pub const MIN_SECRET_LEN: usize = 6;
/// Configured secrets remembered (a language server's token may change at run time).
pub const MAX_CONFIGURED: usize = 16;
/// Service-issued secrets remembered (signs, their operator ids, log URL queries).
pub const MAX_ISSUED: usize = 64;

/// The secrets seen so far, newest last in each tier.
struct Registry {
    configured: VecDeque<Box<str>>,
    issued: VecDeque<Box<str>>,
    /// Every secret keyed by its first two bytes, sorted: one pass over a text finds
    /// the candidates at each position (a trace line is checked against ~80 secrets in
    /// about a microsecond instead of 80 substring searches).
    index: Vec<(u16, Box<str>)>,
    /// Bit `pair` set when some secret starts with those two bytes.
    starts: Vec<u64>,
}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry::new());

#[derive(Clone, Copy)]
enum Tier {
    Configured,
    Issued,
}

/// The first two bytes of `text` at `at` as one number.
fn pair_at(bytes: &[u8], at: usize) -> Option<u16> {
    match bytes.get(at..at + 2) {
        Some(&[a, b]) => Some(u16::from_le_bytes([a, b])),
        _ => None,
    }
}

impl Registry {
    const fn new() -> Self {
        Self {
            configured: VecDeque::new(),
            issued: VecDeque::new(),
            index: Vec::new(),
            starts: Vec::new(),
        }
    }

    fn remember(&mut self, tier: Tier, value: &str) {
        self.remember_only(tier, value);
        self.reindex();
    }

    fn reindex(&mut self) {
        let mut index: Vec<(u16, Box<str>)> = self
            .secrets()
            .filter_map(|s| Some((pair_at(s.as_bytes(), 0)?, s.into())))
            .collect();
        index.sort_unstable();
        let mut starts = vec![0u64; 1024];
        for (pair, _) in &index {
            if let Some(word) = starts.get_mut(usize::from(*pair >> 6)) {
                *word |= 1 << (pair & 63);
            }
        }
        self.index = index;
        self.starts = starts;
    }

    /// Marks every occurrence of every secret in `text` (overlapping ones included).
    fn mark_all(&self, text: &str, covered: &mut Vec<(usize, usize)>) {
        if self.index.is_empty() {
            return;
        }
        let bytes = text.as_bytes();
        for at in 0..bytes.len().saturating_sub(1) {
            let Some(pair) = pair_at(bytes, at) else {
                break;
            };
            let word = self
                .starts
                .get(usize::from(pair >> 6))
                .copied()
                .unwrap_or(0);
            if word & (1 << (pair & 63)) == 0 {
                continue;
            }
            let first = self.index.partition_point(|(p, _)| *p < pair);
            let rest = bytes.get(at..).unwrap_or_default();
            for (p, secret) in self.index.get(first..).unwrap_or_default() {
                if *p != pair {
                    break;
                }
                if rest.starts_with(secret.as_bytes()) {
                    covered.push((at, at + secret.len()));
                }
            }
        }
    }

    fn remember_only(&mut self, tier: Tier, value: &str) {
        if value.len() < MIN_SECRET_LEN {
            return;
        }
        let Registry {
            configured, issued, ..
        } = self;
        let (list, other, cap) = match tier {
            Tier::Configured => (configured, issued, MAX_CONFIGURED),
            Tier::Issued => (issued, configured, MAX_ISSUED),
        };
        // A configured value never needs a second, evictable copy.
        if matches!(tier, Tier::Issued) && other.iter().any(|s| &**s == value) {
            return;
        }
        if let Some(at) = list.iter().position(|s| &**s == value) {
            if let Some(known) = list.remove(at) {
                list.push_back(known);
            }
            return;
        }
        list.push_back(value.into());
        while list.len() > cap {
            list.pop_front();
        }
    }

    fn secrets(&self) -> impl Iterator<Item = &str> {
        self.configured
            .iter()
            .chain(self.issued.iter())
            .map(|s| &**s)
    }
}

fn remember_in(tier: Tier, value: &str) {
    if value.len() < MIN_SECRET_LEN {
        return;
    }
    REGISTRY
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .remember(tier, value);
}

/// Remembers a value the service issued (a sign, an operator id, a log URL's query)
/// without wrapping it: [`redact`] removes it from every later text.
pub fn remember_issued(value: &str) {
    remember_in(Tier::Issued, value);
}

/// Remembers the query string of a URL the service sent (and each parameter's value):
/// a signed URL carries its signature there.
pub fn remember_url_query(url: &str) {
    let Some((_, query)) = url.split_once('?') else {
        return;
    };
    let query = query.split('#').next().unwrap_or(query);
    remember_issued(query);
    for pair in query.split('&') {
        if let Some((_, value)) = pair.split_once('=') {
            remember_issued(value);
        }
    }
}

/// Remembers the user-info password and the query values of a configured URL (a
/// `?token=` there is as secret as the token setting) among the configured secrets.
pub fn remember_configured_url(url: &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((user_info, _)) = authority.rsplit_once('@')
        && let Some((_, password)) = user_info.split_once(':')
    {
        remember_in(Tier::Configured, password);
    }
    if let Some((_, query)) = url.split_once('?') {
        let query = query.split('#').next().unwrap_or(query);
        for pair in query.split('&') {
            if let Some((_, value)) = pair.split_once('=') {
                remember_in(Tier::Configured, value);
            }
        }
    }
}

/// `text` with every remembered secret replaced by `[redacted]`.
pub fn redact(text: &str) -> Cow<'_, str> {
    redact_with(text, &[])
}

/// [`redact`] plus `extra` values (which need not be remembered).
fn redact_with<'t>(text: &'t str, extra: &[&str]) -> Cow<'t, str> {
    let covered = covered_ranges(text, extra);
    replace_ranges(text, covered)
}

/// The byte ranges of `text` that hold a secret, unsorted and possibly overlapping.
fn covered_ranges(text: &str, extra: &[&str]) -> Vec<(usize, usize)> {
    let mut covered: Vec<(usize, usize)> = Vec::new();
    {
        let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
        registry.mark_all(text, &mut covered);
        for secret in extra {
            mark(text, secret, &mut covered);
        }
    }
    mark_jwts(text, &mut covered);
    mark_credential_headers(text, &mut covered);
    covered
}

/// `text` with each run of covered bytes replaced by one `[redacted]`.
fn replace_ranges(text: &str, mut covered: Vec<(usize, usize)>) -> Cow<'_, str> {
    if covered.is_empty() {
        return Cow::Borrowed(text);
    }
    covered.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut runs = covered.into_iter().peekable();
    while let Some((start, mut end)) = runs.next() {
        // Merge every range that overlaps or touches this one.
        while let Some(&(next_start, next_end)) = runs.peek() {
            if next_start > end {
                break;
            }
            end = end.max(next_end);
            runs.next();
        }
        if start >= at {
            out.push_str(text.get(at..start).unwrap_or_default());
            out.push_str(REDACTED);
            at = end;
        } else if end > at {
            at = end;
        }
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Cow::Owned(out)
}

/// [`redact`] for markdown whose service text was escaped with backslashes (`\_`,
/// `\*`): a secret holding `_` appears there as `a\_b`, which [`redact`] cannot match.
/// Secrets are found in the unescaped text and the escaped span that spells each one is
/// replaced.
pub fn redact_markdown(text: &str) -> Cow<'_, str> {
    // `plain` without the escaping backslashes; `spans[i]`: the bytes of `text` that
    // produced plain byte `i` (an escaped character's span includes its backslash).
    let mut plain = String::with_capacity(text.len());
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let c = match (c, chars.peek()) {
            ('\\', Some(&(_, next))) if next.is_ascii_punctuation() => {
                chars.next();
                next
            }
            _ => c,
        };
        let end = chars.peek().map_or(text.len(), |&(next, _)| next);
        plain.push(c);
        spans.extend(std::iter::repeat_n((at, end), c.len_utf8()));
    }
    let covered: Vec<(usize, usize)> = covered_ranges(&plain, &[])
        .into_iter()
        .filter_map(|(s, e)| {
            let first = spans.get(s)?;
            let last = spans.get(e.checked_sub(1)?)?;
            Some((first.0, last.1))
        })
        .collect();
    replace_ranges(text, covered)
}

/// Every occurrence of `secret` in `text`, overlapping ones included, as byte ranges
/// (they fall on char boundaries: both are valid UTF-8).
fn mark(text: &str, secret: &str, covered: &mut Vec<(usize, usize)>) {
    if secret.is_empty() {
        return;
    }
    let step = secret.chars().next().map_or(1, char::len_utf8);
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find(secret)) {
        let start = from + found;
        covered.push((start, start + secret.len()));
        from = start + step;
    }
}

/// Every JSON Web Token (`eyJ…` `.` `…` `.` `…`, base64url): a sign issued to another
/// process, or before a restart, is still a credential even if this process never saw it.
fn mark_jwts(text: &str, covered: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("eyJ")) {
        let start = from + found;
        let mut end = start;
        let mut dots = 0;
        while let Some(&b) = bytes.get(end) {
            match b {
                b'.' => dots += 1,
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'=' => {}
                _ => break,
            }
            end += 1;
        }
        if dots >= 2 && end - start >= 16 {
            covered.push((start, end));
        }
        from = end.max(start + 1);
    }
}

/// Header names whose value is a credential wherever a text quotes them.
const CREDENTIAL_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "x-sign",
    "x-operator-id",
    "cookie",
    "set-cookie",
];

/// The value after every quoted credential header (`X-Operator-Id: dev@acme.test`,
/// `"x-sign":"…"`, `Authorization: Bearer …`): a service can quote credentials another
/// process sent (its proxy remembers the last request), which this process never held.
/// The value ends at whitespace, a quote, `,`, `;` or a closing bracket; values shorter
/// than [`MIN_SECRET_LEN`] (`none`) are left alone.
fn mark_credential_headers(text: &str, covered: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let ends_value = |b: u8| {
        b.is_ascii_whitespace()
            || matches!(b, b'"' | b'\'' | b',' | b';' | b')' | b']' | b'}' | b'>')
    };
    for (colon, _) in text.match_indices(':') {
        let mut end = colon;
        while end > 0 && matches!(bytes.get(end - 1), Some(b' ' | b'\t')) {
            end -= 1;
        }
        if end > 0 && matches!(bytes.get(end - 1), Some(b'"' | b'\'')) {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && bytes.get(start - 1).is_some_and(|b| is_name(*b)) {
            start -= 1;
        }
        let name = text.get(start..end).unwrap_or_default();
        let Some(header) = CREDENTIAL_HEADERS
            .iter()
            .find(|h| h.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let mut at = colon + 1;
        while matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        if matches!(bytes.get(at), Some(b'"' | b'\'')) {
            at += 1;
        }
        // `Authorization: Bearer TOKEN`: the scheme stays, the token goes.
        if header.ends_with("authorization") {
            let scheme = bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            if scheme > 0 && bytes.get(at + scheme) == Some(&b' ') {
                at += scheme + 1;
            }
        }
        // Already redacted (texts are redacted again on their way out).
        if text
            .get(at..)
            .is_some_and(|rest| rest.starts_with(REDACTED))
        {
            continue;
        }
        let value = bytes
            .get(at..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| !ends_value(**b))
            .count();
        if value >= MIN_SECRET_LEN {
            covered.push((at, at + value));
        }
    }
}

/// A secret string; `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// A configured secret (token, operator id), remembered for redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        remember_in(Tier::Configured, &value);
        Self(value)
    }

    /// A secret the service issued (a sign, a reply's operator id), remembered among
    /// the newest [`MAX_ISSUED`].
    pub fn from_service(value: impl Into<String>) -> Self {
        let value = value.into();
        remember_in(Tier::Issued, &value);
        Self(value)
    }

    /// A value kept out of prints but not remembered (the caller already decided
    /// whether it is a credential).
    pub(crate) fn unremembered(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Replaces every remembered secret and each of `secrets` in `text` with `[redacted]`.
///
/// Service messages are echoed into our errors; a service that quotes the request back
/// must not leak the token or sign through them.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    // Very short values would redact ordinary words; real tokens are long.
    let extra: Vec<&str> = secrets
        .iter()
        .map(|s| s.expose())
        .filter(|s| s.len() >= 4)
        .collect();
    redact_with(text, &extra).into_owned()
}

/// An `io::Write` that redacts every remembered secret before the bytes reach `inner`:
/// the binaries' tracing output goes through it (`with_writer(|| RedactingWriter::new(
/// std::io::stderr()))`), so a field the libraries did not redact cannot leak either.
///
/// Complete lines are redacted and passed on as they arrive; the rest waits for the
/// next newline, a flush or the drop (a secret never spans a line break).
pub struct RedactingWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        match std::str::from_utf8(&chunk) {
            Ok(text) => self.inner.write_all(redact(text).as_bytes()),
            Err(_) => {
                let text = String::from_utf8_lossy(&chunk);
                self.inner.write_all(redact(&text).as_bytes())
            }
        }
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.emit(last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.emit(self.pending.len())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("tok-123456");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "tok-123456");
    }

    #[test]
    fn scrub_replaces_all_occurrences() {
        let t = Secret::new("tok-123456");
        let g = Secret::new("eyJsign");
        assert_eq!(
            scrub("bad tok-123456 and eyJsign, tok-123456", &[&t, &g]),
            "bad [redacted] and [redacted], [redacted]"
        );
        assert_eq!(scrub("a b", &[&Secret::new("a")]), "a b");
    }

    /// The registry knows what was created anywhere earlier in the process.
    #[test]
    fn remembered_secrets_are_redacted_everywhere() {
        let _sign = Secret::from_service("eyJhbGciOiJIUzI1NiJ9.registry-test.sig");
        let _op = Secret::new("registry-op@acme.test");
        remember_url_query("https://x.tr.a.test/view?sig=qs-value-0042&exp=1");
        assert_eq!(
            redact("sign eyJhbGciOiJIUzI1NiJ9.registry-test.sig for registry-op@acme.test"),
            "sign [redacted] for [redacted]"
        );
        assert_eq!(
            redact("GET /view?sig=qs-value-0042&exp=1 and sig=qs-value-0042"),
            "GET /view?[redacted] and sig=[redacted]"
        );
        assert_eq!(redact("nothing here"), "nothing here");
    }

    /// A sign this process never received (issued to an earlier run) is still a JWT.
    #[test]
    fn unseen_jwts_are_redacted_by_shape() {
        let table = [
            (
                "X-Sign: eyJ0eXAiOiJKV1QifQ.eyJleGVjIjoiU0hQIn0.MwhpwKpd7N-x_y, next",
                "X-Sign: [redacted], next",
            ),
            ("(eyJhbGciOiJub25lIn0.eyJhIjoxfQ.)", "([redacted])"),
            // Not a JWT: one dot, or too short.
            ("eyJhbGciOiJub25lIn0.only", "eyJhbGciOiJub25lIn0.only"),
            ("eyJ.a.b", "eyJ.a.b"),
            ("plain eyJ text", "plain eyJ text"),
        ];
        for (text, expected) in table {
            assert_eq!(redact(text), expected, "{text}");
        }
    }

    /// Review of issue 17: a proxy quoted the operator id another process had sent;
    /// this process never held it, so only the header name can say it is one.
    #[test]
    fn quoted_credential_headers_are_redacted_by_name() {
        let table = [
            (
                "after X-Sign: none, X-Operator-Id: unseen-op@acme.test); try again",
                "after X-Sign: none, X-Operator-Id: [redacted]); try again",
            ),
            (
                r#"{"x-operator-id":"ops.unseen@acme.test","accept":"text/plain"}"#,
                r#"{"x-operator-id":"[redacted]","accept":"text/plain"}"#,
            ),
            (
                "authorization: Bearer unseen-token-123\nCookie: sid=unseen77; a=b",
                "authorization: Bearer [redacted]\nCookie: [redacted]; a=b",
            ),
            // Ordinary words and short values stay.
            ("Authorization: none", "Authorization: none"),
            (
                "signed: yes, see https://h.test/x",
                "signed: yes, see https://h.test/x",
            ),
        ];
        for (text, expected) in table {
            assert_eq!(redact(text), expected, "{text}");
            assert_eq!(redact(expected), expected, "redacting twice: {text}");
        }
    }

    /// Review of issue 17: the hover escapes `_` and `*` before the server redacts, so a
    /// secret holding them was shown.
    #[test]
    fn markdown_escaped_secrets_are_redacted() {
        let _secret = Secret::new("tok_MD*review_77");
        assert_eq!(
            redact_markdown(r"**testany: X** · test\_a tok\_MD\*review\_77 \| ok"),
            r"**testany: X** · test\_a [redacted] \| ok"
        );
        assert_eq!(redact_markdown(r"no \_ secret é"), r"no \_ secret é");
    }

    #[test]
    fn a_configured_urls_password_and_query_values_are_remembered() {
        remember_configured_url("https://me:pw-hunter2-url@h.test/mcp/?token=url-token-0042#x");
        assert_eq!(
            redact("refused pw-hunter2-url and url-token-0042"),
            "refused [redacted] and [redacted]"
        );
    }

    #[test]
    fn short_values_are_not_remembered() {
        let _short = Secret::new("abcde");
        assert_eq!(redact("abcde is a word"), "abcde is a word");
        let _long = Secret::new("abcdef-short-test");
        assert_eq!(redact("x abcdef-short-test y"), "x [redacted] y");
    }

    /// Overlapping secrets leave no fragment of either behind.
    #[test]
    fn overlapping_secrets_become_one_redaction() {
        remember_issued("overlap-AAAA-BBBB");
        remember_issued("BBBB-CCCC-overlap");
        remember_issued("AAAA-BBBB");
        assert_eq!(redact("<overlap-AAAA-BBBB-CCCC-overlap>"), "<[redacted]>");
        assert_eq!(redact("(AAAA-BBBB)"), "([redacted])");
        // Overlapping occurrences of one secret.
        remember_issued("abababab-x");
        assert_eq!(redact("ababababab-x"), "ab[redacted]");
    }

    /// On a registry of its own: evicting from the global one would race other tests.
    #[test]
    fn issued_secrets_are_bounded_and_configured_ones_stay() {
        let mut registry = Registry::new();
        registry.remember(Tier::Configured, "bounded-token-0001");
        registry.remember(Tier::Issued, "bounded-operator");
        for i in 0..MAX_ISSUED + 10 {
            registry.remember(Tier::Issued, &format!("bounded-sign-{i:04}"));
            // Seen again with every sign: never the oldest.
            registry.remember(Tier::Issued, "bounded-operator");
        }
        registry.remember(Tier::Issued, "bounded-token-0001");
        assert_eq!(
            (registry.configured.len(), registry.issued.len()),
            (1, MAX_ISSUED)
        );
        let known: Vec<&str> = registry.secrets().collect();
        assert!(known.contains(&"bounded-token-0001"));
        assert!(known.contains(&"bounded-operator"));
        assert!(known.contains(&"bounded-sign-0073"));
        assert!(!known.contains(&"bounded-sign-0010"));
        assert!(known.contains(&"bounded-sign-0011"));
        for i in 0..MAX_CONFIGURED + 1 {
            registry.remember(Tier::Configured, &format!("bounded-config-{i:04}"));
        }
        assert_eq!(registry.configured.len(), MAX_CONFIGURED);
    }

    /// Texts made of secrets, their fragments, overlaps and multi-byte characters: no
    /// remembered secret survives, nothing panics (a fixed-seed xorshift, no new crate).
    #[test]
    fn no_remembered_secret_survives_mixed_text() {
        let secrets = ["mix-sécret-αβγ-0001", "mix-0001-tail", "ü-mix-sécret"];
        for s in secrets {
            remember_issued(s);
        }
        let pieces = [
            "mix-sécret-αβγ-0001",
            "mix-0001-tail",
            "ü-mix-sécret",
            "mix-",
            "sécret",
            "-αβγ-0001-tail",
            "ü",
            "é",
            " ",
            "[redacted]",
            "eyJ",
            ".",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..8 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let out = redact(&text);
            for s in secrets {
                assert!(!out.contains(s), "{text:?} -> {out:?}");
            }
        }
    }

    #[test]
    fn the_writer_redacts_lines_split_across_writes() {
        let _sign = Secret::from_service("writer-sign-9f8e7d6c");
        let mut out = Vec::new();
        {
            let mut w = RedactingWriter::new(&mut out);
            w.write_all(b"DEBUG retrying error=HTTP 500 (writer-si")
                .unwrap();
            w.write_all(b"gn-9f8e7d6c)\nsecond writer-sign-9f8e7d6c")
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "DEBUG retrying error=HTTP 500 ([redacted])\nsecond [redacted]"
        );
    }
}
