//! One criterion group per layer of a call: decode (form to typed request), model (each operation,
//! with and without session policies and tags), packed (the packed size alone), encode (XML),
//! sigv4 (verify), the whole in-process pipeline (decode + model + encode), and the mock's handling
//! of a signed HTTP request (`Service::handle`: SigV4 and journal too, no HTTP library).
//! Throughput is in elements, so results read as operations per second.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use sts_harness::mock::in_process::answer;
use sts_harness::mock::{
    Clock, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCOUNT, DEFAULT_JOURNAL_CAPACITY, DEFAULT_SECRET_ACCESS_KEY, HttpRequest, Service, default_world,
};
use sts_harness::model::packed::packed_policy_size;
use sts_harness::model::request::*;
use sts_harness::model::time::OffsetDateTime;
use sts_harness::model::world::{OidcProvider, Role, SamlProvider, User, World};
use sts_harness::model::{Caller, Request, Sts, Tag};
use sts_harness::model::{oidc, saml};
use sts_harness::wire::{query, sigv4, xml};

const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#;
const ACCOUNT: &str = "123456789012";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";
const ISSUER: &str = "https://oidc.example.com";
const SAML_ENTITY: &str = "https://idp.example.com/saml";

fn provider_arn(kind: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}")
}

/// A world where every operation succeeds: a user and a role, an OIDC and a SAML provider with a
/// role trusting each, a role nobody may assume (for an authorization message), and an
/// organization whose management account may call AssumeRoot on a member.
/// Lets a principal call STS.
const STS_CALLER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;

