//! AssumeRoleWithSAML with real XML signature verification: for every check, an assertion that
//! passes and one that fails for exactly that reason, plus signature-wrapping attacks.

use base64::Engine as _;
use sts_model::request::AssumeRoleWithSamlRequest;
use sts_model::saml::{AssertionBuilder, Signed, name_qualifier};
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::{Role, SamlProvider, World};
use sts_model::{Caller, ErrorCode, Request, Response, Sts, StsError};

const ACCOUNT: &str = "123456789012";
const ENTITY: &str = "https://idp.example.com/saml";
const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/corp";
const ROLE: &str = "arn:aws:iam::123456789012:role/federated";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

fn sts() -> Sts {
    let mut w = World::default();
    w.add_saml_provider(
        ACCOUNT,
        SamlProvider {
            name: "corp".into(),
            entity_id: ENTITY.into(),
            certificate_pem: sts_model::saml::TEST_CERTIFICATE.into(),
            context_provider: false,
            metadata_document: None,
            created: None,
        },
    )
    .unwrap();
    w.add_role(ACCOUNT, Role::new("federated").trust(PROVIDER).max_session_duration(7200)).unwrap();
    w.add_role(
        ACCOUNT,
        Role::new("engineers").trust(PROVIDER).trust_conditions(r#"{"StringEquals": {"saml:sub_type": "persistent"}}"#).unwrap(),
    )
    .unwrap();
    w.add_role(ACCOUNT, Role::new("local")).unwrap();
    Sts::new(w, 5)
}

fn assertion() -> AssertionBuilder {
    AssertionBuilder::new(ENTITY, now()).role(ROLE, PROVIDER).session_name("alice@example.com")
}

fn request(role_arn: &str, saml: String) -> AssumeRoleWithSamlRequest {
    AssumeRoleWithSamlRequest { role_arn: role_arn.into(), principal_arn: PROVIDER.into(), saml_assertion: saml, ..Default::default() }
}

fn call_at(sts: &mut Sts, at: OffsetDateTime, req: AssumeRoleWithSamlRequest) -> Result<Response, StsError> {
    sts.call(at, &Caller::Anonymous, Request::AssumeRoleWithSaml(req))
}

fn call(req: AssumeRoleWithSamlRequest) -> Result<Response, StsError> {
    call_at(&mut sts(), now(), req)
}

fn saml(result: Result<Response, StsError>) -> sts_model::response::AssumeRoleWithSamlResponse {
    match result.expect("the call succeeds") {
        Response::AssumeRoleWithSaml(r) => r,
        other => panic!("unexpected {other:?}"),
    }
}

fn refused(result: Result<Response, StsError>, code: ErrorCode, message: &str) {
    let err = result.expect_err("the call must fail");
    assert_eq!(err.code, code, "{err}");
    assert!(err.message.contains(message), "{:?} lacks {message:?}", err.message);
}

fn b64(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml)
}

#[test]
fn a_signed_assertion_gives_credentials_and_the_documented_fields() {
    let r = saml(call(request(ROLE, assertion().sign())));
    assert_eq!(r.subject.as_deref(), Some("alice"));
    assert_eq!(r.subject_type.as_deref(), Some("persistent"), "the SAML 2.0 prefix is stripped");
    assert_eq!(r.issuer.as_deref(), Some(ENTITY));
    assert_eq!(r.audience.as_deref(), Some("https://signin.aws.amazon.com/saml"), "Audience is the Recipient");
    assert_eq!(r.name_qualifier.as_deref(), Some(name_qualifier(ENTITY, ACCOUNT, "corp").as_str()));
    // Fixed value, computed outside this code: base64(sha1("https://idp.example.com/saml123456789012/corp")).
    assert_eq!(r.name_qualifier.as_deref(), Some("HahBW48oNiXLlr28VT6/xduH27c="));
    assert_eq!(r.assumed_role_user.unwrap().arn, "arn:aws:sts::123456789012:assumed-role/federated/alice@example.com");
    assert_eq!(r.credentials.unwrap().expiration, now() + Duration::hours(1));
}

#[test]
fn a_response_level_signature_is_accepted_too() {
    saml(call(request(ROLE, assertion().signed(Signed::Response).sign())));
}

