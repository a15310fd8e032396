//! The trust-policy shortcuts of a role (trusted principals, ExternalId, MFA, conditions) and the
//! document they stand for: the world's roles are always judged by a [`TrustPolicy`].

use serde_json::{Value, json};

use crate::StsError;
use crate::policy::{Condition, SetQualifier, TrustPolicy};

/// Who may assume a role, and on which conditions, in short. [`Trust::to_policy`] writes the trust
/// policy these stand for: one statement for IAM principals (`sts:AssumeRole` and the session
/// actions `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`, with the ExternalId and MFA
/// conditions) and one per kind of identity provider named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trust {
    /// Trusted principals: an account id or `arn:aws:iam::ACCT:root` (the account, whose identity
    /// policies must then allow `sts:AssumeRole` too), a user ARN, a role ARN (its sessions), an
    /// OIDC or SAML provider ARN, or `*` (every IAM principal, as `{"AWS": "*"}`). Empty means the
    /// role's own account.
    pub principals: Vec<String>,
    /// The `sts:ExternalId` the trust policy requires, if any.
    pub external_id: Option<String>,
    /// Conditions of the trust policy (all must hold), on the call's context keys: for web identity,
    /// `<provider>:aud`, `:sub`, `:amr`; for SAML, `saml:aud`, `saml:sub`...; for AssumeRole,
    /// `sts:ExternalId`, `sts:RoleSessionName`, `aws:PrincipalArn`, `aws:RequestTag/<k>`...
    pub conditions: Vec<Condition>,
    /// Whether the trust policy requires `aws:MultiFactorAuthPresent`.
    pub require_mfa: bool,
}

/// The session actions a shortcut trust grants with the assume action (what a role trusted
/// before trust policies were documents allowed).
const SESSION_ACTIONS: [&str; 3] = ["sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"];

fn condition_json(conditions: &[Condition]) -> Value {
    let mut blocks = serde_json::Map::new();
    for c in conditions {
        let mut name = match c.qualifier {
            SetQualifier::None => String::new(),
            SetQualifier::ForAnyValue => "ForAnyValue:".into(),
            SetQualifier::ForAllValues => "ForAllValues:".into(),
        };
        name.push_str(&format!("{:?}", c.operator));
        if c.if_exists {
            name.push_str("IfExists");
        }
        let block = blocks.entry(name).or_insert_with(|| json!({}));
        block[&c.key] = if c.values.len() == 1 { json!(c.values[0]) } else { json!(c.values) };
    }
    Value::Object(blocks)
}

fn statement(principal: Value, actions: Vec<&str>, conditions: &[Condition]) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": actions});
    if !conditions.is_empty() {
        s["Condition"] = condition_json(conditions);
    }
    s
}

fn with_actions(first: &'static str) -> Vec<&'static str> {
    std::iter::once(first).chain(SESSION_ACTIONS).collect()
}

impl Trust {
    /// The trust policy document these shortcuts stand for, for a role of `account`.
    ///
    /// ```
    /// use sts_model::world::Role;
    /// let role = Role::new("ci").trust("arn:aws:iam::123456789012:user/alice").external_id("x-1");
    /// let policy = role.trust.to_policy("123456789012").unwrap();
    /// assert!(policy.text.contains(r#""sts:ExternalId":"x-1""#));
    /// assert!(policy.text.contains(r#""AWS":["arn:aws:iam::123456789012:user/alice"]"#));
    /// ```
    pub fn to_policy(&self, account: &str) -> Result<TrustPolicy, StsError> {
        let own = [account.to_owned()];
        let entries: &[String] = if self.principals.is_empty() { &own } else { &self.principals };
        let is_provider = |p: &&String| p.contains(":oidc-provider/") || p.contains(":saml-provider/");
        let aws: Vec<&String> = entries.iter().filter(|p| !is_provider(p)).collect();
        let oidc: Vec<&String> = entries.iter().filter(|p| p.contains(":oidc-provider/")).collect();
        let saml: Vec<&String> = entries.iter().filter(|p| p.contains(":saml-provider/")).collect();

        // What callers of AssumeRole must meet: the ExternalId and MFA shortcuts, and the conditions.
        let mut aws_conditions = self.conditions.clone();
        if let Some(id) = &self.external_id {
            aws_conditions.push(crate::policy::parse_conditions(&json!({"StringEquals": {"sts:ExternalId": id}}).to_string())?.remove(0));
        }
        if self.require_mfa {
            aws_conditions.push(crate::policy::parse_conditions(r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#)?.remove(0));
        }
        let mut statements = Vec::new();
        if !aws.is_empty() {
            statements.push(statement(json!({"AWS": aws}), with_actions("sts:AssumeRole"), &aws_conditions));
        }
        if !oidc.is_empty() {
            statements.push(statement(json!({"Federated": oidc}), with_actions("sts:AssumeRoleWithWebIdentity"), &self.conditions));
        }
        if !saml.is_empty() {
            statements.push(statement(json!({"Federated": saml}), with_actions("sts:AssumeRoleWithSAML"), &self.conditions));
        }
        TrustPolicy::parse(&json!({"Version": "2012-10-17", "Statement": statements}).to_string())
    }
}
