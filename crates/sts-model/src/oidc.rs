//! Inbound OIDC federation (AssumeRoleWithWebIdentity): verifying ID tokens as STS does, and the
//! test identity provider that mints them.
//!
//! Verification follows the order of FEDERATION-FACTS §1.3: shape and algorithm (RS256/384/512,
//! ES256/384), required claims, issuer → the role account's OIDC provider, key by `kid` in the
//! provider's JWKS, signature (ring, through [`crate::jose`]), audience (`azp`, else `aud`) in the client-id list,
//! expiry with AWS's 5-minute grace, `iat`/`nbf` not in the future, then the session-tag and
//! source-identity claims.
//!
//! An OIDC provider registered without a JWKS trusts the shipped test IdP keys (`keys/idp-*`), so
//! tokens minted with [`TokenBuilder`] verify:
//!
//! ```
//! use sts_model::oidc::TokenBuilder;
//! use sts_model::time::{Duration, OffsetDateTime};
//! let now = OffsetDateTime::UNIX_EPOCH + Duration::days(19_723);
//! let token = TokenBuilder::new("https://oidc.example.com", now).sub("repo:org/app").aud("sts.amazonaws.com").sign();
//! assert_eq!(token.split('.').count(), 3);
//! ```

use std::collections::HashMap;

pub use crate::jose::Algorithm;
use crate::jose::SigningKey;
use base64::Engine as _;
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use crate::request::Tag;
use crate::{ErrorCode, StsError};

const RSA_PRIVATE: &str = include_str!("../keys/idp-rsa.pem");
const ES256_PRIVATE: &str = include_str!("../keys/idp-es256.pem");
const ES384_PRIVATE: &str = include_str!("../keys/idp-es384.pem");
const UNTRUSTED_RSA_PRIVATE: &str = include_str!("../keys/idp-untrusted-rsa.pem");

/// `kid` of the test IdP's RSA key (RS256/RS384/RS512).
pub const RSA_KEY_ID: &str = "sts-harness-idp-rsa";
/// `kid` of the test IdP's P-256 key.
pub const ES256_KEY_ID: &str = "sts-harness-idp-es256";
/// `kid` of the test IdP's P-384 key.
pub const ES384_KEY_ID: &str = "sts-harness-idp-es384";

/// IAM's grace after `exp` "to account for clock skew, as allowed by OIDC Core" (documented). A
/// 2021 observation shows a rejection 198 s after `exp`; the current documentation wins here.
pub const EXPIRY_GRACE: Duration = Duration::minutes(5);
/// How far in the future `iat` and `nbf` may be. Undocumented: the same five minutes. fidelity: inferred.
pub const FUTURE_SKEW: Duration = Duration::minutes(5);

/// The algorithms STS accepts (the model lists ES512 too; ring has no P-521, so an ES512 token is
/// refused as unsupported: a documented gap).
pub const ACCEPTED_ALGORITHMS: &[&str] = &["RS256", "RS384", "RS512", "ES256", "ES384"];

/// The claim carrying session tags (nested form).
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim carrying the source identity.
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";
/// The claim the mock's context provider reads `aws:TransactionContext/IdentityProvider/*` keys from
/// (an object of strings, each at most 128 characters), for providers with a context provider
/// attached. AWS does not document the claim its context providers map: the mock's convention.
/// fidelity: inferred.
pub const TRANSACTION_CONTEXT_CLAIM: &str = "https://aws.amazon.com/transaction_context";
/// The claim the mock's context provider reads `aws:OriginIdentity/SubjectType` from (`user` or
/// `workload`; `user` when absent). fidelity: inferred.
pub const SUBJECT_TYPE_CLAIM: &str = "https://aws.amazon.com/subject_type";

/// The test IdP's signing keys, parsed once: RSA (every RS algorithm), P-256, P-384, and the
/// untrusted RSA key.
struct TestKeys {
    rsa: SigningKey,
    es256: SigningKey,
    es384: SigningKey,
    untrusted: SigningKey,
    jwks: Value,
}

