//! The IAM control plane over the world: the IAM Query API operations that shape what STS answers
//! (users and their access keys, roles and their trust policies, inline and managed policies).
//! Every change takes effect for the next STS call: both services read one [`World`].
//!
//! The wire layer decodes and validates the input against botocore's IAM model and hands over an
//! [`IamRequest`]; the answer is the `…Result` element's children as [`Node`]s (`None` for the
//! operations whose answer has no result), or an [`StsError`] with IAM's code, status and message
//! (each message's source is in `docs/iam-evidence.md`).
//!
//! ```
//! use sts_model::iam::{IamRequest, Value};
//! use sts_model::{Caller, Sts, world::{User, World}};
//! use sts_model::time::OffsetDateTime;
//! let mut world = World::default();
//! let admin = world.add_user("123456789012", User::new("admin")
//!     .inline_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#))
//!     .unwrap().access_keys[0].access_key_id.clone();
//! let mut sts = Sts::new(world, 1);
//! let create = IamRequest::new("CreateUser").with("UserName", Value::Str("bob".into()));
//! let out = sts.iam(OffsetDateTime::UNIX_EPOCH, &Caller::access_key(&admin), create).unwrap().unwrap();
//! assert_eq!(out[0].name, "User");
//! assert!(sts.world().user("123456789012", "bob").is_some());
//! ```

mod mfa;
mod policies;
mod providers;
mod roles;
mod users;

pub use policies::url_encode;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::policy::{AccessRequest, Decision};
use crate::sts::CallerContext;
use crate::world::World;
use crate::{Caller, ErrorCode, Principal, Sts, StsError, Tag};

/// A decoded input value, as the IAM model types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string (names, documents, ARNs, timestamps as sent).
    Str(String),
    /// An integer (`MaxSessionDuration`, `MaxItems`).
    Int(i64),
    /// A boolean (`SetAsDefault`).
    Bool(bool),
    /// A list (`Tags`, `TagKeys`).
    List(Vec<Value>),
    /// A structure (`Tags.member.1` is `{Key, Value}`).
    Struct(BTreeMap<String, Value>),
}

/// One IAM call: the action and its top-level members by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IamRequest {
    /// `CreateUser`, `GetRole`...
    pub action: String,
    /// Members by their model name.
    pub input: BTreeMap<String, Value>,
}

impl IamRequest {
    /// A request for `action` with no members.
    pub fn new(action: impl Into<String>) -> Self {
        IamRequest { action: action.into(), input: BTreeMap::new() }
    }

