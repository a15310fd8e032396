//! The reference model: `Sts::call(now, caller, request)`.
//!
//! Pure and synchronous: no I/O, no system clock (`now` is a parameter), no threads. All randomness
//! comes from the seeded [`Generator`], so the same world, seed, clock and calls give byte-identical
//! answers.

use std::collections::{HashMap, VecDeque};

use time::OffsetDateTime;

use crate::ids::Generator;
use crate::sealed::{Sealer, state_key_from_seed};
use crate::world::{KeyOwner, World};
use crate::{Credentials, ErrorCode, Operation, Principal, Request, Response, Session, SessionKind, StsError, ops};

/// Who signed a request, as the SigV4 layer found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials (only AssumeRoleWithSAML and AssumeRoleWithWebIdentity accept this).
    Anonymous,
    /// Signed with this access key, and the `X-Amz-Security-Token` if one was sent.
    Credentials {
        /// `AKIA...` or `ASIA...`.
        access_key_id: String,
        /// Required with temporary keys, refused with long-term keys.
        session_token: Option<String>,
    },
}

impl Caller {
    /// A caller using long-term credentials.
    pub fn access_key(access_key_id: impl Into<String>) -> Self {
        Caller::Credentials { access_key_id: access_key_id.into(), session_token: None }
    }

    /// A caller using the credentials of a response.
    pub fn from_credentials(credentials: &Credentials) -> Self {
        Caller::Credentials { access_key_id: credentials.access_key_id.clone(), session_token: Some(credentials.session_token.clone()) }
    }
}

/// Where the model answers: the partition and the endpoint (global or regional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsConfig {
    /// `aws` unless told otherwise.
    pub partition: String,
    /// `None` for the global endpoint `sts.amazonaws.com`, else the region of `sts.{region}.amazonaws.com`.
    pub region: Option<String>,
    /// Extra bytes added to every session token, so clients can be tested against tokens over 4096
    /// bytes (AWS: "we recommend that you make no assumptions about the maximum size").
    pub session_token_padding: usize,
    /// The key sessions are sealed under (the session token carries its session, encrypted and
    /// authenticated; see [`crate::sealed`]). `None`: derived from the seed, so a model rebuilt with
    /// the same seed accepts the credentials an earlier one minted.
    pub state_key: Option<[u8; 32]>,
}

impl StsConfig {
    /// This configuration with what a world file's settings say (partition, endpoint, token padding).
    pub fn with_settings(mut self, settings: &crate::world::Settings) -> Self {
        if let Some(p) = &settings.partition {
            self.partition = p.clone();
        }
        if let Some(r) = &settings.region {
            self.region = r.clone();
        }
        if let Some(pad) = settings.session_token_padding {
            self.session_token_padding = pad;
        }
        self
    }
}

impl Default for StsConfig {
    fn default() -> Self {
        StsConfig { partition: "aws".into(), region: Some("us-east-1".into()), session_token_padding: 0, state_key: None }
    }
}

/// The authenticated caller of one call, resolved against the world and the sessions.
#[derive(Debug, Clone)]
pub(crate) struct CallerContext {
    pub principal: Principal,
    /// The session whose credentials signed the call; `None` for long-term keys.
    pub session: Option<Session>,
}

impl CallerContext {
    pub fn is_root(&self) -> bool {
        matches!(self.principal, Principal::Root { .. })
    }
}

/// The stateful reference model of STS.
///
/// ```
/// use sts_model::{Caller, Request, Response, Sts, world::{User, World}};
/// use sts_model::request::GetSessionTokenRequest;
/// use time::macros::datetime;
///
/// let mut world = World::default();
/// let alice = world.add_user("123456789012", User::new("alice")).unwrap().access_keys[0].access_key_id.clone();
/// let mut sts = Sts::new(world, 42);
/// let now = datetime!(2024-01-01 00:00 UTC);
/// let Ok(Response::GetSessionToken(r)) =
///     sts.call(now, &Caller::access_key(&alice), Request::GetSessionToken(GetSessionTokenRequest::default()))
/// else { panic!() };
/// let creds = r.credentials.unwrap();
/// assert!(creds.access_key_id.starts_with("ASIA"));
/// assert_eq!(creds.expiration, now + time::Duration::hours(12));
/// ```
#[derive(Debug, Clone)]
pub struct Sts {
    pub(crate) world: World,
    pub(crate) config: StsConfig,
    pub(crate) generator: Generator,
    /// Seals sessions into their tokens and opens them: the model remembers no session.
    pub(crate) sealer: Sealer,
    pub(crate) authorization_messages: HashMap<String, String>,
    /// Encoded messages in the order they were made, to bound memory.
    pub(crate) authorization_order: VecDeque<String>,
    pub(crate) trade_in_tokens: HashMap<String, TradeInToken>,
    pub(crate) context_assertions: HashMap<String, crate::identity_context::IssuedAssertion>,
    /// Context assertions in the order they were issued, to bound memory.
    pub(crate) context_assertion_order: VecDeque<String>,
}

