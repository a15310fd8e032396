//! The admin API under `/__sts/`: the same controls as the `MockSts` handle, over HTTP, in JSON.
//!
//! | route | effect |
//! |---|---|
//! | `GET /__sts/health` | `{"status":"ok"}` |
//! | `GET /__sts/clock` | `{"now": RFC 3339, "frozen": bool}` |
//! | `POST /__sts/clock` | `{"freeze":true}`, `{"resume":true}`, `{"set":"2024-01-01T00:00:00Z"}` or `{"advance_seconds":3600}` |
//! | `GET /__sts/journal`, `DELETE /__sts/journal` | the calls received / forget them |
//! | `POST /__sts/faults` | `{"kind":"throttle"\|"internal_failure"\|"service_unavailable"\|"latency"\|"drop_connection"\|"idp_unreachable"\|"jwks_unavailable", "operation":"AssumeRole"?, "count":2?, "latency_ms":500?}` |
//! | `DELETE /__sts/faults` | clear faults |
//! | `POST /__sts/world` | a TOML world file fragment, added to the world |
//! | `GET /__sts/credentials?account=A&user=U` | a user's (or, without `user`, the root's) long-term key |
//! | `POST /__sts/trade-in-tokens` | `{"role_arn":..., "expires_in_seconds":600, "tags":{...}}` → `{"token":...}` |
//! | `POST /__sts/context-assertions` | `{"subject":..., "subject_type":"user", "issuer":..., "federated_provider_arn":..., "transaction_context":{...}, "expires_in_seconds":3600}` → `{"provider_arn":..., "context_assertion":...}` for AssumeRole's `ProvidedContexts` |
//! | `GET /__sts/authorization-messages` | encoded messages of recent AccessDenied answers |
//! | `GET /__sts/web-identity/jwks` | the keys that sign GetWebIdentityToken JWTs |
//! | `GET /__sts/oidc/<host/path>/.well-known/openid-configuration` | a registered OIDC provider's discovery document |
//! | `GET /__sts/oidc/<host/path>/jwks.json` | its keys (the test IdP's unless the world gave others) |
//! | `POST /__sts/oidc/tokens` | `{"issuer":..., "sub":..., "aud":..., "azp":..., "expires_in_seconds":3600, "issued_at_offset_seconds":0, "algorithm":"RS256", "claims":{...}, "untrusted_key":false}` → `{"token":...}` signed by the test IdP on the mock clock |
//! | `POST /__sts/saml/assertions` | `{"issuer":..., "role_arn":..., "principal_arn":..., "session_name":..., "provider_first":false, "name_id":..., "name_id_format":..., "recipient":..., "audience":..., "issued_at_offset_seconds":0, "valid_seconds":300, "session_duration":"1800", "tags":{...}, "transitive_tag_keys":[...], "source_identity":..., "status":..., "signed":"assertion"\|"response"\|"none", "untrusted_key":false}` → `{"assertion": base64}` signed by the test IdP on the mock clock |
//! | `POST /__sts/evaluate` | `{"access_key_id":..., "session_token":... (temporary keys), "action":"s3:GetObject", "resource":"arn:...", "context":{"key":["v"]}}` → `{"decision":"Allow"\|"ExplicitDeny"\|"ImplicitDeny"}` |

use serde_json::{Value, json};
use sts_model::Operation;
use sts_model::time::format_description::well_known::Rfc3339;
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::WorldFile;

use crate::faults::Fault;
use crate::service::Service;

fn ok(value: Value) -> (u16, String) {
    (200, value.to_string())
}

/// An admin error's message is cut here: an error about an oversized or garbled body must not
/// echo the body back (a TOML parse error quotes the line it failed on).
const MAX_ERROR_CHARS: usize = 500;

fn bad(status: u16, message: impl Into<String>) -> (u16, String) {
    let mut message = message.into();
    if let Some((cut, _)) = message.char_indices().nth(MAX_ERROR_CHARS) {
        message.truncate(cut);
        message.push_str("… (cut)");
    }
    (status, json!({ "error": message }).to_string())
}

/// What `/__sts/world` may make the world hold: 1,000 accounts, and per account IAM's quotas at
/// their raised maximum (5,000 users, 5,000 roles), so that a loop posting fragments cannot grow
/// the mock without limit.
const MAX_ACCOUNTS: usize = 1000;
const MAX_USERS_PER_ACCOUNT: usize = 5000;
const MAX_ROLES_PER_ACCOUNT: usize = 5000;