    /// Adds a member.
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.input.insert(name.to_owned(), value);
        self
    }

    fn str(&self, name: &str) -> Option<&str> {
        match self.input.get(name) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A member the model requires (the wire layer refused the call without it).
    fn required(&self, name: &str) -> Result<&str, StsError> {
        self.str(name).ok_or_else(|| StsError::constraints(&[StsError::missing_member(&lower_camel(name))]))
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.input.get(name) {
            Some(Value::Int(i)) => Some(*i),
            _ => None,
        }
    }

    fn bool(&self, name: &str) -> Option<bool> {
        match self.input.get(name) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn strings(&self, name: &str) -> Vec<String> {
        match self.input.get(name) {
            Some(Value::List(items)) => items.iter().filter_map(|v| if let Value::Str(s) = v { Some(s.clone()) } else { None }).collect(),
            _ => vec![],
        }
    }

    fn tags(&self) -> Vec<Tag> {
        let Some(Value::List(items)) = self.input.get("Tags") else { return vec![] };
        items
            .iter()
            .filter_map(|item| match item {
                Value::Struct(fields) => match (fields.get("Key"), fields.get("Value")) {
                    (Some(Value::Str(k)), Some(Value::Str(v))) => Some(Tag::new(k.clone(), v.clone())),
                    (Some(Value::Str(k)), None) => Some(Tag::new(k.clone(), String::new())),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
}

fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// An element of an answer: text, or children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Element name.
    pub name: String,
    /// Its content.
    pub content: Content,
}

/// What an element holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// `<name>text</name>`.
    Text(String),
    /// `<name>children</name>`.
    Children(Vec<Node>),
}

impl Node {
    fn text(name: &str, value: impl Into<String>) -> Node {
        Node { name: name.to_owned(), content: Content::Text(value.into()) }
    }

    fn children(name: &str, children: Vec<Node>) -> Node {
        Node { name: name.to_owned(), content: Content::Children(children) }
    }

    /// A list: `<name><member>...</member>...</name>`.
    fn list(name: &str, items: Vec<Vec<Node>>) -> Node {
        Node::children(name, items.into_iter().map(|c| Node::children("member", c)).collect())
    }

    /// A child's text, when this element has one of that name (tests and callers reading answers).
    pub fn child_text(&self, name: &str) -> Option<&str> {
        match &self.content {
            Content::Children(children) => children.iter().find(|c| c.name == name).and_then(|c| match &c.content {
                Content::Text(t) => Some(t.as_str()),
                Content::Children(_) => None,
            }),
            Content::Text(_) => None,
        }
    }
}

/// IAM's timestamp form: `2024-01-01T00:00:00Z`.
fn timestamp(at: Option<OffsetDateTime>) -> String {
    // Entities of a world file have no creation date: they report the epoch. fidelity: inferred.
    at.unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .unwrap_or_default()
}

fn tag_nodes(tags: &[Tag]) -> Vec<Vec<Node>> {
    tags.iter().map(|t| vec![Node::text("Key", &t.key), Node::text("Value", &t.value)]).collect()
}

/// IAM's refusals, each with its observed wording (`docs/iam-evidence.md`).
pub(crate) mod refuse {
    use crate::{ErrorCode, StsError};

    pub fn no_user(name: &str) -> StsError {
        StsError::new(ErrorCode::NoSuchEntity, format!("The user with name {name} cannot be found."))
    }
    pub fn no_role(name: &str) -> StsError {
        StsError::new(ErrorCode::NoSuchEntity, format!("The role with name {name} cannot be found."))
    }
    pub fn no_policy(arn: &str) -> StsError {
        StsError::new(ErrorCode::NoSuchEntity, format!("Policy {arn} was not found."))
    }
    pub fn not_attachable(arn: &str) -> StsError {
        StsError::new(ErrorCode::NoSuchEntity, format!("Policy {arn} does not exist or is not attachable."))
    }
    pub fn no_boundary(arn: &str) -> StsError {
        StsError::new(ErrorCode::NoSuchEntity, format!("Scope ARN: {arn} does not exist or is not attachable."))
    }
    pub fn must_detach() -> StsError {
        StsError::new(ErrorCode::DeleteConflict, "Cannot delete entity, must detach all policies first.")
    }
    pub fn must_delete_policies() -> StsError {
        StsError::new(ErrorCode::DeleteConflict, "Cannot delete entity, must delete policies first.")
    }
    pub fn invalid_arn(arn: &str) -> StsError {
        StsError::new(ErrorCode::ValidationError, format!("ARN {arn} is not valid."))
    }
    pub fn duplicate_tags() -> StsError {
        StsError::new(ErrorCode::InvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    }
}

impl Sts {
    /// Answers one IAM call made with `caller`'s credentials at `now`: authenticates them as STS
    /// does, authorizes `iam:<Action>` with the caller's identity policies, then applies it to the
    /// world.
    pub fn iam(&mut self, now: OffsetDateTime, caller: &Caller, request: IamRequest) -> Result<Option<Vec<Node>>, StsError> {
        let context = self.caller_context(now, caller)?;
        let account = context.principal.account().to_owned();
        let partition = self.config.partition.clone();
        let resource = resource_of(&request, &account, &partition);
        self.authorize_iam(now, &context, &request.action, &resource)?;
        let call = Call { now, account, partition, context };
        match request.action.as_str() {
            "CreateUser"
            | "GetUser"
            | "ListUsers"
            | "DeleteUser"
            | "TagUser"
            | "UntagUser"
            | "CreateAccessKey"
            | "ListAccessKeys"
            | "UpdateAccessKey"
            | "DeleteAccessKey"
            | "PutUserPolicy"
            | "GetUserPolicy"
            | "DeleteUserPolicy"
            | "ListUserPolicies"
            | "AttachUserPolicy"
            | "DetachUserPolicy"
            | "ListAttachedUserPolicies" => users::call(self, &call, &request),
            "CreateRole"
            | "GetRole"
            | "ListRoles"
            | "UpdateRole"
            | "UpdateAssumeRolePolicy"
            | "DeleteRole"
            | "TagRole"
            | "UntagRole"
            | "PutRolePolicy"
            | "GetRolePolicy"
            | "DeleteRolePolicy"
            | "ListRolePolicies"
            | "AttachRolePolicy"
            | "DetachRolePolicy"
            | "ListAttachedRolePolicies" => roles::call(self, &call, &request),
            "CreatePolicy" | "GetPolicy" | "DeletePolicy" | "CreatePolicyVersion" | "GetPolicyVersion" => {
                policies::call(self, &call, &request)
            }
            "CreateOpenIDConnectProvider"
            | "GetOpenIDConnectProvider"
            | "DeleteOpenIDConnectProvider"
            | "ListOpenIDConnectProviders"
            | "AddClientIDToOpenIDConnectProvider"
            | "CreateSAMLProvider"
            | "GetSAMLProvider"
            | "DeleteSAMLProvider"
            | "ListSAMLProviders" => providers::call(self, &call, &request),
            "CreateVirtualMFADevice" | "EnableMFADevice" | "DeactivateMFADevice" => mfa::call(self, &call, &request),
            other => Err(StsError::new(ErrorCode::InvalidAction, format!("Could not find operation {other} for version 2010-05-08"))),
        }
    }

    /// The caller's identity policies must allow `iam:<action>` on `resource`. Observed wording for
    /// IAM refusals (2026): "User: ... is not authorized to perform: iam:CreateUser on resource: ...
    /// because no identity-based policy allows the iam:CreateUser action".
    fn authorize_iam(&mut self, now: OffsetDateTime, caller: &CallerContext, action: &str, resource: &str) -> Result<(), StsError> {
        let action = format!("iam:{action}");
        let verdict = self.identity_verdict(now, &caller.principal, caller.session.as_ref(), &AccessRequest::new(&action, resource));
        if verdict.decision == Decision::Allow {
            return Ok(());
        }
        let arn = caller.principal.arn(&self.config.partition);
        let kind = verdict.denied_by.unwrap_or(crate::authorize::PolicyType::IdentityBased).words();
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let why = if verdict.decision == Decision::ExplicitDeny {
            format!("with an explicit deny in {article} {kind}")
        } else {
            format!("because no {kind} allows the {action} action")
        };
        Err(StsError::new(
            ErrorCode::AccessDenied,
            format!("User: {arn} is not authorized to perform: {action} on resource: {resource} {why}"),
        ))
    }
}

/// What an IAM call needs besides its input.
struct Call {
    now: OffsetDateTime,
    /// The caller's account: IAM calls act on it.
    account: String,
    partition: String,
    context: CallerContext,
}

impl Call {
    fn user_arn(&self, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{}:user{path}{name}", self.partition, self.account)
    }
    fn role_arn(&self, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{}:role{path}{name}", self.partition, self.account)
    }
    fn policy_arn(&self, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{}:policy{path}{name}", self.partition, self.account)
    }
}

/// The resource an IAM action names, for its authorization (the entity's ARN; `*` for lists).
fn resource_of(request: &IamRequest, account: &str, partition: &str) -> String {
    let path = request.str("Path").unwrap_or("/");
    if let Some(role) = request.str("RoleName") {
        return format!("arn:{partition}:iam::{account}:role{path}{role}");
    }
    if let Some(user) = request.str("UserName") {
        return format!("arn:{partition}:iam::{account}:user{path}{user}");
    }
    if let Some(arn) = request.str("PolicyArn") {
        return arn.to_owned();
    }
    if let Some(policy) = request.str("PolicyName").filter(|_| request.action == "CreatePolicy") {
        return format!("arn:{partition}:iam::{account}:policy{path}{policy}");
    }
    if let Some(arn) = request.str("OpenIDConnectProviderArn").or(request.str("SAMLProviderArn")).or(request.str("SerialNumber")) {
        return arn.to_owned();
    }
    if let Some(host) = request.str("Url").and_then(|u| u.strip_prefix("https://")) {
        return format!("arn:{partition}:iam::{account}:oidc-provider/{host}");
    }
    if let Some(name) = request.str("Name").filter(|_| request.action == "CreateSAMLProvider") {
        return format!("arn:{partition}:iam::{account}:saml-provider/{name}");
    }
    if let Some(name) = request.str("VirtualMFADeviceName") {
        return format!("arn:{partition}:iam::{account}:mfa{path}{name}");
    }
    "*".to_owned()
}

/// Tags with IAM's rules: keys are case-insensitive, so two that differ only in case are refused.
fn checked_tags(tags: Vec<Tag>) -> Result<Vec<Tag>, StsError> {
    for (i, a) in tags.iter().enumerate() {
        if tags[..i].iter().any(|b| b.key.to_lowercase() == a.key.to_lowercase()) {
            return Err(refuse::duplicate_tags());
        }
    }
    Ok(tags)
}

/// IAM's quotas that keep a world bounded: entities per account (IAM's defaults) and tags per entity.
pub(crate) mod quota {
    use crate::{ErrorCode, StsError};

    pub const USERS_PER_ACCOUNT: usize = 5000;
    pub const ROLES_PER_ACCOUNT: usize = 1000;
    pub const POLICIES_PER_ACCOUNT: usize = 1500;
    pub const TAGS_PER_ENTITY: usize = 50;
    /// Managed policies attached to one user or role (IAM's default quota, observed wording).
    pub const POLICIES_PER_ENTITY: usize = 10;
    /// Inline policies' aggregate size, non-whitespace characters (IAM's quotas).
    pub const INLINE_BYTES_PER_USER: usize = 2048;
    pub const INLINE_BYTES_PER_ROLE: usize = 10240;

    /// "Cannot exceed quota for UsersPerAccount: 5000", the wording IAM uses for its quotas.
    pub fn exceeded(name: &str, limit: usize) -> StsError {
        StsError::new(ErrorCode::LimitExceeded, format!("Cannot exceed quota for {name}: {limit}"))
    }

    /// The size IAM counts for inline policies: characters other than whitespace.
    pub fn policy_size<'a>(documents: impl Iterator<Item = &'a String>) -> usize {
        documents.map(|d| d.chars().filter(|c| !c.is_whitespace()).count()).sum()
    }

    /// Observed wording: "Maximum policy size of 10240 bytes exceeded for role deploy".
    pub fn inline_too_large(limit: usize, kind: &str, name: &str) -> StsError {
        StsError::new(ErrorCode::LimitExceeded, format!("Maximum policy size of {limit} bytes exceeded for {kind} {name}"))
    }
}

/// Merges `new` into `tags`: a key already there (any case) takes the new value. At most 50 tags
/// (recorded wording: "The number of tags has reached the maximum limit.").
fn merge_tags(tags: &mut Vec<Tag>, new: Vec<Tag>) -> Result<(), StsError> {
    let mut merged = tags.clone();
    for t in new {
        match merged.iter_mut().find(|old| old.key.eq_ignore_ascii_case(&t.key)) {
            Some(old) => *old = t,
            None => merged.push(t),
        }
    }
    if merged.len() > quota::TAGS_PER_ENTITY {
        return Err(StsError::new(ErrorCode::LimitExceeded, "The number of tags has reached the maximum limit."));
    }
    *tags = merged;
    Ok(())
}

/// A managed policy that may be attached: it exists in the world. AWS-managed policies
/// (`arn:aws:iam::aws:policy/...`) are not modelled and are refused the same way.
fn check_attachable(world: &World, arn: &str) -> Result<(), StsError> {
    if !arn.starts_with("arn:") || arn.split(':').count() < 6 {
        return Err(refuse::invalid_arn(arn));
    }
    world.managed_policy(arn).map(|_| ()).ok_or_else(|| refuse::not_attachable(arn))
}

/// One rule for users' and roles' inline policies: a valid document, within the entity's aggregate
/// size (`limit`, IAM's quota for `kind`), stored under its name.
fn put_inline(
    policies: &mut crate::world::InlinePolicies,
    (name, document): (&str, &str),
    (limit, kind, entity): (usize, &str, &str),
) -> Result<(), StsError> {
    crate::policy::PolicyDocument::parse(document)?;
    let others = policies.iter().filter(|(n, _)| n.as_str() != name).map(|(_, d)| d);
    if quota::policy_size(others.chain(std::iter::once(&document.to_owned()))) > limit {
        return Err(quota::inline_too_large(limit, kind, entity));
    }
    policies.insert(name.to_owned(), document.to_owned());
    Ok(())
}

/// One rule for attaching a managed policy to a user or role: at most ten (`PoliciesPer{User,Role}`),
/// attaching twice is attaching once.
fn attach(policies: &mut Vec<String>, arn: &str, quota_name: &str) -> Result<(), StsError> {
    if policies.iter().any(|p| p == arn) {
        return Ok(());
    }
    if policies.len() >= quota::POLICIES_PER_ENTITY {
        return Err(quota::exceeded(quota_name, quota::POLICIES_PER_ENTITY));
    }
    policies.push(arn.to_owned());
    Ok(())
}

/// Detaching a policy that is not attached is `Policy ... was not found.` (recorded).
fn detach(policies: &mut Vec<String>, arn: &str) -> Result<(), StsError> {
    let before = policies.len();
    policies.retain(|p| p != arn);
    if policies.len() == before { Err(refuse::no_policy(arn)) } else { Ok(()) }
}

fn boundary_nodes(boundary: &Option<String>) -> Vec<Node> {
    boundary
        .iter()
        .map(|arn| {
            Node::children(
                "PermissionsBoundary",
                vec![Node::text("PermissionsBoundaryType", "PermissionsBoundaryPolicy"), Node::text("PermissionsBoundaryArn", arn)],
            )
        })
        .collect()
}

/// The managed policies attached to an entity, as `AttachedPolicies` members.
fn attached_nodes(arns: &[String]) -> Node {
    Node::list(
        "AttachedPolicies",
        arns.iter()
            .map(|arn| {
                let name = crate::world::policy_path_and_name(arn).1;
                vec![Node::text("PolicyName", name), Node::text("PolicyArn", arn)]
            })
            .collect(),
    )
}

/// `IsTruncated` false: lists are answered whole (the world is bounded).
fn not_truncated() -> Node {
    Node::text("IsTruncated", "false")
}

fn principal_is_user(context: &CallerContext) -> Option<(String, String)> {
    match &context.principal {
        Principal::User { name, path, .. } => Some((name.clone(), path.clone())),
        _ => None,
    }
}