/// A trade-in token for GetDelegatedAccessToken: which role it delegates, until when, used or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TradeInToken {
    pub role_arn: String,
    pub expires: OffsetDateTime,
    pub used: bool,
    /// Session tags the delegation carries into the session.
    pub tags: Vec<crate::Tag>,
}

/// How many encoded authorization messages the model keeps (oldest dropped first).
const AUTHORIZATION_MESSAGES_KEPT: usize = 1024;

impl Sts {
    /// A model over `world`, with every random value drawn from `seed`.
    pub fn new(world: World, seed: u64) -> Self {
        Sts::with_config(world, seed, StsConfig::default())
    }

    /// A model with an explicit partition and endpoint.
    pub fn with_config(world: World, seed: u64, config: StsConfig) -> Self {
        Sts {
            world,
            generator: Generator::new(seed),
            sealer: Sealer::new(&config.state_key.unwrap_or_else(|| state_key_from_seed(seed))),
            authorization_messages: HashMap::new(),
            authorization_order: VecDeque::new(),
            trade_in_tokens: HashMap::new(),
            context_assertions: HashMap::new(),
            context_assertion_order: VecDeque::new(),
            config,
        }
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, to change at run time.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The configuration.
    pub fn config(&self) -> &StsConfig {
        &self.config
    }

    /// The session a temporary key id and its session token stand for (expired or not), or `None`
    /// when the token was not minted by this model's key for that key id.
    ///
    /// Nothing is looked up: the token carries the session, sealed (see [`crate::sealed`]).
    pub fn session(&self, access_key_id: &str, session_token: &str) -> Option<Session> {
        self.sealer.open(access_key_id, session_token)
    }

    /// The principal a key acts as: its user or root for long-term keys, its session's principal for
    /// temporary ones (expired or not), whose `session_token` must come with them.
    pub fn principal_of(&self, access_key_id: &str, session_token: Option<&str>) -> Option<Principal> {
        if let Some((owner, _)) = self.world.long_term_key(access_key_id) {
            return Some(match owner {
                KeyOwner::Root { account } => Principal::Root { account: account.clone() },
                KeyOwner::User { account, name } => {
                    let user = self.world.user(account, name)?;
                    Principal::User {
                        account: account.clone(),
                        name: user.name.clone(),
                        path: user.path.clone(),
                        user_id: user.user_id.clone(),
                    }
                }
            });
        }
        self.session(access_key_id, session_token?).map(|s| s.principal)
    }

    /// The ARN of the principal a key acts as, as [`Sts::principal_of`] would give it, without
    /// building the principal (the mock journals it on every call).
    pub fn arn_of(&self, access_key_id: &str, session_token: Option<&str>) -> Option<String> {
        let partition = &self.config.partition;
        match self.world.long_term_key(access_key_id) {
            Some((KeyOwner::User { account, name }, _)) => {
                let user = self.world.user(account, name)?;
                Some(crate::principal::user_arn(partition, account, &user.path, &user.name))
            }
            _ => self.principal_of(access_key_id, session_token).map(|p| p.arn(partition)),
        }
    }

    /// The secret of a key, for signature verification: a long-term key's from the world, a
    /// temporary key's when `session_token` is the token minted with it (derived from the key id,
    /// never stored).
    pub fn secret_for(&self, access_key_id: &str, session_token: Option<&str>) -> Option<String> {
        if let Some((_, secret)) = self.world.long_term_key(access_key_id) {
            return Some(secret.to_owned());
        }
        self.session(access_key_id, session_token?).map(|s| s.credentials.secret_access_key)
    }

    /// A fresh request id (for the response envelope).
    pub fn request_id(&mut self) -> String {
        self.generator.request_id()
    }

    /// Stores `decoded` (a JSON document) and returns the opaque text an `AccessDenied` answer would
    /// carry; DecodeAuthorizationMessage turns it back.
    pub fn encode_authorization_message(&mut self, decoded: &str) -> String {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.generator.bytes(96));
        self.authorization_messages.insert(encoded.clone(), decoded.to_owned());
        self.authorization_order.push_back(encoded.clone());
        while self.authorization_order.len() > AUTHORIZATION_MESSAGES_KEPT {
            if let Some(old) = self.authorization_order.pop_front() {
                self.authorization_messages.remove(&old);
            }
        }
        encoded
    }