/// Why `world` is over the bounds above, if it is.
fn over_bounds(world: &sts_model::world::World) -> Option<String> {
    let accounts = world.accounts().count();
    if accounts > MAX_ACCOUNTS {
        return Some(format!("the world would hold {accounts} accounts; the mock holds at most {MAX_ACCOUNTS}"));
    }
    world.accounts().find_map(|a| {
        if a.users.len() > MAX_USERS_PER_ACCOUNT {
            Some(format!("account {} would hold {} users; IAM's quota is {MAX_USERS_PER_ACCOUNT}", a.id, a.users.len()))
        } else if a.roles.len() > MAX_ROLES_PER_ACCOUNT {
            Some(format!("account {} would hold {} roles; IAM's quota is {MAX_ROLES_PER_ACCOUNT}", a.id, a.roles.len()))
        } else {
            None
        }
    })
}

fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    let pairs = sts_wire::query::parse_form(query.unwrap_or_default().as_bytes()).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn json_body(body: &[u8]) -> Result<Value, (u16, String)> {
    serde_json::from_slice(body).map_err(|e| bad(400, format!("body is not JSON: {e}")))
}

/// Routes one admin request; `route` is the path after `/__sts/`.
pub(crate) fn handle(service: &Service, method: &str, route: &str, query: Option<&str>, body: &[u8]) -> (u16, String) {
    if body.len() > crate::service::MAX_BODY_BYTES {
        return bad(413, format!("the admin request body exceeds {} bytes", crate::service::MAX_BODY_BYTES));
    }
    let result = match (method, route.trim_end_matches('/')) {
        ("GET", "health") => Ok(ok(json!({ "status": "ok" }))),
        ("GET", "clock") => Ok(clock_state(service)),
        ("POST", "clock") => json_body(body).and_then(|v| set_clock(service, &v)),
        ("GET", "journal") => Ok(ok(json!({ "calls": service.journal.calls() }))),
        ("DELETE", "journal") => {
            service.journal.clear();
            Ok(ok(json!({ "cleared": true })))
        }
        ("GET", "faults") => Ok(ok(json!({ "active": service.faults.len() }))),
        ("POST", "faults") => json_body(body).and_then(|v| add_fault(service, &v)),
        ("DELETE", "faults") => {
            service.faults.clear();
            Ok(ok(json!({ "cleared": true })))
        }
        ("POST", "world") => Ok(extend_world(service, body)),
        ("GET", "credentials") => Ok(credentials(service, query)),
        ("POST", "trade-in-tokens") => json_body(body).and_then(|v| trade_in_token(service, &v)),
        ("POST", "context-assertions") => json_body(body).and_then(|v| context_assertion(service, &v)),
        ("GET", "authorization-messages") => Ok(ok(json!({ "messages": service.sts().authorization_messages().collect::<Vec<_>>() }))),
        ("POST", "evaluate") => json_body(body).and_then(|v| evaluate(service, &v)),
        #[cfg(feature = "oidc")]
        ("GET", "web-identity/jwks") => Ok(ok(sts_model::web_identity::jwks())),
        #[cfg(feature = "oidc")]
        ("POST", "oidc/tokens") => json_body(body).and_then(|v| oidc_token(service, &v)),
        #[cfg(feature = "saml")]
        ("POST", "saml/assertions") => json_body(body).and_then(|v| saml_assertion(service, &v)),
        #[cfg(feature = "oidc")]
        ("GET", other) if other.starts_with("oidc/") => oidc_document(service, &other["oidc/".len()..]),
        #[cfg(not(feature = "oidc"))]
        (_, other) if other.starts_with("oidc/") || other == "web-identity/jwks" => {
            Err(bad(404, format!("no admin route {method} /__sts/{other}: this mock was built without the `oidc` feature")))
        }
        #[cfg(not(feature = "saml"))]
        (_, "saml/assertions") => {
            Err(bad(404, format!("no admin route {method} /__sts/saml/assertions: this mock was built without the `saml` feature")))
        }
        (_, other) => Err(bad(404, format!("no admin route {method} /__sts/{other}"))),
    };
    result.unwrap_or_else(|e| e)
}

fn clock_state(service: &Service) -> (u16, String) {
    ok(json!({ "now": service.clock.now().format(&Rfc3339).unwrap_or_default(), "frozen": service.clock.is_frozen() }))
}

/// An optional integer field: absent gives `default`; anything but an integer in `range` is a 400
/// naming the field (a `-1` count or a 300-billion-second offset is a mistake, not a wish).
fn int_field(v: &Value, name: &str, default: i64, range: std::ops::RangeInclusive<i64>) -> Result<i64, (u16, String)> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(n) => n
            .as_i64()
            .filter(|n| range.contains(n))
            .ok_or_else(|| bad(400, format!("{name} must be an integer from {} to {}", range.start(), range.end()))),
    }
}

