//! The suite covers what it claims: every operation has hand-written scenarios, every error the
//! official model lists for an operation is expected by a scenario of that operation (or accounted
//! for with a reason), every error code the mock can answer is expected somewhere, and every
//! feature is exercised.

use std::collections::{BTreeMap, BTreeSet};

use sts_conformance::scenario::FEATURES;
use sts_conformance::{Scenario, load_dir, shipped_scenarios_dir, suite};
use sts_model::{ErrorCode, Operation};

/// Codes the mock never answers, and why (so they need no scenario).
const NOT_ANSWERED: &[(ErrorCode, &str)] = &[
    (ErrorCode::MissingParameter, "STS reports a missing required member as ValidationError 'Member must not be null'"),
    (ErrorCode::RequestExpired, "STS ignores X-Amz-Expires; a stale signature is SignatureDoesNotMatch 'Signature expired'"),
];

fn files() -> Vec<Scenario> {
    load_dir(&shipped_scenarios_dir()).expect("the shipped scenarios load")
}

fn modeled_errors() -> BTreeMap<String, Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sts-wire/tests/data/sts-constraints.json");
    let spec: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("the copied model is there")).unwrap();
    spec["operations"]
        .as_array()
        .expect("operations is a list")
        .iter()
        .map(|op| {
            let errors = op["errors"]
                .as_array()
                .map(|e| e.iter().filter_map(|x| x["code"].as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            (op["name"].as_str().expect("an operation has a name").to_owned(), errors)
        })
        .collect()
}

#[test]
fn every_operation_has_hand_written_scenarios() {
    let scenarios = files();
    for op in Operation::ALL {
        let n = scenarios.iter().filter(|s| s.operation == *op).count();
        assert!(n > 0, "{op} has no scenario under scenarios/");
    }
}

#[test]
fn every_modeled_error_of_every_operation_has_a_scenario() {
    let scenarios = files();
    let mut missing = Vec::new();
    for (op, errors) in modeled_errors() {
        for code in errors {
            let covered = scenarios
                .iter()
                .filter(|s| s.operation.name() == op)
                .any(|s| s.expected_codes().any(|c| c == code) || s.doc.accounts_for.contains_key(&code));
            if !covered {
                missing.push(format!("{op}: {code}"));
            }
        }
    }
    assert!(missing.is_empty(), "modeled errors without a scenario:\n{}", missing.join("\n"));
}

#[test]
fn accounted_for_errors_give_a_reason_and_are_modeled() {
    let modeled = modeled_errors();
    for s in files() {
        for (code, reason) in &s.doc.accounts_for {
            assert!(reason.len() > 20, "{}: say why {code} is accounted for", s.id);
            assert!(modeled[s.operation.name()].contains(code), "{}: {code} is not modeled for {}", s.id, s.operation);
        }
    }
}

#[test]
fn every_error_code_the_mock_answers_is_expected_somewhere() {
    let all = suite(&shipped_scenarios_dir()).unwrap();
    let expected: BTreeSet<&str> = all.iter().flat_map(|s| s.expected_codes()).collect();
    let mut missing = Vec::new();
    for code in ErrorCode::ALL {
        if NOT_ANSWERED.iter().any(|(c, _)| c == code) {
            continue;
        }
        if !expected.contains(code.as_str()) {
            missing.push(code.as_str());
        }
    }
    assert!(missing.is_empty(), "error codes no scenario expects: {missing:?}");
}

#[test]
fn every_feature_is_exercised() {
    let all = suite(&shipped_scenarios_dir()).unwrap();
    for (feature, _) in FEATURES {
        assert!(all.iter().any(|s| s.needs(feature)), "no scenario needs {feature}");
    }
}

#[test]
fn inferred_expectations_are_marked_and_a_minority() {
    // Guesses are marked in data: a suite with none would be suspicious, one mostly guessed useless.
    let scenarios = files();
    let inferred = scenarios.iter().filter(|s| s.doc.fidelity == sts_conformance::scenario::Fidelity::Inferred).count();
    assert!(inferred > 0 && inferred < scenarios.len() / 2, "{inferred} inferred of {}", scenarios.len());
}

#[test]
fn observed_expectations_cite_where_they_were_seen() {
    // "observed" claims a real AWS answer was seen: the scenario must say where.
    let bare: Vec<String> = files()
        .iter()
        .filter(|s| s.doc.fidelity == sts_conformance::scenario::Fidelity::Observed && s.doc.evidence.is_empty())
        .map(|s| s.id.clone())
        .collect();
    assert!(bare.is_empty(), "observed without evidence: {bare:?}");
}

#[test]
fn most_hand_written_scenarios_cite_public_evidence() {
    let scenarios = files();
    let (_, total) = sts_conformance::report::evidence_share(&scenarios);
    assert!(total.percent() >= 60.0, "{} of {} hand-written scenarios cite evidence", total.cited, total.written);
}

#[test]
fn every_iam_operation_has_a_scenario() {
    let scenarios = files();
    let called: BTreeSet<&str> = scenarios
        .iter()
        .flat_map(|s| &s.doc.steps)
        .filter(|step| step.service.as_deref() == Some("iam"))
        .filter_map(|step| step.call.as_deref())
        .collect();
    let missing: Vec<&str> = sts_wire::iam::operations().filter(|op| !called.contains(op)).collect();
    assert!(missing.is_empty(), "IAM operations no scenario calls: {missing:?}");
}
