//! The shared per-line classification that lets [`super::Analyzer`] skip framework
//! modules on lines they would ignore (issue 14, performance).
//!
//! Every module sees every line (a log may mix frameworks), but almost every line of a
//! real log is ignored by almost every module: in a 100 MiB CI log, calling all eleven
//! modules on each line cost more than the normaliser and the extractor together. So each
//! line is classified once, by a few facts a module's first checks look at anyway (its
//! first byte, or the first byte after its indentation, its last byte, its length, being
//! blank), and each module says, through [`super::Parser::interest`], which lines it can
//! act on in its current state. The analyzer then calls a module only for those lines.
//!
//! The contract is strict: a line outside a module's [`Interest`] must be one the
//! module's `line` would ignore entirely (no change to its state or to the report), so
//! skipping it changes nothing. The analyzer's tests check that analysing with and
//! without the gate gives the same result on the real-log corpus and on generated logs.
//! An [`Interest`] may always be wider than needed; [`Interest::ALL`] (the default) is
//! always right.

/// A set of byte values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSet([u64; 4]);

impl ByteSet {
    pub const NONE: ByteSet = ByteSet([0; 4]);
    pub const ALL: ByteSet = ByteSet([u64::MAX; 4]);
    pub const DIGITS: ByteSet = ByteSet::range(b'0', b'9');
    pub const UPPER: ByteSet = ByteSet::range(b'A', b'Z');
    pub const LOWER: ByteSet = ByteSet::range(b'a', b'z');
    pub const LETTERS: ByteSet = ByteSet::UPPER.union(ByteSet::LOWER);
    /// Bytes of non-ASCII characters (`✓`, `●`, `→`, `×`...).
    pub const NON_ASCII: ByteSet = ByteSet::range(0x80, 0xff);
    /// `)` and `]` whatever comes before them (see [`S_PAREN`]).
    pub const ANY_PAREN: ByteSet = ByteSet::of(&[b')', S_PAREN]);
    pub const ANY_BRACKET: ByteSet = ByteSet::of(&[b']', S_BRACKET]);
    /// Lines ending like a duration in brackets: `(12 ms)`, `[1.5s]`.
    pub const DURATION_END: ByteSet = ByteSet::of(&[S_PAREN, S_BRACKET]);
    /// Bytes that can start whitespace [`str::trim`] removes, other than a space (which
    /// [`Interest`] skips as indentation), the tab included: a module that trims more
    /// than spaces before looking at a line's first byte adds these to its sets.
    pub const OTHER_SPACE: ByteSet = ByteSet::of(b"\t\n\x0b\x0c\r").union(ByteSet::NON_ASCII);

