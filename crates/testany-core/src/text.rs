//! Small helpers for human-readable text, so every surface says "1 case" and "2 cases"
//! the same way (issue 17: "1 cases" and similar plurals).

/// `n` followed by the singular noun when `n == 1`, the plural otherwise: `count(1, "case",
/// "cases")` is `"1 case"`, `count(0, "case", "cases")` is `"0 cases"`.
///
/// Both forms are passed in (rather than appending "s") because English plurals are
/// irregular ("entry"/"entries") and the caller knows the word.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// Only the noun, chosen by `n`: for sentences where the number is written elsewhere.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_picks_the_singular_only_for_one() {
        assert_eq!(count(0, "case", "cases"), "0 cases");
        assert_eq!(count(1, "case", "cases"), "1 case");
        assert_eq!(count(2, "case", "cases"), "2 cases");
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(11, "run", "runs"), "11 runs");
    }

    #[test]
    fn plural_returns_only_the_noun() {
        assert_eq!(plural(1, "failure", "failures"), "failure");
        assert_eq!(plural(3, "failure", "failures"), "failures");
    }
}