    /// The encoded authorization messages of the model's recent `AccessDenied` answers, newest last.
    /// STS does not put them in its error text (unlike EC2), so a test reads them here (or from the
    /// mock's journal) and may decode them with DecodeAuthorizationMessage.
    pub fn authorization_messages(&self) -> impl Iterator<Item = &str> {
        self.authorization_order.iter().map(String::as_str)
    }

    /// Answers `AccessDenied` "User: X is not authorized to perform: sts:A on resource: R" and records
    /// the decision as an encoded authorization message.
    pub(crate) fn deny(&mut self, principal: &Principal, action: &str, resource: &str) -> StsError {
        let action = format!("sts:{action}");
        let verdict = crate::authorize::Verdict { decision: crate::policy::Decision::ImplicitDeny, denied_by: None };
        self.deny_because(principal, &action, resource, verdict)
    }

    /// The AccessDenied answer to `principal` doing `action` (`sts:AssumeRole`) on `resource`, with
    /// the encoded authorization message DecodeAuthorizationMessage reads.
    ///
    /// Observed: STS names the action and the resource and says no more, whatever denied (trust
    /// policy, identity policy, an explicit Deny: pastes from 2014 to 2026). Actions on no
    /// resource in particular (DecodeAuthorizationMessage, GetAccessKeyInfo) are answered in the
    /// newer form that names the kind of policy: "... because no identity-based policy allows the
    /// sts:DecodeAuthorizationMessage action".
    pub(crate) fn deny_because(
        &mut self,
        principal: &Principal,
        action: &str,
        resource: &str,
        verdict: crate::authorize::Verdict,
    ) -> StsError {
        let arn = principal.arn(&self.config.partition);
        let explicit = verdict.decision == crate::policy::Decision::ExplicitDeny;
        let decoded = serde_json::json!({
            "allowed": false,
            "explicitDeny": explicit,
            "matchedStatements": {"items": []},
            "failures": {"items": []},
            "context": {
                "principal": {"id": principal.user_id(), "arn": arn},
                "action": action,
                "resource": resource,
                "conditions": {"items": []},
            },
        });
        self.encode_authorization_message(&decoded.to_string());
        if resource != "*" {
            return StsError::new(
                ErrorCode::AccessDenied,
                format!("User: {arn} is not authorized to perform: {action} on resource: {resource}"),
            );
        }
        let kind = verdict.denied_by.unwrap_or(crate::authorize::PolicyType::IdentityBased).words();
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let why = if explicit {
            format!("with an explicit deny in {article} {kind}")
        } else {
            format!("because no {kind} allows the {action} action")
        };
        StsError::new(ErrorCode::AccessDenied, format!("User: {arn} is not authorized to perform: {action} {why}"))
    }

    /// Issues a trade-in token that GetDelegatedAccessToken exchanges once, before `expires`, for a
    /// session of `role_arn` (which must exist).
    pub fn issue_trade_in_token(&mut self, role_arn: &str, expires: OffsetDateTime) -> Result<String, StsError> {
        self.issue_trade_in_token_with_tags(role_arn, expires, Vec::new())
    }

