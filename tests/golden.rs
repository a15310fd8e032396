//! Golden snapshots of every documented example (insta, stored in `golden/`).
//!
//! For each documented request: the decoded request and the model's XML answer, on a frozen clock
//! (chosen so that `Expiration` equals the documented one) and a fixed seed. For each documented
//! response: the XML parsed and re-encoded, with a check that the re-encoding parses back to the
//! same value. Where the documentation is wrong (see `golden/ERRATA.md`), the snapshot shows what
//! the real service answers, and a `_corrected` snapshot shows the request as it was meant.

use serde_json::{Value as Json, json};
use sts_harness::mock::in_process::answer;
use sts_harness::model::time::{Duration, OffsetDateTime};
use sts_harness::model::world::{Role, User, World};
use sts_harness::model::{Caller, Request, Response, Sts};
use sts_harness::wire::query::parse_form;
use sts_harness::wire::xml::{self, Answer, parse_timestamp};

const ACCOUNT: &str = "123456789012";
const SEED: u64 = 20110615;

/// The world every example runs in: Alice (an IAM user with the documented MFA serials), and the
/// roles the examples name.
fn world() -> World {
    let mut world = World::default();
    world
        .add_user(
            ACCOUNT,
            User::new("Alice")
                .mfa_device("YourMFADeviceSerialNumber", "123456")
                .mfa_device("YourMFASerialNumber", "123456")
                // The examples' caller may call STS (the roles trust the account, which delegates to her policies).
                .inline_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#),
        )
        .unwrap();
    world.add_role(ACCOUNT, Role::new("demo").external_id("123ABC")).unwrap();
    // The managed policy the seed page's GetFederationToken example passes.
    world.add_managed_policy(
        format!("arn:aws:iam::{ACCOUNT}:policy/Role1policy"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    world.add_role(ACCOUNT, Role::new("my-role-name")).unwrap();
    world.add_role(ACCOUNT, Role::new("TestSaml")).unwrap();
    world.add_role(ACCOUNT, Role::new("FederatedWebIdentityRole")).unwrap();
    world
}

fn alice(sts: &Sts) -> Caller {
    Caller::access_key(sts.world().user(ACCOUNT, "Alice").expect("Alice is in the world").access_keys[0].access_key_id.clone())
}

fn snapshot_settings(description: &str, input: &Json) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../golden");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(description);
    settings.set_info(input);
    settings.set_omit_expression(true);
    settings
}

/// Runs `params` through decode, model and encode, and renders what a reviewer needs to read.
fn run(sts: &mut Sts, now: OffsetDateTime, caller: &Caller, params: &[(String, String)]) -> String {
    let out = answer(sts, now, caller, params);
    let caller_text = match caller {
        Caller::Anonymous => "anonymous (unsigned)".to_string(),
        Caller::Credentials { access_key_id, session_token } => {
            format!("{access_key_id}{}", if session_token.is_some() { " + session token" } else { "" })
        }
    };
    let request = match &out.request {
        Some(r) => format!("{r:#?}"),
        None => "(not decoded)".to_string(),
    };
    format!("caller: {caller_text}\nnow: {}\nrequest: {request}\nstatus: {}\n\n{}", xml::format_timestamp(now), out.status, out.body)
}

/// Parses a documented answer, re-encodes it, and checks the re-encoding reads back the same.
fn reencode(documented: &str) -> String {
    let Answer::Success(envelope) = xml::decode(documented).expect("documented XML parses") else {
        panic!("documented answer is an error envelope")
    };
    let again = xml::encode_response(&envelope.response, envelope.request_id.as_deref().unwrap_or_default());
    let Answer::Success(back) = xml::decode(&again).expect("re-encoded XML parses") else { panic!("not a success") };
    assert_eq!(*back, *envelope, "re-encoding must not change the documented values");
    again
}

/// Leaves of an element, as `Path/To/Leaf` → text.
fn leaves(element: &xml::Element, prefix: &str, out: &mut Vec<(String, String)>) {
    for child in &element.children {
        let path = if prefix.is_empty() { child.name.clone() } else { format!("{prefix}/{}", child.name) };
        if child.children.is_empty() {
            out.push((path, child.text.trim().to_owned()));
        } else {
            leaves(child, &path, out);
        }
    }
}

/// Values the service generates per call (keys, secrets, tokens, ids that embed a generated id):
/// a model cannot, and must not, reproduce them.
const GENERATED: &[&str] = &["AccessKeyId", "SecretAccessKey", "SessionToken", "AssumedRoleId", "FederatedUserId", "UserId", "RequestId"];

/// The documented answer is the oracle: every documented value the service does not generate per
/// call must come out of the model as documented, unless `excused` names it with the reason (the
/// errata). Both answers are `{Op}Response` documents.
fn assert_documented_values(id: &str, model_xml: &str, documented_xml: &str, excused: &[(&str, &str)]) {
    let result = |text: &str| {
        let root = xml::parse(text).expect("an XML answer");
        let name = root.name.replace("Response", "Result");
        root.child(&name).cloned().unwrap_or_else(|| panic!("{id}: no {name} in {text}"))
    };
    let (mut documented, mut model) = (Vec::new(), Vec::new());
    leaves(&result(documented_xml), "", &mut documented);
    leaves(&result(model_xml), "", &mut model);
    let mut wrong = Vec::new();
    for (path, value) in documented {
        if GENERATED.iter().any(|g| path.ends_with(g)) || excused.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let ours = model.iter().find(|(p, _)| *p == path).map(|(_, v)| v.as_str());
        // Timestamps compare as instants (the documentation writes them without milliseconds).
        let same = match (parse_timestamp("t", &value), ours.map(|o| parse_timestamp("t", o))) {
            (Ok(a), Some(Ok(b))) => a == b,
            _ => ours == Some(value.as_str()),
        };
        if !same {
            wrong.push(format!("{path}: documented {value:?}, model {ours:?}"));
        }
    }
    assert!(wrong.is_empty(), "{id}: the model departs from the documented answer:\n{}", wrong.join("\n"));
}

fn seed_params(url: &str) -> Vec<(String, String)> {
    // The page flattens the URL onto one line with spaces before each `&`; AUTHPARAMS stands for the
    // signature, which the model does not need (the caller is given).
    let query: String = url.split_once('?').expect("URL has a query").1.chars().filter(|c| *c != ' ').collect();
    let query = query.replace("&AUTHPARAMS", "");
    parse_form(query.as_bytes()).expect("documented query decodes")
}

fn documented_expiration(xml_text: &str) -> OffsetDateTime {
    let start = xml_text.find("<Expiration>").expect("has Expiration") + "<Expiration>".len();
    let end = xml_text[start..].find('<').expect("closed") + start;
    parse_timestamp("Expiration", &xml_text[start..end]).expect("documented timestamp")
}

fn duration_of(params: &[(String, String)], default: i64) -> Duration {
    let seconds = params.iter().find(|(k, _)| k == "DurationSeconds").map_or(default, |(_, v)| v.parse().expect("integer"));
    Duration::seconds(seconds)
}

#[test]
fn seed_page_examples() {
    let data: Json = serde_json::from_str(include_str!("../golden/data/seed-examples.json")).unwrap();
    let examples = data["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 4, "the seed page has four requests");
    for example in examples {
        let id = example["id"].as_str().unwrap();
        let url = example["request_url"].as_str().unwrap();
        let params = seed_params(url);
        let default_duration = if id.starts_with("assume_role") { 3600 } else { 43200 };
        // Freeze the clock so that Expiration equals the documented one (the MFA request has no
        // documented response; it reuses the plain GetSessionToken instant).
        let documented = example["response_xml"].as_str().or_else(|| examples[2]["response_xml"].as_str()).unwrap();
        let now = documented_expiration(documented) - duration_of(&params, default_duration);

        let mut sts = Sts::new(world(), SEED);
        let caller = alice(&sts);
        snapshot_settings(&format!("Seed page request {id}"), &json!({ "request_url": url }))
            .bind(|| insta::assert_snapshot!(id, run(&mut sts, now, &caller, &params)));

        if let Some(response) = example["response_xml"].as_str() {
            snapshot_settings(&format!("Seed page response of {id}, parsed and re-encoded"), &json!({ "response_xml": response }))
                .bind(|| insta::assert_snapshot!(format!("{id}__documented_response"), reencode(response)));
        }
    }
}

/// The seed requests as they were meant (ERRATA 1 and 7): the corrected value replaces the typo.
#[test]
fn seed_page_examples_corrected() {
    let data: Json = serde_json::from_str(include_str!("../golden/data/seed-examples.json")).unwrap();
    let fixes = [
        ("assume_role__seed_john_session", "arn:aws::iam::123456789012:role/demo", "arn:aws:iam::123456789012:role/demo"),
        ("get_federation_token__seed_jane_session", "PolicyArns.member.1.arn==arn", "PolicyArns.member.1.arn=arn"),
    ];
    for (id, typo, fix) in fixes {
        let example = data["examples"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap();
        let url = example["request_url"].as_str().unwrap();
        assert!(url.contains(typo), "{id}: erratum still present in the data");
        let url = url.replace(typo, fix);
        let params = seed_params(&url);
        let now = documented_expiration(example["response_xml"].as_str().unwrap()) - duration_of(&params, 3600);
        let mut sts = Sts::new(world(), SEED);
        let caller = alice(&sts);
        let rendered = run(&mut sts.clone(), now, &caller, &params);
        assert!(rendered.contains("status: 200"), "{id}: corrected request must succeed:\n{rendered}");
        let out = answer(&mut sts, now, &caller, &params);
        let excused: &[(&str, &str)] = match id {
            "assume_role__seed_john_session" => {
                &[("AssumedRoleUser/Arn", "the documented ARN names session John, the request John-session (ERRATA 3)")]
            }
            "get_federation_token__seed_jane_session" => {
                &[("FederatedUser/Arn", "the documented ARN names Jean, the request Jane-session (ERRATA 9)")]
            }
            _ => &[],
        };
        assert_documented_values(id, &out.body, example["response_xml"].as_str().unwrap(), excused);
        snapshot_settings(&format!("Seed page request {id} with its erratum corrected"), &json!({ "request_url": url }))
            .bind(|| insta::assert_snapshot!(format!("{id}_corrected"), rendered));
    }
}

/// Query serialization of an example's JSON input (botocore's rules: `.member.N` lists, `.Field` structures).
fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, String)>) {
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
            }
        }
        Json::Array(items) if items.is_empty() => out.push((prefix.to_string(), String::new())),
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}.member.{}", i + 1), v, out);
            }
        }
        Json::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The documented output as the XML envelope it stands for.
