//! Sealed sessions: a session token carries its whole session, encrypted and authenticated under the
//! model's state key, the way AWS's tokens are self-contained. Nothing is remembered per session: a
//! model holding the same key accepts every credential it (or an earlier run with that key) minted,
//! however many were minted since, and memory does not grow with the number of live sessions.
//!
//! Layout of the token's bytes, base64-encoded:
//!
//! ```text
//! "!\n\torigin_ec"  version(1)  nonce(12)  length(2, big endian)  AES-256-GCM(session)  filler
//! ```
//!
//! The header makes the token start `IQoJb3JpZ2luX2Vj` like AWS's v2 regional tokens. The sealed
//! session is bound to its access key id (the additional authenticated data), so a token cannot be
//! paired with another key id. Random filler brings the token to the size the model gives it (what
//! the packed policies and tags cost, the configured padding, `MinimumSessionTokenSize`). The secret
//! access key is not stored: it is derived from the key id with an HMAC under the same key.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::policy::PolicyDocument;
use crate::response::{OriginIdentity, TransactionContext, TrustedIdentityPropagationContext};
use crate::{Credentials, Principal, Session, SessionKind, Tag};

/// What every token starts with: `!\n\torigin_ec` (base64 `IQoJb3JpZ2luX2Vj`).
const HEADER: &[u8] = b"!\n\torigin_ec";
/// The layout version after the header: the session as written, or deflated (sessions with
/// policies or many tags, which then cost about what `PackedPolicySize` counts for them).
const VERSION: u8 = 1;
const VERSION_DEFLATED: u8 = 2;
/// Sessions above this size may be deflated before sealing (below it deflate never wins).
const DEFLATE_ABOVE: usize = 256;
/// The AES-GCM tag the sealing appends.
const TAG_LEN: usize = 16;
/// The largest session the model inflates (a session is bounded well below it by the operations).
const MAX_SESSION_LEN: usize = 256 * 1024;
const NONCE_LEN: usize = 12;
/// Header, version, nonce and the sealed length.
const PREFIX_LEN: usize = HEADER.len() + 1 + NONCE_LEN + 2;
/// The largest token the model opens (AWS documents no maximum; the mock's body cap is 1 MiB).
const MAX_TOKEN_LEN: usize = 1 << 20;

/// The 32-byte key sessions are sealed under, derived from the seed unless set
/// ([`crate::StsConfig::state_key`]).
pub fn state_key_from_seed(seed: u64) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(b"sts-harness state key\0");
    digest.update(seed.to_le_bytes());
    digest.finalize().into()
}

/// Seals and opens sessions under one state key.
#[derive(Clone)]
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
    // HMACs keyed once: keying hashes two blocks, which every mint would otherwise repeat twice.
    secret_mac: Hmac<Sha256>,
    nonce_mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str("Sealer")
    }
}

impl Sealer {
    pub(crate) fn new(state_key: &[u8; 32]) -> Sealer {
        // Two keys from one: the AEAD key and the key secrets are derived under.
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac = Hmac::<Sha256>::new_from_slice(state_key).expect("HMAC takes any key length");
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let seal_key = derive(b"seal");
        let keyed = |key: [u8; 32]| Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        Sealer { cipher: Aes256Gcm::new(&seal_key.into()), secret_mac: keyed(derive(b"secret")), nonce_mac: keyed(derive(b"nonce")) }
    }

