//! The official Rust SDK (`aws-sdk-sts`, `aws-config`) against `MockSts`: every operation it can call
//! succeeds and parses, errors come back as the SDK's typed errors, and `AssumeRoleProvider`
//! refreshes credentials when the mock clock passes expiry minus the SDK's buffer. The SDK's time
//! source is the mock clock, as a test of refresh logic would set it.

use std::time::SystemTime;

use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::Credentials;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_async::time::TimeSource;
use sts_mock::{Clock, MockSts};
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::{Role, User, World};

/// The SDK reads time from the mock clock.
#[derive(Debug)]
struct MockTime(Clock);

impl TimeSource for MockTime {
    fn now(&self) -> SystemTime {
        self.0.now().into()
    }
}

const ACCOUNT: &str = "123456789012";

fn world() -> World {
    let mut w = sts_mock::default_world();
    w.account_mut(ACCOUNT).unwrap().outbound_web_identity_federation = true;
    w.add_user(
        "111111111111",
        User::new("admin")
            .access_key("AKIAQEAAAAAAAAAAAAAA", "admin-secret-admin-secret-admin-secret-0")
            .inline_policy(sts_mock::DEFAULT_POLICY),
    )
    .unwrap();
    w.account_mut("111111111111").unwrap().root_access_admin = true;
    w.add_account("222222222222").unwrap().management_account = Some("111111111111".into());
    w.add_managed_policy(format!("arn:aws:iam::{ACCOUNT}:policy/p"), r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    w.add_role(ACCOUNT, Role::new("chain-target").trust(format!("arn:aws:iam::{ACCOUNT}:role/test-role"))).unwrap();
    w
}

async fn mock() -> MockSts {
    MockSts::builder().world(world()).frozen_at(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()).start().await
}

async fn sdk_config(sts: &MockSts, key: &str, secret: &str, token: Option<String>) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(sts.uri())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key, secret, token, None, "mock"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .time_source(SharedTimeSource::new(MockTime(sts.clock())))
        .load()
        .await
}

async fn client(sts: &MockSts) -> aws_sdk_sts::Client {
    let (key, secret) = sts.default_credentials();
    aws_sdk_sts::Client::new(&sdk_config(sts, key, secret, None).await)
}

#[tokio::test]
async fn every_operation_the_sdk_calls_succeeds_and_parses() {
    let sts = mock().await;
    let c = client(&sts).await;

    let me = c.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/test"));

    let role = c
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/test-role"))
        .role_session_name("sdk")
        .duration_seconds(7200)
        // The session policy bounds the chained call below too (a role session named in a trust
        // policy by its role's ARN stays bounded by its session policies).
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Resource":"*"}]}"#)
        .tags(Tag::builder().key("Project").value("Pegasus").build().unwrap())
        .transitive_tag_keys("Project")
        .source_identity("sdk-user")
        .send()
        .await
        .unwrap();
    let creds = role.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    assert_eq!(SystemTime::try_from(*creds.expiration()).unwrap(), SystemTime::from(sts.clock().now() + Duration::hours(2)));
    assert_eq!(role.assumed_role_user().unwrap().arn(), "arn:aws:sts::123456789012:assumed-role/test-role/sdk");
    // Deprecated in the model since 1.44.8 (SessionTokenUtilization replaces it), still answered.
    #[allow(deprecated)]
    let packed_policy_size = role.packed_policy_size();
    assert!(packed_policy_size.is_some());
    assert_eq!(role.source_identity(), Some("sdk-user"));
    assert!(role.session_token_size().unwrap() > 0);

    // The role session signs a chained AssumeRole (capped at one hour) and GetCallerIdentity.
    let session = aws_sdk_sts::Client::new(
        &sdk_config(&sts, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token().to_string())).await,
    );
    let chained =
        session.assume_role().role_arn(format!("arn:aws:iam::{ACCOUNT}:role/chain-target")).role_session_name("hop").send().await.unwrap();
    assert_eq!(chained.source_identity(), Some("sdk-user"));
    let who = session.get_caller_identity().send().await.unwrap();
    assert!(who.user_id().unwrap().ends_with(":sdk"));

    let gst = c.get_session_token().duration_seconds(900).send().await.unwrap();
    assert!(gst.credentials().is_some());
    let gft = c
        .get_federation_token()
        .name("fed-user")
        .policy_arns(PolicyDescriptorType::builder().arn(format!("arn:aws:iam::{ACCOUNT}:policy/p")).build())
        .send()
        .await
        .unwrap();
    assert_eq!(gft.federated_user().unwrap().arn(), "arn:aws:sts::123456789012:federated-user/fed-user");
    let info = c.get_access_key_info().access_key_id(creds.access_key_id()).send().await.unwrap();
    assert_eq!(info.account(), Some(ACCOUNT));

    // An AccessDenied leaves a message DecodeAuthorizationMessage decodes.
    let denied =
        c.assume_role().role_arn(format!("arn:aws:iam::{ACCOUNT}:role/chain-target")).role_session_name("denied").send().await.unwrap_err();
    assert_eq!(denied.code(), Some("AccessDenied"));
    let encoded = sts.with_sts(|s| s.authorization_messages().last().unwrap().to_owned());
    let decoded = c.decode_authorization_message().encoded_message(encoded).send().await.unwrap();
    assert!(decoded.decoded_message().unwrap().contains("sts:AssumeRole"));

    let jwt = c.get_web_identity_token().audience("https://api.example").signing_algorithm("ES384").send().await.unwrap();
    assert_eq!(jwt.web_identity_token().unwrap().split('.').count(), 3);

    let token = sts.with_sts(|s| {
        s.issue_trade_in_token(&format!("arn:aws:iam::{ACCOUNT}:role/test-role"), s_now(&sts) + Duration::minutes(5)).unwrap()
    });
    let delegated = c.get_delegated_access_token().trade_in_token(token).send().await.unwrap();
    assert!(delegated.assumed_principal().unwrap().contains("assumed-role/test-role/"));

    let admin = aws_sdk_sts::Client::new(&sdk_config(&sts, "AKIAQEAAAAAAAAAAAAAA", "admin-secret-admin-secret-admin-secret-0", None).await);
    let root = admin
        .assume_root()
        .target_principal("222222222222")
        .task_policy_arn(PolicyDescriptorType::builder().arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials").build())
        .send()
        .await
        .unwrap();
    assert!(root.credentials().is_some());
}