static TEST_KEYS: std::sync::LazyLock<TestKeys> = std::sync::LazyLock::new(|| {
    let key = |pem: &str, alg| SigningKey::from_pkcs8_pem(pem, alg).expect("the shipped IdP keys are valid PKCS#8");
    let (rsa, es256, es384) =
        (key(RSA_PRIVATE, Algorithm::RS256), key(ES256_PRIVATE, Algorithm::ES256), key(ES384_PRIVATE, Algorithm::ES384));
    // One RSA key serves RS256, RS384 and RS512, so its JWK names no `alg`; the EC keys pin theirs.
    let jwks = json!({ "keys": [
        rsa.public_jwk(Some(RSA_KEY_ID), false),
        es256.public_jwk(Some(ES256_KEY_ID), true),
        es384.public_jwk(Some(ES384_KEY_ID), true),
    ]});
    TestKeys { rsa, es256, es384, untrusted: key(UNTRUSTED_RSA_PRIVATE, Algorithm::RS256), jwks }
});

/// The test IdP's signing key and `kid` for an algorithm.
fn test_key(alg: Algorithm) -> (&'static SigningKey, &'static str) {
    match alg {
        Algorithm::ES256 => (&TEST_KEYS.es256, ES256_KEY_ID),
        Algorithm::ES384 => (&TEST_KEYS.es384, ES384_KEY_ID),
        _ => (&TEST_KEYS.rsa, RSA_KEY_ID),
    }
}

/// The JWKS of the test IdP (RSA, P-256, P-384), as a provider registered without keys trusts:
/// `{"keys":[...]}`.
pub fn test_jwks() -> Value {
    TEST_KEYS.jwks.clone()
}

/// Builds and signs an ID token as an identity provider would (the test IdP's keys by default).
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    claims: Map<String, Value>,
    algorithm: Algorithm,
    untrusted_key: bool,
    kid: Option<Option<String>>,
}

impl TokenBuilder {
    /// A token from `issuer`, issued at `now`, expiring an hour later, with `sub` "test-subject" and
    /// `aud` "sts.amazonaws.com", signed RS256.
    pub fn new(issuer: &str, now: OffsetDateTime) -> Self {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(issuer));
        claims.insert("sub".into(), json!("test-subject"));
        claims.insert("aud".into(), json!("sts.amazonaws.com"));
        claims.insert("iat".into(), json!(now.unix_timestamp()));
        claims.insert("exp".into(), json!((now + Duration::hours(1)).unix_timestamp()));
        TokenBuilder { claims, algorithm: Algorithm::RS256, untrusted_key: false, kid: None }
    }

    /// Sets `sub` (named after the claim, not `std::ops::Sub`).
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, subject: &str) -> Self {
        self.claim("sub", json!(subject))
    }

    /// Sets `aud` (one audience).
    pub fn aud(self, audience: &str) -> Self {
        self.claim("aud", json!(audience))
    }

    /// Sets `azp`.
    pub fn azp(self, party: &str) -> Self {
        self.claim("azp", json!(party))
    }

    /// Sets `exp` to `iat + seconds` (negative for a token already expired).
    pub fn exp_in(self, seconds: i64) -> Self {
        let iat = self.claims.get("iat").and_then(Value::as_i64).unwrap_or_default();
        self.claim("exp", json!(iat + seconds))
    }

    /// Sets any claim (`Value::Null` removes it).
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        if value.is_null() {
            self.claims.remove(name);
        } else {
            self.claims.insert(name.to_owned(), value);
        }
        self
    }

    /// Session tags in the nested `https://aws.amazon.com/tags` claim.
    pub fn tags(self, tags: &[(&str, &str)], transitive: &[&str]) -> Self {
        let principal_tags: Map<String, Value> = tags.iter().map(|(k, v)| ((*k).to_owned(), json!([v]))).collect();
        self.claim(TAGS_CLAIM, json!({ "principal_tags": principal_tags, "transitive_tag_keys": transitive }))
    }

    /// Signs with this algorithm (the test IdP's key for it).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Signs with a key no provider trusts (RSA), under the test IdP's `kid`: a forged token.
    pub fn untrusted_key(mut self) -> Self {
        self.untrusted_key = true;
        self
    }

    /// Overrides the header's `kid` (`None` leaves it out).
    pub fn kid(mut self, kid: Option<&str>) -> Self {
        self.kid = Some(kid.map(str::to_owned));
        self
    }

    /// The signed compact JWT.
    pub fn sign(self) -> String {
        // The untrusted key is RSA, under the test IdP's RSA `kid`: a forged token (RS256 unless an
        // RS algorithm was chosen).
        let (key, default_kid, algorithm) = match (self.untrusted_key, self.algorithm) {
            (true, alg) if TEST_KEYS.untrusted.fits(alg) => (&TEST_KEYS.untrusted, RSA_KEY_ID, alg),
            (true, _) => (&TEST_KEYS.untrusted, RSA_KEY_ID, Algorithm::RS256),
            (false, alg) => {
                let (key, kid) = test_key(alg);
                (key, kid, alg)
            }
        };
        let kid = self.kid.unwrap_or_else(|| Some(default_kid.to_owned()));
        key.sign_jwt_as(algorithm, kid.as_deref(), &Value::Object(self.claims)).expect("the test key fits its algorithm")
    }
}

