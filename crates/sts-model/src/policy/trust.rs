//! Trust policies: the resource-based policy of a role, as IAM stores it (`AssumeRolePolicyDocument`).
//!
//! A trust policy is a policy document whose statements name a `Principal` (or `NotPrincipal`) and no
//! `Resource`. It decides who may call `sts:AssumeRole` (and `sts:AssumeRoleWithWebIdentity`,
//! `sts:AssumeRoleWithSAML`) on the role, and which session actions go with it (`sts:TagSession`,
//! `sts:SetSourceIdentity`, `sts:SetContext`). Whether a grant stands alone depends on how the
//! principal is named: a statement naming the caller itself (its user ARN, its role ARN, its session
//! ARN, or `*`) grants directly; one naming the caller's account (`123456789012` or
//! `arn:aws:iam::123456789012:root`) delegates to the account, whose identity policies must allow too
//! (documented: IAM user guide, "Granting a user permissions to switch roles").
//!
//! ```
//! use sts_model::policy::{TrustCaller, TrustGrant, TrustPolicy, TrustRequest};
//! let policy = TrustPolicy::parse(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
//!     "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole",
//!     "Condition":{"StringEquals":{"sts:ExternalId":"ext-42"}}}]}"#).unwrap();
//! let alice = TrustCaller::aws("123456789012", ["arn:aws:iam::123456789012:user/alice"]);
//! let ask = |id: &str| TrustRequest::new("sts:AssumeRole", alice.clone()).with("sts:ExternalId", id);
//! assert_eq!(policy.evaluate(&ask("ext-42")), TrustGrant::ViaAccount);
//! assert_eq!(policy.evaluate(&ask("ext-43")), TrustGrant::ImplicitDeny);
//! let refused = TrustPolicy::parse(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Principal":{"AWS":"*"}}}"#);
//! assert_eq!(refused.unwrap_err().message, "Has prohibited field Resource");
//! ```

use std::collections::HashMap;

use serde_json::Value;

use super::condition::Condition;
use super::document::{Effect, Targets, check_document_fields, conditions_of, effect_of, sid_of, targets_of};
use crate::{ErrorCode, StsError};

fn malformed(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::MalformedPolicyDocument, message)
}

/// The principals of one statement, by kind: `{"AWS": [...], "Federated": [...], "Service": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principals {
    /// IAM principals: `*`, an account id, `arn:...:root`, a user, role, assumed-role session or
    /// federated-user ARN.
    pub aws: Vec<String>,
    /// Identity providers: an OIDC or SAML provider ARN, or a well-known IdP
    /// (`cognito-identity.amazonaws.com`, `accounts.google.com`, `www.amazon.com`, `graph.facebook.com`).
    pub federated: Vec<String>,
    /// AWS services (`ec2.amazonaws.com`): kept, never a caller of the mock.
    pub service: Vec<String>,
}

/// One trust-policy statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustStatement {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal` (then `negated`).
    pub principals: Principals,
    /// Whether the statement used `NotPrincipal`.
    pub negated: bool,
    /// `Action` / `NotAction`.
    pub actions: Targets,
    /// `Condition` entries (all must hold).
    pub conditions: Vec<Condition>,
}

/// A parsed trust policy: its statements and its text as given (what IAM's GetRole returns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustPolicy {
    /// The statements.
    pub statements: Vec<TrustStatement>,
    /// The document as JSON.
    pub text: String,
}

/// Who asks, as a trust policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustCaller {
    /// An IAM principal of `account`, known by the ARNs that name it itself (a user's ARN; a role
    /// session's role ARN and session ARN).
    Aws {
        /// The caller's account.
        account: String,
        /// ARNs a statement may name to grant this caller directly.
        arns: Vec<String>,
    },
    /// A federated caller, by the provider ARN (or well-known IdP name) that vouched for it.
    Federated(String),
}

impl TrustCaller {
    /// An IAM principal of `account` named by `arns`.
    pub fn aws<I, S>(account: &str, arns: I) -> TrustCaller
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        TrustCaller::Aws { account: account.to_owned(), arns: arns.into_iter().map(Into::into).collect() }
    }
}

/// An action the caller asks the role for, with the call's context keys (lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRequest {
    /// `sts:AssumeRole`, `sts:TagSession`...
    pub action: String,
    /// The caller.
    pub caller: TrustCaller,
    /// Context keys (lower-cased) to values.
    pub context: HashMap<String, Vec<String>>,
}

