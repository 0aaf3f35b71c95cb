//! Property tests of the line normaliser (issue 14): no input panics, the output only
//! loses text (escapes, ESC-lost SGR sequences, trailing CRs, a prefix), normalising is idempotent, and a frame
//! behind any stack of known prefixes comes out unchanged.

use proptest::prelude::*;
use testany_core::ansi;
use testany_core::normalize::{Normalizer, normalize_line, strip_lost_sgr};

const PREFIXES: &[&str] = &[
    "2023-06-28T21:11:43.1651496Z ",
    "2024-01-15T10:00:00+01:00 ",
    "2026-09-26T22:30:07.958626Z 01E ",
    "2026-09-26T22:30:07.959717Z 00O+",
    "[2023-06-28T21:11:43.165Z] ",
    "21:11:43 ",
    "[21:11:43] ",
    "[   28s] ",
    "#12 55.71 ",
    "web_1  | ",
    "api-1 | ",
    "shop-tests  | ",
    "web:test: ",
    "@acme/ui:test: ",
    "➤ YN0000: ",
    "➤ YN0000: [@acme/web]: ",
    "➤ YN0000: │ ",
    "[gw0] ",
    "[pod/shop-tests-7d9f8/tests] ",
    "START| ",
    "FAIL | ",
    "\u{feff}",
];

const FRAMES: &[&str] = &[
    "  File \"/app/tests/test_cart.py\", line 42, in test_total",
    "    at Object.<anonymous> (/app/src/cart.test.ts:17:11)",
    "tests/test_cart.py:42: AssertionError",
    "\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)",
    "    cart_test.go:42: expected 3, got 2",
    "thread 'main' panicked at src/main.rs:3:9:",
    "E       assert 2 == 3",
    " ❯ src/cart.test.ts:17:11",
    "",
];

/// Text made of prefix pieces, escapes, CRs, frames and arbitrary characters.
fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(PREFIXES).prop_map(str::to_owned),
        prop::sample::select(FRAMES).prop_map(str::to_owned),
        Just("\r".to_owned()),
        Just("\x1b[31m".to_owned()),
        Just("\x1b[1;38;5;196m".to_owned()),
        Just("\x1b[".to_owned()),
        Just("\x1b]0;t\x07".to_owned()),
        Just("\x1b".to_owned()),
        Just("|".to_owned()),
        Just(":".to_owned()),
        Just(" ".to_owned()),
        Just("     | ".to_owned()),
        "[0-9]{1,4}",
        "[A-Za-z0-9._-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn only_escapes_crs_and_a_prefix_go(l in line()) {
        let out = normalize_line(&l);
        prop_assert!(out.len() <= l.len());
        // What is left is the end of the escape-free line (ESC-lost SGR sequences removed
        // too): nothing but a prefix is cut.
        let clean = strip_lost_sgr(&ansi::strip(&l)).into_owned();
        prop_assert!(clean.trim_end_matches('\r').ends_with(&*out), "{:?} -> {:?}", l, out);
        prop_assert!(!out.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')));
        prop_assert!(!out.ends_with('\r'));
    }

    #[test]
    fn idempotent(l in line()) {
        let once = normalize_line(&l).into_owned();
        prop_assert_eq!(normalize_line(&once), once.as_str());
    }

    #[test]
    fn idempotent_with_what_a_log_taught(log in prop::collection::vec(line(), 0..40), l in line()) {
        let mut n = Normalizer::new();
        for line in &log {
            let out = n.line(line);
            prop_assert!(out.len() <= line.len());
        }
        let once = n.apply(&l).into_owned();
        prop_assert!(once.len() <= l.len());
        prop_assert_eq!(n.apply(&once), once.as_str());
    }

    #[test]
    fn frames_survive_any_prefix_stack(
        stack in prop::collection::vec(prop::sample::select(PREFIXES), 0..5),
        frame in prop::sample::select(FRAMES),
        crlf in any::<bool>(),
    ) {
        let mut l = stack.concat();
        l.push_str(frame);
        if crlf {
            l.push('\r');
        }
        prop_assert_eq!(normalize_line(&l), frame);
    }
}
