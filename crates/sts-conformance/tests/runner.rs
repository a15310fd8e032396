//! The runner judges for real: every kind of expectation fails when the answer differs, and the
//! reports say so.

use sts_conformance::report::{self, Run};
use sts_conformance::scenario::parse_file;
use sts_conformance::{InProcess, Status, runner};

fn run_one(toml: &str) -> Status {
    let scenarios = parse_file("t/t", toml).expect("the scenario parses");
    runner::run(&mut InProcess::new(1), &scenarios, |_, _, _| {}).remove(0).status
}

fn scenario(step: &str) -> String {
    format!("[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = [\"credentials\"]\nfidelity = \"documented\"\n{step}")
}

fn failed(status: Status, fragment: &str) {
    match status {
        Status::Failed(why) => assert!(why.contains(fragment), "{why:?} lacks {fragment:?}"),
        other => panic!("expected a failure mentioning {fragment:?}, got {other:?}"),
    }
}

#[test]
fn right_expectations_pass() {
    let s = scenario(
        r#"[[scenario.steps]]
call = "AssumeRole"
params = { RoleArn = "${role.demo}", RoleSessionName = "ok" }
save = { c = "Credentials" }
expect = { status = 200, fields = { "Credentials/Expiration" = { within_seconds_of = "now+3600", seconds = 1 }, "AssumedRoleUser/Arn" = { regex = '.*/demo/ok' }, "Credentials/SecretAccessKey" = { length = [40, 40] } } }
[[scenario.steps]]
call = "GetCallerIdentity"
as = "$c"
expect = { status = 200, fields = { Arn = { equals = "arn:aws:sts::${account}:assumed-role/demo/ok" } } }"#,
    );
    assert_eq!(run_one(&s), Status::Passed);
}

#[test]
fn each_kind_of_expectation_can_fail() {
    let call = "[[scenario.steps]]\ncall = \"GetCallerIdentity\"\n";
    failed(run_one(&scenario(&format!("{call}expect = {{ status = 403 }}"))), "expected HTTP 403, got 200");
    failed(run_one(&scenario(&format!("{call}expect = {{ code = \"AccessDenied\" }}"))), "expected error AccessDenied, got a success");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Arn = {{ equals = \"arn:nope\" }} }} }}"))), "Arn:");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Arn = {{ regex = \"nope\" }} }} }}"))), "does not match");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Missing = {{ present = true }} }} }}"))), "Missing: missing");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Arn = {{ present = false }} }} }}"))), "must be absent");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Account = {{ length = [1, 3] }} }} }}"))), "length 12");
    failed(run_one(&scenario(&format!("{call}expect = {{ fields = {{ Account = {{ range = [0, 5] }} }} }}"))), "not an integer in");
    let assume = "[[scenario.steps]]\ncall = \"AssumeRole\"\nparams = { RoleArn = \"${role.private}\", RoleSessionName = \"no\" }\n";
    failed(
        run_one(&scenario(&format!("{assume}expect = {{ status = 403, code = \"ExpiredToken\" }}"))),
        "expected error ExpiredToken, got AccessDenied",
    );
    failed(
        run_one(&scenario(&format!("{assume}expect = {{ status = 403, code = \"AccessDenied\", type = \"Receiver\" }}"))),
        "expected Type Receiver",
    );
    failed(
        run_one(&scenario(&format!("{assume}expect = {{ status = 403, code = \"AccessDenied\", message = \"^nothing like it$\" }}"))),
        "does not match",
    );
    failed(run_one(&scenario(&format!("{assume}expect = {{ status = 403 }}"))), "expected a success");
    // A step without `expect` is judged too: it must succeed.
    failed(run_one(&scenario(assume)), "expected HTTP 200, got 403");
    let late = "[[scenario.steps]]\ncall = \"AssumeRole\"\nparams = { RoleArn = \"${role.demo}\", RoleSessionName = \"ok\" }\n";
    failed(
        run_one(&scenario(&format!(
            "{late}expect = {{ fields = {{ \"Credentials/Expiration\" = {{ within_seconds_of = \"now+7200\" }} }} }}"
        ))),
        "is not within 5s",
    );
    failed(run_one(&scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nparams = { X = \"${nope}\" }")), "unknown symbol ${nope}");
    failed(run_one(&scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nas = \"$never-saved\"")), "no credentials saved");
}

