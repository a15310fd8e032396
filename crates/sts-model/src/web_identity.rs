//! Outbound web identity federation: the keys that sign GetWebIdentityToken's JWTs, their JWKS, and
//! the per-account issuer.
//!
//! The keys are test keys shipped in `keys/` (see its README): a verifier of the mock's tokens
//! fetches [`jwks`] (the mock serves it at the issuer's `/.well-known/jwks.json`).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::jose::{Algorithm, SigningKey};

const RS256_PRIVATE: &str = include_str!("../keys/web-identity-rs256.pem");
const ES384_PRIVATE: &str = include_str!("../keys/web-identity-es384.pem");

/// The signing keys, parsed once.
static KEYS: std::sync::LazyLock<[SigningKey; 2]> = std::sync::LazyLock::new(|| {
    let key = |pem: &str, alg| SigningKey::from_pkcs8_pem(pem, alg).expect("the shipped test keys are valid PKCS#8");
    [key(RS256_PRIVATE, Algorithm::RS256), key(ES384_PRIVATE, Algorithm::ES384)]
});

/// A signing algorithm GetWebIdentityToken offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA P-384 with SHA-384.
    Es384,
}

impl SigningAlgorithm {
    /// The documented values of `SigningAlgorithm`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(SigningAlgorithm::Rs256),
            "ES384" => Some(SigningAlgorithm::Es384),
            _ => None,
        }
    }

    /// The JOSE algorithm.
    pub fn algorithm(self) -> Algorithm {
        match self {
            SigningAlgorithm::Rs256 => Algorithm::RS256,
            SigningAlgorithm::Es384 => Algorithm::ES384,
        }
    }

    /// The `kid` of the mock's key for this algorithm.
    pub fn key_id(self) -> &'static str {
        match self {
            SigningAlgorithm::Rs256 => "sts-harness-rs256-1",
            SigningAlgorithm::Es384 => "sts-harness-es384-1",
        }
    }

    /// The mock's private key for this algorithm.
    pub(crate) fn signing_key(self) -> &'static SigningKey {
        match self {
            SigningAlgorithm::Rs256 => &KEYS[0],
            SigningAlgorithm::Es384 => &KEYS[1],
        }
    }
}

/// The JWKS of the mock's outbound-federation keys (`{"keys":[...]}`, each with `kid` and `alg`).
pub fn jwks() -> Value {
    let keys: Vec<Value> = [SigningAlgorithm::Rs256, SigningAlgorithm::Es384]
        .into_iter()
        .map(|alg| alg.signing_key().public_jwk(Some(alg.key_id()), true))
        .collect();
    json!({ "keys": keys })
}

/// The account-specific issuer of outbound tokens, shaped like AWS's
/// `https://{id}.tokens.sts.global.api.aws` (the id is derived from the account).
pub fn issuer(account: &str) -> String {
    let digest = Sha256::digest(account.as_bytes());
    let h: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("https://{}-{}-{}-{}-{}.tokens.sts.global.api.aws", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