/// What a verified token establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The provider's URL as registered (`https://host/path`).
    pub provider_url: String,
    /// `sub`.
    pub subject: String,
    /// The audience that matched a client id (`azp`, else `aud`).
    pub audience: String,
    /// Session tags from the tags claim.
    pub tags: Vec<Tag>,
    /// Transitive tag keys from the tags claim.
    pub transitive_tag_keys: Vec<String>,
    /// The source identity claim.
    pub source_identity: Option<String>,
    /// Trust-policy condition keys (`<provider>:aud`, `:sub`, `:amr`, `:oaud`), lower-cased keys.
    pub condition_keys: HashMap<String, Vec<String>>,
    /// The subject type claim ([`SUBJECT_TYPE_CLAIM`]), if any.
    pub subject_type: Option<String>,
    /// Transaction context keys ([`TRANSACTION_CONTEXT_CLAIM`]).
    pub transaction_context: std::collections::BTreeMap<String, String>,
}

/// A registered OIDC provider, as verification needs it.
#[derive(Debug, Clone, Copy)]
pub struct Provider<'a> {
    /// `https://host/path`.
    pub url: &'a str,
    /// Accepted audiences.
    pub client_ids: &'a [String],
    /// The provider's JWKS (JSON); `None` trusts the test IdP's keys.
    pub jwks: Option<&'a str>,
}

fn invalid(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::InvalidIdentityToken, message)
}

/// AWS's answer to something that is not a JWT (observed).
pub const NOT_A_JWT: &str = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)";
/// AWS's answer when the key cannot be obtained (documented wording).
pub const NO_VERIFICATION_KEY: &str = "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements";

