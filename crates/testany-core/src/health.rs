//! (filled by the core-analysis work, issue 5)