/// The latest instant the mock's clock may show: far enough from year 9999 that every duration STS
/// adds to it (36 hours at most) still has a date. Beyond it, time arithmetic would overflow.
/// (253370678400 is 9998-12-31T00:00:00Z.)
fn latest_clock() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(253_370_678_400).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `now + seconds` when it stays within the clock's range, else a 400.
fn instant_after(now: OffsetDateTime, seconds: i64, what: &str) -> Result<OffsetDateTime, (u16, String)> {
    now.checked_add(Duration::seconds(seconds))
        .filter(|t| *t >= OffsetDateTime::UNIX_EPOCH && *t <= latest_clock())
        .ok_or_else(|| bad(400, format!("{what}: the instant {seconds} seconds from the mock's clock is outside 1970..9998")))
}

/// String values of a JSON object (tags): anything else is a 400, never an empty string.
fn string_map(v: &Value, name: &str) -> Result<Vec<(String, String)>, (u16, String)> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, value)| match value.as_str() {
                Some(text) => Ok((k.clone(), text.to_owned())),
                None => Err(bad(400, format!("{name}.{k} must be a string"))),
            })
            .collect(),
        Some(_) => Err(bad(400, format!("{name} must be an object of strings"))),
    }
}

/// Ten years: the widest offset an admin route takes for token and assertion times.
const TEN_YEARS: i64 = 10 * 366 * 86_400;

fn set_clock(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    if v.get("freeze").and_then(Value::as_bool) == Some(true) {
        service.clock.freeze();
    } else if v.get("resume").and_then(Value::as_bool) == Some(true) {
        service.clock.resume();
    } else if let Some(at) = v.get("set").and_then(Value::as_str) {
        let at = OffsetDateTime::parse(at, &Rfc3339).map_err(|e| bad(400, format!("set: {e}")))?;
        if at < OffsetDateTime::UNIX_EPOCH || at > latest_clock() {
            return Err(bad(400, "set: the mock's clock must stay within 1970-01-01 and 9998-12-31"));
        }
        service.clock.set(at);
    } else if v.get("advance_seconds").is_some() {
        let seconds = int_field(v, "advance_seconds", 0, -TEN_YEARS * 100..=TEN_YEARS * 100)?;
        instant_after(service.clock.now(), seconds, "advance_seconds")?;
        service.clock.advance(Duration::seconds(seconds));
    } else {
        return Err(bad(400, "expected one of freeze, resume, set, advance_seconds"));
    }
    Ok(clock_state(service))
}

fn add_fault(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    let mut operation = match v.get("operation").and_then(Value::as_str) {
        Some(name) => Some(Operation::from_name(name).ok_or_else(|| bad(400, format!("unknown operation {name}")))?),
        None => None,
    };
    let fault = match v.get("kind").and_then(Value::as_str) {
        Some("throttle") => Fault::Throttle,
        Some("internal_failure") => Fault::InternalFailure,
        Some("service_unavailable") => Fault::ServiceUnavailable,
        Some("drop_connection") => Fault::DropConnection,
        Some("latency") => Fault::Latency(std::time::Duration::from_millis(int_field(v, "latency_ms", 1000, 0..=600_000)? as u64)),
        Some("idp_unreachable") => Fault::IdpUnreachable,
        Some("jwks_unavailable") => Fault::JwksUnavailable,
        other => return Err(bad(400, format!("unknown fault kind {other:?}"))),
    };
    // Identity-provider faults concern the web identity call unless told otherwise.
    if matches!(fault, Fault::IdpUnreachable | Fault::JwksUnavailable) && operation.is_none() {
        operation = Some(Operation::AssumeRoleWithWebIdentity);
    }
    // Absent: every call from now on; else that many calls.
    let count = match v.get("count") {
        None | Some(Value::Null) => None,
        Some(_) => Some(int_field(v, "count", 1, 1..=i64::from(u32::MAX))? as u32),
    };
    service.faults.add(operation, fault, count);
    Ok(ok(json!({ "active": service.faults.len() })))
}

fn extend_world(service: &Service, body: &[u8]) -> (u16, String) {
    let Ok(text) = std::str::from_utf8(body) else { return bad(400, "world file is not UTF-8") };
    let file = match WorldFile::parse(text) {
        Ok(file) => file,
        Err(e) => return bad(400, e.to_string()),
    };
    let mut sts = service.sts();
    let mut next = sts.world().clone();
    if let Err(e) = next.extend(file.world) {
        return bad(400, e.to_string());
    }
    if let Some(why) = over_bounds(&next) {
        return bad(413, why);
    }
    *sts.world_mut() = next;
    ok(json!({ "updated": true }))
}

