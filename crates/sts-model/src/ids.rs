//! Identifiers as AWS shapes them: access key ids that embed the account id, unique ids, secrets,
//! session tokens and request ids, all drawn from a seeded generator so that output is byte-stable.
//!
//! Key id layout (public reverse engineering by Aidan Steele, 2020, matching `GetAccessKeyInfo`):
//! after the 4-character prefix come 16 base32 characters (alphabet `A-Z2-7`) encoding 10 bytes.
//! The first 6 bytes, read as a big-endian 48-bit integer `z`, carry the account id in bits 7..47
//! (`(z & 0x7FFF_FFFF_FF80) >> 7`), with the top bit always set; the rest is random.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Prefix of long-term access keys (IAM users, root).
pub const LONG_TERM_KEY_PREFIX: &str = "AKIA";
/// Prefix of temporary access keys minted by STS.
pub const TEMPORARY_KEY_PREFIX: &str = "ASIA";

fn push_base32(out: &mut String, bytes: &[u8; 10]) {
    let mut acc: u128 = 0;
    for b in bytes {
        acc = (acc << 8) | u128::from(*b);
    }
    for i in (0..16).rev() {
        out.push(BASE32[((acc >> (i * 5)) & 31) as usize] as char);
    }
}

fn base32_decode(text: &str) -> Option<[u8; 10]> {
    if text.len() != 16 {
        return None;
    }
    let mut acc: u128 = 0;
    for c in text.bytes() {
        let v = BASE32.iter().position(|&b| b == c)?;
        acc = (acc << 5) | v as u128;
    }
    let mut out = [0u8; 10];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (acc >> ((9 - i) * 8)) as u8;
    }
    Some(out)
}

/// Builds a 20-character id `prefix + base32(account-bearing bytes)`, as AWS lays out key ids and
/// unique ids. `account` must be below 10^12; `entropy` fills the random bits.
pub fn encode_account_id(prefix: &str, account: u64, entropy: [u8; 5]) -> String {
    debug_assert!(account < 1_000_000_000_000, "account ids have 12 digits");
    let z: u64 = (1 << 47) | (account << 7) | u64::from(entropy[0] & 0x7F);
    let mut bytes = [0u8; 10];
    bytes[..6].copy_from_slice(&z.to_be_bytes()[2..8]);
    bytes[6..].copy_from_slice(&entropy[1..5]);
    // One allocation: key ids are minted on every session.
    let mut out = String::with_capacity(prefix.len() + 16);
    out.push_str(prefix);
    push_base32(&mut out, &bytes);
    out
}

/// The account id (12 digits) embedded in a modern access key id or unique id, if it has one.
///
/// ```
/// use sts_model::ids::account_from_key_id;
/// assert_eq!(account_from_key_id("ASIAY34FZKBOKMUTVV7A").as_deref(), Some("609629065308"));
/// assert_eq!(account_from_key_id("AKIASP2TPHJSQH3FJXYZ").as_deref(), Some("171436882533"));
/// assert_eq!(account_from_key_id("AKIAIOSFODNN7EXAMPLE"), None); // pre-2019 ids carry no account
/// ```
pub fn account_from_key_id(key_id: &str) -> Option<String> {
    let body = key_id.get(4..)?;
    let bytes = base32_decode(body)?;
    let mut z_bytes = [0u8; 8];
    z_bytes[2..].copy_from_slice(&bytes[..6]);
    let z = u64::from_be_bytes(z_bytes);
    if z & (1 << 47) == 0 {
        return None;
    }
    let account = (z & 0x7FFF_FFFF_FF80) >> 7;
    if account >= 1_000_000_000_000 {
        return None;
    }
    Some(format!("{account:012}"))
}

/// A deterministic id derived from a name, so that worlds built in any order get the same ids.
pub fn derived_id(prefix: &str, account: &str, kind: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{kind}\0{account}\0{name}").as_bytes());
    let account_num = account.parse::<u64>().unwrap_or(0) % 1_000_000_000_000;
    let mut entropy = [0u8; 5];
    entropy.copy_from_slice(&digest[..5]);
    let id = encode_account_id(prefix, account_num, entropy);
    // Unique ids (AIDA..., AROA...) are 21 characters: one more base32 character from the digest.
    if prefix.len() == 4 && kind != "access-key" { format!("{id}{}", BASE32[(digest[5] & 31) as usize] as char) } else { id }
}