    /// The bytes of `bytes`.
    pub const fn of(bytes: &[u8]) -> ByteSet {
        let mut s = [0u64; 4];
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            s[(b >> 6) as usize] |= 1 << (b & 63);
            i += 1;
        }
        ByteSet(s)
    }

    /// The bytes from `lo` to `hi`, both included.
    pub const fn range(lo: u8, hi: u8) -> ByteSet {
        let mut s = [0u64; 4];
        let mut b = lo as usize;
        while b <= hi as usize {
            s[b >> 6] |= 1 << (b & 63);
            b += 1;
        }
        ByteSet(s)
    }

    pub const fn union(self, other: ByteSet) -> ByteSet {
        let (a, b) = (self.0, other.0);
        ByteSet([a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3]])
    }

    /// The bytes of `self` that are not in `other`.
    pub const fn minus(self, other: ByteSet) -> ByteSet {
        let (a, b) = (self.0, other.0);
        ByteSet([a[0] & !b[0], a[1] & !b[1], a[2] & !b[2], a[3] & !b[3]])
    }

    pub const fn contains(self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

/// The last byte [`Interest::last`] sees for a line ending with `s)`: the duration of
/// a test line (`(120ms)`, `(1.5s)`) is the only `)` several modules look for, and many
/// lines end with `)`. A control byte, which no normalised line ends with.
pub const S_PAREN: u8 = 0x01;
/// The same for a line ending with `s]` (`[12 ms]`).
pub const S_BRACKET: u8 = 0x02;

/// The lines a module may act on next. A line is in it when any one of the fields
/// accepts it.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Interest {
    /// Lines that do not start with a space or a tab, by their first byte.
    pub top: ByteSet,
    /// Lines that start with a space or a tab, by their first byte that is not a space
    /// (a tab, for a line indented by tabs).
    pub indented: ByteSet,
    /// Non-blank lines by their last byte, where `s)` and `s]` count as [`S_PAREN`] and
    /// [`S_BRACKET`] (so a module wanting every `)` asks for [`ByteSet::ANY_PAREN`]).
    pub last: ByteSet,
    /// The same for lines at the margin only (not starting with a space or a tab): a
    /// module that reads a line's end only at the margin (phpunit's testdox group
    /// `Foo (Ns\Foo)`) is not given a traceback's indented `f(x)` lines.
    pub last_top: ByteSet,
    /// Non-blank lines by the byte that ends their first word (the word starts after the
    /// leading spaces and ends at a space, a tab or a `:`): ` `, `\t`, `:`, or 0 when the
    /// word runs to the line's end (a line of one word).
    pub word_end: ByteSet,
    /// Non-blank lines whose last word (after the last space or tab) starts like an
    /// absolute path: `/`, `\`, `C:\`, `C:/`.
    pub tail_path: bool,
    /// Non-blank lines whose first token (after the leading spaces, up to the next
    /// space) holds a `.`: a file name (`tests/test_a.py::test_x PASSED`).
    pub token_dot: bool,
    /// Non-blank lines at least this long (bytes).
    pub min_len: usize,
    /// Blank lines (empty, or only spaces and tabs).
    pub blank: bool,
    /// Lines at the margin outside the fields above are not ignored but all have the
    /// same effect but for being remembered (a documentation reporter holds the last
    /// one, as a possible group title): of each run of them the module is given the
    /// first when it comes and the last just before the next line it is given (or the
    /// log's end), with their own line numbers; the ones between are skipped.
    pub plain_runs: bool,
}

impl Interest {
    /// Every line: the default, and what a module in the middle of a block asks for.
    pub const ALL: Interest = Interest {
        top: ByteSet::ALL,
        indented: ByteSet::ALL,
        last: ByteSet::ALL,
        last_top: ByteSet::ALL,
        word_end: ByteSet::ALL,
        tail_path: true,
        token_dot: true,
        min_len: 0,
        blank: true,
        plain_runs: false,
    };
    /// No line (a module that has nothing left to do; [`Interest`]'s fields widen it).
    pub const NONE: Interest = Interest {
        top: ByteSet::NONE,
        indented: ByteSet::NONE,
        last: ByteSet::NONE,
        last_top: ByteSet::NONE,
        word_end: ByteSet::NONE,
        tail_path: false,
        token_dot: false,
        min_len: usize::MAX,
        blank: false,
        plain_runs: false,
    };

    /// Whether `line` is in this interest (what the analyzer's table computes at once for
    /// all modules; used by tests and as the table's definition).
    pub fn accepts(&self, line: &str) -> bool {
        let c = LineClass::of(line);
        match c.first {
            None => self.blank,
            Some(first) => {
                let by_first = if c.indented {
                    self.indented.contains(first)
                } else {
                    self.top.contains(first)
                };
                by_first
                    || self.last.contains(c.last)
                    || (!c.indented && self.last_top.contains(c.last))
                    || self.word_end.contains(c.word_end)
                    || (self.tail_path && c.tail_path)
                    || (self.token_dot && c.token_dot)
                    || c.len >= self.min_len
            }
        }
    }

    /// Whether `line` is one of the plain lines [`Interest::plain_runs`] coalesces.
    pub fn plain(&self, line: &str) -> bool {
        self.plain_runs && !self.accepts(line) && is_plain_shape(&LineClass::of(line))
    }
}