#[test]
fn bad_scenario_files_are_refused_with_the_reason() {
    for (text, why) in [
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = [\"telepathy\"]\nfidelity = \"documented\"\n[[scenario.steps]]\ncall = \"GetCallerIdentity\"",
            "unknown feature",
        ),
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"documented\"\n[[scenario.steps]]\ncall = \"Nope\"",
            "unknown operation",
        ),
        ("[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"documented\"\nsteps = []", "no steps"),
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"guessed\"\n[[scenario.steps]]\ncall = \"GetCallerIdentity\"",
            "fidelity",
        ),
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"documented\"\n[[scenario.steps]]\nadvance_clock = 5",
            "clock-control",
        ),
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"documented\"\n[[scenario.steps]]\ncall = \"GetCallerIdentity\"\ntypo = 1",
            "typo",
        ),
        (
            "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = []\nfidelity = \"documented\"\n[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nexpect = { message = \"(\" }",
            "message",
        ),
    ] {
        let err = parse_file("t/t", text).expect_err(why);
        assert!(err.to_string().contains(why), "{err} lacks {why:?}");
    }
}

#[test]
fn reports_carry_every_result() {
    let scenarios = parse_file(
        "t/t",
        &format!(
            "{}\n{}",
            scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\""),
            scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nexpect = { status = 500 }").replace("id = \"x\"", "id = \"y\"")
        ),
    )
    .unwrap();
    let results = runner::run(&mut InProcess::new(1), &scenarios, |_, _, _| {});
    let run = Run { target: "t".into(), results: scenarios.iter().zip(results).collect(), elapsed: std::time::Duration::from_millis(5) };
    assert!(!run.ok());
    let summary = report::summary(&run);
    assert!(summary.contains("1 passed, 1 failed"), "{summary}");
    assert!(summary.contains("FAIL t/t/y"));
    let json: serde_json::Value = serde_json::from_str(&report::json::render(&run)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["scenarios"][1]["status"], "fail");
    // The answer beside the expectation: the failing step's exchange, as sent and as answered.
    let step = &json["scenarios"][1]["steps"][0];
    assert_eq!(step["step"], 1);
    assert_eq!(step["request"], "GetCallerIdentity as alice");
    assert_eq!(step["expected"], serde_json::json!({ "status": 500 }), "absent keys are left out");
    assert_eq!(step["answer"]["status"], 200);
    assert!(step["answer"]["body"].as_str().unwrap().contains("<Arn>arn:aws:iam::123456789012:user/alice</Arn>"), "{step}");
    assert_eq!(json["scenarios"][0]["steps"][0]["expected"], serde_json::json!({ "status": 200 }), "no expect: a success");
    let junit = report::junit::render(&run).expect("the report serializes");
    assert_eq!(junit.matches("<testcase").count(), 2, "{junit}");
    assert_eq!(junit.matches("<failure").count(), 1, "{junit}");
    let html = report::html::render(&run);
    assert!(html.contains("<table id=\"matrix\">") && html.contains("class=\"fail\"") && html.contains("t/t/y"));
}

