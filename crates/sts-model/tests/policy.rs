//! Policy documents, operators, evaluation, session intersection and packed size: each rule with a
//! case that passes and one that fails for exactly that reason.

mod common;

use common::*;
use sts_model::policy::{AccessRequest, Decision, PolicyDocument};
use sts_model::request::*;
use sts_model::world::{Role, User};
use sts_model::{ErrorCode, Request};

fn doc(statements: &str) -> PolicyDocument {
    PolicyDocument::parse(&format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)).unwrap()
}

fn allow_if(condition: &str) -> PolicyDocument {
    doc(&format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#))
}

fn get() -> AccessRequest {
    AccessRequest::new("s3:GetObject", "arn:aws:s3:::b/k")
}

fn allowed(p: &PolicyDocument, r: &AccessRequest) -> bool {
    p.evaluate(r).is_allowed()
}

#[test]
fn malformed_documents_name_their_problem() {
    let cases = [
        ("{not json", "Syntax errors in policy."),
        ("[]", "Syntax errors in policy."),
        (r#"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
        (r#"{"Version":"2019-01-01","Statement":[]}"#, "version"),
        (r#"{"Statement":{"Action":"s3:*","Resource":"*"}}"#, "Missing required field Effect"),
        (r#"{"Statement":{"Effect":"Alow","Action":"s3:*","Resource":"*"}}"#, "Invalid effect: Alow"),
        (r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#, "Missing required field Action"),
        (r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#, "Missing required field Resource"),
        (r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}}"#, "both Action and NotAction"),
        (r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#, "must be prefaced by a vendor"),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
            "Policy document should not specify a principal.",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}}"#,
            "Invalid Condition type : StringEqualz.",
        ),
        (r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Colour":"red"}}"#, "unknown field: Colour"),
    ];
    for (text, message) in cases {
        let err = PolicyDocument::parse(text).unwrap_err();
        assert_eq!((err.code, err.http_status()), (ErrorCode::MalformedPolicyDocument, 400), "{text}");
        assert!(err.message.contains(message), "{text}: {}", err.message);
    }
}

#[test]
fn statement_object_or_array_and_action_resource_negations() {
    let single = PolicyDocument::parse(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#).unwrap();
    assert!(allowed(&single, &get()));
    let not_action = doc(r#"{"Effect":"Allow","NotAction":"s3:Delete*","Resource":"*"}"#);
    assert!(allowed(&not_action, &get()));
    assert!(!allowed(&not_action, &AccessRequest::new("s3:DeleteObject", "x")));
    let not_resource = doc(r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}"#);
    assert!(allowed(&not_resource, &get()));
    assert!(!allowed(&not_resource, &AccessRequest::new("s3:GetObject", "arn:aws:s3:::secret/k")));
    // Actions ignore case, resources do not.
    assert!(allowed(&doc(r#"{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::b/*"}"#), &get()));
    assert!(!allowed(&doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}"#), &get()));
}

#[test]
fn explicit_deny_wins_and_an_allow_is_needed() {
    let p = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}"#);
    assert_eq!(p.evaluate(&get()), Decision::ExplicitDeny);
    assert_eq!(p.evaluate(&AccessRequest::new("s3:PutObject", "x")), Decision::Allow);
    assert_eq!(doc(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#).evaluate(&get()), Decision::ImplicitDeny);
}

#[test]
fn string_operators() {
    let r = get().with("aws:PrincipalTag/team", "Blue");
    assert!(allowed(&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"Blue"}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#), &r));
    assert!(allowed(&allow_if(r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"blue"}}"#), &r));
    assert!(allowed(&allow_if(r#"{"StringNotEquals":{"aws:PrincipalTag/team":["Red","Green"]}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"StringNotEquals":{"aws:PrincipalTag/team":["Red","Blue"]}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#), &r));
    assert!(allowed(&allow_if(r#"{"StringLike":{"aws:PrincipalTag/team":"B*e"}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"StringNotLike":{"aws:PrincipalTag/team":"B?ue"}}"#), &r));
    // Context keys are case-insensitive.
    assert!(allowed(&allow_if(r#"{"StringEquals":{"AWS:principaltag/TEAM":"Blue"}}"#), &r));
}

#[test]
fn numeric_date_bool_and_arn_operators() {
    let r = get()
        .with("s3:max-keys", "10")
        .with("aws:CurrentTime", "2024-06-01T00:00:00Z")
        .with("aws:SecureTransport", "true")
        .with("aws:PrincipalArn", "arn:aws:iam::123456789012:role/deploy");
    let ok = |c: &str| allowed(&allow_if(c), &r);
    assert!(ok(r#"{"NumericLessThan":{"s3:max-keys":"11"}}"#) && !ok(r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#));
    assert!(ok(r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#) && !ok(r#"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#));
    assert!(ok(r#"{"NumericGreaterThanEquals":{"s3:max-keys":10}}"#) && ok(r#"{"NumericEquals":{"s3:max-keys":"10"}}"#));
    assert!(ok(r#"{"NumericNotEquals":{"s3:max-keys":"9"}}"#) && !ok(r#"{"NumericEquals":{"s3:max-keys":"abc"}}"#));
    assert!(ok(r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#));
    assert!(!ok(r#"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#));
    assert!(
        ok(r#"{"DateLessThanEquals":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}"#)
            && ok(r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"1717200000"}}"#)
    );
    assert!(
        ok(r#"{"DateEquals":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}"#)
            && ok(r#"{"DateNotEquals":{"aws:CurrentTime":"2024-06-02T00:00:00Z"}}"#)
    );
    assert!(ok(r#"{"Bool":{"aws:SecureTransport":"true"}}"#) && !ok(r#"{"Bool":{"aws:SecureTransport":false}}"#));
    assert!(
        ok(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/dep*"}}"#)
            && !ok(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}"#)
    );
    assert!(ok(r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/deploy"}}"#));
    assert!(
        ok(r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/other"}}"#)
            && !ok(r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}"#)
    );
}

#[test]
fn null_if_exists_and_set_qualifiers() {
    let r = get().with("aws:RequestTag/env", "dev").with("aws:RequestTag/env", "prod");
    let ok = |c: &str| allowed(&allow_if(c), &r);
    assert!(ok(r#"{"Null":{"aws:SourceIp":"true"}}"#) && !ok(r#"{"Null":{"aws:RequestTag/env":"true"}}"#));
    assert!(ok(r#"{"Null":{"aws:RequestTag/env":"false"}}"#));
    // A missing key fails a plain condition but passes with IfExists.
    assert!(!ok(r#"{"StringEquals":{"aws:SourceVpc":"vpc-1"}}"#) && ok(r#"{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}"#));
    assert!(ok(r#"{"ForAnyValue:StringEquals":{"aws:RequestTag/env":["prod"]}}"#));
    assert!(!ok(r#"{"ForAllValues:StringEquals":{"aws:RequestTag/env":["prod"]}}"#));
    assert!(ok(r#"{"ForAllValues:StringEquals":{"aws:RequestTag/env":["prod","dev","qa"]}}"#));
    // ForAllValues is vacuously true for an absent key; ForAnyValue is not.
    assert!(ok(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#) && !ok(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#));
}

// ---- effective permissions of minted credentials ----

const READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}"#;

fn policy_sts() -> sts_model::Sts {
    let mut w = world();
    w.add_managed_policy(format!("arn:aws:iam::{MAIN}:policy/read"), READ);
    w.add_managed_policy(
        format!("arn:aws:iam::{MAIN}:policy/all-s3"),
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    w.add_user(MAIN, User::new("reader").policy(format!("arn:aws:iam::{MAIN}:policy/all-s3")).policy(STS_CALLER)).unwrap();
    w.add_role(MAIN, Role::new("s3").policy(format!("arn:aws:iam::{MAIN}:policy/all-s3")).tag("team", "blue")).unwrap();
    sts_model::Sts::new(w, 9)
}

fn decide(sts: &sts_model::Sts, c: &sts_model::Credentials, action: &str) -> Decision {
    sts.is_allowed(now(), &c.access_key_id, Some(&c.session_token), &AccessRequest::new(action, "arn:aws:s3:::b/k")).unwrap()
}

#[test]
fn a_role_session_is_its_role_policies_intersected_with_its_session_policies() {
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    let full = credentials(call(&mut sts, &alice, Request::AssumeRole(assume("s3", "full"))));
    assert_eq!(decide(&sts, &full, "s3:PutObject"), Decision::Allow);
    assert_eq!(decide(&sts, &full, "ec2:RunInstances"), Decision::ImplicitDeny);
    let scoped = AssumeRoleRequest {
        policy_arns: Some(vec![PolicyDescriptor::new(format!("arn:aws:iam::{MAIN}:policy/read"))]),
        ..assume("s3", "scoped")
    };
    let scoped = credentials(call(&mut sts, &alice, Request::AssumeRole(scoped)));
    assert_eq!(decide(&sts, &scoped, "s3:GetObject"), Decision::Allow);
    assert_eq!(decide(&sts, &scoped, "s3:PutObject"), Decision::ImplicitDeny, "the session policy does not allow it");
    // A session policy can never grant more than the role.
    let wide = AssumeRoleRequest {
        policy: Some(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into()),
        ..assume("s3", "wide")
    };
    let wide = credentials(call(&mut sts, &alice, Request::AssumeRole(wide)));
    assert_eq!(decide(&sts, &wide, "ec2:RunInstances"), Decision::ImplicitDeny);
    let deny = AssumeRoleRequest {
        policy: Some(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:Get*","Resource":"*"}]}"#.into(),
        ),
        ..assume("s3", "deny")
    };
    let deny = credentials(call(&mut sts, &alice, Request::AssumeRole(deny)));
    assert_eq!(decide(&sts, &deny, "s3:GetObject"), Decision::ExplicitDeny);
    // Global keys of the session are in the context: the role tag is a principal tag.
    for (team, expected) in [("blue", Decision::Allow), ("red", Decision::ImplicitDeny)] {
        let policy = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"{team}"}}}}}}}}"#
        );
        let creds =
            credentials(call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { policy: Some(policy), ..assume("s3", "tags") })));
        assert_eq!(decide(&sts, &creds, "s3:GetObject"), expected, "{team}");
    }
}

#[test]
fn federated_users_need_a_session_policy_and_are_bounded_by_the_user() {
    let mut sts = policy_sts();
    let reader = user(&sts, MAIN, "reader");
    let bare = credentials(call(
        &mut sts,
        &reader,
        Request::GetFederationToken(GetFederationTokenRequest { name: "bare".into(), ..Default::default() }),
    ));
    assert_eq!(decide(&sts, &bare, "s3:GetObject"), Decision::ImplicitDeny, "no session policy grants nothing");
    let wide = GetFederationTokenRequest {
        name: "wide".into(),
        policy: Some(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into()),
        ..Default::default()
    };
    let wide = credentials(call(&mut sts, &reader, Request::GetFederationToken(wide)));
    assert_eq!(decide(&sts, &wide, "s3:GetObject"), Decision::Allow);
    assert_eq!(decide(&sts, &wide, "ec2:RunInstances"), Decision::ImplicitDeny, "bounded by the user's policies");
    // Root is not limited by IAM policies.
    let root = root(&sts, MAIN);
    let Caller::Credentials { access_key_id, .. } = &root else { unreachable!() };
    let decision = sts.is_allowed(now(), access_key_id, None, &AccessRequest::new("ec2:RunInstances", "arn:aws:s3:::b/k")).unwrap();
    assert_eq!(decision, Decision::Allow);
}

use sts_model::Caller;

#[test]
fn unknown_or_malformed_session_policies_are_refused() {
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    let unknown = AssumeRoleRequest {
        policy_arns: Some(vec![PolicyDescriptor::new(format!("arn:aws:iam::{MAIN}:policy/nope"))]),
        ..assume("s3", "s")
    };
    assert_error(call(&mut sts, &alice, Request::AssumeRole(unknown)), ErrorCode::InvalidParameterValue, "does not exist");
    let bad = AssumeRoleRequest { policy: Some(r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#.into()), ..assume("s3", "s") };
    assert_error(call(&mut sts, &alice, Request::AssumeRole(bad)), ErrorCode::MalformedPolicyDocument, "Missing required field Resource");
}

#[test]
fn packed_size_is_reported_and_refused_above_100_percent() {
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    let Ok(sts_model::Response::GetFederationToken(r)) =
        call(&mut sts, &alice, Request::GetFederationToken(GetFederationTokenRequest { name: "f".into(), ..Default::default() }))
    else {
        panic!()
    };
    assert_eq!(r.packed_policy_size, Some(0), "nothing packed: 0, as observed");
    // 50 high-entropy tags overflow the budget, with the tag wording.
    let many: Vec<(String, String)> =
        (0..50).map(|i| (format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15))).collect();
    let tags = Some(many.iter().map(|(k, v)| sts_model::Tag::new(k, v)).collect());
    let err = call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { tags, ..assume("s3", "big") })).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackedPolicyTooLarge);
    assert!(
        err.message.starts_with("Packed size of session tags consumes ") && err.message.ends_with("% of allotted space."),
        "{}",
        err.message
    );
    // A long policy overflows with the policy wording.
    let statements: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i:04x}-{:016x}/*"}}"#,
                (i as u64 + 3).wrapping_mul(0x2545F4914F6CDD1D)
            )
        })
        .collect();
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let err = call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { policy: Some(policy), ..assume("s3", "big") })).unwrap_err();
    assert!(
        err.message.starts_with("Packed policy consumes ") && err.message.ends_with("% of allotted space, please use smaller policy."),
        "{}",
        err.message
    );
}

#[test]
fn packed_policy_size_alone_agrees_with_what_assume_role_reports_and_refuses() {
    use sts_model::packed::packed_policy_size;
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#;
    let three = vec![
        sts_model::Tag::new("Project", "Pegasus"),
        sts_model::Tag::new("Cost-Center", "12345"),
        sts_model::Tag::new("Team", "Automation"),
    ];
    for (name, policy, tags) in [("policy", Some(policy), vec![]), ("tags", None, three.clone()), ("both", Some(policy), three.clone())] {
        let request =
            AssumeRoleRequest { policy: policy.map(String::from), tags: (!tags.is_empty()).then(|| tags.clone()), ..assume("s3", name) };
        let Ok(sts_model::Response::AssumeRole(r)) = call(&mut sts, &alice, Request::AssumeRole(request)) else { panic!("{name}") };
        assert_eq!(Some(packed_policy_size(policy, &tags).unwrap()), r.packed_policy_size, "{name}");
    }
    // Nothing packed: AssumeRole leaves the element out; the figure alone is 0.
    assert_eq!(packed_policy_size(None, &[]).unwrap(), 0);
    // And the same refusals, with the same codes.
    let many: Vec<sts_model::Tag> = (0..50)
        .map(|i| sts_model::Tag::new(format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15)))
        .collect();
    assert_eq!(packed_policy_size(None, &many).unwrap_err().code, ErrorCode::PackedPolicyTooLarge);
    assert_eq!(packed_policy_size(Some("{"), &[]).unwrap_err().code, ErrorCode::MalformedPolicyDocument);
    let duplicate = [sts_model::Tag::new("a", "1"), sts_model::Tag::new("A", "2")];
    assert_eq!(packed_policy_size(None, &duplicate).unwrap_err().code, ErrorCode::InvalidParameterValue);
}

// ---- rules closed by the mutation run ----

/// IAM's grammar makes `Action`/`Resource` a string or a list of them, and IAM refuses an empty list
/// (MalformedPolicyDocument "Policy statement must contain resources", as reported in
/// trussworks/terraform-aws-s3-anti-virus#22); a policy with no statement at all is refused too
/// (MalformedPolicyDocument, otterize/intents-operator#481).
#[test]
fn empty_action_resource_and_statement_lists_are_malformed() {
    for text in [
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":[],"Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[]}"#,
    ] {
        let err = PolicyDocument::parse(text).unwrap_err();
        assert_eq!(err.code, ErrorCode::MalformedPolicyDocument, "{text}");
    }
}

/// "You can add IfExists to the end of any condition operator name except the Null condition
/// operator" (IAM user guide, condition operators): `NullIfExists` is no operator.
#[test]
fn null_takes_no_if_exists_suffix() {
    let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:SourceIp":"true"}}}}"#;
    let err = PolicyDocument::parse(text).unwrap_err();
    assert_eq!(err.code, ErrorCode::MalformedPolicyDocument);
    assert!(err.message.contains("Invalid Condition type : NullIfExists."), "{}", err.message);
    // The suffix itself is fine on the other operators.
    assert!(allowed(&allow_if(r#"{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}"#), &get()));
}

/// IAM's policy grammar: a condition value is a string, a number or a Boolean, alone or in a list,
/// and JSON `true`/`10` compare as the strings `"true"`/`"10"` do.
#[test]
fn condition_lists_take_numbers_and_booleans() {
    let r = get().with("s3:max-keys", "10").with("aws:SecureTransport", "true");
    assert!(allowed(&allow_if(r#"{"Bool":{"aws:SecureTransport":[true]}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"Bool":{"aws:SecureTransport":[false]}}"#), &r));
    assert!(allowed(&allow_if(r#"{"NumericEquals":{"s3:max-keys":[5,10]}}"#), &r));
    assert!(!allowed(&allow_if(r#"{"NumericEquals":{"s3:max-keys":[5,11]}}"#), &r));
}

/// The `Sid` is kept as written: it is the statement's name, for people and policy tools.
#[test]
fn the_sid_is_kept_as_written() {
    let p = doc(
        r#"{"Sid":"ReadBucket","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}"#,
    );
    assert_eq!(p.statements[0].sid.as_deref(), Some("ReadBucket"));
    assert_eq!(p.statements[1].sid, None, "no Sid, none invented");
}

/// "Actions/Conditions must be prefaced by a vendor": `:GetObject` names no vendor and `s3:` no
/// action, both refused like `GetObject`.
#[test]
fn an_action_needs_both_a_vendor_and_a_name() {
    for action in [":GetObject", "s3:"] {
        let text = format!(r#"{{"Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#);
        let err = PolicyDocument::parse(&text).unwrap_err();
        assert!(err.message.contains("must be prefaced by a vendor"), "{action}: {}", err.message);
    }
}

/// The ordering operators are strict: `NumericGreaterThan`, `DateLessThan` and `DateGreaterThan`
/// hold on the right side of the policy value and fail on it (IAM's table: "greater than",
/// "before a specific date", "after a specific date"; the `...Equals` forms include it).
#[test]
fn ordering_operators_are_strict_and_point_the_right_way() {
    let r = get().with("s3:max-keys", "10").with("aws:CurrentTime", "2024-06-01T00:00:00Z");
    let ok = |c: &str| allowed(&allow_if(c), &r);
    assert!(ok(r#"{"NumericGreaterThan":{"s3:max-keys":"9"}}"#), "10 > 9");
    assert!(!ok(r#"{"NumericGreaterThan":{"s3:max-keys":"11"}}"#), "10 > 11 is false");
    assert!(ok(r#"{"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}"#), "June 2024 is before 2025");
    assert!(!ok(r#"{"DateLessThan":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}"#), "not before itself");
    assert!(!ok(r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-06-01T00:00:00Z"}}"#), "not after itself");
    assert!(ok(r#"{"DateGreaterThan":{"aws:CurrentTime":"1717199999"}}"#), "one second after an epoch value");
}

/// IAM documents `StringNotEquals` & co. as the negated matching form of `StringEquals` & co.:
/// without a set operator, on a key with several request values, the negated operator holds
/// exactly when the positive one does not (which semantics the positive one has for several
/// values is not documented; the complement is).
#[test]
fn a_negated_operator_is_the_complement_of_its_positive_one_on_multivalued_keys() {
    let r = get().with("aws:RequestTag/env", "dev").with("aws:RequestTag/env", "prod");
    let ok = |c: &str| allowed(&allow_if(c), &r);
    for (positive, negated) in [("StringEquals", "StringNotEquals"), ("StringLike", "StringNotLike")] {
        for values in [r#""prod""#, r#""qa""#, r#"["dev","prod"]"#] {
            let p = ok(&format!(r#"{{"{positive}":{{"aws:RequestTag/env":{values}}}}}"#));
            let n = ok(&format!(r#"{{"{negated}":{{"aws:RequestTag/env":{values}}}}}"#));
            assert_ne!(p, n, "{positive}/{negated} on {values}");
        }
    }
}

/// The two figures the STS API reference's seed examples document, reproduced: GetFederationToken
/// `Jane-session` with one managed policy and the tags Project=Pegasus, Cost-Center=12345 reports
/// `PackedPolicySize` 4; AssumeRole `John-session` with the `Stmt1` policy and the same tags
/// reports 8 (golden/ERRATA.md: the budget is calibrated on exactly these two).
#[test]
fn packed_policy_size_reproduces_the_documented_seed_examples() {
    let mut w = world();
    w.add_managed_policy(format!("arn:aws:iam::{MAIN}:policy/Role1policy"), READ);
    let mut sts = sts_model::Sts::new(w, 11);
    let alice = user(&sts, MAIN, "alice");
    let seed_tags = tags(&[("Project", "Pegasus"), ("Cost-Center", "12345")]);
    let jane = GetFederationTokenRequest {
        name: "Jane-session".into(),
        policy_arns: Some(vec![PolicyDescriptor::new(format!("arn:aws:iam::{MAIN}:policy/Role1policy"))]),
        duration_seconds: Some(1800),
        tags: seed_tags.clone(),
        ..Default::default()
    };
    let Ok(sts_model::Response::GetFederationToken(r)) = call(&mut sts, &alice, Request::GetFederationToken(jane)) else { panic!() };
    assert_eq!(r.packed_policy_size, Some(4), "documented GetFederationToken example");
    let john = AssumeRoleRequest {
        policy: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid": "Stmt1","Effect": "Allow","Action": "s3:*","Resource": "*"}]}"#.into(),
        ),
        duration_seconds: Some(1800),
        tags: seed_tags,
        ..assume("demo", "John-session")
    };
    let Ok(sts_model::Response::AssumeRole(r)) = call(&mut sts, &alice, Request::AssumeRole(john)) else { panic!() };
    assert_eq!(r.packed_policy_size, Some(8), "documented AssumeRole example");
}

/// A managed session policy travels as a 16-byte reference against the 1344-byte budget, and the
/// share is rounded half up (`PACKED_BUDGET` and `MANAGED_POLICY_REFERENCE_BYTES` in the shared
/// rules). By hand: one reference is 1.19% → 1, two 2.38% → 2, three 3.57% → 4 (not 3).
#[test]
fn managed_session_policies_add_a_fixed_reference_rounded_half_up() {
    let mut w = world();
    for name in ["p1", "p2", "p3"] {
        w.add_managed_policy(format!("arn:aws:iam::{MAIN}:policy/{name}"), READ);
    }
    let mut sts = sts_model::Sts::new(w, 11);
    let alice = user(&sts, MAIN, "alice");
    for (count, expected) in [(1, 1), (2, 2), (3, 4)] {
        let arns = ["p1", "p2", "p3"][..count].iter().map(|n| PolicyDescriptor::new(format!("arn:aws:iam::{MAIN}:policy/{n}"))).collect();
        let gft = GetFederationTokenRequest { name: "f".into(), policy_arns: Some(arns), ..Default::default() };
        let Ok(sts_model::Response::GetFederationToken(r)) = call(&mut sts, &alice, Request::GetFederationToken(gft)) else { panic!() };
        assert_eq!(r.packed_policy_size, Some(expected), "{count} managed policies");
    }
}

/// `PolicyArns` takes the ARNs of IAM managed policies: a role's ARN is not one, and is refused as
/// an invalid ARN (the `ValidationError` "... is invalid" of every malformed ARN), not looked up as
/// a policy that does not exist.
#[test]
fn session_policy_arns_must_name_iam_policies() {
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    for arn in [format!("arn:aws:iam::{MAIN}:role/demo"), format!("arn:aws:sns:us-east-1:{MAIN}:policy/x")] {
        let req = AssumeRoleRequest { policy_arns: Some(vec![PolicyDescriptor::new(arn.clone())]), ..assume("s3", "s") };
        assert_error(call(&mut sts, &alice, Request::AssumeRole(req)), ErrorCode::ValidationError, &format!("{arn} is invalid"));
    }
}

/// PackedPolicySize is "the packed size of the session policies and session tags combined passed in
/// the request" (AssumeRole reference): present when tags alone were passed, absent when nothing was.
#[test]
fn assume_role_reports_a_packed_size_for_tags_alone_and_none_for_nothing() {
    let mut sts = policy_sts();
    let alice = user(&sts, MAIN, "alice");
    let Ok(sts_model::Response::AssumeRole(r)) = call(&mut sts, &alice, Request::AssumeRole(assume("s3", "plain"))) else { panic!() };
    assert_eq!(r.packed_policy_size, None);
    let tagged = AssumeRoleRequest { tags: tags(&[("Project", "Pegasus")]), ..assume("s3", "tagged") };
    let Ok(sts_model::Response::AssumeRole(r)) = call(&mut sts, &alice, Request::AssumeRole(tagged)) else { panic!() };
    assert!(r.packed_policy_size.is_some_and(|p| (1..=100).contains(&p)), "{:?}", r.packed_policy_size);
}

/// `packed::packed_policy_size` words its refusals as AssumeRole does: a policy too large gets the
/// policy wording, tags too large the tag wording (both observed).
#[test]
fn packed_policy_size_alone_words_policy_and_tag_overflows_apart() {
    use sts_model::packed::packed_policy_size;
    let statements: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i:04x}-{:016x}/*"}}"#,
                (i as u64 + 3).wrapping_mul(0x2545F4914F6CDD1D)
            )
        })
        .collect();
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let err = packed_policy_size(Some(&policy), &[]).unwrap_err();
    assert!(err.message.starts_with("Packed policy consumes "), "{}", err.message);
    let many: Vec<sts_model::Tag> = (0..50)
        .map(|i| sts_model::Tag::new(format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15)))
        .collect();
    let err = packed_policy_size(None, &many).unwrap_err();
    assert!(err.message.starts_with("Packed size of session tags consumes "), "{}", err.message);
}