/// Compared after every line a module is given: one branch-free pass over the sets
/// (the derived comparison called `memcmp` per set).
impl PartialEq for Interest {
    fn eq(&self, other: &Interest) -> bool {
        let mut diff = 0u64;
        for k in 0..4 {
            diff |= (self.top.0[k] ^ other.top.0[k])
                | (self.indented.0[k] ^ other.indented.0[k])
                | (self.last.0[k] ^ other.last.0[k])
                | (self.last_top.0[k] ^ other.last_top.0[k])
                | (self.word_end.0[k] ^ other.word_end.0[k]);
        }
        diff == 0
            && self.min_len == other.min_len
            && self.tail_path == other.tail_path
            && self.token_dot == other.token_dot
            && self.blank == other.blank
            && self.plain_runs == other.plain_runs
    }
}

/// A line at the margin that is not blank.
fn is_plain_shape(c: &LineClass) -> bool {
    c.first.is_some() && !c.indented
}

/// The facts of one line the gate looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineClass {
    /// The first byte that is not a space (it may be a tab); `None` for a blank line.
    pub first: Option<u8>,
    /// Whether the line starts with a space or a tab.
    pub indented: bool,
    pub last: u8,
    pub word_end: u8,
    pub tail_path: bool,
    pub token_dot: bool,
    pub len: usize,
}

impl LineClass {
    /// The facts of `line`, eight bytes at a time: the leading spaces, the first word and
    /// the last word are each found with word-wide byte comparisons (see [`lowest_eq`]),
    /// not a byte loop whose exit mispredicts on every line nor a `memrchr2` call whose
    /// setup costs more than the short last word it searches. Equal to
    /// [`LineClass::reference`] for every line (a proptest checks it).
    #[inline]
    pub fn of(line: &str) -> LineClass {
        // On wasm the byte-by-byte definition: the same facts in less code (no vector
        // or word-wide gain there to pay for the size budget of issue 16).
        if cfg!(target_family = "wasm") {
            return Self::reference(line);
        }
        let b = line.as_bytes();
        let indented = matches!(b.first(), Some(b' ' | b'\t'));
        let start = if indented { leading_spaces(b) } else { 0 };
        let word = first_word(b.get(start..).unwrap_or(&[]));
        let tail = b.get(last_word(b)..).unwrap_or(&[]);
        Self::assemble(b, indented, start, word, tail)
    }

    /// The facts both ways of finding them share, from the line's bytes `b`, its leading
    /// spaces (`indented`, text from `start`), its first word's end and dot, and its last
    /// word `tail`.
    #[inline]
    fn assemble(
        b: &[u8],
        indented: bool,
        start: usize,
        (word_end, token_dot): (u8, bool),
        tail: &[u8],
    ) -> LineClass {
        // Blank: only spaces and tabs. Otherwise the first byte after the spaces, so
        // that a module that skips spaces only sees what it looks at.
        let first = match b.get(start).copied() {
            Some(b'\t') if b.iter().all(|&c| c == b' ' || c == b'\t') => None,
            first => first,
        };
        let tail_path = match tail {
            [b'/' | b'\\', ..] => true,
            [d, b':', b'/' | b'\\', ..] => d.is_ascii_alphabetic(),
            _ => false,
        };
        LineClass {
            first,
            indented,
            last: match b {
                [.., b's', b')'] => S_PAREN,
                [.., b's', b']'] => S_BRACKET,
                [.., last] => *last,
                [] => 0,
            },
            word_end,
            tail_path,
            token_dot,
            len: b.len(),
        }
    }