    /// The 40-character secret access key of a temporary key id.
    pub(crate) fn secret_for(&self, access_key_id: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut mac = self.secret_mac.clone();
        mac.update(access_key_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        // 32 bytes give 40 six-bit characters (240 of their 256 bits).
        let mut bits: u32 = 0;
        let mut held = 0;
        let mut out = String::with_capacity(40);
        for byte in digest.iter() {
            bits = (bits << 8) | u32::from(*byte);
            held += 8;
            while held >= 6 && out.len() < 40 {
                held -= 6;
                out.push(ALPHABET[((bits >> held) & 63) as usize] as char);
            }
        }
        out
    }

    /// The session token of `session`: at least `len` characters, longer if the sealed session
    /// needs it; `filler` fills the bytes past the sealed session.
    pub(crate) fn seal(&self, session: &Session, len: usize, filler: impl FnOnce(&mut [u8])) -> String {
        let mut plain = encode(session);
        let mut version = VERSION;
        // Deflated only when the session would not fit the token's size as written: most sessions
        // fit, and each deflate costs a compressor's tables reset (~3 µs).
        let fits = PREFIX_LEN + plain.len() + TAG_LEN <= len.div_ceil(4) * 3;
        if !fits
            && plain.len() > DEFLATE_ABOVE
            && let Some(deflated) = deflate(&plain).filter(|d| d.len() < plain.len())
        {
            (plain, version) = (deflated, VERSION_DEFLATED);
        }
        let nonce = self.synthetic_nonce(session.credentials.access_key_id.as_bytes(), &plain);
        let sealed = self
            .cipher
            .encrypt(&nonce.into(), Payload { msg: &plain, aad: session.credentials.access_key_id.as_bytes() })
            .expect("AES-GCM seals any message under 64 GiB");
        let needed = PREFIX_LEN + sealed.len();
        let raw_len = (len.div_ceil(4) * 3).max(needed);
        let mut raw = Vec::with_capacity(raw_len);
        raw.extend_from_slice(HEADER);
        raw.push(version);
        raw.extend_from_slice(&nonce);
        // A session is far below 64 KiB: tags, policies and names are bounded by the operations.
        raw.extend_from_slice(&u16::try_from(sealed.len()).unwrap_or(u16::MAX).to_be_bytes());
        raw.extend_from_slice(&sealed);
        raw.resize(raw_len, 0);
        filler(&mut raw[needed..]);
        base64::engine::general_purpose::STANDARD.encode(raw)
    }

    /// The nonce of a sealing, derived from what is sealed (a synthetic IV, as in AES-GCM-SIV): a
    /// nonce drawn from the generator would repeat whenever a model restarts with the same seed,
    /// and a repeated GCM nonce under one key leaks the authentication key. Derived, it repeats
    /// only for the same key id and session, whose sealing is then the same bytes anyway.
    fn synthetic_nonce(&self, access_key_id: &[u8], plain: &[u8]) -> [u8; NONCE_LEN] {
        let mut mac = self.nonce_mac.clone();
        mac.update(&(access_key_id.len() as u64).to_be_bytes());
        mac.update(access_key_id);
        mac.update(plain);
        let digest = mac.finalize().into_bytes();
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&digest[..NONCE_LEN]);
        nonce
    }

    /// The session sealed in `token` for `access_key_id`, or `None` when the token was not minted
    /// under this key for that key id (altered, truncated, another key's, another model's).
    pub(crate) fn open(&self, access_key_id: &str, token: &str) -> Option<Session> {
        if token.len() > MAX_TOKEN_LEN || !token.starts_with("IQoJb3JpZ2luX2Vj") {
            return None;
        }
        // Only the sealed part is decoded, never the filler.
        let head = base64::engine::general_purpose::STANDARD.decode(token.get(..PREFIX_LEN.div_ceil(3) * 4)?).ok()?;
        let version = *head.get(HEADER.len())?;
        if version != VERSION && version != VERSION_DEFLATED {
            return None;
        }
        let nonce: [u8; NONCE_LEN] = head.get(HEADER.len() + 1..HEADER.len() + 1 + NONCE_LEN)?.try_into().ok()?;
        let sealed_len = usize::from(u16::from_be_bytes(head.get(PREFIX_LEN - 2..PREFIX_LEN)?.try_into().ok()?));
        let end = (PREFIX_LEN + sealed_len).div_ceil(3) * 4;
        let raw = base64::engine::general_purpose::STANDARD.decode(token.get(..end)?).ok()?;
        let sealed = raw.get(PREFIX_LEN..PREFIX_LEN + sealed_len)?;
        let mut plain = self.cipher.decrypt(&nonce.into(), Payload { msg: sealed, aad: access_key_id.as_bytes() }).ok()?;
        if version == VERSION_DEFLATED {
            plain = miniz_oxide::inflate::decompress_to_vec_with_limit(&plain, MAX_SESSION_LEN).ok()?;
        }
        let credentials = Credentials {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: self.secret_for(access_key_id),
            session_token: token.to_owned(),
            expiration: OffsetDateTime::UNIX_EPOCH,
        };
        decode(&plain, credentials)
    }
}

