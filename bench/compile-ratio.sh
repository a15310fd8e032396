#!/usr/bin/env bash
# What the mock costs as a dev-dependency: a crate whose only dev-dependency is `sts-mock` builds and
# runs one test, against the same crate with `wiremock` instead (issue 19's target: within 1.5x).
#
# Each probe is a fresh crate in a temporary directory with its own, empty target directory and the
# default debug profile (no opt-level overrides: what a user's `cargo test` gets). Versions are
# pinned by a copy of this workspace's Cargo.lock, so the run needs no network when the registry
# cache holds them. One run per probe, one after the other, on this machine's cores.
#
# The sts-mock probe also prints how long the test IdP takes to sign an ID token (RS256, ES256,
# ES384) and a SAML response in that unoptimized build.
#
#   bench/compile-ratio.sh            # wiremock, sts-mock (default features), sts-mock without federation
#   KEEP=1 bench/compile-ratio.sh     # keep the probes (their path is printed)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
echo "probes in $work"

# probe NAME DEV-DEPENDENCIES TEST-SOURCE
probe() {
  local name="$1" deps="$2" source="$3"
  mkdir -p "$work/$name/src" "$work/$name/tests"
  cat >"$work/$name/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.1.0"
edition = "2024"

[dev-dependencies]
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "io-util"] }
$deps
EOF
  echo "" >"$work/$name/src/lib.rs"
  echo "$source" >"$work/$name/tests/one.rs"
  cp "$repo/Cargo.lock" "$work/$name/Cargo.lock"
  # Fetch first (not timed): the comparison is of building and running, not of downloading.
  (cd "$work/$name" && cargo fetch --quiet)
  local start end
  start=$(date +%s.%N)
  (cd "$work/$name" && CARGO_TARGET_DIR="$work/$name/target" cargo test --quiet -- --nocapture 2>&1) | sed "s/^/  [$name] /"
  end=$(date +%s.%N)
  local crates
  crates=$(cd "$work/$name" && cargo tree -e normal,dev --prefix none | sed 's/ (\*)//;s/ (proc-macro)//' | awk '{print $1" "$2}' | sort -u | wc -l)
  printf '%s %.1f %s\n' "$name" "$(echo "$end - $start" | bc)" "$crates" >>"$work/results"
}

# One raw HTTP/1.1 request, so neither probe needs an HTTP client crate.
http_helper='
async fn post(address: std::net::SocketAddr, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}'

probe wiremock-probe 'wiremock = "0.6"' "$http_helper
#[tokio::test]
async fn one_call() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method(\"POST\")).and(path(\"/\")).respond_with(ResponseTemplate::new(200).set_body_string(\"<Ok/>\")).mount(&server).await;
    let answer = post(*server.address(), \"/\", \"Action=GetCallerIdentity\").await;
    assert!(answer.starts_with(\"HTTP/1.1 200\") && answer.ends_with(\"<Ok/>\"), \"{answer}\");
}"

sts_source="$http_helper
#[tokio::test]
async fn one_call() {
    let sts = sts_mock::MockSts::start().await;
    let issuer = \"https://oidc.example.com\";
    sts.with_world(|w| {
        w.add_oidc_provider(\"123456789012\", sts_model::world::OidcProvider {
            url: issuer.into(), client_ids: vec![\"sts.amazonaws.com\".into()], jwks: None,
            context_provider: false, thumbprints: vec![], created: None,
        }).unwrap();
        w.add_role(\"123456789012\", sts_model::world::Role::new(\"ci\").trust(\"arn:aws:iam::123456789012:oidc-provider/oidc.example.com\")).unwrap();
    });
    let idp = sts.oidc(issuer);
    let mut token = String::new();
    for alg in [sts_model::oidc::Algorithm::RS256, sts_model::oidc::Algorithm::ES256, sts_model::oidc::Algorithm::ES384] {
        let start = std::time::Instant::now();
        for _ in 0..10 {
            token = idp.token().algorithm(alg).sign();
        }
        println!(\"debug-profile signing: {alg} ID token {:.2} ms\", start.elapsed().as_secs_f64() * 100.0);
    }
    token = idp.token().sign();
    let saml = sts.saml(\"https://idp.example.com/saml\");
    let start = std::time::Instant::now();
    for _ in 0..10 {
        saml.assertion().role(\"arn:aws:iam::123456789012:role/ci\", \"arn:aws:iam::123456789012:saml-provider/corp\").session_name(\"alice\").sign();
    }
    println!(\"debug-profile signing: SAML response {:.2} ms\", start.elapsed().as_secs_f64() * 100.0);
    let body = format!(\"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&RoleSessionName=probe&WebIdentityToken={token}\");
    let answer = post(sts.address(), \"/\", &body).await;
    assert!(answer.starts_with(\"HTTP/1.1 200\") && answer.contains(\"<AssumeRoleWithWebIdentityResult>\"), \"{answer}\");
}"
probe sts-mock-probe "sts-mock = { path = \"$repo/crates/sts-mock\" }
sts-model = { path = \"$repo/crates/sts-model\", default-features = false }" "$sts_source"

probe sts-mock-light-probe "sts-mock = { path = \"$repo/crates/sts-mock\", default-features = false }" "$http_helper
#[tokio::test]
async fn one_call() {
    let sts = sts_mock::MockSts::start().await;
    let answer = post(sts.address(), \"/\", \"Action=GetCallerIdentity&Version=2011-06-15\").await;
    // Unsigned: STS's own refusal, from the model.
    assert!(answer.starts_with(\"HTTP/1.1 403\") && answer.contains(\"<Code>MissingAuthenticationToken</Code>\"), \"{answer}\");
}"

echo
echo "probe                     build+test (s)   crates   ratio to wiremock"
base=$(awk '$1 == "wiremock-probe" {print $2}' "$work/results")
while read -r name seconds crates; do
  printf '%-25s %14s %8s %18s\n' "$name" "$seconds" "$crates" "$(echo "scale=2; $seconds / $base" | bc)x"
done <"$work/results"
