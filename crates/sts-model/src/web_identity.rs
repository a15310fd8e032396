//! Outbound web identity federation: the keys that sign GetWebIdentityToken's JWTs, their JWKS, and
//! the per-account issuer.
//!
//! The keys are test keys shipped in `keys/` (see its README): a verifier of the mock's tokens
//! fetches [`jwks`] (the mock serves it at the issuer's `/.well-known/jwks.json`).

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};

const RS256_PRIVATE: &str = include_str!("../keys/web-identity-rs256.pem");
const RS256_PUBLIC: &str = include_str!("../keys/web-identity-rs256.pub.pem");
const ES384_PRIVATE: &str = include_str!("../keys/web-identity-es384.pem");
const ES384_PUBLIC: &str = include_str!("../keys/web-identity-es384.pub.pem");

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

    pub(crate) fn encoding_key(self) -> EncodingKey {
        let key = match self {
            SigningAlgorithm::Rs256 => EncodingKey::from_rsa_pem(RS256_PRIVATE.as_bytes()),
            SigningAlgorithm::Es384 => EncodingKey::from_ec_pem(ES384_PRIVATE.as_bytes()),
        };
        key.expect("the shipped test keys are valid PEM")
    }

    /// The public key, to verify tokens.
    pub fn decoding_key(self) -> DecodingKey {
        let key = match self {
            SigningAlgorithm::Rs256 => DecodingKey::from_rsa_pem(RS256_PUBLIC.as_bytes()),
            SigningAlgorithm::Es384 => DecodingKey::from_ec_pem(ES384_PUBLIC.as_bytes()),
        };
        key.expect("the shipped test keys are valid PEM")
    }
}

/// The JWKS of the mock's outbound-federation keys.
pub fn jwks() -> JwkSet {
    let keys = [SigningAlgorithm::Rs256, SigningAlgorithm::Es384]
        .into_iter()
        .map(|alg| {
            let mut jwk = Jwk::from_encoding_key(&alg.encoding_key(), alg.algorithm()).expect("the shipped keys convert to JWK");
            jwk.common.key_id = Some(alg.key_id().to_owned());
            jwk
        })
        .collect();
    JwkSet { keys }
}

/// The account-specific issuer of outbound tokens, shaped like AWS's
/// `https://{id}.tokens.sts.global.api.aws` (the id is derived from the account).
pub fn issuer(account: &str) -> String {
    let digest = Sha256::digest(account.as_bytes());
    let h: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("https://{}-{}-{}-{}-{}.tokens.sts.global.api.aws", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