fn segment_json(segment: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(segment.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The unverified issuer of a token, to find its provider (also checks the shape and algorithm).
pub fn issuer_of(token: &str) -> Result<String, StsError> {
    let segments: Vec<&str> = token.split('.').collect();
    let [header, payload, _] = segments.as_slice() else { return Err(invalid(NOT_A_JWT)) };
    let header = segment_json(header).ok_or_else(|| invalid(NOT_A_JWT))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or_default();
    if !ACCEPTED_ALGORITHMS.contains(&alg) {
        // The refusal is documented (the model lists the algorithms); the wording is not. fidelity: inferred.
        return Err(invalid(format!("Unsupported JWT signing algorithm: {alg:?}. Use RS256, RS384, RS512, ES256, ES384 or ES512.")));
    }
    let claims = segment_json(payload).ok_or_else(|| invalid(NOT_A_JWT))?;
    claims.get("iss").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| invalid("Missing a required claim: iss"))
}

/// Verifies `token` against `provider` at `now`.
pub fn verify(token: &str, provider: Provider<'_>, now: OffsetDateTime) -> Result<VerifiedToken, StsError> {
    issuer_of(token)?;
    let header = crate::jose::header(token).ok_or_else(|| invalid(NOT_A_JWT))?;
    // issuer_of checked `alg` is one of ours.
    let algorithm = header.get("alg").and_then(Value::as_str).and_then(Algorithm::from_name).ok_or_else(|| invalid(NOT_A_JWT))?;
    let registered: Value;
    let jwks = match provider.jwks {
        None => &TEST_KEYS.jwks,
        Some(text) => {
            registered = serde_json::from_str(text).map_err(|_| invalid(NO_VERIFICATION_KEY))?;
            &registered
        }
    };
    // A token without `kid` may still match a provider with a single key.
    let jwk = crate::jose::find_key(jwks, header.get("kid").and_then(Value::as_str)).ok_or_else(|| invalid(NO_VERIFICATION_KEY))?;
    // A key of another type or curve, or one whose `alg` names another algorithm, is no key for
    // this token.
    if jwk.get("alg").and_then(Value::as_str).is_some_and(|alg| alg != algorithm.name()) {
        return Err(invalid(NO_VERIFICATION_KEY));
    }
    match crate::jose::verify_jwt(token, jwk, algorithm) {
        Ok(true) => {}
        // The refusal is certain; AWS's wording for it is not established. fidelity: inferred.
        Ok(false) => return Err(invalid("The ID Token signature is invalid.")),
        Err(_) => return Err(invalid(NO_VERIFICATION_KEY)),
    }
    let claims = crate::jose::claims(token).ok_or_else(|| invalid(NOT_A_JWT))?;

    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let number = |name: &str| claims.get(name).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
    let missing = |name: &str| invalid(format!("Missing a required claim: {name}"));
    let issuer = text("iss").ok_or_else(|| missing("iss"))?;
    let subject = text("sub").ok_or_else(|| missing("sub"))?;
    let audiences: Vec<String> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => vec![],
    };
    let azp = text("azp");
    if audiences.is_empty() && azp.is_none() {
        return Err(missing("aud"));
    }
    let exp = number("exp").ok_or_else(|| missing("exp"))?;
    let iat = number("iat").ok_or_else(|| missing("iat"))?;
    if issuer != provider.url {
        return Err(invalid(format!("No OpenIDConnect provider found in your account for {issuer}")));
    }

    // Audience: azp when present, else aud; several audiences without azp are refused (3P; inferred).
    let audience = match (&azp, audiences.as_slice()) {
        (Some(party), _) => party.clone(),
        (None, [one]) => one.clone(),
        (None, _) => return Err(invalid("Incorrect token audience")),
    };
    if !provider.client_ids.contains(&audience) {
        return Err(invalid("Incorrect token audience"));
    }

    let now_s = now.unix_timestamp();
    // An `exp` at the end of year 9999 has no instant five minutes later: such a token is not expired.
    let expired = OffsetDateTime::from_unix_timestamp(exp)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .checked_add(EXPIRY_GRACE)
        .is_some_and(|deadline| now > deadline);
    if expired {
        // Observed wording (2024): answers of 2021 lacked the space before the expiry.
        return Err(StsError::new(
            ErrorCode::ExpiredTokenException,
            format!("Token expired: current date/time {now_s} must be before the expiration date/time {exp}"),
        ));
    }
    if iat > now_s + FUTURE_SKEW.whole_seconds() {
        return Err(invalid("The token was issued in the future (iat)."));
    }
    if number("nbf").is_some_and(|nbf| nbf > now_s + FUTURE_SKEW.whole_seconds()) {
        return Err(invalid("The token is not valid yet (nbf)."));
    }

    let (tags, transitive_tag_keys) = tag_claims(&claims)?;
    let source_identity = match claims.get(SOURCE_IDENTITY_CLAIM) {
        None => None,
        Some(Value::String(s)) if valid_source_identity(s) => Some(s.clone()),
        Some(_) => {
            return Err(invalid(r#"Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:""#));
        }
    };

    let prefix = provider.url.trim_start_matches("https://").to_lowercase();
    let mut condition_keys = HashMap::new();
    condition_keys.insert(format!("{prefix}:aud"), vec![audience.clone()]);
    condition_keys.insert(format!("{prefix}:oaud"), audiences.clone());
    condition_keys.insert(format!("{prefix}:sub"), vec![subject.clone()]);
    let amr: Vec<String> = match claims.get("amr") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec![],
    };
    if !amr.is_empty() {
        condition_keys.insert(format!("{prefix}:amr"), amr);
    }
    let subject_type = claims.get(SUBJECT_TYPE_CLAIM).and_then(Value::as_str).map(str::to_owned);
    let mut transaction_context = std::collections::BTreeMap::new();
    if let Some(Value::Object(entries)) = claims.get(TRANSACTION_CONTEXT_CLAIM) {
        for (key, value) in entries {
            match value.as_str() {
                Some(v) if v.chars().count() <= 128 => {
                    transaction_context.insert(key.clone(), v.to_owned());
                }
                _ => return Err(invalid("Transaction context values must be strings of at most 128 characters.")),
            }
        }
    }
    Ok(VerifiedToken {
        provider_url: provider.url.to_owned(),
        subject,
        audience,
        tags,
        transitive_tag_keys,
        source_identity,
        condition_keys,
        subject_type,
        transaction_context,
    })
}

/// `[a-zA-Z_0-9+=,.@-]{2,64}` (documented; its "not `aws:`" rule is implied: no `:` at all).
pub fn valid_source_identity(s: &str) -> bool {
    (2..=64).contains(&s.chars().count()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
    // The documented "not `aws:`" rule needs no clause: ':' is already outside the character set.
}

/// Session tags from the nested (`https://aws.amazon.com/tags`) or flattened
/// (`https://aws.amazon.com/tags/principal_tags/<Key>`) claims; the two forms are exclusive.
fn tag_claims(claims: &Value) -> Result<(Vec<Tag>, Vec<String>), StsError> {
    let bad = || invalid("The https://aws.amazon.com/tags claim is not valid.");
    let Value::Object(map) = claims else { return Ok((vec![], vec![])) };
    let flat_prefix = format!("{TAGS_CLAIM}/principal_tags/");
    let flat_transitive = format!("{TAGS_CLAIM}/transitive_tag_keys");
    let flat: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| k.starts_with(&flat_prefix) || **k == flat_transitive).collect();
    let value_of = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.len() == 1 => a[0].as_str().map(str::to_owned),
        _ => None,
    };
    let keys_of = |v: &Value| match v {
        Value::Array(a) => a.iter().map(|k| k.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>(),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    };
    match (map.get(TAGS_CLAIM), flat.is_empty()) {
        (None, true) => Ok((vec![], vec![])),
        (Some(_), false) => Err(invalid("The token carries both the nested and the flattened session tag claims.")),
        (Some(Value::Object(nested)), true) => {
            let mut tags = Vec::new();
            if let Some(principal) = nested.get("principal_tags") {
                let Value::Object(principal) = principal else { return Err(bad()) };
                for (k, v) in principal {
                    tags.push(Tag::new(k.clone(), value_of(v).ok_or_else(bad)?));
                }
            }
            let transitive = nested.get("transitive_tag_keys").map(keys_of).unwrap_or(Some(vec![])).ok_or_else(bad)?;
            Ok((tags, transitive))
        }
        (Some(_), true) => Err(bad()),
        (None, false) => {
            let mut tags = Vec::new();
            let mut transitive = Vec::new();
            for (k, v) in flat {
                if *k == flat_transitive {
                    transitive = keys_of(v).ok_or_else(bad)?;
                } else {
                    let key = k[flat_prefix.len()..].to_owned();
                    tags.push(Tag::new(key, value_of(v).ok_or_else(bad)?));
                }
            }
            Ok((tags, transitive))
        }
    }
}