// The session's own encoding: length-prefixed fields in a fixed order. Written by hand because it
// is ours, small and hot (every mint writes one, every call with temporary credentials reads one).

/// Raw deflate (fastest level) with one compressor per thread: a compressor holds hundreds of
/// kilobytes of tables, and allocating them per token made the allocator return pages to the
/// kernel on every AssumeRole. `None` if the output would not fit `plain`'s size plus a margin.
fn deflate(plain: &[u8]) -> Option<Vec<u8>> {
    use miniz_oxide::deflate::core::{CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params};
    use std::cell::RefCell;
    thread_local! {
        static COMPRESSOR: RefCell<Box<CompressorOxide>> =
            RefCell::new(Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(1, -15, 0))));
    }
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        let mut out = vec![0u8; plain.len() + 64];
        let (status, _, written) = compress(&mut c, plain, &mut out, TDEFLFlush::Finish);
        (status == TDEFLStatus::Done).then(|| {
            out.truncate(written);
            out
        })
    })
}

fn encode(s: &Session) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(256));
    w.time(s.credentials.expiration);
    w.time(s.issued_at);
    w.u8(kind_code(s.kind));
    w.principal(&s.principal);
    w.opt_str(s.source_identity.as_deref());
    w.len(s.tags.len());
    for tag in &s.tags {
        w.str(&tag.key);
        w.str(&tag.value);
    }
    w.strs(&s.transitive_tag_keys);
    w.u8(u8::from(s.mfa_authenticated) | u8::from(s.scoped) << 1);
    match &s.session_policies {
        None => w.u8(0),
        Some(docs) => {
            w.u8(1);
            w.documents(docs);
        }
    }
    match &s.federating_principal {
        None => w.u8(0),
        Some(p) => {
            w.u8(1);
            w.principal(p);
        }
    }
    w.documents(&s.scoped_policies);
    w.opt_str(s.scoped_session_description.as_deref());
    match s.identity_context.as_deref() {
        None => w.u8(0),
        Some(context) => {
            w.u8(1);
            match &context.origin_identity {
                None => w.u8(0),
                Some(o) => {
                    w.u8(1);
                    for field in [&o.subject, &o.subject_type, &o.issuer, &o.federated_provider_arn] {
                        w.opt_str(field.as_deref());
                    }
                }
            }
            match context.transaction_context.as_ref().map(|t| t.identity_provider.as_ref()) {
                None => w.u8(0),
                Some(None) => w.u8(1),
                Some(Some(map)) => {
                    w.u8(2);
                    w.len(map.len());
                    for (k, v) in map {
                        w.str(k);
                        w.str(v);
                    }
                }
            }
        }
    }
    w.len(s.packed_bytes);
    w.len(s.base_token_len);
    w.0
}

