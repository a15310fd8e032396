//! The IAM control plane over real HTTP, on the same port as STS: requests signed for `iam` reach
//! it, changes take effect for the next STS call. Oracles: the answers AWS gave in public recordings
//! and pastes (`docs/iam-evidence.md`), each quoted where it is asserted.

use sts_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, MockSts};
use sts_model::time::OffsetDateTime;
use sts_wire::query::encode_form;
use sts_wire::sigv4::{Credentials, Request, sign_for};
use sts_wire::xml::{self, Element};

struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn root(&self) -> Element {
        xml::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn text(&self, path: &str) -> String {
        let root = self.root();
        let mut node = &root;
        for part in path.split('/') {
            node = node.child(part).unwrap_or_else(|| panic!("no {path} in {}", self.body));
        }
        node.text.clone()
    }
    /// (status, code, message) of an error answer.
    fn error(&self) -> (u16, String, String) {
        (self.status, self.text("Error/Code"), self.text("Error/Message"))
    }
}

fn admin() -> Credentials<'static> {
    Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None }
}

/// Posts `params` signed for `service` in `region`.
async fn post(mock: &MockSts, service: &str, region: &str, params: &[(&str, &str)], creds: Option<&Credentials<'_>>) -> Reply {
    let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let body = encode_form(&pairs);
    let mut headers = vec![
        ("host".to_string(), mock.address().to_string()),
        ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
    ];
    if let Some(c) = creds {
        let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
        headers.extend(sign_for(&req, c, region, service, mock.clock().now()));
    }
    let mut builder = reqwest::Client::new().post(mock.uri());
    for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let response = builder.body(body).send().await.expect("the mock answers");
    Reply { status: response.status().as_u16(), body: response.text().await.unwrap() }
}

async fn iam(mock: &MockSts, params: &[(&str, &str)], creds: &Credentials<'_>) -> Reply {
    let mut all = vec![("Version", "2010-05-08")];
    all.extend_from_slice(params);
    post(mock, "iam", "us-east-1", &all, Some(creds)).await
}

async fn sts(mock: &MockSts, params: &[(&str, &str)], creds: &Credentials<'_>) -> Reply {
    let mut all = vec![("Version", "2011-06-15")];
    all.extend_from_slice(params);
    post(mock, "sts", "us-east-1", &all, Some(creds)).await
}

/// Creates user `name` with one access key over IAM; its id and secret.
async fn user_with_key(mock: &MockSts, name: &str) -> (String, String) {
    iam(mock, &[("Action", "CreateUser"), ("UserName", name)], &admin()).await;
    let key = iam(mock, &[("Action", "CreateAccessKey"), ("UserName", name)], &admin()).await;
    (key.text("CreateAccessKeyResult/AccessKey/AccessKeyId"), key.text("CreateAccessKeyResult/AccessKey/SecretAccessKey"))
}

async fn mock() -> MockSts {
    MockSts::builder().frozen_at(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()).start().await
}

