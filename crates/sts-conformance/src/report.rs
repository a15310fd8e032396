//! The console summary: one row per operation, one column per outcome.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::case::{Case, Verdict};

/// Counts per operation, and the failures in full.
pub fn summary(target: &str, cases: &[Case], verdicts: &[Verdict]) -> String {
    let mut rows: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = String::new();
    for (case, verdict) in cases.iter().zip(verdicts) {
        let row = rows.entry(case.operation.name()).or_default();
        match verdict {
            Verdict::Pass => row.0 += 1,
            Verdict::Fail(why) => {
                row.1 += 1;
                let _ = writeln!(failures, "FAIL {}\n     {}\n     {why}", case.id, case.description);
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "\nsts-harness check against {target}\n");
    let _ = writeln!(out, "{:<28} {:>7} {:>7} {:>7}", "operation", "cases", "passed", "failed");
    let _ = writeln!(out, "{:-<28} {:->7} {:->7} {:->7}", "", "", "", "");
    let (mut total, mut passed, mut failed) = (0, 0, 0);
    for (op, (p, f)) in &rows {
        let _ = writeln!(out, "{op:<28} {:>7} {p:>7} {f:>7}", p + f);
        total += p + f;
        passed += p;
        failed += f;
    }
    let _ = writeln!(out, "{:-<28} {:->7} {:->7} {:->7}", "", "", "", "");
    let _ = writeln!(out, "{:<28} {total:>7} {passed:>7} {failed:>7}", "total");
    if !failures.is_empty() {
        let _ = writeln!(out, "\n{failures}");
    }
    let _ = writeln!(out, "\n{passed} passed, {failed} failed");
    out
}