fn credentials(service: &Service, query: Option<&str>) -> (u16, String) {
    let Some(account) = query_value(query, "account") else { return bad(400, "account is required") };
    let sts = service.sts();
    let key = match query_value(query, "user") {
        Some(user) => sts.world().user(&account, &user).and_then(|u| u.access_keys.first()),
        None => sts.world().root_key(&account),
    };
    match key {
        Some(k) => ok(json!({ "access_key_id": k.access_key_id, "secret_access_key": k.secret_access_key })),
        None => bad(404, "no such account or user"),
    }
}

fn trade_in_token(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    let role_arn = v.get("role_arn").and_then(Value::as_str).ok_or_else(|| bad(400, "role_arn is required"))?;
    let lifetime = int_field(v, "expires_in_seconds", 600, -TEN_YEARS..=TEN_YEARS)?;
    let expires = instant_after(service.clock.now(), lifetime, "expires_in_seconds")?;
    let tags = string_map(v, "tags")?.into_iter().map(|(k, v)| sts_model::Tag::new(k, v)).collect();
    let token = service.sts().issue_trade_in_token_with_tags(role_arn, expires, tags).map_err(|e| bad(400, e.message))?;
    Ok(ok(json!({ "token": token })))
}

/// A context assertion from the mock's IAM Identity Center context provider, for AssumeRole's
/// `ProvidedContexts` (trusted identity propagation).
fn context_assertion(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    use sts_model::response::{OriginIdentity, TransactionContext, TrustedIdentityPropagationContext};
    let text = |name: &str| -> Result<Option<String>, (u16, String)> {
        match v.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(400, format!("{name} must be a string"))),
        }
    };
    let lifetime = int_field(v, "expires_in_seconds", 3600, 1..=86_400)?;
    let expires = instant_after(service.clock.now(), lifetime, "expires_in_seconds")?;
    let entries = string_map(v, "transaction_context")?;
    let transaction_context = (!entries.is_empty()).then(|| TransactionContext { identity_provider: Some(entries.into_iter().collect()) });
    let context = TrustedIdentityPropagationContext {
        origin_identity: Some(OriginIdentity {
            subject: text("subject")?,
            subject_type: text("subject_type")?,
            issuer: text("issuer")?,
            federated_provider_arn: text("federated_provider_arn")?,
        }),
        transaction_context,
    };
    let assertion = service.sts().issue_context_assertion(context, expires);
    Ok(ok(json!({
        "provider_arn": sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN,
        "context_assertion": assertion,
    })))
}

fn evaluate(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    let field = |name: &str| v.get(name).and_then(Value::as_str).ok_or_else(|| bad(400, format!("{name} is required")));
    let mut request = sts_model::policy::AccessRequest::new(field("action")?, field("resource")?);
    if let Some(Value::Object(context)) = v.get("context") {
        for (key, values) in context {
            match values {
                Value::String(s) => request = request.with(key, s.clone()),
                Value::Array(items) => {
                    for item in items.iter().filter_map(Value::as_str) {
                        request = request.with(key, item);
                    }
                }
                _ => return Err(bad(400, format!("context value of {key} must be a string or an array of strings"))),
            }
        }
    }
    let decision = service
        .sts()
        .is_allowed(service.clock.now(), field("access_key_id")?, v.get("session_token").and_then(Value::as_str), &request)
        .map_err(|e| bad(400, format!("{}: {}", e.code, e.message)))?;
    Ok(ok(json!({ "decision": format!("{decision:?}") })))
}