#[tokio::test]
async fn users_and_access_keys_shape_what_sts_answers() {
    let mock = mock().await;
    let created = iam(&mock, &[("Action", "CreateUser"), ("UserName", "bob"), ("Path", "/ci/")], &admin()).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.root().name, "CreateUserResponse");
    assert_eq!(created.text("CreateUserResult/User/Arn"), "arn:aws:iam::123456789012:user/ci/bob");
    assert_eq!(created.text("CreateUserResult/User/CreateDate"), "2023-11-14T22:13:20Z");
    // Recorded against AWS (LocalStack snapshot, 2026): 409 "User with name bob already exists."
    let again = iam(&mock, &[("Action", "CreateUser"), ("UserName", "bob")], &admin()).await;
    assert_eq!(again.error(), (409, "EntityAlreadyExists".into(), "User with name bob already exists.".into()));

    let key = iam(&mock, &[("Action", "CreateAccessKey"), ("UserName", "bob")], &admin()).await;
    let (id, secret) =
        (key.text("CreateAccessKeyResult/AccessKey/AccessKeyId"), key.text("CreateAccessKeyResult/AccessKey/SecretAccessKey"));
    assert!(id.starts_with("AKIA") && secret.len() == 40, "{}", key.body);
    let bob = Credentials { access_key_id: &id, secret_access_key: &secret, session_token: None };
    let who = sts(&mock, &[("Action", "GetCallerIdentity")], &bob).await;
    assert_eq!(who.text("GetCallerIdentityResult/Arn"), "arn:aws:iam::123456789012:user/ci/bob");
    // The account is encoded in the new key id, as in AWS.
    let info = sts(&mock, &[("Action", "GetAccessKeyInfo"), ("AccessKeyId", &id)], &admin()).await;
    assert_eq!(info.text("GetAccessKeyInfoResult/Account"), "123456789012");

    // An Inactive key is refused by STS; Active again, it works.
    let off =
        iam(&mock, &[("Action", "UpdateAccessKey"), ("UserName", "bob"), ("AccessKeyId", &id), ("Status", "Inactive")], &admin()).await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(sts(&mock, &[("Action", "GetCallerIdentity")], &bob).await.error().1, "InvalidClientTokenId");
    iam(&mock, &[("Action", "UpdateAccessKey"), ("UserName", "bob"), ("AccessKeyId", &id), ("Status", "Active")], &admin()).await;
    assert_eq!(sts(&mock, &[("Action", "GetCallerIdentity")], &bob).await.status, 200);

    // Recorded: "Cannot exceed quota for AccessKeysPerUser: 2" (409).
    iam(&mock, &[("Action", "CreateAccessKey"), ("UserName", "bob")], &admin()).await;
    let third = iam(&mock, &[("Action", "CreateAccessKey"), ("UserName", "bob")], &admin()).await;
    assert_eq!(third.error(), (409, "LimitExceeded".into(), "Cannot exceed quota for AccessKeysPerUser: 2".into()));
    // Pasted: "Cannot delete entity, must delete access keys first." (409).
    let busy = iam(&mock, &[("Action", "DeleteUser"), ("UserName", "bob")], &admin()).await;
    assert_eq!(busy.error(), (409, "DeleteConflict".into(), "Cannot delete entity, must delete access keys first.".into()));
    let listed = iam(&mock, &[("Action", "ListAccessKeys"), ("UserName", "bob")], &admin()).await;
    let keys: Vec<String> = listed
        .root()
        .child("ListAccessKeysResult")
        .unwrap()
        .child("AccessKeyMetadata")
        .unwrap()
        .children
        .iter()
        .map(|m| m.child("AccessKeyId").unwrap().text.clone())
        .collect();
    assert_eq!(keys.len(), 2);
    for k in &keys {
        assert_eq!(iam(&mock, &[("Action", "DeleteAccessKey"), ("UserName", "bob"), ("AccessKeyId", k)], &admin()).await.status, 200);
    }
    // Recorded: "The Access Key with id ... cannot be found." (404).
    let gone_key = iam(&mock, &[("Action", "DeleteAccessKey"), ("UserName", "bob"), ("AccessKeyId", &id)], &admin()).await;
    assert_eq!(gone_key.error(), (404, "NoSuchEntity".into(), format!("The Access Key with id {id} cannot be found.")));
    assert_eq!(sts(&mock, &[("Action", "GetCallerIdentity")], &bob).await.error().1, "InvalidClientTokenId");
    assert_eq!(iam(&mock, &[("Action", "DeleteUser"), ("UserName", "bob")], &admin()).await.status, 200);
    // Recorded: "The user with name bob cannot be found." (404).
    let gone = iam(&mock, &[("Action", "GetUser"), ("UserName", "bob")], &admin()).await;
    assert_eq!(gone.error(), (404, "NoSuchEntity".into(), "The user with name bob cannot be found.".into()));
}