fn decode(bytes: &[u8], mut credentials: Credentials) -> Option<Session> {
    let mut r = Reader(bytes);
    credentials.expiration = r.time()?;
    let issued_at = r.time()?;
    let kind = kind_of(r.u8()?)?;
    let principal = r.principal()?;
    let source_identity = r.opt_str()?;
    let tag_count = r.len()?;
    let mut tags = Vec::with_capacity(tag_count.min(64));
    for _ in 0..tag_count {
        tags.push(Tag { key: r.str()?, value: r.str()? });
    }
    let transitive_tag_keys = r.strs()?;
    let flags = r.u8()?;
    let session_policies = match r.u8()? {
        0 => None,
        _ => Some(r.documents()?),
    };
    let federating_principal = match r.u8()? {
        0 => None,
        _ => Some(r.principal()?),
    };
    let scoped_policies = r.documents()?;
    let scoped_session_description = r.opt_str()?;
    let identity_context = match r.u8()? {
        0 => None,
        _ => {
            let origin_identity = match r.u8()? {
                0 => None,
                _ => Some(OriginIdentity {
                    subject: r.opt_str()?,
                    subject_type: r.opt_str()?,
                    issuer: r.opt_str()?,
                    federated_provider_arn: r.opt_str()?,
                }),
            };
            let transaction_context = match r.u8()? {
                0 => None,
                1 => Some(TransactionContext { identity_provider: None }),
                _ => {
                    let count = r.len()?;
                    let mut map = std::collections::BTreeMap::new();
                    for _ in 0..count {
                        map.insert(r.str()?, r.str()?);
                    }
                    Some(TransactionContext { identity_provider: Some(map) })
                }
            };
            Some(Box::new(TrustedIdentityPropagationContext { origin_identity, transaction_context }))
        }
    };
    let packed_bytes = r.len()?;
    let base_token_len = r.len()?;
    Some(Session {
        credentials,
        principal,
        kind,
        issued_at,
        source_identity,
        tags,
        transitive_tag_keys,
        mfa_authenticated: flags & 1 != 0,
        session_policies,
        federating_principal,
        scoped: flags & 2 != 0,
        scoped_policies,
        scoped_session_description,
        identity_context,
        packed_bytes,
        base_token_len,
    })
}

fn kind_code(kind: SessionKind) -> u8 {
    match kind {
        SessionKind::AssumeRole => 0,
        SessionKind::AssumeRoleWithSaml => 1,
        SessionKind::AssumeRoleWithWebIdentity => 2,
        SessionKind::AssumeRoot => 3,
        SessionKind::GetDelegatedAccessToken => 4,
        SessionKind::GetFederationToken => 5,
        SessionKind::GetSessionToken => 6,
    }
}

fn kind_of(code: u8) -> Option<SessionKind> {
    Some(match code {
        0 => SessionKind::AssumeRole,
        1 => SessionKind::AssumeRoleWithSaml,
        2 => SessionKind::AssumeRoleWithWebIdentity,
        3 => SessionKind::AssumeRoot,
        4 => SessionKind::GetDelegatedAccessToken,
        5 => SessionKind::GetFederationToken,
        6 => SessionKind::GetSessionToken,
        _ => return None,
    })
}

