//! docs/protocol.md documents `src/ext.rs`: a change to ext.rs without the docs fails
//! here (rust-analyzer's lsp-extensions.md check), and every command and request name
//! declared in ext.rs must appear in the docs.

use std::path::Path;

/// FNV-1a (64 bit) over the bytes with `\r` removed, so a checkout with CRLF line ends
/// hashes the same.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes.iter().filter(|&&b| b != b'\r') {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn fnv1a_matches_the_reference_values() {
    // From the FNV reference test suite (draft-eastlake-fnv).
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(fnv1a(b"foo\r\nbar"), fnv1a(b"foo\nbar"));
}

#[test]
fn protocol_md_is_up_to_date_with_ext_rs() {
    let ext = read("src/ext.rs");
    let docs = read("../../docs/protocol.md");
    let want = format!("{:016x}", fnv1a(ext.as_bytes()));
    let have = docs
        .lines()
        .find_map(|l| l.strip_prefix("ext.rs hash: "))
        .map(str::trim);
    assert!(
        have == Some(want.as_str()),
        "crates/testany-lsp/src/ext.rs changed: update docs/protocol.md to match it, then set its line `ext.rs hash: {want}` (now {})",
        have.unwrap_or("missing"),
    );
}

#[test]
fn every_command_and_request_of_ext_rs_is_documented() {
    let ext = read("src/ext.rs");
    let docs = read("../../docs/protocol.md");
    let names: Vec<&str> = ext
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("const NAME: &'static str = \"")
                .or_else(|| l.strip_prefix("const METHOD: &'static str = \""))?;
            rest.split_once('"').map(|(name, _)| name)
        })
        .collect();
    // Three requests from the client (caseStates, pipelineStates, logView), two to it
    // (listFiles, readFile).
    assert_eq!(names.len(), testany_lsp::COMMANDS.len() + 5, "{names:?}");
    for name in names {
        assert!(
            docs.contains(&format!("### `{name}`")),
            "docs/protocol.md has no section `### `{name}`` for the {name} declared in ext.rs: add one"
        );
    }
}
