//! Byte searches: the `memchr` crate's natively, plain loops on wasm. There memchr has
//! no vector code to gain from, and each of its searches costs a few hundred bytes of
//! the viewer's and the engine's size budgets (issue 16). The loops give the same
//! answers (tested natively against memchr below).

#[cfg(not(target_family = "wasm"))]
pub(crate) use memchr::{memchr2_iter, memchr3_iter, memrchr, memrchr2};

#[cfg(target_family = "wasm")]
pub(crate) use plain::{memchr2_iter, memchr3_iter, memrchr, memrchr2};

#[cfg(any(test, target_family = "wasm"))]
mod plain {
    /// The last `n` in `h`.
    pub(crate) fn memrchr(n: u8, h: &[u8]) -> Option<usize> {
        h.iter().rposition(|&c| c == n)
    }

    /// The last `a` or `b` in `h`.
    pub(crate) fn memrchr2(a: u8, b: u8, h: &[u8]) -> Option<usize> {
        h.iter().rposition(|&c| c == a || c == b)
    }

    /// Every `a` or `b` in `h`, first to last.
    pub(crate) fn memchr2_iter(a: u8, b: u8, h: &[u8]) -> impl Iterator<Item = usize> + '_ {
        memchr3_iter(a, b, b, h)
    }

    /// Every `a`, `b` or `c` in `h`, first to last.
    pub(crate) fn memchr3_iter(a: u8, b: u8, c: u8, h: &[u8]) -> impl Iterator<Item = usize> + '_ {
        h.iter()
            .enumerate()
            .filter(move |&(_, &x)| x == a || x == b || x == c)
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    /// The loops answer as memchr does, for needles at the ends, repeated and absent.
    #[test]
    fn plain_loops_match_memchr() {
        let hays: [&[u8]; 8] = [
            b"",
            b"a",
            b"src/app/x.py",
            b"C:\\dir\\y.rs:3",
            b"-_:-_:",
            b"no needle here",
            b"[31m x [ 50%]",
            b"a|b[c|",
        ];
        for h in hays {
            for (x, y, z) in [(b'/', b'\\', b'.'), (b'-', b'_', b':'), (b'[', b'|', b'a')] {
                assert_eq!(plain::memrchr(x, h), memchr::memrchr(x, h), "{h:?}");
                assert_eq!(plain::memrchr2(x, y, h), memchr::memrchr2(x, y, h), "{h:?}");
                assert_eq!(
                    plain::memchr2_iter(x, y, h).collect::<Vec<_>>(),
                    memchr::memchr2_iter(x, y, h).collect::<Vec<_>>(),
                    "{h:?}"
                );
                assert_eq!(
                    plain::memchr3_iter(x, y, z, h).collect::<Vec<_>>(),
                    memchr::memchr3_iter(x, y, z, h).collect::<Vec<_>>(),
                    "{h:?}"
                );
            }
        }
    }
}
