//! Trust policies as documents, and the caller's own policies in STS calls. Oracles: IAM's observed
//! MalformedPolicyDocument messages (recorded against AWS, LocalStack snapshot 2026-02 and pasted
//! errors), the evaluation rules of the IAM user guide worked by hand, and the observed denial wording.

mod common;

use common::*;
use sts_model::policy::{TrustCaller, TrustGrant, TrustPolicy, TrustRequest};
use sts_model::request::{AssumeRoleRequest, DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest, GetFederationTokenRequest};
use sts_model::world::{Group, Role, User};
use sts_model::{ErrorCode, Request};

fn doc(statement: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
}

fn refused(text: &str, message: &str) {
    let err = TrustPolicy::parse(text).expect_err("the document must be refused");
    assert_eq!(err.code, ErrorCode::MalformedPolicyDocument);
    assert_eq!(err.message, message);
}

#[test]
fn malformed_trust_policies_get_iams_words() {
    refused("{not json", "This policy contains invalid Json");
    refused("[]", "This policy contains invalid Json");
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}"#),
        "Has prohibited field Resource",
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","NotResource":"*"}"#),
        "Has prohibited field NotResource",
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:InvalidAction"}"#),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}"#),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#),
        r#"AssumeRolepolicy contained an invalid principal: "STAR":"*"."#,
    );
    // Any other bare string is no principal block at all (the wording is ours: only the `*` case was seen).
    refused(
        &doc(r#"{"Effect":"Allow","Principal":"123456789012","Action":"sts:AssumeRole"}"#),
        r#"Invalid principal in policy: "123456789012""#,
    );
    // A document without statements (an empty list, or no Statement at all) grants nothing and is
    // refused (IAM's wording for trust policies is not established: only the code is asserted).
    for text in [r#"{"Version":"2012-10-17","Statement":[]}"#, r#"{"Version":"2012-10-17"}"#] {
        assert_eq!(TrustPolicy::parse(text).unwrap_err().code, ErrorCode::MalformedPolicyDocument, "{text}");
    }
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sts:AssumeRole"}"#),
        r#"Invalid principal in policy: "AWS":"arn:aws:iam::*:root""#,
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/devs"},"Action":"sts:AssumeRole"}"#),
        r#"Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/devs""#,
    );
    refused(
        &doc(r#"{"Effect":"Allow","Principal":{"Service":"codepipeiine.amazon.com"},"Action":"sts:AssumeRole"}"#),
        r#"Invalid principal in policy: "SERVICE":"codepipeiine.amazon.com""#,
    );
    refused(
        &doc(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!",
    );
    // What IAM accepts: accounts, roots, users, roles, sessions, providers, services, wildcards of STS actions.
    for principal in [
        r#"{"AWS":"123456789012"}"#,
        r#"{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a/b","arn:aws:iam::123456789012:role/r"]}"#,
        r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"}"#,
        r#"{"AWS":"*"}"#,
        r#"{"Federated":["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com","cognito-identity.amazonaws.com"]}"#,
        r#"{"Service":"ec2.amazonaws.com"}"#,
    ] {
        let text = doc(&format!(r#"{{"Effect":"Allow","Principal":{principal},"Action":"sts:*"}}"#));
        TrustPolicy::parse(&text).unwrap_or_else(|e| panic!("{principal}: {e}"));
    }
}

fn alice() -> TrustCaller {
    TrustCaller::aws(MAIN, [format!("arn:aws:iam::{MAIN}:user/alice")])
}

fn grant(policy: &str, caller: TrustCaller, action: &str) -> TrustGrant {
    TrustPolicy::parse(policy).unwrap().evaluate(&TrustRequest::new(action, caller))
}

#[test]
fn naming_the_caller_grants_directly_naming_the_account_delegates() {
    let named = doc(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}"#);
    assert_eq!(grant(&named, alice(), "sts:AssumeRole"), TrustGrant::Direct);
    assert_eq!(grant(&named, alice(), "sts:TagSession"), TrustGrant::ImplicitDeny);
    let bob = TrustCaller::aws(MAIN, [format!("arn:aws:iam::{MAIN}:user/bob")]);
    assert_eq!(grant(&named, bob.clone(), "sts:AssumeRole"), TrustGrant::ImplicitDeny);
    for account in [r#""123456789012""#, r#""arn:aws:iam::123456789012:root""#] {
        let policy = doc(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":{account}}},"Action":"sts:AssumeRole"}}"#));
        assert_eq!(grant(&policy, bob.clone(), "sts:AssumeRole"), TrustGrant::ViaAccount, "{account}");
        let stranger = TrustCaller::aws(OTHER, [format!("arn:aws:iam::{OTHER}:user/bob")]);
        assert_eq!(grant(&policy, stranger, "sts:AssumeRole"), TrustGrant::ImplicitDeny, "{account}");
    }
    // A direct grant wins over an account grant in the same document; `*` names everyone directly.
    let both = doc(r#"{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/alice"]},"Action":"sts:*"}"#);
    assert_eq!(grant(&both, alice(), "sts:TagSession"), TrustGrant::Direct);
    let anyone = doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#);
    assert_eq!(grant(&anyone, bob, "sts:AssumeRole"), TrustGrant::Direct);
}

#[test]
fn denies_and_not_principal() {
    let deny_alice = doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},
           {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}"#);
    assert_eq!(grant(&deny_alice, alice(), "sts:AssumeRole"), TrustGrant::ExplicitDeny);
    let bob = TrustCaller::aws(MAIN, [format!("arn:aws:iam::{MAIN}:user/bob")]);
    assert_eq!(grant(&deny_alice, bob.clone(), "sts:AssumeRole"), TrustGrant::Direct);
    // NotPrincipal with Deny: everyone but alice is refused.
    let only_alice = doc(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},
           {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}"#);
    assert_eq!(grant(&only_alice, alice(), "sts:AssumeRole"), TrustGrant::ViaAccount);
    assert_eq!(grant(&only_alice, bob, "sts:AssumeRole"), TrustGrant::ExplicitDeny);
}

#[test]
fn conditions_and_federated_callers() {
    let policy = doc(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/issuer.example"},
            "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"issuer.example:aud":"app"}}}"#);
    let provider = TrustCaller::Federated("arn:aws:iam::123456789012:oidc-provider/issuer.example".into());
    let ask = |aud: &str| TrustRequest::new("sts:AssumeRoleWithWebIdentity", provider.clone()).with("issuer.example:aud", aud);
    let parsed = TrustPolicy::parse(&policy).unwrap();
    assert_eq!(parsed.evaluate(&ask("app")), TrustGrant::Direct);
    assert_eq!(parsed.evaluate(&ask("other")), TrustGrant::ImplicitDeny);
    // The provider is not an IAM principal, and an IAM principal is not the provider.
    assert_eq!(
        parsed.evaluate(&TrustRequest::new("sts:AssumeRoleWithWebIdentity", alice()).with("issuer.example:aud", "app")),
        TrustGrant::ImplicitDeny
    );
    let other = TrustCaller::Federated("arn:aws:iam::123456789012:oidc-provider/elsewhere".into());
    assert_eq!(
        parsed.evaluate(&TrustRequest::new("sts:AssumeRoleWithWebIdentity", other).with("issuer.example:aud", "app")),
        TrustGrant::ImplicitDeny
    );
}

#[test]
fn shortcuts_build_the_document_they_stand_for() {
    let own = Role::new("r").trust.to_policy(MAIN).unwrap();
    assert!(own.text.contains(r#""AWS":["123456789012"]"#), "{}", own.text);
    assert!(own.text.contains("sts:TagSession") && own.text.contains("sts:SetSourceIdentity") && own.text.contains("sts:SetContext"));
    let federated = Role::new("r")
        .trust("arn:aws:iam::123456789012:oidc-provider/o.example")
        .trust("arn:aws:iam::123456789012:saml-provider/corp")
        .trust("*")
        .trust
        .to_policy(MAIN)
        .unwrap();
    assert_eq!(federated.statements.len(), 3, "{}", federated.text);
    assert!(federated.text.contains("sts:AssumeRoleWithWebIdentity") && federated.text.contains("sts:AssumeRoleWithSAML"));
    let guarded = Role::new("r").external_id("x-1").require_mfa().trust.to_policy(MAIN).unwrap();
    assert!(guarded.text.contains(r#""sts:ExternalId":"x-1""#) && guarded.text.contains(r#""aws:MultiFactorAuthPresent":"true""#));
    // A document and the shortcuts together are refused when the role is added.
    let both = Role::new("both")
        .trust(format!("arn:aws:iam::{MAIN}:user/alice"))
        .trust_policy_document(&doc(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#))
        .unwrap();
    let mut w = world();
    assert!(w.add_role(MAIN, both).unwrap_err().0.contains("not both"));
    // Roles re-added (World::extend) keep their document.
    let mut other = sts_model::world::World::default();
    other.add_role(MAIN, Role::new("again").external_id("x-2")).unwrap();
    w.extend(other).unwrap();
    assert!(w.role(MAIN, "again").unwrap().trust_policy.as_ref().unwrap().text.contains("x-2"));
}

const STS_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;

fn trust_doc(principal: &str, actions: &str) -> String {
    doc(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":{actions}}}"#))
}

/// The model world plus: `erin` with no policies, `gina` bounded to S3, `ivy` allowed through a
/// group, `hal` in a member account with an SCP, and roles trusting them in various ways.
fn rules_sts() -> sts_model::Sts {
    let mut w = world();
    w.add_managed_policy(
        format!("arn:aws:iam::{MAIN}:policy/s3-only"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    w.add_user(MAIN, User::new("erin")).unwrap();
    w.add_user(MAIN, User::new("gina").inline_policy(STS_ALL).permissions_boundary(format!("arn:aws:iam::{MAIN}:policy/s3-only"))).unwrap();
    w.add_group(
        MAIN,
        Group { name: "assumers".into(), inline_policies: [("sts".to_owned(), STS_ALL.to_owned())].into(), ..Group::default() },
    )
    .unwrap();
    w.add_user(MAIN, User::new("ivy").group("assumers")).unwrap();
    for (name, principal) in [("names-erin", "arn:aws:iam::123456789012:user/erin"), ("names-gina", "arn:aws:iam::123456789012:user/gina")]
    {
        w.add_role(MAIN, Role::new(name).trust_policy_document(&trust_doc(principal, r#""sts:AssumeRole""#)).unwrap()).unwrap();
    }
    w.add_role(MAIN, Role::new("by-account").trust_policy_document(&trust_doc(MAIN, r#""sts:AssumeRole""#)).unwrap()).unwrap();
    w.add_role(
        OTHER,
        Role::new("names-erin").trust_policy_document(&trust_doc("arn:aws:iam::123456789012:user/erin", r#""sts:AssumeRole""#)).unwrap(),
    )
    .unwrap();
    // A member account whose SCP forbids AssumeRole on one role; the management account's own SCPs never bind it.
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/fenced"}]}"#;
    w.add_user(MEMBER, User::new("hal").inline_policy(STS_ALL)).unwrap();
    w.account_mut(MEMBER).unwrap().service_control_policies = vec![scp.into()];
    for name in ["fenced", "open"] {
        w.add_role(
            MEMBER,
            Role::new(name).trust_policy_document(&trust_doc("arn:aws:iam::222222222222:user/hal", r#""sts:AssumeRole""#)).unwrap(),
        )
        .unwrap();
    }
    w.account_mut(MANAGEMENT).unwrap().service_control_policies =
        vec![r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#.into()];
    w.add_role(
        MANAGEMENT,
        Role::new("names-admin").trust_policy_document(&trust_doc("arn:aws:iam::111111111111:user/admin", r#""sts:AssumeRole""#)).unwrap(),
    )
    .unwrap();
    sts_model::Sts::new(w, 11)
}

fn denial(who: &str, action: &str, resource: &str) -> String {
    format!("User: {who} is not authorized to perform: {action} on resource: {resource}")
}

#[test]
fn same_account_cross_account_boundaries_groups_and_scps() {
    let mut sts = rules_sts();
    let (erin, gina, ivy, hal) = (user(&sts, MAIN, "erin"), user(&sts, MAIN, "gina"), user(&sts, MAIN, "ivy"), user(&sts, MEMBER, "hal"));
    let erin_arn = format!("arn:aws:iam::{MAIN}:user/erin");
    // Same account: named directly, no policy needed; by account, her own policy is needed.
    credentials(call(&mut sts, &erin, Request::AssumeRole(assume("names-erin", "s1"))));
    let refused = call(&mut sts, &erin, Request::AssumeRole(assume("by-account", "s1")));
    assert_error(refused, ErrorCode::AccessDenied, &denial(&erin_arn, "sts:AssumeRole", &role_arn("by-account")));
    credentials(call(&mut sts, &ivy, Request::AssumeRole(assume("by-account", "s1"))));
    // Cross account: named directly, her own policy is still needed.
    let cross = format!("arn:aws:iam::{OTHER}:role/names-erin");
    assert_error(
        call(&mut sts, &erin, Request::AssumeRole(assume(&cross, "s1"))),
        ErrorCode::AccessDenied,
        &denial(&erin_arn, "sts:AssumeRole", &cross),
    );
    // A boundary without sts:AssumeRole bounds even a direct grant.
    assert_error(call(&mut sts, &gina, Request::AssumeRole(assume("names-gina", "s1"))), ErrorCode::AccessDenied, "sts:AssumeRole");
    // SCPs bind a member account's users, direct grants included, and never the management account.
    let fenced = format!("arn:aws:iam::{MEMBER}:role/fenced");
    assert_error(call(&mut sts, &hal, Request::AssumeRole(assume(&fenced, "s1"))), ErrorCode::AccessDenied, "sts:AssumeRole");
    credentials(call(&mut sts, &hal, Request::AssumeRole(assume(&format!("arn:aws:iam::{MEMBER}:role/open"), "s1"))));
    let admin = user(&sts, MANAGEMENT, "admin");
    credentials(call(&mut sts, &admin, Request::AssumeRole(assume(&format!("arn:aws:iam::{MANAGEMENT}:role/names-admin"), "s1"))));
}

#[test]
fn session_actions_are_authorized_one_by_one() {
    let mut w = rules_sts().world().clone();
    w.add_role(MAIN, Role::new("plain").trust_policy_document(&trust_doc(MAIN, r#""sts:AssumeRole""#)).unwrap()).unwrap();
    let mut sts2 = sts_model::Sts::new(w, 12);
    let alice = user(&sts2, MAIN, "alice");
    let alice_arn = format!("arn:aws:iam::{MAIN}:user/alice");
    let tagged = AssumeRoleRequest { tags: tags(&[("Team", "blue")]), ..assume("plain", "s1") };
    assert_error(
        call(&mut sts2, &alice, Request::AssumeRole(tagged)),
        ErrorCode::AccessDenied,
        &denial(&alice_arn, "sts:TagSession", &role_arn("plain")),
    );
    let sourced = AssumeRoleRequest { source_identity: Some("alice".into()), ..assume("plain", "s1") };
    assert_error(
        call(&mut sts2, &alice, Request::AssumeRole(sourced)),
        ErrorCode::AccessDenied,
        &denial(&alice_arn, "sts:SetSourceIdentity", &role_arn("plain")),
    );
    credentials(call(&mut sts2, &alice, Request::AssumeRole(assume("plain", "s1"))));
}

#[test]
fn identity_policies_govern_the_other_sts_actions() {
    let mut sts = rules_sts();
    let erin = user(&sts, MAIN, "erin");
    let erin_arn = format!("arn:aws:iam::{MAIN}:user/erin");
    let federation = Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), ..Default::default() });
    assert_error(
        call(&mut sts, &erin, federation),
        ErrorCode::AccessDenied,
        &denial(&erin_arn, "sts:GetFederationToken", &format!("arn:aws:sts::{MAIN}:federated-user/fed")),
    );
    let info = Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: "ASIAY34FZKBOKMUTVV7A".into() });
    let err = call(&mut sts, &erin, info).unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "User: {erin_arn} is not authorized to perform: sts:GetAccessKeyInfo because no identity-based policy allows the sts:GetAccessKeyInfo action"
        )
    );
    let decode = Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message: "x".into() });
    assert!(
        call(&mut sts, &erin, decode)
            .unwrap_err()
            .message
            .ends_with("because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
    );
    // No permission is needed to authenticate or to ask who one is.
    call(&mut sts, &erin, Request::GetCallerIdentity).unwrap();
    call(&mut sts, &erin, Request::GetSessionToken(Default::default())).unwrap();
    // An explicit Deny is named as such.
    let mut w = sts.world().clone();
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"},{"Effect":"Deny","Action":"sts:GetAccessKeyInfo","Resource":"*"}]}"#;
    w.add_user(MAIN, User::new("frank").inline_policy(deny)).unwrap();
    let mut sts = sts_model::Sts::new(w, 13);
    let frank = user(&sts, MAIN, "frank");
    let info = Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: "ASIAY34FZKBOKMUTVV7A".into() });
    assert_eq!(
        call(&mut sts, &frank, info).unwrap_err().message,
        format!(
            "User: arn:aws:iam::{MAIN}:user/frank is not authorized to perform: sts:GetAccessKeyInfo with an explicit deny in an identity-based policy"
        )
    );
}

/// IAM's principal forms, entry by entry: what a trust policy may name, and what IAM refuses
/// (`Invalid principal in policy: "AWS":"…"`). Hand-picked from the ARN formats of the IAM user
/// guide ("AWS JSON policy elements: Principal").
#[test]
fn principal_entries_iam_accepts_and_refuses() {
    let parse = |kind: &str, entry: &str| {
        TrustPolicy::parse(&doc(&format!(r#"{{"Effect":"Allow","Principal":{{"{kind}":"{entry}"}},"Action":"sts:*"}}"#)))
    };
    for entry in [
        "*",
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "arn:aws-cn:iam::123456789012:root",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:user/team/alice",
        "arn:aws:iam::123456789012:role/deploy",
        "arn:aws:sts::123456789012:assumed-role/deploy/session-1",
        "arn:aws:sts::123456789012:federated-user/bob",
    ] {
        assert!(parse("AWS", entry).is_ok(), "IAM accepts {entry}");
    }
    for entry in [
        "12345678901",                          // 11 digits
        "1234567890123",                        // 13 digits
        "abcdefghijkl",                         // 12 characters, not digits
        "arn:aws:iam::12345678901:root",        // the account is 11 digits
        "arn:aws:iam::123456789012:group/devs", // groups are not principals
        "arn:aws:iam::123456789012:user/",      // no name
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:user/a*", // wildcards inside ARNs
        "arn:aws:iam::123456789012:role/r?",
        "arn:aws:iam:us-east-1:123456789012:user/alice", // IAM ARNs have no region
        "arn::iam::123456789012:user/alice",             // no partition
        "arn:aws:s3::123456789012:user/alice",           // another service
        "urn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012",                     // too few fields
        "arn:aws:sts::123456789012:assumed-role/deploy", // a session needs its name
        "arn:aws:sts::123456789012:assumed-role/deploy/",
        "arn:aws:sts::123456789012:assumed-role/deploy/s/extra",
        "arn:aws:sts::123456789012:federated-user/",
        "arn:aws:sts::123456789012:user/alice",
    ] {
        let err = parse("AWS", entry).expect_err(entry);
        assert_eq!(err.message, format!(r#"Invalid principal in policy: "AWS":"{entry}""#), "{entry}");
    }
    for entry in [
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        "arn:aws:iam::123456789012:saml-provider/corp",
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
    ] {
        assert!(parse("Federated", entry).is_ok(), "IAM accepts {entry}");
    }
    for entry in [
        "arn:aws:iam::123456789012:role/not-a-provider",
        "arn:aws:sts::123456789012:oidc-provider/x", // providers are IAM resources
        "urn:aws:iam::123456789012:saml-provider/corp",
        "arn:aws:iam::12345:saml-provider/corp", // the account is 5 digits
        "localhost",                             // not a host name with a domain
        "accounts google.com",                   // whitespace
        "",
    ] {
        let err = parse("Federated", entry).expect_err(entry);
        assert_eq!(err.message, format!(r#"Invalid principal in policy: "FEDERATED":"{entry}""#), "{entry}");
    }
}

/// A trust condition on the caller's principal tags sees a long-term user's own tags (alice is
/// tagged Team=blue in the fixture world, bob is not).
#[test]
fn principal_tags_of_long_term_users_reach_trust_conditions() {
    let mut w = world();
    let policy = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"blue"}}}"#,
    );
    w.add_role(MAIN, Role::new("blue-only").trust_policy_document(&policy).unwrap()).unwrap();
    alice_may_assume_and_bob_may_not(w, "blue-only");
}

/// Alice (tagged Team=blue) gets a session of `role` in `w`; bob (untagged) is AccessDenied.
fn alice_may_assume_and_bob_may_not(w: sts_model::world::World, role: &str) {
    let mut sts = sts_model::Sts::new(w, 14);
    let (alice, bob) = (user(&sts, MAIN, "alice"), user(&sts, MAIN, "bob"));
    credentials(call(&mut sts, &alice, Request::AssumeRole(assume(role, "s1"))));
    assert_error(call(&mut sts, &bob, Request::AssumeRole(assume(role, "s1"))), ErrorCode::AccessDenied, "sts:AssumeRole");
}

/// The caller's identity policy, not the trust policy, reads a global key: the model builds the
/// caller's keys for identity conditions even when the trust policy has none (it skips them only
/// when no policy has a condition). IAM user guide: aws:PrincipalTag holds the principal's tags in
/// every request context. Alice is tagged Team=blue, bob is not; `demo` trusts the account.
#[test]
fn principal_tags_reach_identity_conditions_under_an_unconditional_trust_policy() {
    let mut w = world();
    let only_blue = "arn:aws:iam::123456789012:policy/assume-if-blue";
    w.add_managed_policy(
        only_blue,
        doc(r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"blue"}}}"#),
    );
    for name in ["alice", "bob"] {
        w.user_mut(MAIN, name).unwrap().policies = vec![only_blue.into()];
    }
    alice_may_assume_and_bob_may_not(w, "demo");
}

/// Parsed identity policies are remembered by their text: a policy edited between two calls is
/// judged as edited (IAM applies a new policy version to the next request it authorizes).
#[test]
fn an_edited_identity_policy_applies_to_the_next_call() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "before"))));
    let deny = doc(r#"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"},{"Effect":"Allow","Action":"sts:*","Resource":"*"}"#);
    sts.world_mut().add_managed_policy(STS_CALLER, deny);
    assert_error(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "after"))), ErrorCode::AccessDenied, "sts:AssumeRole");
}
