//! Authorizing STS's own actions: a role's trust policy together with the caller's identity
//! policies (for AssumeRole), the trust policy alone (for federated callers, who have no identity
//! policies), and identity policies alone (GetFederationToken, AssumeRoot, GetWebIdentityToken,
//! DecodeAuthorizationMessage).
//!
//! IAM's rules for a resource-based policy such as a trust policy (IAM user guide, "Policy
//! evaluation logic" and "Cross-account policy evaluation logic"):
//! - an explicit Deny in any policy denies;
//! - in the role's own account, a trust statement naming the caller itself (user ARN, role ARN,
//!   session ARN, `*`) allows on its own, and one naming the account delegates to the caller's
//!   identity policies, which must allow too;
//! - across accounts, the trust policy must allow and the caller's identity policies must allow;
//! - the service control policies of the caller's account bound everything.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::authorize::{PolicyType, Verdict};
use crate::policy::{AccessRequest, Decision, TrustCaller, TrustGrant, TrustPolicy, TrustRequest};
use crate::sts::CallerContext;
use crate::{Principal, Sts, StsError};

impl Sts {
    /// The ARN policies see as `aws:PrincipalArn`: the user or root ARN, the role's ARN (with its
    /// path) for a role session, the federated user's ARN.
    pub(crate) fn principal_policy_arn(&self, principal: &Principal) -> String {
        let partition = &self.config.partition;
        match principal {
            Principal::AssumedRole { account, role_name, .. } => match self.world.role(account, role_name) {
                Some(role) => format!("arn:{partition}:iam::{account}:role{}{role_name}", role.path),
                None => principal.trust_arn(partition),
            },
            other => other.arn(partition),
        }
    }

    /// The caller as a trust policy names it: its own ARN, and for a role session also the role's.
    fn trust_caller(&self, principal: &Principal) -> TrustCaller {
        let own = principal.arn(&self.config.partition);
        let mut arns = vec![own];
        if matches!(principal, Principal::AssumedRole { .. }) {
            arns.push(self.principal_policy_arn(principal));
        }
        TrustCaller::Aws { account: principal.account().to_owned(), arns }
    }

    /// Authorizes each of `actions` (`sts:AssumeRole`, then the session actions the call implies)
    /// on the role `role_arn` of `role_account` whose trust policy is `trust`, for `caller` with the
    /// call's `context`. The first action refused is the error.
    pub(crate) fn authorize_role_actions(
        &mut self,
        now: OffsetDateTime,
        caller: &CallerContext,
        (role_account, role_arn, trust): (&str, &str, &TrustPolicy),
        actions: &[&str],
        context: HashMap<String, Vec<String>>,
    ) -> Result<(), StsError> {
        let who = self.trust_caller(&caller.principal);
        let same_account = caller.principal.account() == role_account;
        // The caller's own keys (aws:PrincipalArn, tags, MFA...) are in both contexts; they are the
        // same for every action, and built only if the trust policy has a condition to read them
        // (identity policies build them themselves when theirs do).
        let keyed = trust.statements.iter().any(|s| !s.conditions.is_empty());
        let mut call_context = AccessRequest::new("", role_arn);
        call_context.context = context;
        if keyed {
            call_context = self.with_global_keys(now, &call_context, &caller.principal, caller.session.as_ref());
        }
        for (i, action) in actions.iter().enumerate() {
            // The context moves from the trust request to the identity request, and into the last
            // action's: a copy per action only when there are several.
            let context = if i + 1 == actions.len() { std::mem::take(&mut call_context.context) } else { call_context.context.clone() };
            let mut trust_request = TrustRequest::new(*action, who.clone());
            trust_request.context = context;
            let grant = trust.evaluate(&trust_request);
            let identity_request =
                AccessRequest { action: (*action).to_owned(), resource: role_arn.to_owned(), context: trust_request.context };
            let layers = self.identity_layers(now, &caller.principal, caller.session.as_ref(), &identity_request, keyed);
            let identity = Verdict::of_layers(&layers);
            // What bounds even a grant naming the caller: everything but her identity policies.
            let limits: Vec<_> = layers.into_iter().filter(|(t, _)| *t != PolicyType::IdentityBased).collect();
            let verdict = combine(grant, identity, Verdict::of_layers(&limits), same_account);
            if verdict.decision != Decision::Allow {
                return Err(self.deny_because(&caller.principal, action, role_arn, verdict));
            }
        }
        Ok(())
    }

