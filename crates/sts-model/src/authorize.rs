//! What minted credentials may do: the intersection of the principal's identity policies and the
//! session policies, evaluated with IAM's logic on a request context that carries the global keys
//! of the session (`aws:PrincipalArn`, `aws:PrincipalTag/...`, `aws:MultiFactorAuthPresent`, ...).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::policy::{AccessRequest, Decision, PolicyDocument, intersect};
use crate::world::KeyOwner;
use crate::{Principal, Session, Sts, StsError, Tag};

impl Sts {
    fn identity_policies(&self, principal: &Principal) -> Option<Vec<PolicyDocument>> {
        let (managed, inline) = match principal {
            Principal::Root { .. } => return None,
            Principal::User { account, name, .. } => {
                let u = self.world.user(account, name)?;
                (u.policies.clone(), u.inline_policies.clone())
            }
            Principal::AssumedRole { account, role_name, .. } => {
                let r = self.world.role(account, role_name)?;
                (r.policies.clone(), r.inline_policies.clone())
            }
            Principal::FederatedUser { .. } => return Some(vec![]),
        };
        let texts = managed.iter().filter_map(|arn| self.world.managed_policy(arn).map(str::to_owned)).chain(inline);
        // World documents that do not parse grant nothing (the world file is the test author's).
        Some(texts.filter_map(|t| PolicyDocument::parse(&t).ok()).collect())
    }

    /// Whether the credentials with `access_key_id` may perform `request` at `now`.
    ///
    /// Root credentials (and root sessions) are not limited by IAM policies. A role session gets its
    /// role's policies, intersected with its session policies if it was given any; a federated user
    /// gets the federating user's policies intersected with the session policies (nothing without
    /// one); a GetSessionToken session gets its user's policies. A session from
    /// GetScopedCredentials is further intersected with each of its scope-down policies, root's
    /// included.
    ///
    /// ```
    /// use sts_model::{Sts, policy::{AccessRequest, Decision}, world::{User, World}};
    /// use sts_model::time::OffsetDateTime;
    /// let mut world = World::default();
    /// world.add_managed_policy("arn:aws:iam::123456789012:policy/read",
    ///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
    /// let key = world.add_user("123456789012", User::new("u").policy("arn:aws:iam::123456789012:policy/read"))
    ///     .unwrap().access_keys[0].access_key_id.clone();
    /// let sts = Sts::new(world, 1);
    /// let now = OffsetDateTime::UNIX_EPOCH;
    /// assert_eq!(sts.is_allowed(now, &key, &AccessRequest::new("s3:GetObject", "arn:aws:s3:::b/k")).unwrap(), Decision::Allow);
    /// assert_eq!(sts.is_allowed(now, &key, &AccessRequest::new("s3:PutObject", "arn:aws:s3:::b/k")).unwrap(), Decision::ImplicitDeny);
    /// ```
    pub fn is_allowed(&self, now: OffsetDateTime, access_key_id: &str, request: &AccessRequest) -> Result<Decision, StsError> {
        let (principal, session) = match self.world.long_term_key(access_key_id) {
            Some((KeyOwner::Root { account }, _)) => (Principal::Root { account: account.clone() }, None),
            Some(_) => (self.principal_of(access_key_id).ok_or_else(StsError::invalid_client_token_id)?, None),
            None => {
                let s: &Session = self.sessions.get(access_key_id).ok_or_else(StsError::invalid_client_token_id)?;
                if s.is_expired(now) {
                    return Err(StsError::expired_token());
                }
                (s.principal.clone(), Some(s))
            }
        };
        let request = self.with_global_keys(now, request, &principal, session);
        let base = session.and_then(|s| s.federating_principal.clone()).unwrap_or_else(|| principal.clone());
        let mut layers = Vec::new();
        match self.identity_policies(&base) {
            None if matches!(base, Principal::Root { .. }) => {}
            None => return Ok(Decision::ImplicitDeny),
            Some(docs) => layers.push(crate::policy::evaluate_all(&docs, &request)),
        }
        if let Some(docs) = session.and_then(|s| s.session_policies.as_ref()) {
            layers.push(crate::policy::evaluate_all(docs, &request));
        }
        // Each GetScopedCredentials layer is one more policy the request must pass (documented:
        // the intersection of the caller's permissions and the scope-down policy).
        for scoped in session.map(|s| s.scoped_policies.as_slice()).unwrap_or_default() {
            layers.push(crate::policy::evaluate_all(std::slice::from_ref(scoped), &request));
        }
        if layers.is_empty() {
            return Ok(Decision::Allow); // root
        }
        Ok(intersect(&layers))
    }

    fn with_global_keys(
        &self,
        now: OffsetDateTime,
        request: &AccessRequest,
        principal: &Principal,
        session: Option<&Session>,
    ) -> AccessRequest {
        let mut r = request.clone();
        let mut put = |key: &str, value: String| {
            r.context.entry(key.to_lowercase()).or_insert_with(|| vec![value]);
        };
        put("aws:PrincipalArn", principal.trust_arn(&self.config.partition));
        put("aws:PrincipalAccount", principal.account().to_owned());
        put("aws:userid", principal.user_id());
        put("aws:CurrentTime", now.format(&Rfc3339).unwrap_or_default());
        put("aws:EpochTime", now.unix_timestamp().to_string());
        if let Principal::User { name, .. } = principal {
            put("aws:username", name.clone());
        }
        let tags: Vec<Tag> = match (session, principal) {
            (Some(s), _) => s.tags.clone(),
            (None, Principal::User { account, name, .. }) => self.world.user(account, name).map(|u| u.tags.clone()).unwrap_or_default(),
            _ => vec![],
        };
        for t in tags {
            put(&format!("aws:PrincipalTag/{}", t.key), t.value);
        }
        if let Some(s) = session {
            put("aws:MultiFactorAuthPresent", s.mfa_authenticated.to_string());
            put("aws:TokenIssueTime", s.issued_at.format(&Rfc3339).unwrap_or_default());
            if let Some(si) = &s.source_identity {
                put("aws:SourceIdentity", si.clone());
            }
        }
        r
    }
}
