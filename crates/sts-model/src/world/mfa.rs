//! MFA devices: a fixed code (simplest for tests) or RFC 6238 TOTP on the model clock.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use time::OffsetDateTime;

/// What an MFA device shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaCode {
    /// Always the same six digits.
    Fixed(String),
    /// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) from a base32 secret, as virtual MFA apps compute it.
    Totp(String),
}

/// An MFA device of an IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaDevice {
    /// Serial number, or `arn:aws:iam::ACCT:mfa/name` for a virtual device.
    pub serial_number: String,
    /// How its codes are made.
    pub code: MfaCode,
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The RFC 6238 code of `secret` for the 30-second step containing `at`.
///
/// ```
/// use sts_model::world::totp;
/// use sts_model::time::OffsetDateTime;
/// // RFC 6238 test vector (SHA-1, T = 59 s), truncated to 6 digits.
/// let at = OffsetDateTime::from_unix_timestamp(59).unwrap();
/// assert_eq!(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at).as_deref(), Some("287082"));
/// ```
pub fn totp(base32_secret: &str, at: OffsetDateTime) -> Option<String> {
    let key = base32_decode(base32_secret)?;
    let step = (at.unix_timestamp().max(0) / 30) as u64;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    Some(format!("{:06}", bin % 1_000_000))
}

impl MfaDevice {
    /// Whether `code` is valid at `now` (TOTP: the current step or the one before or after, as AWS
    /// tolerates clock drift).
    pub fn accepts(&self, code: &str, now: OffsetDateTime) -> bool {
        match &self.code {
            MfaCode::Fixed(fixed) => fixed == code,
            MfaCode::Totp(secret) => {
                [-30i64, 0, 30].iter().any(|d| totp(secret, now + time::Duration::seconds(*d)).as_deref() == Some(code))
            }
        }
    }
}