    /// Authorizes `actions` for a federated caller vouched for by `provider` (an identity provider
    /// ARN): only the trust policy decides, and it must name the provider.
    pub(crate) fn trust_allows_federated(
        trust: &TrustPolicy,
        provider: &str,
        actions: &[&str],
        context: &HashMap<String, Vec<String>>,
    ) -> bool {
        actions.iter().all(|action| {
            let mut request = TrustRequest::new(*action, TrustCaller::Federated(provider.to_owned()));
            request.context = context.clone();
            trust.evaluate(&request) == TrustGrant::Direct
        })
    }

    /// Authorizes an action that only the caller's identity policies govern (`sts:GetFederationToken`
    /// on the federated user, `sts:AssumeRoot`, `sts:GetWebIdentityToken`...).
    pub(crate) fn authorize_identity_action(
        &mut self,
        now: OffsetDateTime,
        caller: &CallerContext,
        action: &str,
        resource: &str,
        context: &HashMap<String, Vec<String>>,
    ) -> Result<(), StsError> {
        let mut request = AccessRequest::new(action, resource);
        request.context = context.clone();
        let verdict = self.identity_verdict(now, &caller.principal, caller.session.as_ref(), &request);
        if verdict.decision == Decision::Allow { Ok(()) } else { Err(self.deny_because(&caller.principal, action, resource, verdict)) }
    }
}

/// IAM's combination of a trust policy's grant with the caller's identity verdict (`identity`, all
/// layers) and `limits` (the layers that bound even a grant naming the caller: service control
/// policies, the permissions boundary, session policies).
///
/// Documented: a role trust policy must name the principal; in the same account a statement naming
/// it needs no identity policy, but the permissions boundary must still allow sts:AssumeRole (IAM
/// user guide, "Updating a role trust policy"), and a role session named by its role's ARN stays
/// bounded by its session policies (the evaluation table of the user guide).
fn combine(grant: TrustGrant, identity: Verdict, limits: Verdict, same_account: bool) -> Verdict {
    let trust_denied = |decision| Verdict { decision, denied_by: Some(PolicyType::ResourceBased) };
    match grant {
        TrustGrant::ExplicitDeny => trust_denied(Decision::ExplicitDeny),
        _ if identity.decision == Decision::ExplicitDeny => identity,
        TrustGrant::Direct if same_account => limits,
        TrustGrant::Direct | TrustGrant::ViaAccount => identity,
        TrustGrant::ImplicitDeny => trust_denied(Decision::ImplicitDeny),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW: Verdict = Verdict::ALLOW;
    const NO_IDENTITY: Verdict = Verdict { decision: Decision::ImplicitDeny, denied_by: Some(PolicyType::IdentityBased) };
    const DENY_IDENTITY: Verdict = Verdict { decision: Decision::ExplicitDeny, denied_by: Some(PolicyType::IdentityBased) };
    const NO_SCP: Verdict = Verdict { decision: Decision::ImplicitDeny, denied_by: Some(PolicyType::ServiceControlPolicy) };
    const NO_BOUNDARY: Verdict = Verdict { decision: Decision::ImplicitDeny, denied_by: Some(PolicyType::PermissionsBoundary) };

    // The rules of the IAM user guide's evaluation logic, worked by hand.
    #[test]
    fn same_account_direct_grant_stands_alone() {
        assert_eq!(combine(TrustGrant::Direct, NO_IDENTITY, ALLOW, true), ALLOW);
        assert_eq!(combine(TrustGrant::Direct, NO_IDENTITY, ALLOW, false), NO_IDENTITY);
    }

    #[test]
    fn account_grant_needs_identity() {
        assert_eq!(combine(TrustGrant::ViaAccount, NO_IDENTITY, ALLOW, true), NO_IDENTITY);
        assert_eq!(combine(TrustGrant::ViaAccount, ALLOW, ALLOW, true), ALLOW);
        assert_eq!(combine(TrustGrant::ViaAccount, ALLOW, ALLOW, false), ALLOW);
    }

    #[test]
    fn boundaries_and_scps_bound_a_direct_grant() {
        assert_eq!(combine(TrustGrant::Direct, NO_BOUNDARY, NO_BOUNDARY, true), NO_BOUNDARY);
        assert_eq!(combine(TrustGrant::Direct, NO_SCP, NO_SCP, true), NO_SCP);
    }

    #[test]
    fn denies_win() {
        assert_eq!(combine(TrustGrant::Direct, DENY_IDENTITY, ALLOW, true), DENY_IDENTITY);
        assert_eq!(combine(TrustGrant::ExplicitDeny, ALLOW, ALLOW, true).denied_by, Some(PolicyType::ResourceBased));
        assert_eq!(combine(TrustGrant::ImplicitDeny, ALLOW, ALLOW, true).decision, Decision::ImplicitDeny);
    }
}
