//! What minted credentials may do: the intersection of the principal's identity policies and the
//! session policies, evaluated with IAM's logic on a request context that carries the global keys
//! of the session (`aws:PrincipalArn`, `aws:PrincipalTag/...`, `aws:MultiFactorAuthPresent`, ...).

use std::rc::Rc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::policy::{AccessRequest, Decision, PolicyDocument};
use crate::world::KeyOwner;
use crate::{Principal, Session, Sts, StsError, Tag};

/// The kinds of policy AWS names when it explains a denial ("... because no identity-based policy
/// allows the sts:GetFederationToken action", "... with an explicit deny in a service control policy").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// The organization's service control policies.
    ServiceControlPolicy,
    /// A resource-based policy (a role's trust policy).
    ResourceBased,
    /// The principal's own policies (inline, managed, groups').
    IdentityBased,
    /// The principal's permissions boundary.
    PermissionsBoundary,
    /// The session's policies (AssumeRole `Policy`/`PolicyArns`, GetFederationToken's, GetScopedCredentials' layers).
    SessionPolicy,
}

impl PolicyType {
    /// The words AWS's messages use for the type.
    pub fn words(self) -> &'static str {
        match self {
            PolicyType::ServiceControlPolicy => "service control policy",
            PolicyType::ResourceBased => "resource-based policy",
            PolicyType::IdentityBased => "identity-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::SessionPolicy => "session policy",
        }
    }
}

/// A decision and, when it denies, the kind of policy that denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// For a denial: the policy with the explicit Deny, or the first kind with no Allow in IAM's
    /// evaluation order.
    pub denied_by: Option<PolicyType>,
}

impl Verdict {
    /// An Allow.
    pub const ALLOW: Verdict = Verdict { decision: Decision::Allow, denied_by: None };

    /// Combines layers with IAM's logic: any explicit Deny denies (the first named), then every
    /// layer must allow (the first that does not is named).
    pub(crate) fn of_layers(layers: &[(PolicyType, Decision)]) -> Verdict {
        if let Some((t, _)) = layers.iter().find(|(_, d)| *d == Decision::ExplicitDeny) {
            return Verdict { decision: Decision::ExplicitDeny, denied_by: Some(*t) };
        }
        match layers.iter().find(|(_, d)| !d.is_allowed()) {
            Some((t, _)) => Verdict { decision: Decision::ImplicitDeny, denied_by: Some(*t) },
            None => Verdict::ALLOW,
        }
    }
}

/// How many parsed world documents each thread remembers before it starts over.
const PARSED_MEMORY: usize = 256;

/// A world document (identity policy, boundary, service control policy) parsed, or `None` if it
/// does not parse. The world keeps documents as text (IAM answers them as given) and every call is
/// authorized against its caller's policies: parsing the JSON on each AssumeRole was about 5% of
/// `serve`'s time under AssumeRole load. Each thread remembers the documents it last parsed, by their text, so an
/// edited world is never answered from a stale parse.
fn parsed(text: &str) -> Option<Rc<PolicyDocument>> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static PARSED: RefCell<HashMap<Box<str>, Option<Rc<PolicyDocument>>>> = RefCell::new(HashMap::new());
    }
    if let Some(known) = PARSED.with(|p| p.borrow().get(text).cloned()) {
        return known;
    }
    let document = PolicyDocument::parse(text).ok().map(Rc::new);
    PARSED.with(|p| {
        let mut remembered = p.borrow_mut();
        if remembered.len() >= PARSED_MEMORY {
            remembered.clear();
        }
        remembered.insert(text.into(), document.clone());
    });
    document
}

/// Whether any statement of `document` has a condition (the only reader of a request's context).
fn has_conditions(document: &PolicyDocument) -> bool {
    document.statements.iter().any(|s| !s.conditions.is_empty())
}

impl Sts {
    fn documents(&self, managed: &[String], inline: &crate::world::InlinePolicies) -> Vec<Rc<PolicyDocument>> {
        let texts = managed.iter().filter_map(|arn| self.world.managed_policy(arn)).chain(inline.values().map(String::as_str));
        // World documents that do not parse grant nothing (the world file is the test author's).
        texts.filter_map(parsed).collect()
    }

    /// The identity policies of a principal (its own, its groups') and its permissions boundary;
    /// `None` for the root, whom identity policies do not bind.
    #[allow(clippy::type_complexity)]
    fn identity_policies(&self, principal: &Principal) -> Option<(Vec<Rc<PolicyDocument>>, Option<Vec<Rc<PolicyDocument>>>)> {
        let boundary = |arn: &Option<String>| arn.as_ref().map(|a| self.documents(std::slice::from_ref(a), &Default::default()));
        match principal {
            Principal::Root { .. } => None,
            Principal::User { account, name, .. } => {
                let Some(u) = self.world.user(account, name) else { return Some((vec![], None)) };
                let mut docs = self.documents(&u.policies, &u.inline_policies);
                let groups = self.world.account(account).map(|a| &a.groups);
                for g in u.groups.iter().filter_map(|g| groups.and_then(|all| all.get(g))) {
                    docs.extend(self.documents(&g.policies, &g.inline_policies));
                }
                Some((docs, boundary(&u.permissions_boundary)))
            }
            Principal::AssumedRole { account, role_name, .. } => match self.world.role(account, role_name) {
                Some(r) => Some((self.documents(&r.policies, &r.inline_policies), boundary(&r.permissions_boundary))),
                None => Some((vec![], None)),
            },
            Principal::FederatedUser { .. } => Some((vec![], None)),
        }
    }

