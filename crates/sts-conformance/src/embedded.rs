//! The suite built into the crate: every scenario file, the world and the profiles of
//! `scenarios/`, embedded at build time. `check` runs it when no suite directory is given and
//! none is in the working directory, so a binary copied into a CI image needs nothing else.

use crate::scenario::{LoadError, Scenario, parse_file};

include!(concat!(env!("OUT_DIR"), "/embedded_suite.rs"));

/// The version of this suite (the crate's).
pub const SUITE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The service model the suite checks against.
pub const MODEL_VERSION: &str = "STS 2011-06-15, botocore 1.44.8";

/// The text of a built-in file (`world.toml`, `profiles/moto.toml`, `assume-role/basics.toml`).
///
/// ```
/// let world = sts_conformance::embedded::file("world.toml").unwrap();
/// assert!(world.contains("[[accounts]]"));
/// ```
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
}

/// The built-in scenarios (not the generated input-contract ones), sorted by path.
pub fn scenarios() -> Result<Vec<Scenario>, LoadError> {
    // In the order `load_dir` reads a directory: by name without the extension.
    let mut files: Vec<(&str, &str)> = FILES
        .iter()
        .filter_map(|(path, text)| Some((path.strip_suffix(".toml")?, *text)))
        .filter(|(name, _)| *name != "world" && !name.starts_with("profiles/"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for (name, text) in files {
        all.extend(parse_file(name, text)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_suite_is_the_source_trees() {
        let from_dir = crate::load_dir(&crate::shipped_scenarios_dir()).unwrap();
        let embedded = scenarios().unwrap();
        let ids = |all: &[Scenario]| all.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&embedded), ids(&from_dir));
        assert!(embedded.len() > 200, "{}", embedded.len());
        assert_eq!(
            file("world.toml").map(str::len),
            std::fs::read_to_string(crate::shipped_scenarios_dir().join("world.toml")).ok().map(|t| t.len())
        );
        assert!(file("profiles/moto.toml").is_some() && file("nothing.toml").is_none());
    }
}
