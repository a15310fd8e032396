//! # sts-conformance: the conformance suite
//!
//! Scenarios are data (TOML files under `scenarios/`, format in `scenarios/README.md`), plus the
//! input-contract scenarios generated from the model's constraint table. The runner sends them to
//! a [`Target`] (the built-in mock in process or over HTTP, or any endpoint described by a
//! [`profile::Profile`]), signing with its own SigV4, and judges the answers. Reports: console,
//! JUnit XML, JSON, HTML.
//!
//! ```
//! use sts_conformance::{InProcess, runner, scenario};
//! let scenarios = scenario::parse_file("demo/basics", r#"
//!     [[scenario]]
//!     id = "who-am-i"
//!     description = "GetCallerIdentity names the signing user"
//!     features = ["credentials"]
//!     fidelity = "documented"
//!     [[scenario.steps]]
//!     call = "GetCallerIdentity"
//!     expect = { status = 200, fields = { Arn = { equals = "${user.alice}" } } }
//! "#).unwrap();
//! let results = runner::run(&mut InProcess::new(1), &scenarios, |_, _, _| {});
//! assert_eq!(results[0].status, runner::Status::Passed);
//! ```

#![warn(missing_docs)]

pub mod contract;
pub mod embedded;
pub mod explore;
pub mod profile;
pub mod provision;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod symbols;
pub mod target;

pub use profile::Profile;
pub use runner::{ScenarioResult, Status};
pub use scenario::{Scenario, load_dir};
pub use target::{Endpoint, InProcess, MockHttp, SuiteWorld, Target, TlsOptions};

/// The whole suite from a scenarios directory: the generated input-contract scenarios, then the
/// scenario files, in path order.
pub fn suite(dir: &std::path::Path) -> Result<Vec<Scenario>, scenario::LoadError> {
    let mut all = contract::scenarios();
    all.extend(load_dir(dir)?);
    Ok(all)
}

/// The whole built-in suite: the generated input-contract scenarios, then the embedded files.
pub fn embedded_suite() -> Result<Vec<Scenario>, scenario::LoadError> {
    let mut all = contract::scenarios();
    all.extend(embedded::scenarios()?);
    Ok(all)
}

/// The scenarios directory of the source tree this crate was built from (for its tests; a
/// binary uses [`embedded_suite`], which needs no source tree).
pub fn shipped_scenarios_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}
