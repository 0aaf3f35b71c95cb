//! `testany demo` embeds `assets/demo/shop`, a copy of the repository's `examples/shop`
//! inside the crate: `include_str!` cannot reach outside a published crate, and a symlink
//! would break Windows checkouts. This keeps the copy equal to the original.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, by `/`-separated path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Rewrites the copy when it differs and fails once, naming the files, so the fix is to
/// commit what the run wrote.
#[test]
fn demo_project_copy_matches_examples_shop() {
    let krate = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = krate.join("../../examples/shop");
    let copy = krate.join("assets/demo/shop");
    if !original.is_dir() {
        // A crate unpacked from crates.io has the copy only.
        assert!(copy.join("testany.toml").is_file());
        return;
    }
    let want = tree(&original);
    let have = if copy.is_dir() {
        tree(&copy)
    } else {
        BTreeMap::new()
    };
    if want == have {
        return;
    }
    let mut changed: Vec<&String> = want
        .iter()
        .filter(|(rel, bytes)| have.get(*rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .chain(have.keys().filter(|rel| !want.contains_key(*rel)))
        .collect();
    changed.sort();
    let _ = std::fs::remove_dir_all(&copy);
    for (rel, bytes) in &want {
        let path = copy.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    panic!(
        "crates/testany-cli/assets/demo/shop differed from examples/shop in {changed:?}; \
         it has been copied again: commit it (and list new files in src/cmd/demo.rs)"
    );
}

/// Every file `testany demo` writes must be in the copy (the include_str! list).
#[test]
fn demo_embeds_every_file_of_the_copy() {
    let krate = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = std::fs::read_to_string(krate.join("src/cmd/demo.rs")).unwrap();
    for rel in tree(&krate.join("assets/demo/shop")).keys() {
        let needle = format!("include_str!(\"../../assets/demo/shop/{rel}\")");
        assert!(
            demo.contains(&needle),
            "src/cmd/demo.rs does not embed {rel}"
        );
    }
}