fn fixture() -> (Sts, Caller) {
    let mut world = World::default();
    // IAM grants nothing by default: the callers may call STS (the roles trust the account).
    let key = world.add_user(ACCOUNT, User::new("bench").inline_policy(STS_CALLER)).unwrap().access_keys[0].access_key_id.clone();
    world.add_role(ACCOUNT, Role::new("demo").max_session_duration(43200).inline_policy(STS_CALLER)).unwrap();
    world.add_role(ACCOUNT, Role::new("private").trust(format!("arn:aws:iam::{ACCOUNT}:user/nobody"))).unwrap();
    world
        .add_oidc_provider(
            ACCOUNT,
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
    world.add_role(ACCOUNT, Role::new("ci").trust(provider_arn("oidc-provider/oidc.example.com"))).unwrap();
    world
        .add_saml_provider(
            ACCOUNT,
            SamlProvider {
                name: "corp".into(),
                entity_id: SAML_ENTITY.into(),
                certificate_pem: saml::TEST_CERTIFICATE.into(),
                context_provider: false,
                metadata_document: None,
                created: None,
            },
        )
        .unwrap();
    world.add_role(ACCOUNT, Role::new("federated").trust(provider_arn("saml-provider/corp"))).unwrap();
    world.account_mut(ACCOUNT).unwrap().outbound_web_identity_federation = true;
    world.add_user(MANAGEMENT, User::new("admin").inline_policy(STS_CALLER)).unwrap();
    world.account_mut(MANAGEMENT).unwrap().root_access_admin = true;
    world.add_account(MEMBER).unwrap().management_account = Some(MANAGEMENT.into());
    (Sts::new(world, 1), Caller::access_key(key))
}

fn tags() -> Vec<Tag> {
    vec![Tag::new("Project", "Pegasus"), Tag::new("Cost-Center", "12345"), Tag::new("Team", "Automation")]
}

fn assume_role(with_extras: bool) -> AssumeRoleRequest {
    let mut r = AssumeRoleRequest {
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/demo"),
        role_session_name: "bench".into(),
        ..Default::default()
    };
    if with_extras {
        r.policy = Some(POLICY.into());
        r.tags = Some(tags());
        r.transitive_tag_keys = Some(vec!["Project".into()]);
    }
    r
}

/// AssumeRoleWithWebIdentity with an RS256 token; with extras, the token carries three session
/// tags and the call an inline session policy.
fn assume_role_with_web_identity(with_extras: bool) -> AssumeRoleWithWebIdentityRequest {
    let mut token = oidc::TokenBuilder::new(ISSUER, now()).sub("repo:org/app:ref:refs/heads/main").aud("sts.amazonaws.com");
    if with_extras {
        token = token.tags(&[("Project", "Pegasus"), ("Cost-Center", "12345"), ("Team", "Automation")], &["Project"]);
    }
    AssumeRoleWithWebIdentityRequest {
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/ci"),
        role_session_name: "bench".into(),
        web_identity_token: token.sign(),
        policy: with_extras.then(|| POLICY.into()),
        ..Default::default()
    }
}

/// AssumeRoleWithSAML with a signed assertion; with extras, three session tags in the assertion
/// and an inline session policy.
fn assume_role_with_saml(with_extras: bool) -> AssumeRoleWithSamlRequest {
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/federated");
    let mut assertion =
        saml::AssertionBuilder::new(SAML_ENTITY, now()).role(&role_arn, &provider_arn("saml-provider/corp")).session_name("alice");
    if with_extras {
        for tag in tags() {
            assertion = assertion.tag(&tag.key, &tag.value);
        }
        assertion = assertion.transitive(&["Project"]);
    }
    AssumeRoleWithSamlRequest {
        role_arn,
        principal_arn: provider_arn("saml-provider/corp"),
        saml_assertion: assertion.sign(),
        policy: with_extras.then(|| POLICY.into()),
        ..Default::default()
    }
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    for (name, request) in [
        ("GetCallerIdentity", Request::GetCallerIdentity),
        ("AssumeRole", Request::AssumeRole(assume_role(false))),
        ("AssumeRole_policy_tags", Request::AssumeRole(assume_role(true))),
    ] {
        let body = query::encode_request(&request);
        g.bench_function(name, |b| b.iter(|| query::decode_form(black_box(body.as_bytes())).unwrap()));
    }
    g.finish();
}

/// Each operation, called on the model directly (`Sts::call`), with and without session policies
/// and tags where the operation takes them.
/// Runs `iters` calls a thousand at a time; `batch(n)` prepares its inputs untimed and returns the
/// time of its `n` timed calls.
fn in_batches(iters: u64, mut batch: impl FnMut(u64) -> Duration) -> Duration {
    let mut elapsed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(1000);
        left -= n;
        elapsed += batch(n);
    }
    elapsed
}

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(1));
    let (sts, user) = fixture();
    let admin = Caller::access_key(sts.world().user(MANAGEMENT, "admin").unwrap().access_keys[0].access_key_id.clone());
    let anonymous = Caller::Anonymous;
    let get_web_identity_token = |algorithm: &str| {
        Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
            audience: vec!["aud".into()],
            signing_algorithm: algorithm.into(),
            ..Default::default()
        })
    };
    let cases: Vec<(&str, &Caller, Request)> = vec![
        ("GetCallerIdentity", &user, Request::GetCallerIdentity),
        ("AssumeRole", &user, Request::AssumeRole(assume_role(false))),
        ("AssumeRole_policy_tags", &user, Request::AssumeRole(assume_role(true))),
        ("AssumeRoleWithWebIdentity", &anonymous, Request::AssumeRoleWithWebIdentity(assume_role_with_web_identity(false))),
        ("AssumeRoleWithWebIdentity_policy_tags", &anonymous, Request::AssumeRoleWithWebIdentity(assume_role_with_web_identity(true))),
        ("AssumeRoleWithSAML", &anonymous, Request::AssumeRoleWithSaml(assume_role_with_saml(false))),
        ("AssumeRoleWithSAML_policy_tags", &anonymous, Request::AssumeRoleWithSaml(assume_role_with_saml(true))),
        (
            "AssumeRoot",
            &admin,
            Request::AssumeRoot(AssumeRootRequest {
                target_principal: MEMBER.into(),
                task_policy_arn: PolicyDescriptor::new("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                ..Default::default()
            }),
        ),
        ("GetSessionToken", &user, Request::GetSessionToken(GetSessionTokenRequest::default())),
        ("GetFederationToken", &user, Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), ..Default::default() })),
        (
            "GetFederationToken_policy_tags",
            &user,
            Request::GetFederationToken(GetFederationTokenRequest {
                name: "fed".into(),
                policy: Some(POLICY.into()),
                tags: Some(tags()),
                ..Default::default()
            }),
        ),
        ("GetAccessKeyInfo", &user, Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: "ASIAY34FZKBOKMUTVV7A".into() })),
        ("GetWebIdentityToken_RS256", &user, get_web_identity_token("RS256")),
        ("GetWebIdentityToken_ES384", &user, get_web_identity_token("ES384")),
    ];
    for (name, caller, request) in cases {
        let (mut sts, _) = fixture();
        sts.call(now(), caller, request.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        g.bench_with_input(BenchmarkId::from_parameter(name), &request, |b, r| b.iter(|| sts.call(now(), caller, r.clone()).unwrap()));
    }

    // DecodeAuthorizationMessage: the message an AccessDenied answer left.
    let (mut sts, _) = fixture();
    let denied = AssumeRoleRequest { role_arn: format!("arn:aws:iam::{ACCOUNT}:role/private"), ..assume_role(false) };
    sts.call(now(), &user, Request::AssumeRole(denied)).expect_err("nobody may assume the private role");
    let encoded_message = sts.authorization_messages().last().unwrap().to_owned();
    let request = Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message });
    g.bench_function("DecodeAuthorizationMessage", |b| b.iter(|| sts.call(now(), &user, black_box(&request).clone()).unwrap()));

    // GetDelegatedAccessToken: a trade-in token is good once, so each call gets a fresh one,
    // issued (untimed) a thousand at a time.
    let (mut sts, _) = fixture();
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/demo");
    g.bench_function("GetDelegatedAccessToken", |b| {
        b.iter_custom(|iters| {
            in_batches(iters, |batch| {
                let tokens: Vec<String> = (0..batch)
                    .map(|_| sts.issue_trade_in_token(&role_arn, now() + sts_harness::model::time::Duration::minutes(10)).unwrap())
                    .collect();
                let started = Instant::now();
                for trade_in_token in tokens {
                    let request = Request::GetDelegatedAccessToken(GetDelegatedAccessTokenRequest { trade_in_token });
                    black_box(sts.call(now(), &user, request).unwrap());
                }
                started.elapsed()
            })
        })
    });

    // GetScopedCredentials from a role session. The model remembers a bounded number of sessions
    // and every call mints one, so each batch scopes a fresh role session (minted untimed) that the
    // batch cannot push out.
    for (name, policy, duration) in
        [("GetScopedCredentials_policy", Some(POLICY), None), ("GetScopedCredentials_duration", None, Some(900))]
    {
        let (mut sts, _) = fixture();
        let request = Request::GetScopedCredentials(GetScopedCredentialsRequest {
            policy: policy.map(str::to_owned),
            duration_seconds: duration,
            ..Default::default()
        });
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                in_batches(iters, |batch| {
                    let base = sts.call(now(), &user, Request::AssumeRole(assume_role(false))).unwrap();
                    let caller = Caller::from_credentials(base.credentials().unwrap());
                    let started = Instant::now();
                    for _ in 0..batch {
                        black_box(sts.call(now(), &caller, black_box(&request).clone()).unwrap());
                    }
                    started.elapsed()
                })
            })
        });
    }
    g.finish();
}

