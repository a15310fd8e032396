//! The Rust SDK's web-identity credentials provider (`aws-config`, the IRSA / GitHub Actions path)
//! end to end against `MockSts`: it reads a token file minted by the mock's test OIDC provider,
//! calls AssumeRoleWithWebIdentity, signs with the result, and re-reads the file when it refreshes.
//!
//! A file of its own: it configures the provider through process environment variables.

use std::time::SystemTime;

use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use sts_mock::{Clock, MockSts};
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::{OidcProvider, Role};

#[derive(Debug)]
struct MockTime(Clock);

impl TimeSource for MockTime {
    fn now(&self) -> SystemTime {
        self.0.now().into()
    }
}

const ISSUER: &str = "https://token.actions.githubusercontent.com";
const ROLE: &str = "arn:aws:iam::123456789012:role/deploy";

#[tokio::test]
async fn the_sdk_web_identity_provider_assumes_the_role_and_refreshes_with_a_new_token() {
    let mut world = sts_mock::default_world();
    world
        .add_oidc_provider(
            "123456789012",
            OidcProvider {
                url: ISSUER.into(),
                client_ids: vec!["sts.amazonaws.com".into()],
                jwks: None,
                context_provider: false,
                thumbprints: vec![],
                created: None,
            },
        )
        .unwrap();
    world
        .add_role(
            "123456789012",
            Role::new("deploy")
                .trust("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com")
                .trust_conditions(r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}"#)
                .unwrap(),
        )
        .unwrap();
    let sts = MockSts::builder().world(world).frozen_at(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()).start().await;
    let dir = std::env::temp_dir().join(format!("sts-harness-web-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    let mint = |sub: &str| sts.oidc(ISSUER).token().sub(sub).aud("sts.amazonaws.com").exp_in(3600).sign();
    std::fs::write(&token_file, mint("repo:org/app:ref:refs/heads/main")).unwrap();

    // SAFETY: set before any other thread of this test binary reads the environment (one test here).
    unsafe {
        std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
        std::env::set_var("AWS_ROLE_ARN", ROLE);
        std::env::set_var("AWS_ROLE_SESSION_NAME", "gha");
        std::env::set_var("AWS_ENDPOINT_URL_STS", sts.uri());
    }
    let http = aws_smithy_http_client::Builder::new().build_http();
    let time = SharedTimeSource::new(MockTime(sts.clock()));
    let provider_config =
        ProviderConfig::default().with_region(Some(Region::new("us-east-1"))).with_http_client(http.clone()).with_time_source(time.clone());
    let provider = WebIdentityTokenCredentialsProvider::builder().configure(&provider_config).build();
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(sts.uri())
        .http_client(http)
        .time_source(time)
        .credentials_provider(provider)
        .build();
    let client = aws_sdk_sts::Client::from_conf(config);

    let me = client.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::123456789012:assumed-role/deploy/gha"));
    let calls = || sts.journal().calls_to("AssumeRoleWithWebIdentity");
    assert_eq!(calls().len(), 1);
    assert!(calls()[0].succeeded());

    // An hour later the credentials and the first token have expired; the CI system wrote a new token.
    sts.clock().advance(Duration::minutes(61));
    std::fs::write(&token_file, mint("repo:org/app:ref:refs/heads/release")).unwrap();
    let me = client.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::123456789012:assumed-role/deploy/gha"));
    assert_eq!(calls().len(), 2, "refreshed with the new token");
    assert!(calls().iter().all(|c| c.succeeded()));

    // A token whose subject the trust policy does not allow: the provider surfaces AccessDenied.
    sts.clock().advance(Duration::minutes(61));
    std::fs::write(&token_file, mint("repo:someone/else:ref:refs/heads/main")).unwrap();
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert!(format!("{err:?}").contains("Not authorized to perform sts:AssumeRoleWithWebIdentity"), "{err:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
