//! Inbound OIDC federation (AssumeRoleWithWebIdentity): verifying ID tokens as STS does, and the
//! test identity provider that mints them.
//!
//! Verification follows the order of FEDERATION-FACTS §1.3: shape and algorithm (RS256/384/512,
//! ES256/384), required claims, issuer → the role account's OIDC provider, key by `kid` in the
//! provider's JWKS, signature (jsonwebtoken), audience (`azp`, else `aud`) in the client-id list,
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

use base64::Engine as _;
pub use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
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

/// The algorithms STS accepts (the model lists ES512 too; jsonwebtoken has no P-521, so an ES512
/// token is refused as unsupported: a documented gap).
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

/// The test IdP's signing keys, by algorithm.
fn test_key(alg: Algorithm) -> (EncodingKey, &'static str) {
    let key = match alg {
        Algorithm::ES256 => (EncodingKey::from_ec_pem(ES256_PRIVATE.as_bytes()), ES256_KEY_ID),
        Algorithm::ES384 => (EncodingKey::from_ec_pem(ES384_PRIVATE.as_bytes()), ES384_KEY_ID),
        _ => (EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()), RSA_KEY_ID),
    };
    (key.0.expect("the shipped IdP keys are valid PEM"), key.1)
}

/// The JWKS of the test IdP (RSA, P-256, P-384), as a provider registered without keys trusts.
pub fn test_jwks() -> JwkSet {
    TEST_JWKS.clone()
}

/// Built once: turning the RSA private key into its public JWK parses and checks the key, about a
/// millisecond, which every AssumeRoleWithWebIdentity against a provider without keys used to pay.
static TEST_JWKS: std::sync::LazyLock<JwkSet> = std::sync::LazyLock::new(|| {
    let keys = [(Algorithm::RS256, false), (Algorithm::ES256, true), (Algorithm::ES384, true)]
        .into_iter()
        .map(|(alg, pin_alg)| {
            let (key, kid) = test_key(alg);
            let mut jwk = Jwk::from_encoding_key(&key, alg).expect("the shipped IdP keys convert to JWK");
            jwk.common.key_id = Some(kid.to_owned());
            if !pin_alg {
                // One RSA key serves RS256, RS384 and RS512.
                jwk.common.key_algorithm = None;
            }
            jwk
        })
        .collect();
    JwkSet { keys }
});

/// Builds and signs an ID token as an identity provider would (the test IdP's keys by default).
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    claims: Map<String, Value>,
    algorithm: Algorithm,
    key: Option<(EncodingKey, Option<String>)>,
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
        TokenBuilder { claims, algorithm: Algorithm::RS256, key: None, kid: None }
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
        let key = EncodingKey::from_rsa_pem(UNTRUSTED_RSA_PRIVATE.as_bytes()).expect("the shipped key is valid PEM");
        self.key = Some((key, Some(RSA_KEY_ID.to_owned())));
        self
    }

    /// Overrides the header's `kid` (`None` leaves it out).
    pub fn kid(mut self, kid: Option<&str>) -> Self {
        self.kid = Some(kid.map(str::to_owned));
        self
    }

    /// The signed compact JWT.
    pub fn sign(self) -> String {
        let (key, default_kid) = match self.key {
            Some((key, kid)) => (key, kid),
            None => {
                let (key, kid) = test_key(self.algorithm);
                (key, Some(kid.to_owned()))
            }
        };
        let mut header = Header::new(self.algorithm);
        header.kid = self.kid.unwrap_or(default_kid);
        jsonwebtoken::encode(&header, &Value::Object(self.claims), &key).expect("signing with a valid key succeeds")
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
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid(NOT_A_JWT))?;
    let registered: JwkSet;
    let jwks = match provider.jwks {
        None => &*TEST_JWKS,
        Some(text) => {
            registered = serde_json::from_str(text).map_err(|_| invalid(NO_VERIFICATION_KEY))?;
            &registered
        }
    };
    // A token without `kid` may still match a provider with a single key of its type.
    let jwk = match header.kid.as_deref() {
        Some(kid) => jwks.find(kid),
        None if jwks.keys.len() == 1 => jwks.keys.first(),
        None => None,
    }
    .ok_or_else(|| invalid(NO_VERIFICATION_KEY))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| invalid(NO_VERIFICATION_KEY))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            // The refusal is certain; AWS's wording for it is not established. fidelity: inferred.
            jsonwebtoken::errors::ErrorKind::InvalidSignature => invalid("The ID Token signature is invalid."),
            _ => invalid(NOT_A_JWT),
        })?
        .claims;

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