    /// The service control policies that bind `account`: those of a member account of an organization.
    fn service_control_policies(&self, account: &str) -> Option<Vec<Rc<PolicyDocument>>> {
        let a = self.world.account(account)?;
        if a.management_account.is_none() || a.service_control_policies.is_empty() {
            return None;
        }
        Some(a.service_control_policies.iter().map(String::as_str).filter_map(parsed).collect())
    }

    /// Whether the credentials with `access_key_id` may perform `request` at `now`.
    ///
    /// Root credentials (and root sessions) are not limited by IAM policies, only by the service
    /// control policies of a member account. A role session gets its role's policies, intersected
    /// with its session policies if it was given any; a federated user gets the federating user's
    /// policies intersected with the session policies (nothing without one); a GetSessionToken
    /// session gets its user's policies. A permissions boundary and the account's service control
    /// policies bound all of them. A session from GetScopedCredentials is further intersected with
    /// each of its scope-down policies, root's included.
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
    /// assert_eq!(sts.is_allowed(now, &key, None, &AccessRequest::new("s3:GetObject", "arn:aws:s3:::b/k")).unwrap(), Decision::Allow);
    /// assert_eq!(sts.is_allowed(now, &key, None, &AccessRequest::new("s3:PutObject", "arn:aws:s3:::b/k")).unwrap(), Decision::ImplicitDeny);
    /// ```
    pub fn is_allowed(
        &self,
        now: OffsetDateTime,
        access_key_id: &str,
        session_token: Option<&str>,
        request: &AccessRequest,
    ) -> Result<Decision, StsError> {
        let (principal, session) = match self.world.long_term_key(access_key_id) {
            Some((KeyOwner::Root { account }, _)) => (Principal::Root { account: account.clone() }, None),
            Some(_) => (self.principal_of(access_key_id, None).ok_or_else(StsError::invalid_client_token_id)?, None),
            None => {
                let s: Session =
                    session_token.and_then(|token| self.session(access_key_id, token)).ok_or_else(StsError::invalid_client_token_id)?;
                if s.is_expired(now) {
                    return Err(StsError::expired_token());
                }
                (s.principal.clone(), Some(s))
            }
        };
        Ok(self.identity_verdict(now, &principal, session.as_ref(), request).decision)
    }

    /// What the identity side of IAM (service control policies, identity policies, permissions
    /// boundary, session policies) says of `principal`, signing with `session`, doing `request`.
    pub(crate) fn identity_verdict(
        &self,
        now: OffsetDateTime,
        principal: &Principal,
        session: Option<&Session>,
        request: &AccessRequest,
    ) -> Verdict {
        Verdict::of_layers(&self.identity_layers(now, principal, session, request, false))
    }

    /// Each policy layer of the identity side with its decision, in IAM's evaluation order.
    /// `keyed`: the request's context already holds the global keys of the principal and session.
    pub(crate) fn identity_layers(
        &self,
        now: OffsetDateTime,
        principal: &Principal,
        session: Option<&Session>,
        request: &AccessRequest,
        keyed: bool,
    ) -> Vec<(PolicyType, Decision)> {
        let base = session.and_then(|s| s.federating_principal.as_ref()).unwrap_or(principal);
        let scps = self.service_control_policies(base.account());
        let identity = self.identity_policies(base);
        let session_policies = session.and_then(|s| s.session_policies.as_ref());
        let scoped = session.map(|s| s.scoped_policies.as_slice()).unwrap_or_default();
        // Only conditions read the context: without one, the global keys (ARNs and instants
        // formatted, tags copied; about 5% of `serve`'s time under AssumeRole load) are not built.
        let conditional = |docs: &[Rc<PolicyDocument>]| docs.iter().any(|d| has_conditions(d));
        let needs_context = scps.as_deref().is_some_and(conditional)
            || identity.as_ref().is_some_and(|(docs, boundary)| conditional(docs) || boundary.as_deref().is_some_and(conditional))
            || session_policies.is_some_and(|docs| docs.iter().any(has_conditions))
            || scoped.iter().any(has_conditions);
        let with_keys;
        let request = if needs_context && !keyed {
            with_keys = self.with_global_keys(now, request, principal, session);
            &with_keys
        } else {
            request
        };
        let mut layers = Vec::new();
        if let Some(scps) = scps {
            layers.push((PolicyType::ServiceControlPolicy, crate::policy::evaluate_all(&scps, request)));
        }
        if let Some((docs, boundary)) = identity {
            layers.push((PolicyType::IdentityBased, crate::policy::evaluate_all(&docs, request)));
            if let Some(b) = boundary {
                layers.push((PolicyType::PermissionsBoundary, crate::policy::evaluate_all(&b, request)));
            }
        }
        if let Some(docs) = session_policies {
            layers.push((PolicyType::SessionPolicy, crate::policy::evaluate_all(docs, request)));
        }
        // Each GetScopedCredentials layer is one more policy the request must pass (documented:
        // the intersection of the caller's permissions and the scope-down policy).
        for scoped in scoped {
            layers.push((PolicyType::SessionPolicy, crate::policy::evaluate_all(std::slice::from_ref(scoped), request)));
        }
        layers
    }

    pub(crate) fn with_global_keys(
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
        put("aws:PrincipalArn", self.principal_policy_arn(principal));
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
            if s.mfa_authenticated {
                // Seconds since the MFA sign-in: the session was minted right after it.
                put("aws:MultiFactorAuthAge", (now - s.issued_at).whole_seconds().max(0).to_string());
            }
            put("aws:TokenIssueTime", s.issued_at.format(&Rfc3339).unwrap_or_default());
            if let Some(si) = &s.source_identity {
                put("aws:SourceIdentity", si.clone());
            }
        }
        r
    }
}
