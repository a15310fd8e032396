//! The sessions the model remembers, newest last, bounded: the oldest is forgotten when a new one
//! would exceed the bound.
//!
//! A map plus an insertion-order queue. Both key by [`KeyId`], which holds the 20-character key ids
//! the model mints inline: remembering a session allocates only the session itself, and forgetting
//! one frees only it (under load every call evicts a session minted long ago, whose memory is
//! cold, so each freed allocation costs a cache miss).

use std::collections::{HashMap, VecDeque};

use crate::session::Session;

/// An access key id as a map key: inline for the 20-character ids the model mints.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyId {
    Minted([u8; 20]),
    Other(Box<str>),
}

impl KeyId {
    fn new(access_key_id: &str) -> KeyId {
        match <[u8; 20]>::try_from(access_key_id.as_bytes()) {
            Ok(bytes) => KeyId::Minted(bytes),
            Err(_) => KeyId::Other(access_key_id.into()),
        }
    }
}

/// The bounded session store.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionStore {
    // Boxed: the table moves entries on insert and eviction, and sessions are large.
    by_key: HashMap<KeyId, Box<Session>>,
    order: VecDeque<KeyId>,
}

impl SessionStore {
    /// Remembers `session` under its access key id, forgetting the oldest sessions beyond `bound`.
    pub(crate) fn remember(&mut self, session: Session, bound: usize) {
        let key = KeyId::new(&session.credentials.access_key_id);
        if self.by_key.insert(key.clone(), Box::new(session)).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > bound.max(1) {
            if let Some(old) = self.order.pop_front() {
                self.by_key.remove(&old);
            }
        }
    }

    /// The session of `access_key_id`.
    pub(crate) fn get(&self, access_key_id: &str) -> Option<&Session> {
        self.by_key.get(&KeyId::new(access_key_id)).map(|s| &**s)
    }

    /// How many sessions are remembered.
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Credentials;
    use crate::{Principal, SessionKind};
    use time::OffsetDateTime;

    fn session(key: &str) -> Session {
        Session {
            credentials: Credentials {
                access_key_id: key.into(),
                secret_access_key: "secret".into(),
                session_token: "token".into(),
                expiration: OffsetDateTime::UNIX_EPOCH,
            },
            principal: Principal::Root { account: "123456789012".into() },
            kind: SessionKind::GetSessionToken,
            issued_at: OffsetDateTime::UNIX_EPOCH,
            source_identity: None,
            tags: vec![],
            transitive_tag_keys: vec![],
            mfa_authenticated: false,
            session_policies: None,
            federating_principal: None,
            scoped: false,
            scoped_policies: vec![],
            scoped_session_description: None,
            identity_context: None,
            packed_bytes: 0,
            base_token_len: 0,
        }
    }

    #[test]
    fn keeps_the_newest_sessions_up_to_the_bound() {
        let mut store = SessionStore::default();
        let keys: Vec<String> = (0..5).map(|i| format!("ASIAEXAMPLEKEY00000{i}")).collect();
        for key in &keys {
            store.remember(session(key), 3);
        }
        assert_eq!(store.len(), 3);
        assert!(store.get(&keys[0]).is_none() && store.get(&keys[1]).is_none());
        assert_eq!(store.get(&keys[4]).map(|s| s.credentials.access_key_id.as_str()), Some(keys[4].as_str()));
    }

    #[test]
    fn keys_of_any_length_are_found_and_a_key_remembered_twice_is_counted_once() {
        let mut store = SessionStore::default();
        store.remember(session("SHORT"), 10);
        store.remember(session("ASIAEXAMPLEKEY000001"), 10);
        store.remember(session("ASIAEXAMPLEKEY000001"), 10);
        assert_eq!(store.len(), 2);
        assert!(store.get("SHORT").is_some());
        assert!(store.get("ASIAEXAMPLEKEY000001").is_some());
        assert!(store.get("ASIAEXAMPLEKEY000002").is_none());
    }
}
