//! The JSON report: totals and every scenario with its status and, per step, the expected and the
//! actual answer, for tools, dashboards and implementers reading a diff.

use serde_json::{Value, json};

use super::Run;
use crate::runner::Status;

/// The run as JSON.
pub fn render(run: &Run<'_>) -> String {
    let scenarios: Vec<Value> = run
        .results
        .iter()
        .map(|(s, r)| {
            let (detail, reason) = match &r.status {
                Status::Passed => (None, None),
                Status::Failed(d) | Status::Skipped(d) | Status::UnexpectedPass(d) => (Some(d.clone()), None),
                Status::ExpectedFailure { reason, detail } => (Some(detail.clone()), Some(reason.clone())),
            };
            json!({
                "id": s.id,
                "operation": s.operation.name(),
                "features": s.doc.features,
                "fidelity": s.doc.fidelity.to_string(),
                "evidence": s.doc.evidence,
                "description": s.doc.description,
                "status": r.status.label().to_ascii_lowercase(),
                "detail": detail,
                "deviation": reason,
                "seconds": r.elapsed.as_secs_f64(),
                // The answers beside the expectations: an implementer sees the difference without a rerun.
                "steps": r.exchanges.iter().map(|x| json!({
                    "step": x.step,
                    "request": x.request,
                    "expected": x.expected,
                    "answer": {"status": x.status, "body": x.body},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (by_operation, total) = run.evidence();
    let value = json!({
        "evidence": {"total": total, "by_operation": by_operation},
        "target": run.target,
        "suite": {"version": crate::embedded::SUITE_VERSION, "model": crate::embedded::MODEL_VERSION},
        "ok": run.ok(),
        "totals": run.totals(),
        "seconds": run.elapsed.as_secs_f64(),
        "scenarios": scenarios,
    });
    serde_json::to_string_pretty(&value).expect("a JSON value serializes")
}
