//! testany.toml: parsing, discovery and environment overrides (design.md section 3).
