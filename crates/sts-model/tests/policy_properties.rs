//! Properties of policy evaluation and packed size.

mod common;

use common::*;
use proptest::prelude::*;
use regex::Regex;
use sts_model::policy::{AccessRequest, Decision, PolicyDocument, wildcard_match};
use sts_model::request::*;
use sts_model::world::Role;
use sts_model::{ErrorCode, Request, Response, Sts, Tag};

const ACTIONS: &[&str] = &["s3:*", "s3:Get*", "s3:GetObject", "s3:?utObject", "ec2:*", "*"];
const RESOURCES: &[&str] = &["*", "arn:aws:s3:::a/*", "arn:aws:s3:::b/*", "arn:aws:s3:::?/x"];
const REQ_ACTIONS: &[&str] = &["s3:GetObject", "s3:PutObject", "ec2:RunInstances"];
const REQ_RESOURCES: &[&str] = &["arn:aws:s3:::a/x", "arn:aws:s3:::b/y", "arn:aws:s3:::c/x"];

fn statement() -> impl Strategy<Value = String> {
    (any::<bool>(), prop::sample::select(ACTIONS), prop::sample::select(RESOURCES), any::<bool>()).prop_map(|(deny, a, r, not)| {
        let effect = if deny { "Deny" } else { "Allow" };
        let action_key = if not { "NotAction" } else { "Action" };
        format!(r#"{{"Effect":"{effect}","{action_key}":"{a}","Resource":"{r}"}}"#)
    })
}

fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..4).prop_map(|s| format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, s.join(",")))
}

fn reference_match(pattern: &str, text: &str) -> bool {
    let mut re = String::from("^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap().is_match(text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn wildcards_agree_with_a_reference_matcher(pattern in "[ab*?:/]{0,8}", text in "[ab:/]{0,8}") {
        prop_assert_eq!(wildcard_match(&pattern, &text, false), reference_match(&pattern, &text));
    }

    /// Characters beyond ASCII (one `?` is one character, not one byte) and ASCII case folding
    /// for actions, against the same reference.
    #[test]
    fn wildcards_agree_with_a_reference_matcher_beyond_ascii_and_ignoring_case(
        pattern in "[aBé日*?:]{0,8}",
        text in "[AbÉé日:]{0,8}",
        ascii_text in "[aAbB:]{0,8}",
        ascii_pattern in "[aAbB*?:]{0,8}",
    ) {
        prop_assert_eq!(wildcard_match(&pattern, &text, false), reference_match(&pattern, &text));
        let folded = reference_match(&ascii_pattern.to_ascii_lowercase(), &ascii_text.to_ascii_lowercase());
        prop_assert_eq!(wildcard_match(&ascii_pattern, &ascii_text, true), folded);
    }

    #[test]
    fn a_session_is_the_intersection_of_its_role_and_session_policies(
        identity in policy(),
        session_policy in policy(),
        action in prop::sample::select(REQ_ACTIONS),
        resource in prop::sample::select(REQ_RESOURCES),
    ) {
        let mut w = world();
        w.add_managed_policy(format!("arn:aws:iam::{MAIN}:policy/p"), identity.clone());
        w.add_role(MAIN, Role::new("r").policy(format!("arn:aws:iam::{MAIN}:policy/p"))).unwrap();
        let mut sts = Sts::new(w, 1);
        let alice = user(&sts, MAIN, "alice");
        let req = AssumeRoleRequest { policy: Some(session_policy.clone()), ..assume("r", "prop") };
        let creds = credentials(call(&mut sts, &alice, Request::AssumeRole(req)));
        let request = AccessRequest::new(action, resource);
        let p = PolicyDocument::parse(&identity).unwrap().evaluate(&request);
        let s = PolicyDocument::parse(&session_policy).unwrap().evaluate(&request);
        let session = sts.is_allowed(now(), &creds.access_key_id, Some(&creds.session_token), &request).unwrap();
        prop_assert_eq!(session.is_allowed(), p.is_allowed() && s.is_allowed());
        if !p.is_allowed() {
            prop_assert!(!session.is_allowed(), "a session never allows what its role does not");
        }
        if p == Decision::ExplicitDeny || s == Decision::ExplicitDeny {
            prop_assert_eq!(session, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn packed_size_is_bounded_refused_exactly_above_100_and_monotone(
        tags in prop::collection::vec(("[A-Za-z0-9]{1,20}", "[A-Za-z0-9+/=]{0,120}"), 0..40),
        extra in ("[A-Za-z0-9]{1,20}", "[A-Za-z0-9+/=]{0,120}"),
    ) {
        let mut sts = sts();
        let alice = user(&sts, MAIN, "alice");
        let mut seen = std::collections::HashSet::new();
        let tags: Vec<Tag> = tags.into_iter().filter(|(k, _)| seen.insert(k.to_lowercase())).map(|(k, v)| Tag::new(k, v)).collect();
        let figure = |sts: &mut Sts, tags: Vec<Tag>| -> i32 {
            match call(sts, &alice, Request::GetFederationToken(GetFederationTokenRequest { name: "pp".into(), tags: Some(tags), ..Default::default() })) {
                Ok(Response::GetFederationToken(r)) => {
                    let p = r.packed_policy_size.unwrap();
                    assert!((0..=100).contains(&p), "reported {p}");
                    p
                }
                Err(e) => {
                    assert_eq!(e.code, ErrorCode::PackedPolicyTooLarge, "{e}");
                    let p: i32 = e.message.trim_start_matches("Packed size of session tags consumes ").split('%').next().unwrap().parse().unwrap();
                    assert!(p > 100, "refused at {p}");
                    p
                }
                Ok(other) => panic!("{other:?}"),
            }
        };
        let before = figure(&mut sts, tags.clone());
        if !seen.contains(&extra.0.to_lowercase()) {
            let mut more = tags;
            more.push(Tag::new(extra.0, extra.1));
            prop_assert!(figure(&mut sts, more) >= before, "adding a tag never lowers the figure");
        }
    }

    #[test]
    fn adding_a_statement_never_lowers_the_packed_size(statements in prop::collection::vec(statement(), 1..12), extra in statement()) {
        let mut sts = sts();
        let alice = user(&sts, MAIN, "alice");
        let figure = |sts: &mut Sts, s: &[String]| -> i32 {
            let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, s.join(","));
            match call(sts, &alice, Request::GetFederationToken(GetFederationTokenRequest { name: "pp".into(), policy: Some(policy), ..Default::default() })) {
                Ok(Response::GetFederationToken(r)) => r.packed_policy_size.unwrap(),
                Err(e) if e.code == ErrorCode::PackedPolicyTooLarge => 101,
                other => panic!("{other:?}"),
            }
        };
        let before = figure(&mut sts, &statements);
        let mut more = statements.clone();
        more.push(extra);
        let after = figure(&mut sts, &more);
        prop_assert!(after >= before);
    }
}