/// The packed size of session policies and tags on its own (each item deflated), the part of
/// `model/*_policy_tags` that the plain calls do not pay.
fn packed(c: &mut Criterion) {
    let mut g = c.benchmark_group("packed");
    g.throughput(Throughput::Elements(1));
    let tags = tags();
    for (name, policy, tags) in [("policy", Some(POLICY), &[][..]), ("tags_3", None, &tags[..]), ("policy_tags_3", Some(POLICY), &tags[..])]
    {
        g.bench_function(name, |b| b.iter(|| packed_policy_size(black_box(policy), black_box(tags)).unwrap()));
    }
    // Items the model has not packed before (it remembers the sizes of recent ones): each
    // iteration gets a statement and three tags of its own, made untimed.
    let mut n = 0u64;
    g.bench_function("policy_tags_3_unseen", |b| {
        b.iter_batched(
            || {
                n += 1;
                let policy = POLICY.replace("bucket/*", &format!("bucket-{n}/*"));
                let tags = vec![
                    Tag::new("Project", format!("Pegasus-{n}")),
                    Tag::new("Cost-Center", n.to_string()),
                    Tag::new("Team", format!("T{n}")),
                ];
                (policy, tags)
            },
            |(policy, tags)| packed_policy_size(Some(&policy), &tags).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(1));
    let (mut sts, caller) = fixture();
    let response = sts.call(now(), &caller, Request::AssumeRole(assume_role(true))).unwrap();
    g.bench_function("AssumeRoleResponse", |b| {
        b.iter(|| xml::encode_response(black_box(&response), "c6104cbe-af31-11e0-8154-cbc7ccf896c7"))
    });
    let text = xml::encode_response(&response, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    g.bench_function("AssumeRoleResponse_decode", |b| b.iter(|| xml::decode(black_box(&text)).unwrap()));
    g.finish();
}

fn sigv4_verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("sigv4");
    g.throughput(Throughput::Elements(1));
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let mut headers = vec![
        ("host".to_string(), "sts.us-east-1.amazonaws.com".to_string()),
        ("content-type".to_string(), "application/x-www-form-urlencoded".to_string()),
    ];
    let creds = sigv4::Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_token: None,
    };
    let added = sigv4::sign(&sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body }, &creds, "us-east-1", now());
    headers.extend(added);
    let req = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body };
    g.bench_function("verify_header", |b| {
        b.iter(|| sigv4::verify(black_box(&req), now(), "us-east-1", |_| Some(creds.secret_access_key.to_string())).unwrap())
    });
    g.bench_function("sign_header", |b| b.iter(|| sigv4::sign(black_box(&req), &creds, "us-east-1", now())));
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(1));
    for (name, request) in [("GetCallerIdentity", Request::GetCallerIdentity), ("AssumeRole", Request::AssumeRole(assume_role(false)))] {
        let (mut sts, caller) = fixture();
        let params = query::to_params(&request);
        g.bench_function(name, |b| b.iter(|| answer(&mut sts, now(), &caller, black_box(&params))));
    }
    g.finish();
}