#[tokio::test]
async fn roles_trust_policies_and_policies() {
    let mock = mock().await;
    let (id, secret) = user_with_key(&mock, "bob").await;
    let bob = Credentials { access_key_id: &id, secret_access_key: &secret, session_token: None };

    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam(
        &mock,
        &[("Action", "CreateRole"), ("RoleName", "deploy"), ("AssumeRolePolicyDocument", trust), ("MaxSessionDuration", "7200")],
        &admin(),
    )
    .await;
    assert_eq!(role.status, 200, "{}", role.body);
    // Documented: the document comes back URL-encoded.
    assert_eq!(role.text("CreateRoleResult/Role/AssumeRolePolicyDocument"), sts_model::iam::url_encode(trust));
    // Named in the trust policy, bob may assume the role with no policy of his own (same account).
    let assumed = sts(
        &mock,
        &[
            ("Action", "AssumeRole"),
            ("RoleArn", "arn:aws:iam::123456789012:role/deploy"),
            ("RoleSessionName", "ci"),
            ("DurationSeconds", "7200"),
        ],
        &bob,
    )
    .await;
    assert_eq!(assumed.status, 200, "{}", assumed.body);

    // The new trust policy names someone else: bob is refused at once.
    let other = trust.replace("user/bob", "user/test");
    assert_eq!(
        iam(&mock, &[("Action", "UpdateAssumeRolePolicy"), ("RoleName", "deploy"), ("PolicyDocument", &other)], &admin()).await.status,
        200
    );
    let refused =
        sts(&mock, &[("Action", "AssumeRole"), ("RoleArn", "arn:aws:iam::123456789012:role/deploy"), ("RoleSessionName", "ci")], &bob)
            .await;
    assert_eq!(refused.error().1, "AccessDenied");

    // Recorded: a Resource in a trust policy, and a principal IAM cannot resolve (pasted).
    let with_resource = trust.replace(r#""Action":"sts:AssumeRole""#, r#""Action":"sts:AssumeRole","Resource":"*""#);
    let bad = iam(&mock, &[("Action", "CreateRole"), ("RoleName", "bad"), ("AssumeRolePolicyDocument", &with_resource)], &admin()).await;
    assert_eq!(bad.error(), (400, "MalformedPolicyDocument".into(), "Has prohibited field Resource".into()));
    let ghost = trust.replace("user/bob", "user/ghost");
    let bad = iam(&mock, &[("Action", "CreateRole"), ("RoleName", "bad"), ("AssumeRolePolicyDocument", &ghost)], &admin()).await;
    assert_eq!(bad.error().2, r#"Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/ghost""#);
    // The model's bound, in the 2026 wording (no value echoed).
    let short = iam(
        &mock,
        &[("Action", "CreateRole"), ("RoleName", "short"), ("AssumeRolePolicyDocument", trust), ("MaxSessionDuration", "3599")],
        &admin(),
    )
    .await;
    assert_eq!(
        short.error(),
        (400, "ValidationError".into(), "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600".into())
    );

    // Managed policies: attach, refuse to delete what is attached (recorded), detach, delete.
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let policy = iam(&mock, &[("Action", "CreatePolicy"), ("PolicyName", "read"), ("PolicyDocument", doc)], &admin()).await;
    let arn = policy.text("CreatePolicyResult/Policy/Arn");
    assert_eq!(arn, "arn:aws:iam::123456789012:policy/read");
    let dup = iam(&mock, &[("Action", "CreatePolicy"), ("PolicyName", "read"), ("PolicyDocument", doc)], &admin()).await;
    assert_eq!(
        dup.error(),
        (409, "EntityAlreadyExists".into(), "A policy called read already exists. Duplicate names are not allowed.".into())
    );
    assert_eq!(iam(&mock, &[("Action", "AttachRolePolicy"), ("RoleName", "deploy"), ("PolicyArn", &arn)], &admin()).await.status, 200);
    let missing = iam(
        &mock,
        &[("Action", "AttachRolePolicy"), ("RoleName", "deploy"), ("PolicyArn", "arn:aws:iam::123456789012:policy/none")],
        &admin(),
    )
    .await;
    assert_eq!(
        missing.error(),
        (404, "NoSuchEntity".into(), "Policy arn:aws:iam::123456789012:policy/none does not exist or is not attachable.".into())
    );
    let attached = iam(&mock, &[("Action", "DeletePolicy"), ("PolicyArn", &arn)], &admin()).await;
    assert_eq!(attached.error(), (409, "DeleteConflict".into(), "Cannot delete a policy attached to entities.".into()));
    let busy = iam(&mock, &[("Action", "DeleteRole"), ("RoleName", "deploy")], &admin()).await;
    assert_eq!(busy.error(), (409, "DeleteConflict".into(), "Cannot delete entity, must detach all policies first.".into()));
    assert_eq!(iam(&mock, &[("Action", "DetachRolePolicy"), ("RoleName", "deploy"), ("PolicyArn", &arn)], &admin()).await.status, 200);
    let again = iam(&mock, &[("Action", "DetachRolePolicy"), ("RoleName", "deploy"), ("PolicyArn", &arn)], &admin()).await;
    assert_eq!(again.error(), (404, "NoSuchEntity".into(), format!("Policy {arn} was not found.")));
    assert_eq!(iam(&mock, &[("Action", "DeletePolicy"), ("PolicyArn", &arn)], &admin()).await.status, 200);
    assert_eq!(iam(&mock, &[("Action", "DeleteRole"), ("RoleName", "deploy")], &admin()).await.status, 200);
    let gone = iam(&mock, &[("Action", "GetRole"), ("RoleName", "deploy")], &admin()).await;
    assert_eq!(gone.error(), (404, "NoSuchEntity".into(), "The role with name deploy cannot be found.".into()));
}

#[tokio::test]
async fn iam_calls_need_iam_permissions_and_iams_scope() {
    let mock = mock().await;
    let (id, secret) = user_with_key(&mock, "bob").await;
    let bob = Credentials { access_key_id: &id, secret_access_key: &secret, session_token: None };
    let denied = iam(&mock, &[("Action", "CreateUser"), ("UserName", "eve")], &bob).await;
    assert_eq!(
        denied.error(),
        (
            403,
            "AccessDenied".into(),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/eve because no identity-based policy allows the iam:CreateUser action".into()
        )
    );
    // IAM signs in us-east-1 whatever the endpoint; a wrong Version is an unknown operation.
    let wrong_region = post(&mock, "iam", "eu-west-1", &[("Action", "ListUsers"), ("Version", "2010-05-08")], Some(&admin())).await;
    assert_eq!(wrong_region.error().1, "SignatureDoesNotMatch");
    let wrong_version = iam(&mock, &[("Action", "ListUsers"), ("Version", "2011-06-15")], &admin()).await;
    assert_eq!(wrong_version.error().1, "InvalidQueryParameter", "Version given twice");
    let version = post(&mock, "iam", "us-east-1", &[("Action", "ListUsers"), ("Version", "2011-06-15")], Some(&admin())).await;
    assert_eq!(version.error(), (400, "InvalidAction".into(), "Could not find operation ListUsers for version 2011-06-15".into()));
    // IAM's envelope and namespace.
    assert!(version.body.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"), "{}", version.body);
    let listed = iam(&mock, &[("Action", "ListUsers")], &admin()).await;
    assert!(listed.body.contains("<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"), "{}", listed.body);
    assert!(listed.body.contains("<UserName>bob</UserName>") && listed.body.contains("<IsTruncated>false</IsTruncated>"));
}

/// Posts JSON to the mock's admin API.
async fn admin_api(mock: &MockSts, path: &str, body: serde_json::Value) -> serde_json::Value {
    let response = reqwest::Client::new().post(format!("{}/__sts/{path}", mock.uri())).body(body.to_string()).send().await.unwrap();
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn identity_providers_created_over_iam_serve_federation() {
    let mock = mock().await;
    // OIDC: the provider is usable at once by AssumeRoleWithWebIdentity (tokens of the test IdP).
    let created = iam(
        &mock,
        &[("Action", "CreateOpenIDConnectProvider"), ("Url", "https://issuer.example"), ("ClientIDList.member.1", "app")],
        &admin(),
    )
    .await;
    let arn = created.text("CreateOpenIDConnectProviderResult/OpenIDConnectProviderArn");
    assert_eq!(arn, "arn:aws:iam::123456789012:oidc-provider/issuer.example");
    let got = iam(&mock, &[("Action", "GetOpenIDConnectProvider"), ("OpenIDConnectProviderArn", &arn)], &admin()).await;
    assert_eq!(got.text("GetOpenIDConnectProviderResult/Url"), "issuer.example");
    // Recorded wordings.
    let dup = iam(&mock, &[("Action", "CreateOpenIDConnectProvider"), ("Url", "https://issuer.example")], &admin()).await;
    assert_eq!(dup.error(), (409, "EntityAlreadyExists".into(), "Provider with url https://issuer.example already exists.".into()));
    let schemeless = iam(&mock, &[("Action", "CreateOpenIDConnectProvider"), ("Url", "issuer.example")], &admin()).await;
    assert_eq!(schemeless.error(), (400, "ValidationError".into(), "Invalid Open ID Connect Provider URL".into()));
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{arn}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
    );
    iam(&mock, &[("Action", "CreateRole"), ("RoleName", "ci"), ("AssumeRolePolicyDocument", &trust)], &admin()).await;
    let token =
        admin_api(&mock, "oidc/tokens", serde_json::json!({"issuer": "https://issuer.example", "sub": "repo:org/app", "aud": "app"})).await;
    let web = post(
        &mock,
        "sts",
        "us-east-1",
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/ci"),
            ("RoleSessionName", "ci"),
            ("WebIdentityToken", token["token"].as_str().unwrap()),
        ],
        None,
    )
    .await;
    assert_eq!(web.status, 200, "{}", web.body);
    assert_eq!(iam(&mock, &[("Action", "DeleteOpenIDConnectProvider"), ("OpenIDConnectProviderArn", &arn)], &admin()).await.status, 200);
    let gone = iam(&mock, &[("Action", "GetOpenIDConnectProvider"), ("OpenIDConnectProviderArn", &arn)], &admin()).await;
    assert_eq!(gone.error(), (404, "NoSuchEntity".into(), format!("OpenIDConnect Provider not found for arn {arn}")));

    // SAML: the provider takes its signing certificate from the metadata, so assertions of the
    // test IdP verify.
    let body: String = sts_model::saml::TEST_CERTIFICATE.lines().filter(|l| !l.starts_with("-----")).collect();
    let metadata = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>"#
    );
    let saml = iam(&mock, &[("Action", "CreateSAMLProvider"), ("Name", "corp"), ("SAMLMetadataDocument", &metadata)], &admin()).await;
    let saml_arn = saml.text("CreateSAMLProviderResult/SAMLProviderArn");
    assert_eq!(saml_arn, "arn:aws:iam::123456789012:saml-provider/corp");
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{saml_arn}"}},"Action":"sts:AssumeRoleWithSAML"}}]}}"#
    );
    iam(&mock, &[("Action", "CreateRole"), ("RoleName", "sso"), ("AssumeRolePolicyDocument", &trust)], &admin()).await;
    let assertion = admin_api(
        &mock,
        "saml/assertions",
        serde_json::json!({"issuer": "https://idp.example.com/saml", "role_arn": "arn:aws:iam::123456789012:role/sso", "principal_arn": saml_arn, "session_name": "alice"}),
    )
    .await;
    let federated = post(
        &mock,
        "sts",
        "us-east-1",
        &[
            ("Action", "AssumeRoleWithSAML"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/sso"),
            ("PrincipalArn", &saml_arn),
            ("SAMLAssertion", assertion["assertion"].as_str().unwrap()),
        ],
        None,
    )
    .await;
    assert_eq!(federated.status, 200, "{}", federated.body);
    let got = iam(&mock, &[("Action", "GetSAMLProvider"), ("SAMLProviderArn", &saml_arn)], &admin()).await;
    assert_eq!(got.text("GetSAMLProviderResult/SAMLMetadataDocument"), metadata);
    assert_eq!(iam(&mock, &[("Action", "DeleteSAMLProvider"), ("SAMLProviderArn", &saml_arn)], &admin()).await.status, 200);
    let gone = iam(&mock, &[("Action", "GetSAMLProvider"), ("SAMLProviderArn", &saml_arn)], &admin()).await;
    assert_eq!(gone.error(), (404, "NoSuchEntity".into(), format!("Manifest not found for arn {saml_arn}")));
}

#[tokio::test]
async fn virtual_mfa_devices_enabled_over_iam_serve_sts() {
    use base64::Engine;
    let mock = mock().await;
    let now = mock.clock().now();
    let (id, secret) = user_with_key(&mock, "bob").await;
    let bob = Credentials { access_key_id: &id, secret_access_key: &secret, session_token: None };
    let device = iam(&mock, &[("Action", "CreateVirtualMFADevice"), ("VirtualMFADeviceName", "bob-phone")], &admin()).await;
    let serial = device.text("CreateVirtualMFADeviceResult/VirtualMFADevice/SerialNumber");
    assert_eq!(serial, "arn:aws:iam::123456789012:mfa/bob-phone");
    let seed = base64::engine::general_purpose::STANDARD
        .decode(device.text("CreateVirtualMFADeviceResult/VirtualMFADevice/Base32StringSeed"))
        .unwrap();
    let seed = String::from_utf8(seed).unwrap();
    let code = |at| sts_model::world::totp(&seed, at).unwrap();
    let step = sts_model::time::Duration::seconds(30);

    let wrong = iam(
        &mock,
        &[
            ("Action", "EnableMFADevice"),
            ("UserName", "bob"),
            ("SerialNumber", &serial),
            ("AuthenticationCode1", "000000"),
            ("AuthenticationCode2", "111111"),
        ],
        &admin(),
    )
    .await;
    assert_eq!(wrong.error(), (403, "InvalidAuthenticationCode".into(), "Authentication code for device is not valid.".into()));
    let (first, second) = (code(now - step), code(now));
    let enabled = iam(
        &mock,
        &[
            ("Action", "EnableMFADevice"),
            ("UserName", "bob"),
            ("SerialNumber", &serial),
            ("AuthenticationCode1", &first),
            ("AuthenticationCode2", &second),
        ],
        &admin(),
    )
    .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    // The device is bob's for STS now.
    let with_mfa = sts(&mock, &[("Action", "GetSessionToken"), ("SerialNumber", &serial), ("TokenCode", &code(now))], &bob).await;
    assert_eq!(with_mfa.status, 200, "{}", with_mfa.body);
    // Pasted: a user with an MFA device cannot be deleted.
    iam(&mock, &[("Action", "DeleteAccessKey"), ("UserName", "bob"), ("AccessKeyId", &id)], &admin()).await;
    let busy = iam(&mock, &[("Action", "DeleteUser"), ("UserName", "bob")], &admin()).await;
    assert_eq!(busy.error(), (409, "DeleteConflict".into(), "Cannot delete entity, must delete MFA device first.".into()));
    assert_eq!(
        iam(&mock, &[("Action", "DeactivateMFADevice"), ("UserName", "bob"), ("SerialNumber", &serial)], &admin()).await.status,
        200
    );
    // Recorded wording.
    let again = iam(&mock, &[("Action", "DeactivateMFADevice"), ("UserName", "bob"), ("SerialNumber", &serial)], &admin()).await;
    assert_eq!(again.error(), (404, "NoSuchEntity".into(), format!("MFA Device with serial number {serial} does not exist.")));
    let dup = iam(&mock, &[("Action", "CreateVirtualMFADevice"), ("VirtualMFADeviceName", "bob-phone")], &admin()).await;
    assert_eq!(dup.error(), (409, "EntityAlreadyExists".into(), "MFA device already exists.".into()));
    assert_eq!(iam(&mock, &[("Action", "DeleteUser"), ("UserName", "bob")], &admin()).await.status, 200);
}