#[test]
fn admin_answers_are_judged_by_their_fields() {
    let evaluate = |decision: &str| {
        scenario(&format!(
            r#"[[scenario.steps]]
call = "AssumeRole"
params = {{ RoleArn = "${{role.demo}}", RoleSessionName = "ok" }}
save = {{ c = "Credentials" }}
[[scenario.steps]]
admin = {{ path = "evaluate", body = '{{"access_key_id":"${{c.AccessKeyId}}","session_token":"${{c.SessionToken}}","action":"iam:CreateUser","resource":"*"}}' }}
expect = {{ fields = {{ decision = {{ equals = "{decision}" }} }} }}"#
        ))
        .replace(r#"features = ["credentials"]"#, r#"features = ["credentials", "mock-admin"]"#)
    };
    // The demo role has no identity policy: nothing is allowed.
    assert_eq!(run_one(&evaluate("ImplicitDeny")), Status::Passed);
    failed(run_one(&evaluate("Allow")), "admin evaluate: decision: \"ImplicitDeny\" != \"Allow\"");
}

/// A target that answers every request with one canned HTTP answer (or panics when asked to).
struct Canned {
    status: u16,
    body: &'static str,
    panic: bool,
}

struct CannedConnection(u16, &'static str);

impl sts_conformance::target::Connection for CannedConnection {
    fn send(&mut self, _: &sts_mock::HttpRequest) -> Result<sts_conformance::target::HttpAnswer, String> {
        Ok(sts_conformance::target::HttpAnswer { status: self.0, body: self.1.into() })
    }
    fn now(&mut self) -> Result<sts_model::time::OffsetDateTime, String> {
        Ok(sts_model::time::OffsetDateTime::UNIX_EPOCH)
    }
    fn advance_clock(&mut self, _: i64) -> Result<(), String> {
        Ok(())
    }
}

impl sts_conformance::Target for Canned {
    fn name(&self) -> String {
        "canned".into()
    }
    fn claims(&self, _: &str) -> bool {
        true
    }
    fn bind(&mut self, _: &sts_conformance::Scenario) -> Result<sts_conformance::target::Binding, String> {
        assert!(!self.panic, "the target broke");
        let alice = sts_conformance::symbols::Principal {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: None,
        };
        Ok(sts_conformance::target::Binding {
            connection: Box::new(CannedConnection(self.status, self.body)),
            symbols: Default::default(),
            principals: [("alice".to_string(), alice)].into(),
            host: "canned".into(),
            region: "us-east-1".into(),
        })
    }
}

fn admits_against(status: u16, body: &'static str) -> Status {
    let toml = r#"[[scenario]]
id = "x"
description = "d"
features = ["input-contract"]
fidelity = "documented"
[[scenario.steps]]
call = "AssumeRole"
params = { RoleArn = "arn:aws:iam::123456789012:role/demo", RoleSessionName = "ab" }
expect = { admits = "roleSessionName" }"#;
    let scenarios = parse_file("t/t", toml).expect("the scenario parses");
    runner::run(&mut Canned { status, body, panic: false }, &scenarios, |_, _, _| {}).remove(0).status
}

const ERROR: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>CODE</Code><Message>MESSAGE</Message></Error><RequestId>r</RequestId></ErrorResponse>"#;

fn error(code: &str, message: &str) -> &'static str {
    ERROR.replace("CODE", code).replace("MESSAGE", message).leak()
}

#[test]
fn admits_fails_on_anything_that_does_not_show_the_member_was_accepted() {
    // Accepted: a success of the operation, or an error from the operation's own rules.
    let success = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult/></AssumeRoleResponse>"#;
    assert_eq!(admits_against(200, success), Status::Passed);
    assert_eq!(admits_against(403, error("AccessDenied", "User: x is not authorized")), Status::Passed);
    // Not accepted.
    failed(admits_against(500, error("InternalFailure", "boom")), "got HTTP 500");
    failed(admits_against(405, "<html>Method Not Allowed</html>"), "not an STS answer");
    failed(admits_against(200, "<Error><Code>NoSuchBucket</Code></Error>"), "<Error>, not an STS answer");
    failed(admits_against(400, error("InvalidAction", "Could not find operation AssumeRole for version 2011-06-15")), "got InvalidAction");
    failed(
        admits_against(
            400,
            error(
                "ValidationError",
                "1 validation error detected: Value 'x' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
            ),
        ),
        "at 'roleArn' failed to satisfy constraint",
    );
    failed(
        admits_against(
            400,
            error(
                "ValidationError",
                "1 validation error detected: Value 'ab' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern",
            ),
        ),
        "at 'roleSessionName'",
    );
}

fn expecting_against(expect: &str, status: u16, body: &'static str) -> Status {
    let toml = format!(
        "[[scenario]]\nid = \"x\"\ndescription = \"d\"\nfeatures = [\"credentials\"]\nfidelity = \"documented\"\n[[scenario.steps]]\ncall = \"GetSessionToken\"\n{expect}"
    );
    let scenarios = parse_file("t/t", &toml).expect("the scenario parses");
    runner::run(&mut Canned { status, body, panic: false }, &scenarios, |_, _, _| {}).remove(0).status
}

#[test]
fn an_error_in_another_services_envelope_is_named_and_fails() {
    // Ceph's RADOS Gateway answers STS errors in S3's envelope; it used to be reported as "a success".
    let s3 = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message></Message><RequestId>tx1</RequestId></Error>";
    let status = expecting_against("expect = { status = 403, code = \"AccessDenied\" }", 403, s3);
    failed(status.clone(), "expected error AccessDenied, got HTTP 403 with an error in a non-STS envelope");
    failed(status, "code \"AccessDenied\"");
    failed(expecting_against("", 400, s3), "expected HTTP 200, got HTTP 400 with an error in a non-STS envelope");
    failed(expecting_against("expect = { code = \"AccessDenied\" }", 200, s3), "expected error AccessDenied, got HTTP 200 with an error");
    failed(
        expecting_against("expect = { fields = { Arn = { present = true } } }", 200, s3),
        "expected a success, got HTTP 200 with an error",
    );
    // The same error in STS's envelope passes.
    assert_eq!(expecting_against("expect = { status = 403, code = \"AccessDenied\" }", 403, error("AccessDenied", "no")), Status::Passed);
}

#[test]
fn a_panic_fails_its_scenario_and_the_run_goes_on() {
    let scenarios = parse_file("t/t", &scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\n")).unwrap();
    let mut both = scenarios.clone();
    both.extend(scenarios);
    let results = runner::run(&mut Canned { status: 200, body: "", panic: true }, &both, |_, _, _| {});
    assert_eq!(results.len(), 2);
    for r in results {
        failed(r.status, "panicked: the target broke");
    }
}

#[test]
fn keys_the_judge_would_ignore_are_refused() {
    let refused = |expect: &str, why: &str| {
        let err =
            parse_file("t/t", &scenario(&format!("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nexpect = {expect}\n"))).unwrap_err();
        assert!(err.message.contains(why), "{expect}: {}", err.message);
    };
    refused(r#"{ status = 403, code = "AccessDenied", fields = { Arn = { present = true } } }"#, "an expected error cannot have them");
    refused(r#"{ status = 200, message = "x" }"#, "name its code");
    refused(r#"{ status = 200, type = "Sender" }"#, "name its code");
    refused(r#"{ admits = "roleArn", code = "AccessDenied" }"#, "admits judges alone");
}

#[test]
fn fields_reach_the_envelope_with_a_leading_slash() {
    let with = |matcher: &str| {
        scenario(&format!(
            "[[scenario.steps]]\ncall = \"GetCallerIdentity\"\nexpect = {{ status = 200, fields = {{ \"/ResponseMetadata/RequestId\" = {matcher} }} }}\n"
        ))
    };
    assert_eq!(run_one(&with(r#"{ regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" }"#)), Status::Passed);
    failed(run_one(&with(r#"{ equals = "not-the-request-id" }"#)), "ResponseMetadata/RequestId");
}

/// A failure that quotes a control character from an endpoint's answer still gives a well-formed
/// JUnit report (the character shown as U+FFFD), never a report that lost its content.
#[test]
fn junit_survives_control_characters_in_failures() {
    let scenarios = parse_file("t/t", &scenario("[[scenario.steps]]\ncall = \"GetCallerIdentity\"\n")).unwrap();
    let results =
        runner::run(&mut Canned { status: 400, body: "<ErrorResponse>\u{1}</ErrorResponse>", panic: false }, &scenarios, |_, _, _| {});
    let run = Run { target: "t".into(), results: scenarios.iter().zip(results).collect(), elapsed: std::time::Duration::from_millis(5) };
    assert!(!run.ok());
    let junit = report::junit::render(&run).expect("the report serializes");
    sts_wire::xml::parse(&junit).expect("the report is well-formed XML 1.0");
    assert!(junit.contains('\u{FFFD}'), "{junit}");
}
