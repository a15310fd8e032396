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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_follows_rfc_4648_with_padding_spaces_and_lower_case() {
        // RFC 4648 section 10 test vectors.
        assert_eq!(base32_decode("MZXW6YTBOI======").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZXW6===").as_deref(), Some(&b"foo"[..]));
        assert_eq!(base32_decode("MY======").as_deref(), Some(&b"f"[..]));
        // Authenticator apps show seeds in groups of four, sometimes in lower case.
        assert_eq!(base32_decode("mzxw 6ytb oi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZXW1"), None, "1 is not in the alphabet");
    }

    #[test]
    fn totp_devices_accept_the_previous_current_and_next_codes_only() {
        // RFC 6238's SHA-1 seed: at T = 59 s (step 1) the code is 287082 (the RFC's 94287082).
        let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let device = MfaDevice { serial_number: "arn:aws:iam::123456789012:mfa/bob".into(), code: MfaCode::Totp(seed.into()) };
        let at = |s| OffsetDateTime::from_unix_timestamp(s).unwrap();
        assert!(device.accepts("287082", at(59)));
        assert!(device.accepts("287082", at(89)), "the step before (clock drift)");
        assert!(device.accepts("287082", at(29)), "the step after");
        assert!(!device.accepts("287082", at(119)), "two steps later");
        // Steps 0 and 2 have other codes, so the drift checks above are not vacuous.
        assert_ne!(totp(seed, at(29)).unwrap(), "287082");
        assert_ne!(totp(seed, at(89)).unwrap(), "287082");
        // The seed written in groups (spaces are not part of it).
        let spaced = MfaDevice { code: MfaCode::Totp("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ".into()), ..device };
        assert!(spaced.accepts("287082", at(59)));
    }
}