fn output_xml(operation: &str, output: &Json) -> String {
    fn elements(value: &Json, out: &mut String) {
        if let Json::Object(map) = value {
            for (k, v) in map {
                out.push_str(&format!("<{k}>"));
                match v {
                    Json::Object(_) => elements(v, out),
                    Json::String(s) => out.push_str(&quick_escape(s)),
                    other => out.push_str(&other.to_string()),
                }
                out.push_str(&format!("</{k}>"));
            }
        }
    }
    let mut body = String::new();
    elements(output, &mut body);
    format!(
        "<{operation}Response xmlns=\"{}\"><{operation}Result>{body}</{operation}Result>\
         <ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></{operation}Response>",
        xml::NAMESPACE
    )
}

fn quick_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn snake(operation: &str) -> String {
    let mut out = String::new();
    for (i, c) in operation.replace("SAML", "Saml").chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `assume_role__to_assume_a_role` from the operation and the example id (its numeric suffix dropped).
fn example_name(operation: &str, example_id: &str) -> String {
    let base = match example_id.rsplit_once('-') {
        Some((head, tail)) if tail.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => example_id,
    };
    format!("{}__{}", snake(operation), base.replace('-', "_"))
}

/// The caller an example implies: Alice, or a session Alice creates first.
fn example_caller(sts: &mut Sts, now: OffsetDateTime, example_id: &str) -> Caller {
    let alice = alice(sts);
    let setup = if example_id.contains("federated-with-assumerole") {
        Some(Request::AssumeRole(sts_harness::model::request::AssumeRoleRequest {
            role_arn: format!("arn:aws:iam::{ACCOUNT}:role/my-role-name"),
            role_session_name: "my-role-session-name".into(),
            ..Default::default()
        }))
    } else if example_id.contains("federated-with-getfederationtoken") {
        Some(Request::GetFederationToken(sts_harness::model::request::GetFederationTokenRequest {
            name: "my-federated-user-name".into(),
            ..Default::default()
        }))
    } else {
        None
    };
    match setup {
        Some(request) => {
            let response = sts.call(now, &alice, request).expect("setup call succeeds");
            Caller::from_credentials(response.credentials().expect("setup mints credentials"))
        }
        None => alice,
    }
}

/// What a service reference example's documented answer may be held to.
enum Oracle {
    /// Every documented value but these (path, why: each in `golden/ERRATA.md`).
    Values(&'static [(&'static str, &'static str)]),
    /// The documented request cannot succeed (a placeholder input): the model refuses it with this code.
    Rejected(&'static str),
}

fn oracle(id: &str) -> Oracle {
    const SESSION_NAME: &str = "the documented ARN names another session than the request (ERRATA)";
    const CALIBRATION: &str = "no packed-size budget reproduces this figure and the seed page's 8 and 4 together (ERRATA)";
    match id {
        "assume_role__to_assume_a_role" => Oracle::Values(&[("AssumedRoleUser/Arn", SESSION_NAME), ("PackedPolicySize", CALIBRATION)]),
        "get_federation_token__to_get_temporary_credentials_for_a_role_by_using_getfederationtoken" => {
            Oracle::Values(&[("FederatedUser/Arn", SESSION_NAME), ("PackedPolicySize", CALIBRATION)])
        }
        "assume_role_with_saml__to_assume_role_with_saml" => Oracle::Rejected("InvalidIdentityToken"),
        "assume_role_with_web_identity__to_assume_a_role_as_an_openid_connect_federated_user" => Oracle::Rejected("IDPRejectedClaim"),
        "decode_authorization_message__to_decode_information_about_an_authorization_status_of_a_request" => {
            Oracle::Rejected("InvalidAuthorizationMessageException")
        }
        _ => Oracle::Values(&[]),
    }
}

#[test]
fn service_reference_examples() {
    let data: Json = serde_json::from_str(include_str!("../golden/data/sts-examples.json")).unwrap();
    let examples = data["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 9, "botocore 1.44.8 ships nine STS examples (unchanged since 1.44.5)");
    for example in examples {
        let operation = example["operation"].as_str().unwrap();
        let example_id = example["id"].as_str().unwrap();
        let id = example_name(operation, example_id);
        let mut params = vec![("Action".to_string(), operation.to_string()), ("Version".to_string(), "2011-06-15".to_string())];
        flatten("", &example["input"], &mut params);
        let now = match example["output"]["Credentials"]["Expiration"].as_str() {
            Some(e) => {
                parse_timestamp("Expiration", e).unwrap() - duration_of(&params, if operation.starts_with("Assume") { 3600 } else { 43200 })
            }
            None => parse_timestamp("Expiration", "2016-11-30T19:00:00Z").unwrap(),
        };
        let mut sts = Sts::new(world(), SEED);
        let caller = if sts_harness::model::Operation::from_name(operation).is_some_and(|o| o.is_unsigned()) {
            Caller::Anonymous
        } else {
            example_caller(&mut sts, now, example_id)
        };
        let title = example["title"].as_str().unwrap();
        snapshot_settings(&format!("{operation} example: {title}"), &json!({ "input": example["input"] }))
            .bind(|| insta::assert_snapshot!(id.clone(), run(&mut sts.clone(), now, &caller, &params)));

        let documented = output_xml(operation, &example["output"]);
        let out = answer(&mut sts, now, &caller, &params);
        match oracle(&id) {
            Oracle::Values(excused) => assert_documented_values(&id, &out.body, &documented, excused),
            Oracle::Rejected(code) => assert_eq!(out.outcome.err().map(|e| e.code.as_str()), Some(code), "{id}: {}", out.body),
        }
        snapshot_settings(&format!("{operation} example output: {title}, parsed and re-encoded"), &json!({ "output": example["output"] }))
            .bind(|| insta::assert_snapshot!(format!("{id}__documented_response"), reencode(&documented)));
    }
}

/// The DecodeAuthorizationMessage example with a message the model really encoded, and the documented
/// decoded text corrected into valid JSON (ERRATA: the documented one has unbalanced braces).
#[test]
fn decode_authorization_message_corrected() {
    let decoded = r#"{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},"context":{"principal":{"id":"AIDACKCEVSQ6C2EXAMPLE","name":"Bob","arn":"arn:aws:iam::123456789012:user/Bob"},"action":"ec2:StopInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/i-dd01c9bd","conditions":{"items":[{"key":"ec2:Tenancy","values":{"items":[{"value":"default"}]}}]}}}"#;
    serde_json::from_str::<Json>(decoded).expect("the corrected message is valid JSON");
    let mut sts = Sts::new(world(), SEED);
    let encoded = sts.encode_authorization_message(decoded);
    let params = vec![
        ("Action".to_string(), "DecodeAuthorizationMessage".to_string()),
        ("Version".to_string(), "2011-06-15".to_string()),
        ("EncodedMessage".to_string(), encoded),
    ];
    let caller = alice(&sts);
    let now = parse_timestamp("Expiration", "2016-11-30T19:00:00Z").unwrap();
    let rendered = run(&mut sts, now, &caller, &params);
    let Some(Response::DecodeAuthorizationMessage(_)) = answer(&mut sts, now, &caller, &params).outcome.ok() else {
        panic!("decoding a message the model encoded must succeed")
    };
    snapshot_settings("DecodeAuthorizationMessage of a message the model encoded", &json!({ "decoded": decoded }))
        .bind(|| insta::assert_snapshot!("decode_authorization_message__corrected", rendered));
}

/// GetScopedCredentials has no documented example yet (botocore 1.44.8 ships the same nine): its
/// snapshot is a role session scoped with a policy, and what the documentation fixes about it is
/// asserted here, not only shown: the caller's ARN and session in SessionInfo, one layer, the caller's
/// expiration inherited, no PackedPolicySize, and the elements in the order of the model's output
/// members (`output_xml_paths` of the 1.44.8 data).
#[test]
fn get_scoped_credentials_documented_shape() {
    let mut sts = Sts::new(world(), SEED);
    let caller = alice(&sts);
    let now = parse_timestamp("now", "2026-11-20T12:00:00Z").unwrap();
    let pairs = |items: &[(&str, &str)]| items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let assumed = answer(
        &mut sts,
        now,
        &caller,
        &pairs(&[
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
            ("RoleSessionName", "Alice-session"),
            ("ExternalId", "123ABC"),
            ("SourceIdentity", "Alice"),
        ]),
    );
    let Ok(Response::AssumeRole(role)) = assumed.outcome else { panic!("the role session opens: {}", assumed.body) };
    let base = role.credentials.expect("credentials");
    let session = Caller::from_credentials(&base);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#;
    let params = pairs(&[
        ("Action", "GetScopedCredentials"),
        ("Version", "2011-06-15"),
        ("Policy", policy),
        ("ScopedSessionDescription", "nightly report upload"),
    ]);
    let later = now + Duration::minutes(10);
    let rendered = run(&mut sts.clone(), later, &session, &params);
    let out = answer(&mut sts, later, &session, &params);
    let Ok(Response::GetScopedCredentials(scoped)) = out.outcome else { panic!("scoping succeeds: {}", out.body) };
    let info = scoped.session_info.expect("SessionInfo");
    assert_eq!(info.arn, "arn:aws:sts::123456789012:assumed-role/demo/Alice-session");
    assert!(info.scoped_session_id.starts_with("AROA") && info.scoped_session_id.ends_with(":Alice-session"));
    assert_eq!(scoped.scoped_policies_count, Some(1));
    assert_eq!(scoped.source_identity.as_deref(), Some("Alice"));
    assert_eq!(scoped.credentials.expect("credentials").expiration, base.expiration, "inherits the caller's expiration");
    assert!(!out.body.contains("PackedPolicySize") && !out.body.contains("AssumedRoleUser"));
    let spec: Json = serde_json::from_str(include_str!("../crates/sts-wire/tests/data/sts-constraints.json")).unwrap();
    let operation = spec["operations"].as_array().unwrap().iter().find(|o| o["name"] == "GetScopedCredentials").unwrap();
    let model_order: Vec<&str> = operation["output"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    let tree = xml::parse(&out.body).unwrap();
    let result = tree.child("GetScopedCredentialsResult").expect("result element");
    let written: Vec<&str> = result.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(written, model_order, "every member present, in the model's order");
    snapshot_settings("GetScopedCredentials of a role session, with a scope-down policy", &json!({ "policy": policy }))
        .bind(|| insta::assert_snapshot!("get_scoped_credentials__role_session_with_policy", rendered));
}

/// Every snapshot in `golden/` belongs to an example above (no orphans left behind by a rename).
#[test]
fn no_orphan_snapshots() {
    let seeds: Json = serde_json::from_str(include_str!("../golden/data/seed-examples.json")).unwrap();
    let reference: Json = serde_json::from_str(include_str!("../golden/data/sts-examples.json")).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for e in seeds["examples"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap().to_string();
        if e.get("response_xml").is_some() {
            expected.push(format!("{id}__documented_response"));
        }
        expected.push(id);
    }
    expected.push("assume_role__seed_john_session_corrected".into());
    expected.push("get_federation_token__seed_jane_session_corrected".into());
    expected.push("decode_authorization_message__corrected".into());
    expected.push("get_scoped_credentials__role_session_with_policy".into());
    for e in reference["examples"].as_array().unwrap() {
        let id = example_name(e["operation"].as_str().unwrap(), e["id"].as_str().unwrap());
        expected.push(format!("{id}__documented_response"));
        expected.push(id);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(stem) = name.strip_suffix(".snap") {
            assert!(expected.iter().any(|e| e == stem), "orphan snapshot golden/{name}");
        }
    }
}
