//! Document planning with its defaults, once for every host: markers -> anchors (markers
//! plus the `[cases]` mapping) -> [`plan::plan`] or [`plan::hover`] (issue 16: the
//! language server's publishing, its hover and the WASM `planLenses` each assembled this).

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::config::Config;
use crate::markers::{self, Encoding, Marker, Position};
use crate::model::Execution;
use crate::plan::{self, CaseLocations, Hover, Plan, PlanInput, RelatedMarker};

/// One document and what is known about its cases. [`Document::new`] gives the defaults:
/// markers scanned from the text, no failure locations or related markers, UTF-16
/// columns (LSP's and VS Code's), the configuration's default history, not stale.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// URI of the document (for `relatedInformation` pointing at its markers).
    pub uri: &'a str,
    /// Workspace-relative, `/`-separated path (for `[cases]` mappings and locations).
    pub path: &'a str,
    pub text: &'a str,
    /// The markers of `text` when the host keeps them; scanned when `None`.
    pub markers: Option<&'a [Marker]>,
    /// `[cases]`: case key -> workspace-relative file.
    pub mapping: &'a BTreeMap<String, String>,
    pub executions: &'a [Execution],
    pub locations: &'a [CaseLocations],
    /// Markers of cases living in other documents.
    pub related: &'a [RelatedMarker],
    pub encoding: Encoding,
    /// Executions per case for hover and flaky notes.
    pub history: usize,
    /// The service is unreachable: lenses say `(stale)`.
    pub stale: bool,
    pub now: Timestamp,
}

impl<'a> Document<'a> {
    pub fn new(
        uri: &'a str,
        path: &'a str,
        text: &'a str,
        mapping: &'a BTreeMap<String, String>,
        executions: &'a [Execution],
        now: Timestamp,
    ) -> Self {
        Document {
            uri,
            path,
            text,
            markers: None,
            mapping,
            executions,
            locations: &[],
            related: &[],
            encoding: Encoding::Utf16,
            history: default_history(),
            stale: false,
            now,
        }
    }

    /// Lenses and diagnostics.
    pub fn plan(&self) -> Plan {
        self.with_input(plan::plan)
    }

    /// The hover at `position` (on an anchored line).
    pub fn hover(&self, position: Position) -> Option<Hover> {
        self.with_input(|input| plan::hover(input, position))
    }

    fn with_input<T>(&self, f: impl FnOnce(&PlanInput<'_>) -> T) -> T {
        let scanned;
        let found = match self.markers {
            Some(m) => m,
            None => {
                scanned = markers::scan(self.text);
                &scanned
            }
        };
        let anchors = markers::anchors(self.path, self.text, found, self.mapping);
        f(&PlanInput {
            uri: self.uri,
            path: self.path,
            text: self.text,
            anchors: &anchors,
            executions: self.executions,
            locations: self.locations,
            related: self.related,
            encoding: self.encoding,
            history: self.history,
            stale: self.stale,
            now: self.now,
            drift: None,
        })
    }
}

/// The configuration's default of `history` (executions per case).
pub fn default_history() -> usize {
    Config::default().history as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_mapping() {
        let mapping = BTreeMap::from([("MAPPED01".to_owned(), "tests/a.py".to_owned())]);
        let text = "import os\n# testany: CART0001\ndef test_x(): pass\n";
        let doc = Document::new(
            "file:///w/tests/a.py",
            "tests/a.py",
            text,
            &mapping,
            &[],
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(doc.history, 10);
        assert_eq!(doc.encoding, Encoding::Utf16);
        let plan = doc.plan();
        // The marker's line, then the mapped case on line 0; neither has results yet.
        let lenses: Vec<(u32, &str)> = plan
            .lenses
            .iter()
            .map(|l| (l.range.start.line, l.title.as_ref()))
            .collect();
        assert_eq!(lenses, [(1, "? no result yet"), (0, "? no result yet")]);
    }
}