/// A deterministic 40-character secret derived from a key id (for world files that omit secrets).
pub fn derived_secret(key_id: &str) -> String {
    let digest = Sha256::digest(format!("secret\0{key_id}").as_bytes());
    let mut rng = ChaCha8Rng::from_seed(digest.into());
    secret_from(&mut rng)
}

fn secret_from(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..40).map(|_| ALPHABET[(rng.next_u32() & 63) as usize] as char).collect()
}

/// The seeded source of every random-looking value the model hands out.
///
/// ```
/// use sts_model::ids::Generator;
/// let mut a = Generator::new(7);
/// let mut b = Generator::new(7);
/// assert_eq!(a.temporary_key_id("123456789012"), b.temporary_key_id("123456789012"));
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    rng: ChaCha8Rng,
}

impl Generator {
    /// A generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Generator { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    fn entropy(&mut self) -> [u8; 5] {
        let mut e = [0u8; 5];
        self.rng.fill_bytes(&mut e);
        e
    }

    /// A fresh `ASIA...` key id embedding `account`.
    pub fn temporary_key_id(&mut self, account: &str) -> String {
        let entropy = self.entropy();
        encode_account_id(TEMPORARY_KEY_PREFIX, account.parse().unwrap_or(0), entropy)
    }

    /// A fresh `AKIA...` long-term key id embedding `account` (IAM's CreateAccessKey).
    pub fn long_term_key_id(&mut self, account: &str) -> String {
        let entropy = self.entropy();
        encode_account_id("AKIA", account.parse().unwrap_or(0), entropy)
    }

    /// A fresh 40-character secret access key.
    pub fn secret_access_key(&mut self) -> String {
        secret_from(&mut self.rng)
    }

    /// A request id shaped like a v4 UUID.
    pub fn request_id(&mut self) -> String {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0F) | 0x40;
        b[8] = (b[8] & 0x3F) | 0x80;
        // Written digit by digit: this runs on every call, and `format!` per byte showed in profiles.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[(x >> 4) as usize] as char);
            out.push(HEX[(x & 15) as usize] as char);
        }
        out
    }

    /// Fills `buf` with random bytes (a sealed token's nonce and filler).
    pub fn fill(&mut self, buf: &mut [u8]) {
        self.rng.fill_bytes(buf);
    }

    /// `n` random bytes (for opaque encoded messages and tokens).
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.rng.fill_bytes(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_published_examples() {
        for (key, account) in [
            ("ASIAY34FZKBOKMUTVV7A", "609629065308"),
            ("ASIAVJ2E6QGR2WZILJFM", "364679954851"),
            ("ASIAQAAAAAAAGMKEM7X5", "000000000000"),
            ("AKIASP2TPHJSQH3FJXYZ", "171436882533"),
        ] {
            assert_eq!(account_from_key_id(key).as_deref(), Some(account), "{key}");
        }
    }

    #[test]
    fn generated_keys_round_trip_and_look_real() {
        let mut g = Generator::new(1);
        for account in ["000000000000", "123456789012", "999999999999"] {
            let id = g.temporary_key_id(account);
            assert_eq!(id.len(), 20);
            assert!(id.starts_with("ASIA"));
            assert!(id[4..].bytes().all(|c| BASE32.contains(&c)));
            assert_eq!(account_from_key_id(&id).as_deref(), Some(account));
        }
        assert_eq!(g.secret_access_key().len(), 40);
    }

    #[test]
    fn derived_unique_ids_have_21_characters_and_the_account() {
        let id = derived_id("AROA", "123456789012", "role", "demo");
        assert_eq!(id.len(), 21);
        assert_eq!(account_from_key_id(&id[..20]).as_deref(), Some("123456789012"));
        assert_eq!(id, derived_id("AROA", "123456789012", "role", "demo"));
        let key = derived_id("AKIA", "123456789012", "access-key", "alice");
        assert_eq!(key.len(), 20);
    }
}