#[test]
fn other_name_id_formats_are_returned_whole() {
    let email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    let r = saml(call(request(ROLE, assertion().name_id("alice@example.com", email).sign())));
    assert_eq!(r.subject_type.as_deref(), Some(email));
}

#[test]
fn unsigned_tampered_and_foreign_signatures_are_refused() {
    refused(
        call(request(ROLE, assertion().signed(Signed::Unsigned).sign())),
        ErrorCode::InvalidIdentityToken,
        "Response signature invalid",
    );
    refused(call(request(ROLE, assertion().untrusted_key().sign())), ErrorCode::InvalidIdentityToken, "Response signature invalid");
    let tampered = assertion().xml().replace(">alice<", ">mallory<");
    refused(call(request(ROLE, b64(&tampered))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
}

#[test]
fn signature_wrapping_is_refused() {
    let signed = assertion().xml();
    let start = signed.find("<saml:Assertion").unwrap();
    let end = signed.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let original = &signed[start..end];
    // An unsigned evil assertion (another ID) placed before the signed one.
    let evil = AssertionBuilder::new(ENTITY, now())
        .role(ROLE, PROVIDER)
        .session_name("mallory")
        .signed(Signed::Unsigned)
        .xml()
        .split_once("<saml:Assertion")
        .map(|(_, rest)| format!("<saml:Assertion{}", &rest[..rest.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len()]))
        .unwrap()
        .replace("_assertion-1", "_evil");
    let two = format!("{}{evil}{original}{}", &signed[..start], &signed[end..]);
    refused(call(request(ROLE, b64(&two))), ErrorCode::InvalidIdentityToken, "more than one Assertion");
    // The signed assertion hidden inside an extension of the evil one (XSW: the signature still
    // verifies over the original, but it is not the assertion read).
    let hidden = evil.replace("</saml:Assertion>", &format!("<saml:Advice>{original}</saml:Advice></saml:Assertion>"));
    let wrapped = format!("{}{hidden}{}", &signed[..start], &signed[end..]);
    refused(call(request(ROLE, b64(&wrapped))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
    // The same ID twice.
    let duplicate = signed.replace("<saml:Subject>", "<saml:Subject ID=\"_assertion-1\">");
    refused(call(request(ROLE, b64(&duplicate))), ErrorCode::InvalidIdentityToken, "");
    // A DOCTYPE (entity tricks) is refused outright.
    let doctype = format!("<!DOCTYPE r [<!ENTITY x \"y\">]>{signed}");
    refused(call(request(ROLE, b64(&doctype))), ErrorCode::InvalidIdentityToken, "not a base64-encoded XML document");
}

#[test]
fn comments_do_not_truncate_the_name_id() {
    // Signed over "alice@example.com.evil"; a reader of the first text node would see "alice@example.com".
    let xml = assertion().name_id("alice@example.com.evil", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent").xml();
    let with_comment = xml.replace("alice@example.com.evil<", "alice@example.com<!---->.evil<");
    let r = saml(call(request(ROLE, b64(&with_comment))));
    assert_eq!(r.subject.as_deref(), Some("alice@example.com.evil"));
}

#[test]
fn garbage_is_an_invalid_response() {
    for garbage in ["", "not base64 !!", &b64("<not-saml/>"), &b64("<<<"), &b64("\u{0}\u{1}")] {
        let err = call(request(ROLE, garbage.to_string())).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidIdentityToken, "{garbage:?}: {err}");
    }
}

#[test]
fn issuer_recipient_and_audience() {
    refused(
        call(request(ROLE, AssertionBuilder::new("https://other.example.com", now()).role(ROLE, PROVIDER).session_name("a1").sign())),
        ErrorCode::InvalidIdentityToken,
        "Issuer not present in specified provider",
    );
    saml(call(request(ROLE, assertion().recipient("https://eu-west-1.signin.aws.amazon.com/saml").sign())));
    refused(
        call(request(ROLE, assertion().recipient("https://evil.example.com/saml").sign())),
        ErrorCode::InvalidIdentityToken,
        "Recipient",
    );
    refused(call(request(ROLE, assertion().audience("https://someone-else").sign())), ErrorCode::InvalidIdentityToken, "required audience");
}

#[test]
fn times_are_checked_on_the_clock() {
    let mut sts = sts();
    let issued = assertion().sign();
    saml(call_at(&mut sts, now() + Duration::minutes(4), request(ROLE, issued.clone())));
    // NotOnOrAfter (five minutes after issue) has passed.
    refused(
        call_at(&mut sts, now() + Duration::minutes(5), request(ROLE, issued)),
        ErrorCode::ExpiredTokenException,
        "Response has expired",
    );
    // A long NotOnOrAfter does not extend the five-minute redemption window.
    let long = assertion().not_on_or_after(now() + Duration::hours(1)).sign();
    refused(
        call_at(&mut sts, now() + Duration::minutes(6), request(ROLE, long)),
        ErrorCode::ExpiredTokenException,
        "Token must be redeemed within 5 minutes of issuance",
    );
}

#[test]
fn the_role_attribute_must_pair_the_role_and_the_provider_in_either_order() {
    saml(call(request(ROLE, AssertionBuilder::new(ENTITY, now()).role_provider_first(ROLE, PROVIDER).session_name("ab").sign())));
    let other_role = "arn:aws:iam::123456789012:role/engineers";
    refused(
        call(request(ROLE, AssertionBuilder::new(ENTITY, now()).role(other_role, PROVIDER).session_name("ab").sign())),
        ErrorCode::AccessDenied,
        "sts:AssumeRoleWithSAML",
    );
    refused(
        call(request(ROLE, AssertionBuilder::new(ENTITY, now()).session_name("ab").sign())),
        ErrorCode::InvalidIdentityToken,
        "Role attribute",
    );
}

#[test]
fn role_session_name_is_required_and_checked() {
    refused(
        call(request(ROLE, AssertionBuilder::new(ENTITY, now()).role(ROLE, PROVIDER).sign())),
        ErrorCode::InvalidIdentityToken,
        "RoleSessionName is required in AuthnResponse",
    );
    refused(call(request(ROLE, assertion().session_name("a b").sign())), ErrorCode::InvalidIdentityToken, "RoleSessionName");
}

#[test]
fn session_duration_and_session_not_on_or_after_only_shorten() {
    let mut req = request(ROLE, assertion().session_duration("1800").sign());
    req.duration_seconds = Some(7200);
    assert_eq!(saml(call(req)).credentials.unwrap().expiration, now() + Duration::minutes(30));
    let mut req = request(ROLE, assertion().session_duration("43200").sign());
    req.duration_seconds = Some(900);
    assert_eq!(saml(call(req)).credentials.unwrap().expiration, now() + Duration::minutes(15));
    let req = request(ROLE, assertion().session_not_on_or_after(now() + Duration::minutes(20)).sign());
    assert_eq!(saml(call(req)).credentials.unwrap().expiration, now() + Duration::minutes(20));
    refused(call(request(ROLE, assertion().session_duration("60").sign())), ErrorCode::InvalidIdentityToken, "SessionDuration");
    let mut req = request(ROLE, assertion().sign());
    req.duration_seconds = Some(7201);
    refused(call(req), ErrorCode::ValidationError, "MaxSessionDuration");
}

#[test]
fn tags_transitive_keys_and_source_identity() {
    let mut sts = sts();
    let r = saml(call_at(
        &mut sts,
        now(),
        request(ROLE, assertion().tag("Project", "Pegasus").transitive(&["Project"]).source_identity("alice").sign()),
    ));
    assert_eq!(r.source_identity.as_deref(), Some("alice"));
    let c = r.credentials.unwrap();
    let session = sts.session(&c.access_key_id, &c.session_token).unwrap();
    assert!(session.tags.iter().any(|t| t.key == "Project" && t.value == "Pegasus"));
    assert_eq!(session.transitive_tag_keys, vec!["Project".to_string()]);
    refused(
        call(request(ROLE, assertion().source_identity("aws:x").sign())),
        ErrorCode::InvalidIdentityToken,
        "Source Identity must match",
    );
    refused(
        call(request(ROLE, assertion().tag("A", "1").transitive(&["B"]).sign())),
        ErrorCode::InvalidIdentityToken,
        "transitive tag key",
    );
}

#[test]
fn trust_policy_and_conditions() {
    saml(call(request(
        "arn:aws:iam::123456789012:role/engineers",
        AssertionBuilder::new(ENTITY, now()).role("arn:aws:iam::123456789012:role/engineers", PROVIDER).session_name("ab").sign(),
    )));
    let transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    refused(
        call(request(
            "arn:aws:iam::123456789012:role/engineers",
            AssertionBuilder::new(ENTITY, now())
                .role("arn:aws:iam::123456789012:role/engineers", PROVIDER)
                .session_name("ab")
                .name_id("x", transient)
                .sign(),
        )),
        ErrorCode::AccessDenied,
        "",
    );
    let local = "arn:aws:iam::123456789012:role/local";
    refused(
        call(request(local, AssertionBuilder::new(ENTITY, now()).role(local, PROVIDER).session_name("ab").sign())),
        ErrorCode::AccessDenied,
        "",
    );
}

#[test]
fn provider_status_policies_and_regions() {
    let mut req = request(ROLE, assertion().sign());
    req.principal_arn = "arn:aws:iam::123456789012:saml-provider/nope".into();
    refused(call(req), ErrorCode::InvalidIdentityToken, "does not exist");
    let err = call(request(ROLE, assertion().status("urn:oasis:names:tc:SAML:2.0:status:Responder").sign())).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::IDPRejectedClaim, 403));
    let mut req = request(ROLE, assertion().sign());
    req.policy = Some("{".into());
    refused(call(req), ErrorCode::MalformedPolicyDocument, "");
    let mut b = assertion();
    for i in 0..50 {
        b = b.tag(&format!("k{i:02}-{:x}", i * 7919), &format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15));
    }
    refused(call(request(ROLE, b.sign())), ErrorCode::PackedPolicyTooLarge, "% of allotted space");
    let mut world = sts().world().clone();
    world.account_mut(ACCOUNT).unwrap().disabled_regions.insert("ap-east-1".into());
    let mut regional = Sts::with_config(world, 5, sts_model::StsConfig { region: Some("ap-east-1".into()), ..Default::default() });
    refused(call_at(&mut regional, now(), request(ROLE, assertion().sign())), ErrorCode::RegionDisabledException, "");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Arbitrary bytes, arbitrary XML-ish text and mutations of a signed response are refused with
    /// an STS error (never a panic, never credentials).
    #[test]
    fn arbitrary_assertions_are_refused_cleanly(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..400), text in "[<>/=\" a-zA-Z:]{0,300}", cut in 0usize..6000, byte in 0u8..128) {
        let mut xml = assertion().xml().into_bytes();
        if cut < xml.len() {
            xml[cut] = if xml[cut] == byte { byte.wrapping_add(1) % 128 } else { byte };
        }
        for garbage in [b64(&String::from_utf8_lossy(&raw)), b64(&text)] {
            let err = call(request(ROLE, garbage)).unwrap_err();
            proptest::prop_assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        }
        match call(request(ROLE, base64::engine::general_purpose::STANDARD.encode(&xml))) {
            Err(err) => proptest::prop_assert!(
                matches!(err.code, ErrorCode::InvalidIdentityToken | ErrorCode::ExpiredTokenException | ErrorCode::AccessDenied | ErrorCode::IDPRejectedClaim),
                "{err}"
            ),
            // A mutation may be harmless (outside the signed Assertion, or undone by C14N), but it
            // can never change what the signature vouches for.
            Ok(response) => {
                let Response::AssumeRoleWithSaml(r) = response else { panic!("unexpected answer") };
                proptest::prop_assert_eq!(r.subject.as_deref(), Some("alice"));
                proptest::prop_assert_eq!(r.assumed_role_user.unwrap().arn, "arn:aws:sts::123456789012:assumed-role/federated/alice@example.com".to_string());
            }
        }
    }
}

