//! Prints a wrk Lua script that sends one SigV4-signed STS request, signed at a fixed instant with the
//! default world's key, so that `sts-harness serve --clock` at that instant accepts it forever.
//!
//! `cargo run --release --example signed_request -- HOST:PORT (GetCallerIdentity|AssumeRole) 2024-01-01T00:00:00Z`

use sts_harness::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY};
use sts_harness::model::time::OffsetDateTime;
use sts_harness::model::time::format_description::well_known::Rfc3339;
use sts_harness::wire::sigv4;

fn main() {
    let mut args = std::env::args().skip(1);
    let host = args.next().unwrap_or_else(|| "127.0.0.1:4566".into());
    let operation = args.next().unwrap_or_else(|| "GetCallerIdentity".into());
    let at = args.next().unwrap_or_else(|| "2024-01-01T00:00:00Z".into());
    let at = OffsetDateTime::parse(&at, &Rfc3339).expect("an RFC 3339 instant");
    let body = match operation.as_str() {
        "AssumeRole" => {
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftest-role&RoleSessionName=load"
                .to_string()
        }
        _ => "Action=GetCallerIdentity&Version=2011-06-15".to_string(),
    };
    let mut headers =
        vec![("host".to_string(), host), ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string())];
    let creds =
        sigv4::Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None };
    let added = sigv4::sign(
        &sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() },
        &creds,
        "us-east-1",
        at,
    );
    headers.extend(added);
    println!("wrk.method = \"POST\"");
    println!("wrk.body = \"{body}\"");
    for (k, v) in &headers {
        // wrk adds its own `Host` unless the script sets exactly `Host`: a second one would change
        // the signed value.
        let name = if k == "host" { "Host" } else { k.as_str() };
        println!("wrk.headers[\"{name}\"] = \"{v}\"");
    }
}
