//! The model mounted on a user's own wiremock server: the official Rust SDK gets STS answers from
//! the responder while another route of the same server answers as an ordinary wiremock mock.

use aws_credential_types::Credentials;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::ProvideErrorMetadata;
use sts_model::time::{Duration, OffsetDateTime};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The SDK reads time from the responder's clock.
#[derive(Debug)]
struct MockTime(sts_mock::Clock);

impl aws_smithy_async::time::TimeSource for MockTime {
    fn now(&self) -> std::time::SystemTime {
        self.0.now().into()
    }
}

#[tokio::test]
async fn one_mock_server_answers_sts_through_the_responder_and_another_service_as_usual() {
    let server = MockServer::start().await;
    let sts = sts_mock::MockSts::builder().responder();
    Mock::given(method("POST")).and(path("/")).respond_with(sts.clone()).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/profile"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"name\":\"alice\"}"))
        .mount(&server)
        .await;

    let (key, secret) = sts.default_credentials();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(server.uri())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "wiremock"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        // The SDK reads time from the mock's clock, so moving it keeps signatures current.
        .time_source(aws_smithy_async::time::SharedTimeSource::new(MockTime(sts.clock())))
        .load()
        .await;
    let client = aws_sdk_sts::Client::new(&config);

    let me = client.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/test"));
    let assumed = client.assume_role().role_arn("arn:aws:iam::123456789012:role/test-role").role_session_name("wire").send().await.unwrap();
    assert_eq!(assumed.assumed_role_user().unwrap().arn(), "arn:aws:sts::123456789012:assumed-role/test-role/wire");
    let expiration = assumed.credentials().unwrap().expiration();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    assert!((expiration.secs() - (now + 3600)).abs() < 60, "one hour from now: {expiration:?}");

    // The model's rules hold through wiremock: an unknown role is AccessDenied.
    let err = client.assume_role().role_arn("arn:aws:iam::123456789012:role/nope").role_session_name("xy").send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    // Faults and the journal are the model's.
    sts.faults().throttle(None, 1);
    let throttled = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config).retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled()).build(),
    );
    assert_eq!(throttled.get_caller_identity().send().await.unwrap_err().code(), Some("Throttling"));
    let operations: Vec<_> = sts.journal().calls().into_iter().filter_map(|c| c.operation).collect();
    assert_eq!(operations, ["GetCallerIdentity", "AssumeRole", "AssumeRole", "GetCallerIdentity"]);

    // The same server's ordinary mock still answers its own route.
    let profile = reqwest::get(format!("{}/profile", server.uri())).await.unwrap().text().await.unwrap();
    assert_eq!(profile, "{\"name\":\"alice\"}");

    // Moving the clock expires the session the SDK got, as on AWS.
    sts.clock().advance(Duration::hours(2));
    let c = assumed.credentials().unwrap();
    let session = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config)
            .credentials_provider(Credentials::new(c.access_key_id(), c.secret_access_key(), Some(c.session_token().into()), None, "s"))
            .build(),
    );
    let err = session.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ExpiredToken"), "{err:?}");
}