/// SAML trust conditions see the same session keys as web identity ones: `sts:SourceIdentity` and
/// `aws:TagKeys` (both were missing from the SAML context).
#[test]
fn trust_conditions_see_source_identity_and_tag_keys() {
    let mut sts = sts();
    let role = "arn:aws:iam::123456789012:role/audited";
    sts.world_mut()
        .add_role(
            ACCOUNT,
            Role::new("audited")
                .trust(PROVIDER)
                .trust_conditions(
                    r#"{"StringLike": {"sts:SourceIdentity": "alice*"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["Team"]}}"#,
                )
                .unwrap(),
        )
        .unwrap();
    let base = || AssertionBuilder::new(ENTITY, now()).role(role, PROVIDER).session_name("ab");
    saml(call_at(&mut sts, now(), request(role, base().source_identity("alice-laptop").tag("Team", "blue").sign())));
    refused(call_at(&mut sts, now(), request(role, base().source_identity("bob").sign())), ErrorCode::AccessDenied, "");
    refused(
        call_at(&mut sts, now(), request(role, base().source_identity("alice-laptop").tag("Other", "x").sign())),
        ErrorCode::AccessDenied,
        "",
    );
}

/// A SAML provider with a context provider: the NameID as origin subject, and as its issuer a hash
/// of the signing key, not the Issuer element (documented; ours: hex SHA-256 of the certificate).
#[test]
fn a_context_provider_fills_trusted_identity_propagation_context() {
    use sha2::{Digest, Sha256};
    let mut sts = sts();
    assert_eq!(saml(call_at(&mut sts, now(), request(ROLE, assertion().sign()))).trusted_identity_propagation_context, None);
    sts.world_mut().account_mut(ACCOUNT).unwrap().saml_providers.get_mut("corp").unwrap().context_provider = true;
    let answer = saml(call_at(
        &mut sts,
        now(),
        request(ROLE, assertion().name_id("alice@example.com", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent").sign()),
    ));
    let origin = answer.trusted_identity_propagation_context.and_then(|c| c.origin_identity).expect("origin identity");
    let expected_issuer: String =
        Sha256::digest(sts_model::saml::TEST_CERTIFICATE.trim().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(origin.issuer.as_deref(), Some(expected_issuer.as_str()));
    assert_ne!(origin.issuer.as_deref(), answer.issuer.as_deref(), "not the assertion's Issuer");
    assert_eq!(origin.subject.as_deref(), Some("alice@example.com"));
    assert_eq!(origin.federated_provider_arn.as_deref(), Some(PROVIDER));
}

/// PrincipalArn must be an IAM SAML provider's ARN: the same `saml-provider/corp` under another
/// service is no provider at all, and is answered as an unknown provider is, even by an assertion
/// that pairs the role with exactly that ARN.
#[test]
fn the_principal_arn_must_be_an_iam_saml_provider() {
    let elsewhere = "arn:aws:sts::123456789012:saml-provider/corp";
    let mut req = request(ROLE, assertion().role(ROLE, elsewhere).sign());
    req.principal_arn = elsewhere.into();
    refused(call(req), ErrorCode::InvalidIdentityToken, &format!("SAML provider {elsewhere} does not exist"));
}

/// Empties every `DigestValue` and `SignatureValue` of a signed document: its template again.
fn template_of(signed: &str) -> String {
    let blank = |xml: &str, local: &str| {
        let mut out = String::new();
        let mut rest = xml;
        let open = format!("<ds:{local}>");
        let close = format!("</ds:{local}>");
        while let Some(at) = rest.find(&open) {
            let end = rest[at..].find(&close).unwrap() + at;
            out.push_str(&rest[..at + open.len()]);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    };
    blank(&blank(signed, "DigestValue"), "SignatureValue")
}

/// Signs a template with bergshamra-dsig (a complete XML-DSig implementation, a dev-dependency).
fn independently_signed(template: &str) -> String {
    let key = bergshamra_keys::loader::load_rsa_private_pem(include_str!("../keys/idp-rsa.pem").as_bytes()).unwrap();
    let mut keys = bergshamra_keys::KeysManager::new();
    keys.add_key(key);
    bergshamra_dsig::sign::sign(&bergshamra_dsig::DsigContext::new(keys), template).unwrap()
}

#[test]
fn the_test_idp_signs_byte_for_byte_as_an_independent_xml_dsig_implementation() {
    for place in [Signed::Assertion, Signed::Response] {
        let ours = assertion().signed(place).xml();
        let template = template_of(&ours);
        assert!(template.contains("<ds:DigestValue></ds:DigestValue>"), "{place:?}");
        assert_eq!(ours, independently_signed(&template), "{place:?}: the same digest and RSA PKCS#1 v1.5 signature");
        // And bergshamra verifies ours with the certificate.
        let cert = bergshamra_keys::loader::load_x509_cert_pem(sts_model::saml::TEST_CERTIFICATE.as_bytes()).unwrap();
        let mut keys = bergshamra_keys::KeysManager::new();
        keys.add_key(cert);
        let doc = uppsala::parse(&ours).unwrap();
        let results = bergshamra_dsig::verify::verify_all_document(&bergshamra_dsig::DsigContext::new(keys), &doc).unwrap();
        assert!(!results.is_empty() && results.iter().all(|r| r.is_valid()), "{place:?}");
    }
}

#[test]
fn signatures_in_other_shapes_from_an_independent_implementation_verify() {
    // What IdPs emit besides the test IdP's shape, signed by bergshamra-dsig: indented XML, an
    // InclusiveNamespaces prefix list, inclusive C14N for SignedInfo, SHA-512 and SHA-1.
    let template = template_of(&assertion().xml());
    let variants = [
        ("indented", template.replace("<saml:Subject>", "\n    <saml:Subject>\n      ").replace("</saml:Subject>", "\n    </saml:Subject>\n")),
        (
            "prefix list",
            template.replace(
                r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs xsi"/></ds:Transform>"#,
            ),
        ),
        (
            "inclusive SignedInfo",
            template.replace(
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
                r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>"#,
            ),
        ),
        (
            "sha512",
            template
                .replace("xmldsig-more#rsa-sha256", "xmldsig-more#rsa-sha512")
                .replace("http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmlenc#sha512"),
        ),
        (
            "sha1",
            template
                .replace("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
                .replace("http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1"),
        ),
    ];
    for (name, template) in variants {
        let signed = independently_signed(&template);
        assert_ne!(signed, template, "{name}: bergshamra filled the values");
        let r = saml(call(request(ROLE, b64(&signed))));
        assert_eq!(r.subject.as_deref(), Some("alice"), "{name}");
        // Tampering after signing is caught in each shape.
        let tampered = signed.replace(">alice<", ">mallory<");
        refused(call(request(ROLE, b64(&tampered))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
    }
}

#[test]
fn a_signature_must_reference_its_own_parent() {
    // A valid signature of the Assertion moved under the Response (its reference still names the
    // Assertion): it covers its parent, the Response, whose digest it does not match.
    let signed = assertion().xml();
    let start = signed.find("<ds:Signature").unwrap();
    let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let signature = &signed[start..end];
    let without = format!("{}{}", &signed[..start], &signed[end..]);
    let moved = without.replacen("<samlp:Status>", &format!("{signature}<samlp:Status>"), 1);
    refused(call(request(ROLE, b64(&moved))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
    // Five signatures are refused before any is checked.
    let many = signed.replace("</saml:Issuer>", &format!("</saml:Issuer>{}", signature.repeat(2)));
    refused(call(request(ROLE, b64(&many))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
}

#[test]
fn deeply_nested_documents_are_refused_without_exhausting_the_stack() {
    // A request body can hold a few hundred thousand nested elements; a recursive walk that deep
    // would overflow the stack and abort the whole mock. The parser stops at 128 levels (uppsala's
    // limit, sized for a 2 MiB thread stack); below it, the canonicalization of a signed Response
    // walks the nesting and the changed content fails the digest.
    let signed = assertion().signed(Signed::Response).xml();
    let nested = |depth: usize| {
        let inner = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        b64(&signed.replacen("<samlp:Status>", &format!("<samlp:Extensions>{inner}</samlp:Extensions><samlp:Status>"), 1))
    };
    refused(call(request(ROLE, nested(100))), ErrorCode::InvalidIdentityToken, "Response signature invalid");
    refused(call(request(ROLE, nested(100_000))), ErrorCode::InvalidIdentityToken, "not a base64-encoded XML document");
}