    /// The byte-by-byte definition [`LineClass::of`] is checked against (and is, on wasm).
    fn reference(line: &str) -> LineClass {
        let b = line.as_bytes();
        let indented = matches!(b.first(), Some(b' ' | b'\t'));
        let start = if indented {
            b.iter().position(|&c| c != b' ').unwrap_or(b.len())
        } else {
            0
        };
        let text = b.get(start..).unwrap_or(&[]);
        let mut word_end = 0;
        let mut token_dot = false;
        for &c in text {
            match c {
                b' ' => {
                    if word_end == 0 {
                        word_end = b' ';
                    }
                    break;
                }
                b'\t' | b':' if word_end == 0 => word_end = c,
                b'.' => token_dot = true,
                _ => {}
            }
        }
        let tail = match b.iter().rposition(|&c| c == b' ' || c == b'\t') {
            Some(at) => b.get(at + 1..).unwrap_or(&[]),
            None => b,
        };
        Self::assemble(b, indented, start, (word_end, token_dot), tail)
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` equal to `c`, as the high bit of each: exact for the lowest flagged
/// byte (a byte just above a match may be flagged too, by the subtraction's borrow, but
/// a borrow only starts at a true match). So every question below is about the lowest
/// flagged byte, or whether any byte below one is flagged.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
const fn lowest_eq(w: u64, c: u8) -> u64 {
    let v = w ^ (ONES * c as u64);
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// The last `n` (fewer than eight) bytes of `b` as a word, the first of them lowest,
/// zeros above.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn last_bytes(b: &[u8], n: usize) -> u64 {
    match b.last_chunk::<8>() {
        // Shifted down past the bytes before them.
        Some(w) => u64::from_le_bytes(*w) >> (8 * (8 - n.min(7))),
        None => b
            .get(b.len().saturating_sub(n)..)
            .unwrap_or(&[])
            .iter()
            .rev()
            .fold(0, |w, &c| w << 8 | u64::from(c)),
    }
}

/// `b` eight bytes at a time, the first byte of each word lowest; the last word is
/// padded with zeros (no byte the classification looks for).
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn words(b: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut rest = b;
    std::iter::from_fn(move || match rest.split_first_chunk::<8>() {
        Some((w, tail)) => {
            rest = tail;
            Some(u64::from_le_bytes(*w))
        }
        None if rest.is_empty() => None,
        None => {
            let n = rest.len();
            rest = &[];
            Some(last_bytes(b, n))
        }
    })
}

/// How many spaces `b` starts with.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn leading_spaces(b: &[u8]) -> usize {
    let mut at = 0;
    for w in words(b) {
        // Zeros past the end differ from a space: the count stops there.
        let other = w ^ (ONES * u64::from(b' '));
        if other != 0 {
            return (at + other.trailing_zeros() as usize / 8).min(b.len());
        }
        at += 8;
    }
    b.len()
}

/// The byte that ends the first word of `text` (its first space, tab or `:`; 0 if none)
/// and whether a `.` comes before its first space.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn first_word(text: &[u8]) -> (u8, bool) {
    let mut word_end = 0u8;
    let mut dot = false;
    for w in words(text) {
        let space = lowest_eq(w, b' ');
        let ends = space | lowest_eq(w, b'\t') | lowest_eq(w, b':');
        let dots = lowest_eq(w, b'.');
        if word_end == 0 && ends != 0 {
            word_end = (w >> (ends.trailing_zeros() & !7)) as u8;
        }
        if space != 0 {
            // Only the dots before the first space.
            let below = (space & space.wrapping_neg()) - 1;
            return (word_end, dot || dots & below != 0);
        }
        dot |= dots != 0;
    }
    (word_end, dot)
}

/// Where the last word of `b` starts: after its last space or tab (0 without one).
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn last_word(b: &[u8]) -> usize {
    let blanks = |w: &[u8; 8]| {
        // The last byte lowest.
        let w = u64::from_be_bytes(*w);
        lowest_eq(w, b' ') | lowest_eq(w, b'\t')
    };
    let mut head = b;
    // Sixteen bytes at a time from the end: most last words are shorter, so the loop
    // ends after its first round on almost every line (a loop of eight bytes ended
    // after one or two rounds by the word's length, and mispredicted that).
    while let Some((rest, pair)) = head.split_last_chunk::<16>() {
        let (early, late) = pair.split_at(8);
        let (Ok(early), Ok(late)) = (<&[u8; 8]>::try_from(early), <&[u8; 8]>::try_from(late))
        else {
            break;
        };
        let (late, early) = (blanks(late), blanks(early));
        if late | early != 0 {
            let back = if late != 0 {
                late.trailing_zeros() / 8
            } else {
                8 + early.trailing_zeros() / 8
            };
            return head.len() - back as usize;
        }
        head = rest;
    }
    if let Some((rest, w)) = head.split_last_chunk::<8>() {
        let blank = blanks(w);
        if blank != 0 {
            return head.len() - blank.trailing_zeros() as usize / 8;
        }
        head = rest;
    }
    head.iter()
        .rposition(|&c| c == b' ' || c == b'\t')
        .map_or(0, |i| i + 1)
}

/// Length classes of the router: a line of `len` bytes is in class `len / LEN_STEP`
/// (the last class holds every longer line). A module's `min_len` is rounded down to its
/// class, so the router only ever calls a module on more lines, never fewer.
const LEN_STEP: usize = 16;
const LEN_CLASSES: usize = 32;

/// For up to 32 modules, which of them want a line: one table lookup per fact, so the
/// cost per line does not grow with the number of modules.
#[derive(Debug, Clone)]
pub(crate) struct Router {
    /// Bit `i`: module `i`'s last narrower interest holds non-blank lines whose
    /// (first byte, indented) is this, whose last byte is this, ...; blank lines.
    top: [u32; 256],
    indented: [u32; 256],
    last: [u32; 256],
    last_top: [u32; 256],
    word_end: [u32; 256],
    tail_path: u32,
    token_dot: u32,
    len: [u32; LEN_CLASSES],
    blank: u32,
    /// Modules whose narrower interest coalesces plain lines ([`Interest::plain_runs`]).
    runs: u32,
    /// Modules that want every line now. A module goes back and forth between
    /// [`Interest::ALL`] (inside a block) and the same narrower interest (between
    /// blocks): only this mask changes then, not the tables.
    all: u32,
    /// The interest the tables hold for each module.
    tabled: Vec<Interest>,
    /// The interest each module gave last.
    given: Vec<&'static Interest>,
}

/// Where a line goes: the modules that want it, and those for which it is a plain line
/// of a run ([`Interest::plain_runs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Route {
    pub wanted: u32,
    pub plain: u32,
}

impl Router {
    /// A router for `n` modules (at most 32), each wanting every line.
    pub fn new(n: usize) -> Router {
        let all = if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
        Router {
            top: [all; 256],
            indented: [all; 256],
            last: [all; 256],
            last_top: [all; 256],
            word_end: [all; 256],
            tail_path: all,
            token_dot: all,
            len: [all; LEN_CLASSES],
            blank: all,
            runs: 0,
            all,
            tabled: vec![Interest::ALL; n.min(32)],
            given: vec![&Interest::ALL; n.min(32)],
        }
    }

    /// The modules that want `line`, as bit sets.
    #[inline]
    pub fn route(&self, line: &str) -> Route {
        let c = LineClass::of(line);
        let Some(first) = c.first else {
            return Route {
                wanted: self.all | self.blank,
                plain: 0,
            };
        };
        let by_first = if c.indented {
            self.indented[usize::from(first)]
        } else {
            self.top[usize::from(first)] | self.last_top[usize::from(c.last)]
        };
        let wanted = self.all
            | by_first
            | self.last[usize::from(c.last)]
            | self.word_end[usize::from(c.word_end)]
            | if c.tail_path { self.tail_path } else { 0 }
            | if c.token_dot { self.token_dot } else { 0 }
            | self.len[(c.len / LEN_STEP).min(LEN_CLASSES - 1)];
        let plain = if c.indented { 0 } else { self.runs & !wanted };
        Route { wanted, plain }
    }

    /// Module `i` now wants `interest`.
    #[inline]
    pub fn set(&mut self, i: usize, interest: &'static Interest) {
        // Asked after every line a module is given, and mostly the same constant: one
        // pointer comparison (equal constants at two addresses only cost a value one).
        match self.given.get_mut(i) {
            Some(last) if !std::ptr::eq(*last, interest) && **last != *interest => {
                *last = interest;
            }
            Some(last) => {
                *last = interest;
                return;
            }
            None => return,
        }
        self.changed(i, *interest);
    }

    #[cold]
    fn changed(&mut self, i: usize, interest: Interest) {
        let bit = 1u32 << i;
        if interest == Interest::ALL {
            self.all |= bit;
            return;
        }
        self.all &= !bit;
        match self.tabled.get_mut(i) {
            Some(cur) if *cur != interest => *cur = interest,
            _ => return,
        }
        self.table(bit, interest);
    }

    #[cold]
    fn table(&mut self, bit: u32, interest: Interest) {
        let put = |slot: &mut u32, on: bool| {
            if on {
                *slot |= bit;
            } else {
                *slot &= !bit;
            }
        };
        for b in 0..=255u8 {
            let at = usize::from(b);
            put(&mut self.top[at], interest.top.contains(b));
            put(&mut self.indented[at], interest.indented.contains(b));
            put(&mut self.last[at], interest.last.contains(b));
            put(&mut self.last_top[at], interest.last_top.contains(b));
            put(&mut self.word_end[at], interest.word_end.contains(b));
        }
        for (class, slot) in self.len.iter_mut().enumerate() {
            // The longest line of the class must reach `min_len` (the last class holds
            // lines of any length: every finite `min_len` is reached).
            let on = if class == LEN_CLASSES - 1 {
                interest.min_len != usize::MAX
            } else {
                class * LEN_STEP + LEN_STEP > interest.min_len
            };
            put(slot, on);
        }
        put(&mut self.tail_path, interest.tail_path);
        put(&mut self.token_dot, interest.token_dot);
        put(&mut self.blank, interest.blank);
        put(&mut self.runs, interest.plain_runs);
    }
}

/// One module's run of plain lines ([`Interest::plain_runs`]): whether its first line
/// was given, and the last one seen since, to give before the next line.
#[derive(Debug, Default, Clone)]
pub(crate) struct Run {
    open: bool,
    last: Option<usize>,
    text: String,
}

impl Run {
    /// A plain line: returns true when the module is to be given it now (the run's
    /// first), else keeps it as the run's last.
    pub fn plain(&mut self, line: &str, n: usize) -> bool {
        if !self.open {
            self.open = true;
            return true;
        }
        self.text.clear();
        self.text.push_str(line);
        self.last = Some(n);
        false
    }

    /// The module is given another line (or the log ended): the run ends; its last
    /// line, if one is held, is to be given first.
    pub fn end(&mut self) -> Option<(&str, usize)> {
        self.open = false;
        let n = self.last.take()?;
        Some((&self.text, n))
    }
}

/// What one parser reports from `log` (split as [`str::lines`] does) when it is only
/// given the lines of its [`super::Parser::interest`] (plain runs coalesced): module
/// tests compare it with what it reports given every line.
#[cfg(test)]
pub(crate) fn run_gated<P: super::Parser + Default>(log: &str) -> Vec<super::TestResult> {
    let mut p = P::default();
    let mut r = super::Report::default();
    let mut interest = p.interest();
    let mut run = Run::default();
    for (n, l) in log.lines().enumerate() {
        if interest.accepts(l) {
            if let Some((held, at)) = run.end() {
                p.line(held, at, &mut r);
            }
            p.line(l, n, &mut r);
            interest = p.interest();
        } else if interest.plain(l) && run.plain(l, n) {
            p.line(l, n, &mut r);
            interest = p.interest();
        }
    }
    if let Some((held, at)) = run.end() {
        p.line(held, at, &mut r);
    }
    p.finish(&mut r);
    r.into_tests()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lines made of the bytes the classification looks at (spaces, tabs, `:`, `.`,
    /// path starts, `s)`), other ASCII, control and non-ASCII characters, of every
    /// length around the eight-byte words.
    fn any_line() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => Just(" "),
            2 => Just("\t"),
            2 => Just(":"),
            2 => Just("."),
            2 => Just("/"),
            1 => Just("\\"),
            1 => Just("C"),
            1 => Just("s"),
            1 => Just(")"),
            1 => Just("]"),
            1 => Just("\0"),
            1 => Just("\u{1}"),
            1 => Just("!"),
            1 => Just("\u{a0}"),
            1 => Just("é"),
            4 => Just("x"),
            1 => Just("ab"),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The word-wide classification is the byte-by-byte one on every line.
        #[test]
        fn the_classification_is_the_byte_loop(line in any_line()) {
            prop_assert_eq!(LineClass::of(&line), LineClass::reference(&line));
        }
    }

    #[test]
    fn lines_are_classified_by_their_words() {
        let got = [
            "INFO http: GET /v1/cart",
            "    assert x == y",
            "tests/test_a.py::test_x PASSED",
            "\tat com.acme.Foo(Foo.java:12)",
            "  \t  ",
            "a.b.c.d.e.f.g.h.i:j k C:\\x",
            "short",
            "",
        ]
        .map(|l| {
            let c = LineClass::of(l);
            (
                c.first,
                c.indented,
                c.word_end,
                c.token_dot,
                c.tail_path,
                c.last,
            )
        });
        assert_eq!(
            got,
            [
                (Some(b'I'), false, b' ', false, true, b't'),
                (Some(b'a'), true, b' ', false, false, b'y'),
                (Some(b't'), false, b':', true, false, b'D'),
                (Some(b'\t'), true, b'\t', false, false, b')'),
                (None, true, b'\t', false, false, b' '),
                (Some(b'a'), false, b':', true, true, b'x'),
                (Some(b's'), false, 0, false, false, b't'),
                (None, false, 0, false, false, 0),
            ]
        );
    }

    #[test]
    fn byte_sets_hold_their_bytes() {
        let s = ByteSet::of(b"=_").union(ByteSet::DIGITS);
        let got: Vec<u8> = (0..=255u8).filter(|&b| s.contains(b)).collect();
        assert_eq!(got, b"0123456789=_");
        // A duration's `s)` has its own last byte; `)` alone does not match it.
        let paren = Interest {
            last: ByteSet::of(b")"),
            ..Interest::NONE
        };
        let duration = Interest {
            last: ByteSet::DURATION_END,
            ..Interest::NONE
        };
        assert_eq!(
            ["f(x)", "x PASSED (12ms)", "[1.5s]", "[FAIL]"]
                .map(|l| (paren.accepts(l), duration.accepts(l))),
            [(true, false), (false, true), (false, true), (false, false)]
        );
        assert!(ByteSet::NON_ASCII.contains(0xe2) && !ByteSet::NON_ASCII.contains(b'~'));
        assert!((0..=255u8).all(|b| ByteSet::ALL.contains(b) && !ByteSet::NONE.contains(b)));
    }

    #[test]
    fn the_router_agrees_with_each_interest() {
        let interests = [
            Interest::ALL,
            Interest::NONE,
            Interest {
                top: ByteSet::of(b"=-"),
                ..Interest::NONE
            },
            Interest {
                indented: ByteSet::of(b"a"),
                blank: true,
                ..Interest::NONE
            },
            Interest {
                last: ByteSet::of(b")"),
                min_len: 40,
                ..Interest::NONE
            },
            Interest {
                last_top: ByteSet::of(b")"),
                ..Interest::NONE
            },
        ];
        let mut r = Router::new(interests.len());
        for (i, int) in interests.iter().enumerate() {
            let int: &'static Interest = Box::leak(Box::new(*int));
            r.set(i, int);
            // Into a block and out again: the tables are kept meanwhile.
            r.set(i, &Interest::ALL);
            assert_eq!(r.route("").wanted & (1 << i), 1 << i);
            // The same interest at another address is the same interest.
            r.set(i, Box::leak(Box::new(*int)));
        }
        let lines = [
            "",
            "   ",
            "\t",
            "=== x",
            "  === x",
            "\tat x",
            "  at x",
            "a",
            "f(x)",
            "  f(x)",
            "\tf(x)",
            "x".repeat(39).as_str(),
            "x".repeat(40).as_str(),
            "x".repeat(2000).as_str(),
        ]
        .map(str::to_owned);
        for line in &lines {
            let wanted = r.route(line).wanted;
            for (i, int) in interests.iter().enumerate() {
                let exact = int.accepts(line);
                let routed = wanted & (1 << i) != 0;
                // The router may round lengths down (more lines), never drop one.
                assert!(routed || !exact, "module {i} misses {line:?}");
                if int.min_len == usize::MAX || int.min_len == 0 {
                    assert_eq!(routed, exact, "module {i} on {line:?}");
                }
            }
        }
        // `last_top` holds lines at the margin only.
        assert_eq!(
            ["f(x)", "  f(x)", "\tf(x)"].map(|l| r.route(l).wanted & (1 << 5) != 0),
            [true, false, false]
        );
        // The length class of 39 and 40 bytes is the same: both routed to module 4.
        assert_eq!(r.route(&"x".repeat(39)).wanted & (1 << 4), 1 << 4);
        assert_eq!(r.route(&"x".repeat(31)).wanted & (1 << 4), 0);
    }
}