impl TrustRequest {
    /// A request with an empty context.
    pub fn new(action: impl Into<String>, caller: TrustCaller) -> Self {
        TrustRequest { action: action.into(), caller, context: HashMap::new() }
    }

    /// Adds a context value.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.entry(key.to_lowercase()).or_default().push(value.into());
        self
    }
}

/// What a trust policy says of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustGrant {
    /// A statement names the caller itself (or everyone): the grant stands on its own in the role's
    /// account.
    Direct,
    /// Only statements naming the caller's account allow: the account's identity policies decide.
    ViaAccount,
    /// A Deny statement applies.
    ExplicitDeny,
    /// Nothing allows.
    ImplicitDeny,
}

/// How a statement's principals match a caller.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    None,
    Account,
    Itself,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account a root ARN (`arn:aws:iam::123456789012:root`) names.
fn root_account(entry: &str) -> Option<&str> {
    let rest = entry.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let account = rest.strip_prefix("iam::")?.strip_suffix(":root")?;
    is_account_id(account).then_some(account)
}

/// Whether `entry` is an IAM principal IAM accepts in a policy: `*`, an account id, or the ARN of a
/// root, user, role, assumed-role session or federated user (no wildcards inside ARNs).
fn valid_aws_principal(entry: &str) -> bool {
    if entry == "*" || is_account_id(entry) || root_account(entry).is_some() {
        return true;
    }
    let parts: Vec<&str> = entry.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[1].is_empty() || !parts[3].is_empty() || !is_account_id(parts[4]) {
        return false;
    }
    if entry.contains('*') || entry.contains('?') {
        return false;
    }
    let resource = parts[5];
    match parts[2] {
        "iam" => resource.strip_prefix("user/").or_else(|| resource.strip_prefix("role/")).is_some_and(|r| !r.is_empty()),
        "sts" => {
            resource.strip_prefix("assumed-role/").is_some_and(|r| r.split('/').count() == 2 && !r.ends_with('/'))
                || resource.strip_prefix("federated-user/").is_some_and(|r| !r.is_empty())
        }
        _ => false,
    }
}

/// Whether `entry` is a federated principal: an OIDC or SAML provider ARN, or a host name.
fn valid_federated_principal(entry: &str) -> bool {
    let parts: Vec<&str> = entry.splitn(6, ':').collect();
    if parts.len() == 6 {
        return parts[0] == "arn"
            && parts[2] == "iam"
            && is_account_id(parts[4])
            && (parts[5].starts_with("oidc-provider/") || parts[5].starts_with("saml-provider/"));
    }
    !entry.is_empty() && entry.contains('.') && !entry.contains(char::is_whitespace)
}

impl TrustStatement {
    fn principal_match(&self, caller: &TrustCaller) -> Match {
        let found = match caller {
            TrustCaller::Aws { account, arns } => self
                .principals
                .aws
                .iter()
                .map(|entry| {
                    if entry == "*" || arns.iter().any(|a| a == entry) {
                        Match::Itself
                    } else if entry == account || root_account(entry) == Some(account.as_str()) {
                        Match::Account
                    } else {
                        Match::None
                    }
                })
                .max()
                .unwrap_or(Match::None),
            TrustCaller::Federated(provider) => {
                if self.principals.federated.iter().any(|f| f == provider) {
                    Match::Itself
                } else {
                    Match::None
                }
            }
        };
        match (self.negated, found) {
            // NotPrincipal: everyone the list does not name (an account entry names all of it).
            (true, Match::None) => Match::Itself,
            (true, _) => Match::None,
            (false, m) => m,
        }
    }

    fn applies(&self, request: &TrustRequest) -> Match {
        if !self.actions.matches(&request.action, true) || !self.conditions.iter().all(|c| c.holds(&request.context)) {
            return Match::None;
        }
        self.principal_match(&request.caller)
    }
}

fn principal_list(value: &Value, kind: &str) -> Result<Vec<String>, StsError> {
    let entries: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    entries
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(malformed(format!("Invalid principal in policy: \"{kind}\":{other}"))),
        })
        .collect()
}