/// The mock's whole handling of a signed HTTP request, without the HTTP library: parameters, SigV4,
/// decoding, the model, XML and the journal (`Service::handle`, what `serve` runs per request).
fn service(c: &mut Criterion) {
    let mut g = c.benchmark_group("service");
    g.throughput(Throughput::Elements(1));
    let at = now();
    let service = Service::new(Sts::new(default_world(), 1), Clock::frozen(at), DEFAULT_JOURNAL_CAPACITY);
    let role_arn = format!("arn:aws:iam::{DEFAULT_ACCOUNT}:role/test-role");
    for (name, request) in [
        ("GetCallerIdentity_signed", Request::GetCallerIdentity),
        ("AssumeRole_signed", Request::AssumeRole(AssumeRoleRequest { role_arn, role_session_name: "bench".into(), ..Default::default() })),
    ] {
        let body = query::encode_request(&request);
        let mut headers = vec![
            ("host".to_string(), "127.0.0.1:4566".to_string()),
            ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
        ];
        let creds =
            sigv4::Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None };
        let signed = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
        let added = sigv4::sign(&signed, &creds, "us-east-1", at);
        headers.extend(added);
        let http = HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body: body.into_bytes() };
        g.bench_function(name, |b| b.iter(|| service.handle(black_box(&http))));
    }
    g.finish();
}

criterion_group!(benches, decode, model, packed, encode, sigv4_verify, pipeline, service);
criterion_main!(benches);
