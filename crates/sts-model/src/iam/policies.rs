//! Managed policies: creation, versions, and what they are attached to.

use super::{Call, IamRequest, Node, checked_tags, refuse, tag_nodes, timestamp};
use crate::policy::PolicyDocument;
use crate::world::{ManagedPolicy, PolicyVersion, World, policy_path_and_name};
use crate::{ErrorCode, Sts, StsError};

/// IAM keeps at most five versions of a managed policy.
const MAX_VERSIONS: usize = 5;

/// A policy document as IAM returns it: URL-encoded (RFC 3986, documented), SDKs decode it.
///
/// ```
/// assert_eq!(sts_model::iam::url_encode(r#"{"a": 1}"#), "%7B%22a%22%3A%201%7D");
/// ```
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn call(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    match req.action.as_str() {
        "CreatePolicy" => create_policy(sts, call, req),
        "GetPolicy" => {
            let arn = req.required("PolicyArn")?;
            let policy = sts.world.managed_policy_entry(arn).ok_or_else(|| refuse::no_policy(arn))?;
            Ok(Some(vec![policy_node(&sts.world, arn, policy)]))
        }
        "DeletePolicy" => {
            let arn = req.required("PolicyArn")?;
            sts.world.managed_policy_entry(arn).ok_or_else(|| refuse::no_policy(arn))?;
            if attachments(&sts.world, arn) > 0 {
                return Err(StsError::new(ErrorCode::DeleteConflict, "Cannot delete a policy attached to entities."));
            }
            sts.world.remove_managed_policy(arn);
            Ok(None)
        }
        "CreatePolicyVersion" => {
            let (arn, document) = (req.required("PolicyArn")?, req.required("PolicyDocument")?);
            PolicyDocument::parse(document)?;
            let policy = sts.world.managed_policy_mut(arn).ok_or_else(|| refuse::no_policy(arn))?;
            if policy.versions.len() >= MAX_VERSIONS {
                return Err(StsError::new(
                    ErrorCode::LimitExceeded,
                    "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
                ));
            }
            let next = policy.versions.iter().filter_map(|v| v.version_id.strip_prefix('v')?.parse::<u32>().ok()).max().unwrap_or(0) + 1;
            let version = PolicyVersion { version_id: format!("v{next}"), document: document.to_owned(), created: Some(call.now) };
            let is_default = req.bool("SetAsDefault").unwrap_or(false);
            if is_default {
                policy.default_version = version.version_id.clone();
                policy.updated = Some(call.now);
            }
            let node = version_node(&version, is_default, false);
            policy.versions.push(version);
            Ok(Some(vec![node]))
        }
        "GetPolicyVersion" => {
            let (arn, id) = (req.required("PolicyArn")?, req.required("VersionId")?);
            let missing =
                || StsError::new(ErrorCode::NoSuchEntity, format!("Policy {arn} version {id} does not exist or is not attachable."));
            let policy = sts.world.managed_policy_entry(arn).ok_or_else(missing)?;
            let version = policy.versions.iter().find(|v| v.version_id == id).ok_or_else(missing)?;
            Ok(Some(vec![version_node(version, version.version_id == policy.default_version, true)]))
        }
        other => unreachable!("routed here: {other}"),
    }
}

fn version_node(version: &PolicyVersion, is_default: bool, with_document: bool) -> Node {
    let mut fields = Vec::new();
    if with_document {
        fields.push(Node::text("Document", url_encode(&version.document)));
    }
    fields.push(Node::text("VersionId", &version.version_id));
    fields.push(Node::text("IsDefaultVersion", is_default.to_string()));
    fields.push(Node::text("CreateDate", timestamp(version.created)));
    Node::children("PolicyVersion", fields)
}

/// How many users, roles and groups have `arn` attached, in every account.
fn attachments(world: &World, arn: &str) -> usize {
    world
        .accounts()
        .map(|a| {
            a.users.values().filter(|u| u.policies.iter().any(|p| p == arn)).count()
                + a.roles.values().filter(|r| r.policies.iter().any(|p| p == arn)).count()
                + a.groups.values().filter(|g| g.policies.iter().any(|p| p == arn)).count()
        })
        .sum()
}

fn boundary_uses(world: &World, arn: &str) -> usize {
    world
        .accounts()
        .map(|a| {
            a.users.values().filter(|u| u.permissions_boundary.as_deref() == Some(arn)).count()
                + a.roles.values().filter(|r| r.permissions_boundary.as_deref() == Some(arn)).count()
        })
        .sum()
}

fn policy_node(world: &World, arn: &str, policy: &ManagedPolicy) -> Node {
    let (_, name) = policy_path_and_name(arn);
    let mut fields = vec![
        Node::text("PolicyName", name),
        Node::text("PolicyId", &policy.policy_id),
        Node::text("Arn", arn),
        Node::text("Path", &policy.path),
        Node::text("DefaultVersionId", &policy.default_version),
        Node::text("AttachmentCount", attachments(world, arn).to_string()),
        Node::text("PermissionsBoundaryUsageCount", boundary_uses(world, arn).to_string()),
        Node::text("IsAttachable", "true"),
    ];
    if let Some(d) = &policy.description {
        fields.push(Node::text("Description", d));
    }
    fields.push(Node::text("CreateDate", timestamp(policy.created)));
    fields.push(Node::text("UpdateDate", timestamp(policy.updated.or(policy.created))));
    Node::children("Policy", fields)
}

fn create_policy(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let (name, document) = (req.required("PolicyName")?, req.required("PolicyDocument")?);
    let path = req.str("Path").unwrap_or("/");
    let arn = call.policy_arn(path, name);
    // Observed: names are unique in the account whatever the path.
    let taken =
        sts.world.managed_policies().any(|(a, _)| a.split(':').nth(4) == Some(call.account.as_str()) && policy_path_and_name(a).1 == name);
    if taken {
        return Err(StsError::new(
            ErrorCode::EntityAlreadyExists,
            format!("A policy called {name} already exists. Duplicate names are not allowed."),
        ));
    }
    PolicyDocument::parse(document)?;
    let tags = checked_tags(req.tags())?;
    let owned = sts.world.managed_policies().filter(|(a, _)| a.split(':').nth(4) == Some(call.account.as_str())).count();
    if owned >= super::quota::POLICIES_PER_ACCOUNT {
        return Err(super::quota::exceeded("PoliciesPerAccount", super::quota::POLICIES_PER_ACCOUNT));
    }
    sts.world.add_managed_policy(arn.clone(), document);
    let policy = sts.world.managed_policy_mut(&arn).expect("added just above");
    policy.description = req.str("Description").map(str::to_owned);
    policy.created = Some(call.now);
    policy.updated = Some(call.now);
    if let Some(v) = policy.versions.first_mut() {
        v.created = Some(call.now);
    }
    let policy = sts.world.managed_policy_entry(&arn).expect("added just above");
    let mut node = policy_node(&sts.world, &arn, policy);
    if !tags.is_empty()
        && let super::Content::Children(children) = &mut node.content
    {
        children.push(Node::list("Tags", tag_nodes(&tags)));
    }
    Ok(Some(vec![node]))
}
