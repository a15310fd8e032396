//! Policy evaluation: parsing a document, one layer, and the effective permissions of a session
//! (identity policies intersected with session policies, global context keys added).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sts_harness::model::policy::{AccessRequest, PolicyDocument};
use sts_harness::model::request::AssumeRoleRequest;
use sts_harness::model::time::OffsetDateTime;
use sts_harness::model::world::{Role, User, World};
use sts_harness::model::{Caller, Request, Sts};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::data-*/*","arn:aws:s3:::data-*"]},
 {"Sid":"Tagged","Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
 {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data-secret/*"}]}"#;

fn evaluation(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse", |b| b.iter(|| PolicyDocument::parse(std::hint::black_box(POLICY)).unwrap()));
    let document = PolicyDocument::parse(POLICY).unwrap();
    let request = AccessRequest::new("s3:GetObject", "arn:aws:s3:::data-lake/2024/01/file.parquet");
    group.bench_function("evaluate_document", |b| b.iter(|| document.evaluate(std::hint::black_box(&request))));

    let mut world = World::default();
    world.add_managed_policy("arn:aws:iam::123456789012:policy/p", POLICY);
    // The user may call AssumeRole (the role trusts the account, which leaves it to her policies).
    let sts_caller = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
    let key = world.add_user("123456789012", User::new("u").inline_policy(sts_caller)).unwrap().access_keys[0].access_key_id.clone();
    world.add_role("123456789012", Role::new("r").policy("arn:aws:iam::123456789012:policy/p").tag("team", "blue")).unwrap();
    let mut sts = Sts::new(world, 1);
    let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let session = AssumeRoleRequest {
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        role_session_name: "bench".into(),
        policy: Some(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#.into()),
        ..Default::default()
    };
    let creds = sts.call(now, &Caller::access_key(&key), Request::AssumeRole(session)).unwrap().credentials().unwrap().clone();
    group.bench_function("is_allowed_session", |b| {
        b.iter(|| sts.is_allowed(now, &creds.access_key_id, Some(&creds.session_token), std::hint::black_box(&request)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
