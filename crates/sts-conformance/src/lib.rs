//! # sts-conformance: the conformance suite
//!
//! Cases, targets and reports. This first slice generates the input-contract cases from the
//! model's constraint table (every bound of every member at both edges, every required member
//! missing) and runs them against a target: the in-process mock today, any endpoint once the
//! runner signs requests.

#![warn(missing_docs)]

pub mod case;
pub mod contract;
pub mod report;
pub mod target;

pub use case::{Case, Expectation, Verdict};
pub use target::{InProcess, Target};

/// Runs `cases` against `target`, calling `progress` after each.
pub fn run(target: &mut dyn Target, cases: &[Case], mut progress: impl FnMut(usize, &Case, &Verdict)) -> Vec<Verdict> {
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let verdict = case.judge(&target.send(&case.params));
            progress(i + 1, case, &verdict);
            verdict
        })
        .collect()
}
