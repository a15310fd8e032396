//! Reports of a run: the console summary, JUnit XML for CI, JSON for tools, an HTML matrix for
//! people. All take the same [`Run`].

pub mod html;
pub mod json;
pub mod junit;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::runner::{ScenarioResult, Status};
use crate::scenario::Scenario;

/// A finished run: the target and each scenario with its result.
pub struct Run<'a> {
    /// The target's name.
    pub target: String,
    /// Scenarios and results, in run order.
    pub results: Vec<(&'a Scenario, ScenarioResult)>,
    /// Wall time of the run.
    pub elapsed: std::time::Duration,
}

/// Counts of one cell or row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// Failed as a listed deviation.
    pub expected_failures: usize,
    /// Listed as a deviation but passed.
    pub unexpected_passes: usize,
}

impl Counts {
    /// Adds one result.
    pub fn add(&mut self, status: &Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed(_) => self.failed += 1,
            Status::Skipped(_) => self.skipped += 1,
            Status::ExpectedFailure { .. } => self.expected_failures += 1,
            Status::UnexpectedPass(_) => self.unexpected_passes += 1,
        }
    }

    /// All results counted.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped + self.expected_failures + self.unexpected_passes
    }

    /// Whether nothing fails the gate.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.unexpected_passes == 0
    }
}

impl Run<'_> {
    /// Totals over the run.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for (_, r) in &self.results {
            c.add(&r.status);
        }
        c
    }

    /// Whether the gate passes: no failure, no unexpected pass.
    pub fn ok(&self) -> bool {
        self.totals().ok()
    }

    /// Counts per operation.
    pub fn by_operation(&self) -> BTreeMap<&'static str, Counts> {
        let mut rows: BTreeMap<&'static str, Counts> = BTreeMap::new();
        for (s, r) in &self.results {
            rows.entry(s.operation.name()).or_default().add(&r.status);
        }
        rows
    }

    /// Counts per operation and feature (a scenario counts in each of its features).
    pub fn matrix(&self) -> BTreeMap<(&'static str, &str), Counts> {
        let mut cells: BTreeMap<(&'static str, &str), Counts> = BTreeMap::new();
        for (s, r) in &self.results {
            for f in &s.doc.features {
                cells.entry((s.operation.name(), f.as_str())).or_default().add(&r.status);
            }
        }
        cells
    }
}

/// The console summary: one row per operation, then every failure in full.
pub fn summary(run: &Run<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nsts-harness check against {}\n", run.target);
    let header = ["operation", "scenarios", "passed", "failed", "skipped", "xfail", "xpass"];
    let _ = writeln!(
        out,
        "{:<28} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}",
        header[0], header[1], header[2], header[3], header[4], header[5], header[6]
    );
    let rule = format!("{:-<28} {:->9} {:->7} {:->7} {:->7} {:->7} {:->7}", "", "", "", "", "", "", "");
    let _ = writeln!(out, "{rule}");
    let row = |out: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "{name:<28} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}",
            c.total(),
            c.passed,
            c.failed,
            c.skipped,
            c.expected_failures,
            c.unexpected_passes
        );
    };
    for (op, c) in run.by_operation() {
        row(&mut out, op, &c);
    }
    let _ = writeln!(out, "{rule}");
    let totals = run.totals();
    row(&mut out, "total", &totals);
    let mut problems = String::new();
    for (s, r) in &run.results {
        match &r.status {
            Status::Failed(why) | Status::UnexpectedPass(why) => {
                let _ = writeln!(problems, "{} {}\n     {}\n     {why}", r.status.label(), s.id, s.doc.description);
            }
            _ => {}
        }
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "\n{problems}");
    }
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} skipped, {} expected failures, {} unexpected passes ({:.2}s)",
        totals.passed,
        totals.failed,
        totals.skipped,
        totals.expected_failures,
        totals.unexpected_passes,
        run.elapsed.as_secs_f64()
    );
    out
}