/// A policy document as the text it re-parses from: its version and canonical statements.
fn document_text(doc: &PolicyDocument) -> String {
    let statements = doc.canonical_statements.join(",");
    match &doc.version {
        Some(v) => format!(r#"{{"Version":{},"Statement":[{statements}]}}"#, serde_json::Value::from(v.as_str())),
        None => format!(r#"{{"Statement":[{statements}]}}"#),
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    /// Lengths and counts as LEB128 varints: almost all fit one byte.
    fn len(&mut self, mut v: usize) {
        loop {
            let byte = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }

    fn strs(&mut self, list: &[String]) {
        self.len(list.len());
        for s in list {
            self.str(s);
        }
    }

    fn time(&mut self, t: OffsetDateTime) {
        self.0.extend_from_slice(&t.unix_timestamp().to_be_bytes());
        self.0.extend_from_slice(&t.nanosecond().to_be_bytes());
    }

    fn documents(&mut self, docs: &[PolicyDocument]) {
        self.len(docs.len());
        for doc in docs {
            self.str(&document_text(doc));
        }
    }

    fn principal(&mut self, p: &Principal) {
        match p {
            Principal::Root { account } => {
                self.u8(0);
                self.str(account);
            }
            Principal::User { account, name, path, user_id } => {
                self.u8(1);
                for s in [account, name, path, user_id] {
                    self.str(s);
                }
            }
            Principal::AssumedRole { account, role_name, role_id, session_name } => {
                self.u8(2);
                for s in [account, role_name, role_id, session_name] {
                    self.str(s);
                }
            }
            Principal::FederatedUser { account, name } => {
                self.u8(3);
                self.str(account);
                self.str(name);
            }
        }
    }
}

/// Reads what [`Writer`] wrote; `None` on anything short or malformed (never a panic).
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn len(&mut self) -> Option<usize> {
        let mut v: usize = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= usize::from(byte & 0x7F).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    /// `Some(None)` for an absent string, `None` for malformed input.
    fn opt_str(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.str().map(Some),
        }
    }

    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }

    fn time(&mut self) -> Option<OffsetDateTime> {
        let seconds = i64::from_be_bytes(self.take(8)?.try_into().ok()?);
        let nanos = u32::from_be_bytes(self.take(4)?.try_into().ok()?);
        OffsetDateTime::from_unix_timestamp(seconds).ok()?.replace_nanosecond(nanos).ok()
    }

    fn documents(&mut self) -> Option<Vec<PolicyDocument>> {
        let n = self.len()?;
        (0..n).map(|_| PolicyDocument::parse(&self.str()?).ok()).collect()
    }

    fn principal(&mut self) -> Option<Principal> {
        Some(match self.u8()? {
            0 => Principal::Root { account: self.str()? },
            1 => Principal::User { account: self.str()?, name: self.str()?, path: self.str()?, user_id: self.str()? },
            2 => Principal::AssumedRole { account: self.str()?, role_name: self.str()?, role_id: self.str()?, session_name: self.str()? },
            3 => Principal::FederatedUser { account: self.str()?, name: self.str()? },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn session(key: &str) -> Session {
        let policy = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]}"#,
        )
        .unwrap();
        Session {
            credentials: Credentials {
                access_key_id: key.into(),
                secret_access_key: String::new(),
                session_token: String::new(),
                expiration: time::macros::datetime!(2024-01-01 01:00:00.5 UTC),
            },
            principal: Principal::AssumedRole {
                account: "123456789012".into(),
                role_name: "demo".into(),
                role_id: "AROAEXAMPLEROLEID0001".into(),
                session_name: "s".into(),
            },
            kind: SessionKind::AssumeRoleWithWebIdentity,
            issued_at: time::macros::datetime!(2024-01-01 00:00 UTC),
            source_identity: Some("alice".into()),
            tags: vec![Tag { key: "team".into(), value: "blue".into() }, Tag { key: "empty".into(), value: String::new() }],
            transitive_tag_keys: vec!["team".into()],
            mfa_authenticated: true,
            session_policies: Some(vec![policy.clone()]),
            federating_principal: Some(Principal::User {
                account: "123456789012".into(),
                name: "bob".into(),
                path: "/ops/".into(),
                user_id: "AIDAEXAMPLEUSERID0001".into(),
            }),
            scoped: true,
            scoped_policies: vec![policy],
            scoped_session_description: Some("scoped".into()),
            identity_context: Some(Box::new(TrustedIdentityPropagationContext {
                origin_identity: Some(OriginIdentity {
                    subject: Some("u-1".into()),
                    subject_type: Some("user".into()),
                    issuer: None,
                    federated_provider_arn: Some("arn:aws:iam::123456789012:oidc-provider/idp".into()),
                }),
                transaction_context: Some(TransactionContext {
                    identity_provider: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
                }),
            })),
            packed_bytes: 300,
            base_token_len: 812,
        }
    }

    #[test]
    fn a_sealed_session_opens_to_itself_with_its_key_id_only() {
        let sealer = Sealer::new(&state_key_from_seed(7));
        let mut original = session("ASIAEXAMPLEKEY000001");
        let token = sealer.seal(&original, 100, |rest| rest.fill(0xAB));
        assert!(token.starts_with("IQoJb3JpZ2luX2Vj"), "{token}");
        let opened = sealer.open("ASIAEXAMPLEKEY000001", &token).expect("opens");
        original.credentials.session_token = token.clone();
        original.credentials.secret_access_key = sealer.secret_for("ASIAEXAMPLEKEY000001");
        assert_eq!(opened, original);
        // Bound to the key id, the key and every byte of the sealed part.
        assert!(sealer.open("ASIAEXAMPLEKEY000002", &token).is_none());
        assert!(Sealer::new(&state_key_from_seed(8)).open("ASIAEXAMPLEKEY000001", &token).is_none());
        let mut altered = token.clone().into_bytes();
        altered[40] = if altered[40] == b'A' { b'B' } else { b'A' };
        assert!(sealer.open("ASIAEXAMPLEKEY000001", std::str::from_utf8(&altered).unwrap()).is_none());
        assert!(sealer.open("ASIAEXAMPLEKEY000001", &token[..60]).is_none());
    }

    #[test]
    fn nonces_follow_what_is_sealed_so_a_restart_with_the_same_key_never_reuses_one() {
        let nonce =
            |token: &str| base64::engine::general_purpose::STANDARD.decode(&token[..40]).unwrap()[HEADER.len() + 1..][..NONCE_LEN].to_vec();
        let sealer = Sealer::new(&state_key_from_seed(7));
        let first = sealer.seal(&session("ASIAEXAMPLEKEY000001"), 0, |_| {});
        // Another model with the same key (a restarted `serve`) sealing another session.
        let mut other = session("ASIAEXAMPLEKEY000001");
        other.source_identity = Some("mallory".into());
        let restarted = Sealer::new(&state_key_from_seed(7)).seal(&other, 0, |_| {});
        assert_ne!(nonce(&first), nonce(&restarted));
        assert_ne!(nonce(&first), nonce(&sealer.seal(&session("ASIAEXAMPLEKEY000002"), 0, |_| {})));
        // The same session under the same key seals to the same bytes: determinism for a seed.
        assert_eq!(first, sealer.seal(&session("ASIAEXAMPLEKEY000001"), 0, |_| {}));
    }

    #[test]
    fn the_token_has_the_size_asked_unless_the_session_needs_more() {
        let sealer = Sealer::new(&state_key_from_seed(1));
        let s = session("ASIAEXAMPLEKEY000001");
        assert_eq!(sealer.seal(&s, 2000, |_| {}).len(), 2000);
        let small = sealer.seal(&s, 10, |_| {});
        assert!(small.len() > 10 && sealer.open("ASIAEXAMPLEKEY000001", &small).is_some());
    }

    #[test]
    fn large_sessions_are_deflated_and_still_open() {
        let sealer = Sealer::new(&state_key_from_seed(1));
        let mut s = session("ASIAEXAMPLEKEY000001");
        s.tags = (0..50).map(|i| Tag { key: format!("key-{i:03}"), value: "v".repeat(200) }).collect();
        let token = sealer.seal(&s, 0, |_| {});
        // 50 tags of 200 characters are over 10 KB written out; deflated they are a fraction.
        assert!(token.len() < 4000, "{}", token.len());
        assert_eq!(sealer.open("ASIAEXAMPLEKEY000001", &token).map(|o| o.tags), Some(s.tags));
    }

    #[test]
    fn secrets_are_40_characters_of_the_secret_alphabet_and_differ_per_key() {
        let sealer = Sealer::new(&state_key_from_seed(1));
        let a = sealer.secret_for("ASIAEXAMPLEKEY000001");
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/'));
        assert_ne!(a, sealer.secret_for("ASIAEXAMPLEKEY000002"));
        assert_eq!(a, Sealer::new(&state_key_from_seed(1)).secret_for("ASIAEXAMPLEKEY000001"));
    }

    #[test]
    fn garbage_never_opens_and_never_panics() {
        let sealer = Sealer::new(&state_key_from_seed(1));
        for token in ["", "IQoJb3JpZ2luX2Vj", "IQoJb3JpZ2luX2VjAAAA", "IQoJb3JpZ2luX2Vj////////////////////////////", "not base64 at all"] {
            assert!(sealer.open("ASIAEXAMPLEKEY000001", token).is_none(), "{token}");
        }
        for bytes in [&[][..], &[0xFF; 40][..], &[0x80; 12][..]] {
            assert!(
                decode(
                    bytes,
                    Credentials {
                        access_key_id: String::new(),
                        secret_access_key: String::new(),
                        session_token: String::new(),
                        expiration: OffsetDateTime::UNIX_EPOCH
                    }
                )
                .is_none()
            );
        }
    }
}
