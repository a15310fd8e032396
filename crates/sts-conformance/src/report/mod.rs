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

/// How many hand-written scenarios cite public evidence (generated input-contract cases all cite
/// the model and are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EvidenceShare {
    /// Hand-written scenarios with at least one `evidence` source.
    pub cited: usize,
    /// Hand-written scenarios.
    pub written: usize,
}

impl EvidenceShare {
    /// The share in percent (0 when nothing is written).
    pub fn percent(&self) -> f64 {
        if self.written == 0 { 0.0 } else { self.cited as f64 * 100.0 / self.written as f64 }
    }

    fn cell(&self) -> String {
        if self.written == 0 { "-".into() } else { format!("{}/{}", self.cited, self.written) }
    }
}

/// The evidence share of `scenarios`, per operation and in total.
///
/// ```
/// use sts_conformance::{report::evidence_share, scenario::parse_file};
/// let s = parse_file("x", r#"
/// [[scenario]]
/// id = "a"
/// description = "d"
/// features = []
/// fidelity = "documented"
/// evidence = ["https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"]
/// [[scenario.steps]]
/// call = "GetCallerIdentity"
/// [[scenario]]
/// id = "b"
/// description = "d"
/// features = []
/// fidelity = "inferred"
/// [[scenario.steps]]
/// call = "GetCallerIdentity"
/// "#).unwrap();
/// let (rows, total) = evidence_share(&s);
/// assert_eq!((total.cited, total.written), (1, 2));
/// assert_eq!(rows["GetCallerIdentity"].percent(), 50.0);
/// ```
pub fn evidence_share<'a>(scenarios: impl IntoIterator<Item = &'a Scenario>) -> (BTreeMap<&'static str, EvidenceShare>, EvidenceShare) {
    let mut rows: BTreeMap<&'static str, EvidenceShare> = BTreeMap::new();
    let mut total = EvidenceShare::default();
    for s in scenarios.into_iter().filter(|s| !s.is_generated()) {
        let cited = usize::from(!s.doc.evidence.is_empty());
        let row = rows.entry(s.operation.name()).or_default();
        row.written += 1;
        row.cited += cited;
        total.written += 1;
        total.cited += cited;
    }
    (rows, total)
}

impl Run<'_> {
    /// The evidence share of the scenarios run.
    pub fn evidence(&self) -> (BTreeMap<&'static str, EvidenceShare>, EvidenceShare) {
        evidence_share(self.results.iter().map(|(s, _)| *s))
    }
}

/// The console summary: one row per operation, then every failure in full.
pub fn summary(run: &Run<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nsts-harness check {} ({}) against {}\n",
        crate::embedded::SUITE_VERSION,
        crate::embedded::MODEL_VERSION,
        run.target
    );
    let header = ["operation", "scenarios", "passed", "failed", "skipped", "xfail", "xpass", "evidence"];
    let _ = writeln!(
        out,
        "{:<28} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
        header[0], header[1], header[2], header[3], header[4], header[5], header[6], header[7]
    );
    let rule = format!("{:-<28} {:->9} {:->7} {:->7} {:->7} {:->7} {:->7} {:->9}", "", "", "", "", "", "", "", "");
    let _ = writeln!(out, "{rule}");
    let row = |out: &mut String, name: &str, c: &Counts, e: &EvidenceShare| {
        let _ = writeln!(
            out,
            "{name:<28} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
            c.total(),
            c.passed,
            c.failed,
            c.skipped,
            c.expected_failures,
            c.unexpected_passes,
            e.cell()
        );
    };
    let (evidence, cited) = run.evidence();
    for (op, c) in run.by_operation() {
        row(&mut out, op, &c, &evidence.get(op).copied().unwrap_or_default());
    }
    let _ = writeln!(out, "{rule}");
    let totals = run.totals();
    row(&mut out, "total", &totals, &cited);
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
    let _ = writeln!(
        out,
        "evidence: {} of {} hand-written scenarios cite a public source ({:.0}%)",
        cited.cited,
        cited.written,
        cited.percent()
    );
    out
}