fn principals(value: &Value) -> Result<Principals, StsError> {
    match value {
        // Observed: IAM refuses a bare "*" in a trust policy (`{"AWS": "*"}` is the way to write it).
        Value::String(s) if s == "*" => Err(malformed("AssumeRolepolicy contained an invalid principal: \"STAR\":\"*\".")),
        Value::Object(map) => {
            let mut found = Principals::default();
            for (kind, entries) in map {
                let list = principal_list(entries, kind)?;
                let (target, valid): (&mut Vec<String>, fn(&str) -> bool) = match kind.as_str() {
                    "AWS" => (&mut found.aws, valid_aws_principal),
                    "Federated" => (&mut found.federated, valid_federated_principal),
                    "Service" => (&mut found.service, |s: &str| s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn")),
                    other => return Err(malformed(format!("Invalid principal in policy: \"{}\":{entries}", other.to_uppercase()))),
                };
                for entry in list {
                    // Observed wording: Invalid principal in policy: "AWS":"arn:aws:iam::332745928618:role/UC_ROLE"
                    if !valid(&entry) {
                        return Err(malformed(format!("Invalid principal in policy: \"{}\":\"{entry}\"", kind.to_uppercase())));
                    }
                    target.push(entry);
                }
            }
            if found == Principals::default() {
                return Err(no_principals());
            }
            Ok(found)
        }
        other => Err(malformed(format!("Invalid principal in policy: {other}"))),
    }
}

/// Observed (2020) for a statement without principals.
fn no_principals() -> StsError {
    malformed(
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!",
    )
}

/// The actions a trust policy may name (wildcards allowed): observed, IAM refuses others with
/// "AssumeRole policy may only specify STS AssumeRole actions."
const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

fn check_trust_actions(actions: &Targets) -> Result<(), StsError> {
    let known = |p: &String| TRUST_ACTIONS.iter().any(|a| super::wildcard_match(p, a, true));
    if actions.negated || actions.patterns.iter().all(known) {
        Ok(())
    } else {
        Err(malformed("AssumeRole policy may only specify STS AssumeRole actions."))
    }
}

fn statement(value: &Value) -> Result<(TrustStatement, String), StsError> {
    let Value::Object(s) = value else { return Err(malformed("This policy contains invalid Json")) };
    for key in s.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Condition" => {}
            // IAM refuses a Resource in a role's trust policy with this wording.
            "Resource" | "NotResource" => return Err(malformed(format!("Has prohibited field {key}"))),
            other => return Err(malformed(format!("Statement contains an unknown field: {other}"))),
        }
    }
    let (principal, negated) = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err(malformed("Statement cannot have both Principal and NotPrincipal")),
        (Some(p), None) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return Err(no_principals()),
    };
    let actions = targets_of(s, "Action", "NotAction")?;
    check_trust_actions(&actions)?;
    let statement = TrustStatement {
        sid: sid_of(s)?,
        effect: effect_of(s)?,
        principals: principals(principal)?,
        negated,
        actions,
        conditions: conditions_of(s)?,
    };
    Ok((statement, value.to_string()))
}

/// Checks the document-level fields and returns the statements as written.
fn statements(text: &str) -> Result<Vec<Value>, StsError> {
    // Observed (IAM, recorded 2026): a trust policy that is not JSON.
    let value: Value = serde_json::from_str(text).map_err(|_| malformed("This policy contains invalid Json"))?;
    let Value::Object(doc) = value else { return Err(malformed("This policy contains invalid Json")) };
    check_document_fields(&doc)?;
    match doc.get("Statement") {
        Some(Value::Array(items)) if !items.is_empty() => Ok(items.clone()),
        Some(single @ Value::Object(_)) => Ok(vec![single.clone()]),
        Some(_) => Err(malformed("Statement must be an object or a non-empty array")),
        None => Err(malformed("Missing required field Statement")),
    }
}

impl TrustPolicy {
    /// Parses and validates a trust policy (`MalformedPolicyDocument` naming the problem).
    pub fn parse(text: &str) -> Result<TrustPolicy, StsError> {
        let raw = statements(text)?;
        let mut parsed = Vec::with_capacity(raw.len());
        for value in &raw {
            parsed.push(statement(value)?.0);
        }
        Ok(TrustPolicy { statements: parsed, text: text.to_owned() })
    }

    /// What the policy says of `request`: an applicable Deny wins; else the strongest Allow (one
    /// naming the caller itself beats one naming its account).
    pub fn evaluate(&self, request: &TrustRequest) -> TrustGrant {
        let mut best = Match::None;
        for statement in &self.statements {
            let m = statement.applies(request);
            if m == Match::None {
                continue;
            }
            match statement.effect {
                Effect::Deny => return TrustGrant::ExplicitDeny,
                Effect::Allow => best = best.max(m),
            }
        }
        match best {
            Match::Itself => TrustGrant::Direct,
            Match::Account => TrustGrant::ViaAccount,
            Match::None => TrustGrant::ImplicitDeny,
        }
    }
}