    /// Issues a trade-in token whose session will carry `tags` (counted in the packed size when it
    /// is exchanged: too many give `PackedPolicyTooLarge`, the error the model lists).
    pub fn issue_trade_in_token_with_tags(
        &mut self,
        role_arn: &str,
        expires: OffsetDateTime,
        tags: Vec<crate::Tag>,
    ) -> Result<String, StsError> {
        use base64::Engine as _;
        ops::common::find_role_by_arn(self, role_arn)?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.generator.bytes(48));
        self.trade_in_tokens.insert(token.clone(), TradeInToken { role_arn: role_arn.to_owned(), expires, used: false, tags });
        Ok(token)
    }

    /// Answers one call.
    pub fn call(&mut self, now: OffsetDateTime, caller: &Caller, request: Request) -> Result<Response, StsError> {
        let operation = request.operation();
        let context = self.authenticate(now, caller, operation)?;
        if let Some(context) = &context {
            check_caller_type(context, operation, &self.config.partition)?;
        }
        if operation.is_regional_only() && self.config.region.is_none() {
            // Documented: regional endpoints only. Observed (boto3#4461, 2025-03: AssumeRoot from a
            // client that defaulted to the global endpoint): InvalidAction "Unknown Operation".
            return Err(StsError::new(ErrorCode::InvalidAction, "Unknown Operation"));
        }
        match (request, context) {
            #[cfg(feature = "saml")]
            (Request::AssumeRoleWithSaml(r), _) => ops::assume_role_with_saml::call(self, now, r).map(Response::AssumeRoleWithSaml),
            #[cfg(not(feature = "saml"))]
            (Request::AssumeRoleWithSaml(_), _) => Err(ops::feature_disabled("AssumeRoleWithSAML", "saml")),
            #[cfg(feature = "oidc")]
            (Request::AssumeRoleWithWebIdentity(r), _) => {
                ops::assume_role_with_web_identity::call(self, now, r).map(Response::AssumeRoleWithWebIdentity)
            }
            #[cfg(not(feature = "oidc"))]
            (Request::AssumeRoleWithWebIdentity(_), _) => Err(ops::feature_disabled("AssumeRoleWithWebIdentity", "oidc")),
            (_, None) => Err(StsError::missing_authentication_token()),
            (Request::AssumeRole(r), Some(c)) => ops::assume_role::call(self, now, &c, r).map(Response::AssumeRole),
            (Request::AssumeRoot(r), Some(c)) => ops::assume_root::call(self, now, &c, r).map(Response::AssumeRoot),
            (Request::DecodeAuthorizationMessage(r), Some(c)) => {
                ops::decode_authorization_message::call(self, now, &c, r).map(Response::DecodeAuthorizationMessage)
            }
            (Request::GetAccessKeyInfo(r), Some(c)) => ops::get_access_key_info::call(self, now, &c, r).map(Response::GetAccessKeyInfo),
            (Request::GetCallerIdentity, Some(c)) => Ok(Response::GetCallerIdentity(ops::get_caller_identity::call(self, &c))),
            (Request::GetDelegatedAccessToken(r), Some(c)) => {
                ops::get_delegated_access_token::call(self, now, &c, r).map(Response::GetDelegatedAccessToken)
            }
            (Request::GetFederationToken(r), Some(c)) => {
                ops::get_federation_token::call(self, now, &c, r).map(Response::GetFederationToken)
            }
            (Request::GetScopedCredentials(r), Some(c)) => {
                ops::get_scoped_credentials::call(self, now, &c, r).map(Response::GetScopedCredentials)
            }
            (Request::GetSessionToken(r), Some(c)) => ops::get_session_token::call(self, now, &c, r).map(Response::GetSessionToken),
            #[cfg(feature = "oidc")]
            (Request::GetWebIdentityToken(r), Some(c)) => {
                ops::get_web_identity_token::call(self, now, &c, r).map(Response::GetWebIdentityToken)
            }
            #[cfg(not(feature = "oidc"))]
            (Request::GetWebIdentityToken(_), Some(_)) => Err(ops::feature_disabled("GetWebIdentityToken", "oidc")),
        }
    }

    /// Resolves the signing key to a principal. Unsigned operations ignore credentials.
    fn authenticate(&self, now: OffsetDateTime, caller: &Caller, operation: Operation) -> Result<Option<CallerContext>, StsError> {
        if operation.is_unsigned() {
            return Ok(None);
        }
        self.caller_context(now, caller).map(Some)
    }

    /// Who signed: the principal of a known, active long-term key, or of a live session whose
    /// token matches.
    pub(crate) fn caller_context(&self, now: OffsetDateTime, caller: &Caller) -> Result<CallerContext, StsError> {
        let Caller::Credentials { access_key_id, session_token } = caller else {
            return Err(StsError::missing_authentication_token());
        };
        if let Some((owner, _)) = self.world.long_term_key(access_key_id) {
            // A long-term key signed with a session token: the token belongs to no session of this key.
            if session_token.is_some() {
                return Err(StsError::invalid_client_token_id());
            }
            let principal = match owner {
                KeyOwner::Root { account } => Principal::Root { account: account.clone() },
                KeyOwner::User { account, name } => {
                    let user = self.world.user(account, name).ok_or_else(StsError::invalid_client_token_id)?;
                    Principal::User {
                        account: account.clone(),
                        name: user.name.clone(),
                        path: user.path.clone(),
                        user_id: user.user_id.clone(),
                    }
                }
            };
            return Ok(CallerContext { principal, session: None });
        }
        let session =
            session_token.as_deref().and_then(|token| self.session(access_key_id, token)).ok_or_else(StsError::invalid_client_token_id)?;
        if session.is_expired(now) {
            return Err(StsError::expired_token());
        }
        Ok(CallerContext { principal: session.principal.clone(), session: Some(session) })
    }
}

