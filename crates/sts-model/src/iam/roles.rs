//! Roles: their trust policy, maximum session duration, tags and policies.

use std::sync::Arc;

use super::{
    Call, IamRequest, Node, attach, attached_nodes, boundary_nodes, check_attachable, checked_tags, detach, merge_tags, not_truncated,
    put_inline, quota, refuse, tag_nodes, timestamp,
};
use crate::policy::TrustPolicy;
use crate::world::{Role, Trust, World};
use crate::{ErrorCode, Sts, StsError};

pub(super) fn call(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    match req.action.as_str() {
        "CreateRole" => create_role(sts, call, req),
        "GetRole" => {
            let role = find(sts, call, req.required("RoleName")?)?;
            Ok(Some(vec![Node::children("Role", role_fields(call, role, true))]))
        }
        "ListRoles" => {
            let prefix = req.str("PathPrefix").unwrap_or("/");
            let roles: Vec<Vec<Node>> = sts
                .world
                .account(&call.account)
                .map(|a| a.roles.values().filter(|r| r.path.starts_with(prefix)).map(|r| role_fields(call, r, false)).collect())
                .unwrap_or_default();
            Ok(Some(vec![Node::list("Roles", roles), not_truncated()]))
        }
        "UpdateRole" => {
            let role = find_mut(sts, call, req.required("RoleName")?)?;
            if let Some(d) = req.str("Description") {
                role.description = Some(d.to_owned());
            }
            if let Some(seconds) = req.int("MaxSessionDuration") {
                // The wire layer held it to the model's 3600..43200.
                role.max_session_duration = i32::try_from(seconds).unwrap_or(role.max_session_duration);
            }
            Ok(Some(vec![]))
        }
        "UpdateAssumeRolePolicy" => {
            let name = req.required("RoleName")?;
            find(sts, call, name)?;
            let policy = trust_policy(&sts.world, req.required("PolicyDocument")?)?;
            let role = find_mut(sts, call, name)?;
            role.trust = Trust::default();
            role.trust_policy = Some(Arc::new(policy));
            Ok(None)
        }
        "DeleteRole" => {
            let name = req.required("RoleName")?;
            let role = find(sts, call, name)?;
            // Observed wordings.
            if !role.policies.is_empty() {
                return Err(refuse::must_detach());
            }
            if !role.inline_policies.is_empty() {
                return Err(refuse::must_delete_policies());
            }
            sts.world.remove_role(&call.account, name);
            Ok(None)
        }
        "TagRole" => {
            let tags = checked_tags(req.tags())?;
            let role = find_mut(sts, call, req.required("RoleName")?)?;
            merge_tags(&mut role.tags, tags)?;
            Ok(None)
        }
        "UntagRole" => {
            let keys = req.strings("TagKeys");
            let role = find_mut(sts, call, req.required("RoleName")?)?;
            role.tags.retain(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
            Ok(None)
        }
        "PutRolePolicy" => {
            let (name, policy, document) = (req.required("RoleName")?, req.required("PolicyName")?, req.required("PolicyDocument")?);
            let role = find_mut(sts, call, name)?;
            put_inline(&mut role.inline_policies, (policy, document), (quota::INLINE_BYTES_PER_ROLE, "role", name))?;
            Ok(None)
        }
        "GetRolePolicy" => {
            let (name, policy) = (req.required("RoleName")?, req.required("PolicyName")?);
            let role = find(sts, call, name)?;
            let document = role.inline_policies.get(policy).ok_or_else(|| no_role_policy(policy))?;
            Ok(Some(vec![
                Node::text("RoleName", name),
                Node::text("PolicyName", policy),
                Node::text("PolicyDocument", super::policies::url_encode(document)),
            ]))
        }
        "DeleteRolePolicy" => {
            let (name, policy) = (req.required("RoleName")?, req.required("PolicyName")?);
            find_mut(sts, call, name)?.inline_policies.remove(policy).ok_or_else(|| no_role_policy(policy))?;
            Ok(None)
        }
        "ListRolePolicies" => {
            let role = find(sts, call, req.required("RoleName")?)?;
            let names = role.inline_policies.keys().map(|p| Node::text("member", p)).collect();
            Ok(Some(vec![Node::children("PolicyNames", names), not_truncated()]))
        }
        "AttachRolePolicy" => {
            let (name, arn) = (req.required("RoleName")?, req.required("PolicyArn")?);
            find(sts, call, name)?;
            check_attachable(&sts.world, arn)?;
            // Observed wording ("Cannot exceed quota for PoliciesPerRole: 10").
            attach(&mut find_mut(sts, call, name)?.policies, arn, "PoliciesPerRole")?;
            Ok(None)
        }
        "DetachRolePolicy" => {
            let (name, arn) = (req.required("RoleName")?, req.required("PolicyArn")?);
            detach(&mut find_mut(sts, call, name)?.policies, arn)?;
            Ok(None)
        }
        "ListAttachedRolePolicies" => {
            let role = find(sts, call, req.required("RoleName")?)?;
            Ok(Some(vec![attached_nodes(&role.policies), not_truncated()]))
        }
        other => unreachable!("routed here: {other}"),
    }
}

fn no_role_policy(policy: &str) -> StsError {
    StsError::new(ErrorCode::NoSuchEntity, format!("The role policy with name {policy} cannot be found."))
}

fn find<'a>(sts: &'a Sts, call: &Call, name: &str) -> Result<&'a Role, StsError> {
    sts.world.role(&call.account, name).ok_or_else(|| refuse::no_role(name))
}