#[cfg(feature = "oidc")]
fn oidc_token(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    use sts_model::oidc::TokenBuilder;
    let issuer = v.get("issuer").and_then(Value::as_str).ok_or_else(|| bad(400, "issuer is required"))?;
    let offset = int_field(v, "issued_at_offset_seconds", 0, -TEN_YEARS..=TEN_YEARS)?;
    let lifetime = int_field(v, "expires_in_seconds", 3600, -TEN_YEARS..=TEN_YEARS)?;
    let issued = instant_after(service.clock.now(), offset, "issued_at_offset_seconds")?;
    instant_after(issued, lifetime, "expires_in_seconds")?;
    let mut token = TokenBuilder::new(issuer, issued).exp_in(lifetime);
    for name in ["sub", "aud", "azp"] {
        if let Some(value) = v.get(name) {
            token = token.claim(name, value.clone());
        }
    }
    if let Some(Value::Object(claims)) = v.get("claims") {
        for (name, value) in claims {
            token = token.claim(name, value.clone());
        }
    }
    if let Some(alg) = v.get("algorithm").and_then(Value::as_str) {
        // Only the algorithms the test IdP holds a key for (an HS256 or EdDSA token could not be signed).
        let alg: sts_model::oidc::Algorithm = alg
            .parse()
            .map_err(|_| bad(400, format!("the test IdP signs with RS256/384/512, PS256/384/512, ES256 or ES384, not {alg:?}")))?;
        token = token.algorithm(alg);
    }
    if v.get("untrusted_key").and_then(Value::as_bool) == Some(true) {
        token = token.untrusted_key();
    }
    Ok(ok(json!({ "token": token.sign() })))
}

#[cfg(feature = "oidc")]
fn oidc_document(service: &Service, rest: &str) -> Result<(u16, String), (u16, String)> {
    let (host, document) = if let Some(h) = rest.strip_suffix("/.well-known/openid-configuration") {
        (h, "discovery")
    } else if let Some(h) = rest.strip_suffix("/jwks.json") {
        (h, "jwks")
    } else {
        return Err(bad(404, format!("no admin route GET /__sts/oidc/{rest}")));
    };
    let url = format!("https://{host}");
    let sts = service.sts();
    let provider = sts
        .world()
        .accounts()
        .find_map(|a| a.oidc_providers.get(host))
        .cloned()
        .ok_or_else(|| bad(404, format!("no OIDC provider {url} in the world")))?;
    drop(sts);
    match document {
        "discovery" => Ok(ok(json!({
            "issuer": url,
            "jwks_uri": format!("{url}/jwks.json"),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": sts_model::oidc::ACCEPTED_ALGORITHMS,
        }))),
        _ => match provider.jwks {
            Some(text) => Ok((200, text)),
            None => Ok(ok(sts_model::oidc::test_jwks())),
        },
    }
}

#[cfg(feature = "saml")]
fn saml_assertion(service: &Service, v: &Value) -> Result<(u16, String), (u16, String)> {
    use sts_model::saml::{AssertionBuilder, Signed};
    let text = |name: &str| v.get(name).and_then(Value::as_str);
    let issuer = text("issuer").ok_or_else(|| bad(400, "issuer is required"))?;
    let offset = int_field(v, "issued_at_offset_seconds", 0, -TEN_YEARS..=TEN_YEARS)?;
    let issued = instant_after(service.clock.now(), offset, "issued_at_offset_seconds")?;
    let mut b = AssertionBuilder::new(issuer, issued);
    if v.get("valid_seconds").is_some() {
        let seconds = int_field(v, "valid_seconds", 300, -TEN_YEARS..=TEN_YEARS)?;
        b = b.not_on_or_after(instant_after(issued, seconds, "valid_seconds")?);
    }
    if let (Some(role), Some(provider)) = (text("role_arn"), text("principal_arn")) {
        b = if v.get("provider_first").and_then(Value::as_bool) == Some(true) {
            b.role_provider_first(role, provider)
        } else {
            b.role(role, provider)
        };
    }
    if let Some(name) = text("session_name") {
        b = b.session_name(name);
    }
    if let Some(name_id) = text("name_id") {
        b = b.name_id(name_id, text("name_id_format").unwrap_or("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"));
    }
    if let Some(r) = text("recipient") {
        b = b.recipient(r);
    }
    if let Some(a) = text("audience") {
        b = b.audience(a);
    }
    if let Some(d) = text("session_duration") {
        b = b.session_duration(d);
    }
    for (k, value) in string_map(v, "tags")? {
        b = b.tag(&k, &value);
    }
    if let Some(Value::Array(keys)) = v.get("transitive_tag_keys") {
        let keys: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
        b = b.transitive(&keys);
    }
    if let Some(si) = text("source_identity") {
        b = b.source_identity(si);
    }
    if let Some(status) = text("status") {
        b = b.status(status);
    }
    b = b.signed(match text("signed") {
        None | Some("assertion") => Signed::Assertion,
        Some("response") => Signed::Response,
        Some("none") => Signed::Unsigned,
        Some(other) => return Err(bad(400, format!("signed must be assertion, response or none, not {other}"))),
    });
    if v.get("untrusted_key").and_then(Value::as_bool) == Some(true) {
        b = b.untrusted_key();
    }
    Ok(ok(json!({ "assertion": b.sign() })))
}