fn s_now(sts: &MockSts) -> OffsetDateTime {
    sts.clock().now()
}

#[tokio::test]
async fn errors_come_back_as_the_sdks_typed_errors() {
    let sts = mock().await;
    let c = client(&sts).await;
    let err = c
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/test-role"))
        .role_session_name("bad")
        .policy("{not json")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, AssumeRoleError::MalformedPolicyDocumentException(_)), "{err:?}");

    let err =
        c.assume_role().role_arn(format!("arn:aws:iam::{ACCOUNT}:role/test-role")).role_session_name("bad name").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert!(err.message().unwrap().contains("Member must satisfy regular expression pattern"));

    sts.with_world(|w| w.account_mut(ACCOUNT).unwrap().disabled_regions.insert("us-east-1".into()));
    let err = c.get_session_token().send().await.unwrap_err().into_service_error();
    assert!(err.is_region_disabled_exception(), "{err:?}");
}

#[tokio::test]
async fn assume_role_provider_refreshes_when_the_mock_clock_passes_expiry_minus_the_buffer() {
    let sts = mock().await;
    let (key, secret) = sts.default_credentials();
    let base = sdk_config(&sts, key, secret, None).await;
    let provider = AssumeRoleProvider::builder(format!("arn:aws:iam::{ACCOUNT}:role/test-role"))
        .session_name("provider")
        .session_length(std::time::Duration::from_secs(3600))
        .configure(&base)
        .build()
        .await;
    // A client that signs with the provider's credentials, cached by the SDK's identity cache.
    let conf = aws_sdk_sts::config::Builder::from(&base).credentials_provider(provider).build();
    let c = aws_sdk_sts::Client::from_conf(conf);
    let assume_roles = || sts.journal().calls_to("AssumeRole").len();

    c.get_caller_identity().send().await.unwrap();
    c.get_caller_identity().send().await.unwrap();
    assert_eq!(assume_roles(), 1, "credentials are cached");

    sts.clock().advance(Duration::minutes(30));
    c.get_caller_identity().send().await.unwrap();
    assert_eq!(assume_roles(), 1, "still fresh at half-life");

    // One second before expiry is inside any buffer the SDK uses (10 s by default): it refreshes.
    sts.clock().advance(Duration::minutes(30) - Duration::seconds(1));
    let who = c.get_caller_identity().send().await.unwrap();
    assert_eq!(assume_roles(), 2, "refreshed before expiry");
    assert!(who.arn().unwrap().ends_with("assumed-role/test-role/provider"));
    let failures: Vec<_> = sts.journal().calls().into_iter().filter(|c| !c.succeeded()).collect();
    assert!(failures.is_empty(), "no call ever used expired credentials: {failures:?}");
}

/// The Rust SDK over HTTPS: a mock started with `tls()` serves a certificate generated at start,
/// the SDK trusts it through its PEM (`sts.ca_pem()`), and calls succeed. An SDK that trusts only
/// the platform's roots fails at the transport, before any STS answer.
#[tokio::test]
async fn the_sdk_calls_a_tls_mock_trusting_its_generated_certificate() {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    let sts = MockSts::builder().world(world()).tls().start().await;
    assert!(sts.uri().starts_with("https://127.0.0.1:"), "{}", sts.uri());
    let pem = sts.ca_pem().expect("a TLS mock has a certificate").to_owned();
    let https = |trust: TrustStore| {
        aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(TlsContext::builder().with_trust_store(trust).build().unwrap())
            .build_https()
    };
    let (key, secret) = sts.default_credentials();
    let config = |http| {
        aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(sts.uri())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, None, None, "mock"))
            .http_client(http)
            .build()
    };
    let trusted = aws_sdk_sts::Client::from_conf(config(https(TrustStore::empty().with_pem_certificate(pem.as_bytes()))));
    let me = trusted.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/test"));
    let role = trusted.assume_role().role_arn("arn:aws:iam::123456789012:role/test-role").role_session_name("tls").send().await.unwrap();
    assert!(role.credentials().unwrap().access_key_id().starts_with("ASIA"));

    let untrusted = aws_sdk_sts::Client::from_conf(config(https(TrustStore::default())));
    let err = untrusted.get_caller_identity().send().await.unwrap_err();
    assert!(matches!(err, aws_sdk_sts::error::SdkError::DispatchFailure(_)), "{err:?}");
}