/// The AWS comparison table of what temporary credentials may call, as the 1.44.8 operation
/// documentation words it; GetScopedCredentials takes temporary credentials only.
///
/// A scoped session keeps the kind of the session it was scoped from, and with it that session's
/// restrictions: the documentation says the identity is preserved and is silent on the rest.
/// fidelity: inferred for scoped sessions.
fn check_caller_type(context: &CallerContext, operation: Operation, partition: &str) -> Result<(), StsError> {
    let Some(session) = &context.session else {
        if operation == Operation::GetScopedCredentials {
            // Documented: long-term user and root keys are refused. The model lists no code for it;
            // InvalidSubjectCredentials says the credentials to scope are not a session. fidelity: inferred.
            return Err(StsError::new(
                ErrorCode::InvalidSubjectCredentials,
                "GetScopedCredentials requires temporary security credentials: long-term access keys cannot be scoped.",
            ));
        }
        return Ok(());
    };
    if matches!(operation, Operation::GetSessionToken | Operation::GetFederationToken) {
        return Err(StsError::new(ErrorCode::AccessDenied, format!("Cannot call {operation} with session credentials")));
    }
    use Operation as O;
    let allowed = match session.kind {
        SessionKind::GetFederationToken => {
            matches!(operation, O::GetCallerIdentity | O::GetScopedCredentials | O::GetDelegatedAccessToken)
        }
        SessionKind::GetSessionToken => matches!(
            operation,
            O::AssumeRole | O::GetCallerIdentity | O::GetScopedCredentials | O::GetWebIdentityToken | O::GetDelegatedAccessToken
        ),
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        let arn = context.principal.arn(partition);
        Err(StsError::new(ErrorCode::AccessDenied, format!("User: {arn} is not authorized to perform: sts:{operation}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model keeps the newest `AUTHORIZATION_MESSAGES_KEPT` encoded messages, not one fewer:
    /// the oldest is dropped only when one more would exceed the bound.
    #[test]
    fn exactly_the_newest_authorization_messages_are_kept() {
        let mut sts = Sts::new(World::default(), 1);
        let encoded: Vec<String> =
            (0..=AUTHORIZATION_MESSAGES_KEPT).map(|i| sts.encode_authorization_message(&format!("{{\"n\":{i}}}"))).collect();
        assert_eq!(sts.authorization_messages().count(), AUTHORIZATION_MESSAGES_KEPT);
        assert!(!sts.authorization_messages.contains_key(&encoded[0]), "the oldest is forgotten");
        assert_eq!(sts.authorization_messages.get(&encoded[1]).map(String::as_str), Some("{\"n\":1}"), "the next oldest is kept");
        assert_eq!(sts.authorization_messages().next(), Some(encoded[1].as_str()));
    }
}