fn find_mut<'a>(sts: &'a mut Sts, call: &Call, name: &str) -> Result<&'a mut Role, StsError> {
    sts.world.role_mut(&call.account, name).ok_or_else(|| refuse::no_role(name))
}

/// A trust policy as IAM takes it: a valid document whose IAM principals exist. A user or role ARN
/// of an account the world knows, naming nobody there, is refused as IAM refuses a principal it
/// cannot resolve (observed: `Invalid principal in policy: "AWS":"arn:aws:iam::...:role/UC_ROLE"`).
fn trust_policy(world: &World, text: &str) -> Result<TrustPolicy, StsError> {
    let policy = TrustPolicy::parse(text)?;
    for entry in policy.statements.iter().flat_map(|s| &s.principals.aws) {
        let fields: Vec<&str> = entry.splitn(6, ':').collect();
        let [_, _, "iam", _, account, resource] = fields.as_slice() else { continue };
        if world.account(account).is_none() {
            continue;
        }
        let name = |prefix: &str| resource.strip_prefix(prefix).and_then(|r| r.rsplit('/').next()).map(str::to_owned);
        let exists = match (name("user/"), name("role/")) {
            (Some(user), _) => world.user(account, &user).is_some(),
            (_, Some(role)) => world.role(account, &role).is_some(),
            _ => true,
        };
        if !exists {
            return Err(StsError::new(ErrorCode::MalformedPolicyDocument, format!("Invalid principal in policy: \"AWS\":\"{entry}\"")));
        }
    }
    Ok(policy)
}

fn role_fields(call: &Call, role: &Role, full: bool) -> Vec<Node> {
    let document = role.trust_policy_for(&call.account).text.clone();
    let mut fields = vec![
        Node::text("Path", &role.path),
        Node::text("RoleName", &role.name),
        Node::text("RoleId", &role.role_id),
        Node::text("Arn", call.role_arn(&role.path, &role.name)),
        Node::text("CreateDate", timestamp(role.created)),
        // Documented: URL-encoded (RFC 3986); SDKs decode it.
        Node::text("AssumeRolePolicyDocument", super::policies::url_encode(&document)),
    ];
    if let Some(d) = &role.description {
        fields.push(Node::text("Description", d));
    }
    fields.push(Node::text("MaxSessionDuration", role.max_session_duration.to_string()));
    fields.extend(boundary_nodes(&role.permissions_boundary));
    if full {
        if !role.tags.is_empty() {
            fields.push(Node::list("Tags", tag_nodes(&role.tags)));
        }
        fields.push(Node::children("RoleLastUsed", vec![]));
    }
    fields
}

fn create_role(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let name = req.required("RoleName")?;
    if sts.world.role(&call.account, name).is_some() {
        return Err(StsError::new(ErrorCode::EntityAlreadyExists, format!("Role with name {name} already exists.")));
    }
    if sts.world.account(&call.account).is_some_and(|a| a.roles.len() >= quota::ROLES_PER_ACCOUNT) {
        return Err(quota::exceeded("RolesPerAccount", quota::ROLES_PER_ACCOUNT));
    }
    let policy = trust_policy(&sts.world, req.required("AssumeRolePolicyDocument")?)?;
    let tags = checked_tags(req.tags())?;
    let boundary = req.str("PermissionsBoundary").map(str::to_owned);
    if let Some(arn) = &boundary {
        sts.world.managed_policy(arn).ok_or_else(|| refuse::no_boundary(arn))?;
    }
    let mut role = Role::new(name);
    role.path = req.str("Path").unwrap_or("/").to_owned();
    role.trust_policy = Some(Arc::new(policy));
    role.max_session_duration = req.int("MaxSessionDuration").and_then(|s| i32::try_from(s).ok()).unwrap_or(3600);
    role.description = req.str("Description").map(str::to_owned);
    role.tags = tags;
    role.permissions_boundary = boundary;
    role.created = Some(call.now);
    let role = sts.world.add_role(&call.account, role).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
    Ok(Some(vec![Node::children("Role", role_fields(call, role, true))]))
}
