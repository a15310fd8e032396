//! JUnit XML (quick-junit): one test suite per operation, one test case per scenario. Expected
//! failures are reported as passes with the deviation in their output; unexpected passes fail.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::Run;
use crate::runner::Status;

/// Text for an XML report: failure messages quote answers, which may carry characters XML 1.0
/// forbids (an endpoint that echoes a control character); they are shown as U+FFFD.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(
            |c| {
                if matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}') {
                    '\u{FFFD}'
                } else {
                    c
                }
            },
        )
        .collect()
}

/// The run as JUnit XML, or why it could not be written (the caller reports it: a CI must not
/// upload a report that silently lost its content).
pub fn render(run: &Run<'_>) -> Result<String, String> {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for (s, r) in &run.results {
        let suite = suites.entry(s.operation.name()).or_insert_with(|| TestSuite::new(s.operation.name()));
        let status = match &r.status {
            Status::Passed => TestCaseStatus::success(),
            Status::ExpectedFailure { .. } => TestCaseStatus::success(),
            Status::Skipped(why) => {
                let mut st = TestCaseStatus::skipped();
                st.set_message(xml_text(why));
                st
            }
            Status::Failed(why) | Status::UnexpectedPass(why) => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                st.set_message(xml_text(why)).set_type(r.status.label());
                st
            }
        };
        let mut case = TestCase::new(s.id.as_str(), status);
        case.set_classname(s.operation.name()).set_time(r.elapsed);
        if let Status::ExpectedFailure { reason, detail } = &r.status {
            case.set_system_out(xml_text(&format!("expected failure (deviation: {reason}): {detail}")));
        }
        suite.add_test_case(case);
    }
    let mut report =
        Report::new(format!("sts-harness check {} ({}): {}", crate::embedded::SUITE_VERSION, crate::embedded::MODEL_VERSION, run.target));
    report.set_time(run.elapsed);
    report.add_test_suites(suites.into_values());
    report.to_string().map_err(|e| format!("the JUnit report could not be serialized: {e}"))
}
