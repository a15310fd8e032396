//! Users, their access keys and their policies.

use super::{
    Call, IamRequest, Node, attach, attached_nodes, boundary_nodes, check_attachable, checked_tags, detach, merge_tags, not_truncated,
    principal_is_user, put_inline, quota, refuse, tag_nodes, timestamp,
};
use crate::world::{AccessKey, User};
use crate::{ErrorCode, Sts, StsError};

/// IAM's quota of access keys per user (observed: "Cannot exceed quota for AccessKeysPerUser: 2").
const ACCESS_KEYS_PER_USER: usize = 2;

pub(super) fn call(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    match req.action.as_str() {
        "CreateUser" => create_user(sts, call, req),
        "GetUser" => {
            let name = user_name(call, req)?;
            let user = find(sts, call, &name)?;
            Ok(Some(vec![user_node(call, user)]))
        }
        "ListUsers" => {
            let prefix = req.str("PathPrefix").unwrap_or("/");
            let users: Vec<Vec<Node>> = sts
                .world
                .account(&call.account)
                .map(|a| a.users.values().filter(|u| u.path.starts_with(prefix)).map(|u| user_fields(call, u, false)).collect())
                .unwrap_or_default();
            Ok(Some(vec![Node::list("Users", users), not_truncated()]))
        }
        "DeleteUser" => delete_user(sts, call, req),
        "TagUser" => {
            let name = req.required("UserName")?;
            let tags = checked_tags(req.tags())?;
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            merge_tags(&mut user.tags, tags)?;
            Ok(None)
        }
        "UntagUser" => {
            let name = req.required("UserName")?;
            let keys = req.strings("TagKeys");
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            user.tags.retain(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
            Ok(None)
        }
        "CreateAccessKey" => create_access_key(sts, call, req),
        "ListAccessKeys" => {
            let name = user_name(call, req)?;
            let user = find(sts, call, &name)?;
            let keys = user.access_keys.iter().map(|k| key_fields(&user.name, k, false)).collect();
            Ok(Some(vec![Node::list("AccessKeyMetadata", keys), not_truncated()]))
        }
        "UpdateAccessKey" => {
            let name = user_name(call, req)?;
            let key_id = req.required("AccessKeyId")?;
            find(sts, call, &name)?;
            let active = req.str("Status") == Some("Active");
            if !sts.world.set_access_key_active(&call.account, &name, key_id, active) {
                return Err(no_key(key_id));
            }
            Ok(None)
        }
        "DeleteAccessKey" => {
            let name = user_name(call, req)?;
            let key_id = req.required("AccessKeyId")?;
            find(sts, call, &name)?;
            if !sts.world.remove_access_key(&call.account, &name, key_id) {
                return Err(no_key(key_id));
            }
            Ok(None)
        }
        "PutUserPolicy" => {
            let (name, policy, document) = (req.required("UserName")?, req.required("PolicyName")?, req.required("PolicyDocument")?);
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            put_inline(&mut user.inline_policies, (policy, document), (quota::INLINE_BYTES_PER_USER, "user", name))?;
            Ok(None)
        }
        "GetUserPolicy" => {
            let (name, policy) = (req.required("UserName")?, req.required("PolicyName")?);
            let user = find(sts, call, name)?;
            let document = user.inline_policies.get(policy).ok_or_else(|| no_user_policy(policy))?;
            Ok(Some(vec![
                Node::text("UserName", name),
                Node::text("PolicyName", policy),
                Node::text("PolicyDocument", super::policies::url_encode(document)),
            ]))
        }
        "DeleteUserPolicy" => {
            let (name, policy) = (req.required("UserName")?, req.required("PolicyName")?);
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            user.inline_policies.remove(policy).ok_or_else(|| no_user_policy(policy))?;
            Ok(None)
        }
        "ListUserPolicies" => {
            let name = req.required("UserName")?;
            let user = find(sts, call, name)?;
            let names = user.inline_policies.keys().map(|p| Node::text("member", p)).collect();
            Ok(Some(vec![Node::children("PolicyNames", names), not_truncated()]))
        }
        "AttachUserPolicy" => {
            let (name, arn) = (req.required("UserName")?, req.required("PolicyArn")?);
            find(sts, call, name)?;
            check_attachable(&sts.world, arn)?;
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            attach(&mut user.policies, arn, "PoliciesPerUser")?;
            Ok(None)
        }
        "DetachUserPolicy" => {
            let (name, arn) = (req.required("UserName")?, req.required("PolicyArn")?);
            let user = sts.world.user_mut(&call.account, name).ok_or_else(|| refuse::no_user(name))?;
            detach(&mut user.policies, arn)?;
            Ok(None)
        }
        "ListAttachedUserPolicies" => {
            let name = req.required("UserName")?;
            let user = find(sts, call, name)?;
            Ok(Some(vec![attached_nodes(&user.policies), not_truncated()]))
        }
        other => unreachable!("routed here: {other}"),
    }
}

/// Inferred from the role policy's observed wording.
fn no_user_policy(policy: &str) -> StsError {
    StsError::new(ErrorCode::NoSuchEntity, format!("The user policy with name {policy} cannot be found."))
}

fn no_key(key_id: &str) -> StsError {
    StsError::new(ErrorCode::NoSuchEntity, format!("The Access Key with id {key_id} cannot be found."))
}

fn find<'a>(sts: &'a Sts, call: &Call, name: &str) -> Result<&'a User, StsError> {
    sts.world.user(&call.account, name).ok_or_else(|| refuse::no_user(name))
}

/// The user a call names, or the calling user when it names none (observed: other callers must name one).
fn user_name(call: &Call, req: &IamRequest) -> Result<String, StsError> {
    if let Some(name) = req.str("UserName") {
        return Ok(name.to_owned());
    }
    principal_is_user(&call.context)
        .map(|(name, _)| name)
        .ok_or_else(|| StsError::validation("Must specify userName when calling with non-User credentials"))
}

fn user_fields(call: &Call, user: &User, with_tags: bool) -> Vec<Node> {
    let mut fields = vec![
        Node::text("Path", &user.path),
        Node::text("UserName", &user.name),
        Node::text("UserId", &user.user_id),
        Node::text("Arn", call.user_arn(&user.path, &user.name)),
        Node::text("CreateDate", timestamp(user.created)),
    ];
    fields.extend(boundary_nodes(&user.permissions_boundary));
    if with_tags && !user.tags.is_empty() {
        fields.push(Node::list("Tags", tag_nodes(&user.tags)));
    }
    fields
}

fn user_node(call: &Call, user: &User) -> Node {
    Node::children("User", user_fields(call, user, true))
}

fn key_fields(user: &str, key: &AccessKey, with_secret: bool) -> Vec<Node> {
    let mut fields = vec![
        Node::text("UserName", user),
        Node::text("AccessKeyId", &key.access_key_id),
        Node::text("Status", if key.active { "Active" } else { "Inactive" }),
    ];
    if with_secret {
        fields.push(Node::text("SecretAccessKey", &key.secret_access_key));
    }
    fields.push(Node::text("CreateDate", timestamp(key.created)));
    fields
}

fn create_user(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let name = req.required("UserName")?;
    if sts.world.user(&call.account, name).is_some() {
        return Err(StsError::new(ErrorCode::EntityAlreadyExists, format!("User with name {name} already exists.")));
    }
    if sts.world.account(&call.account).is_some_and(|a| a.users.len() >= quota::USERS_PER_ACCOUNT) {
        return Err(quota::exceeded("UsersPerAccount", quota::USERS_PER_ACCOUNT));
    }
    let tags = checked_tags(req.tags())?;
    let boundary = req.str("PermissionsBoundary").map(str::to_owned);
    if let Some(arn) = &boundary {
        sts.world.managed_policy(arn).ok_or_else(|| refuse::no_boundary(arn))?;
    }
    let mut user = User::new(name);
    user.path = req.str("Path").unwrap_or("/").to_owned();
    user.tags = tags;
    user.permissions_boundary = boundary;
    user.created = Some(call.now);
    let user = sts.world.create_user(&call.account, user).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
    Ok(Some(vec![user_node(call, user)]))
}

fn delete_user(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let name = req.required("UserName")?;
    let user = find(sts, call, name)?;
    // Observed wordings; the order AWS checks them in is not known.
    if !user.policies.is_empty() {
        return Err(refuse::must_detach());
    }
    if !user.inline_policies.is_empty() {
        return Err(refuse::must_delete_policies());
    }
    if !user.access_keys.is_empty() {
        return Err(StsError::new(ErrorCode::DeleteConflict, "Cannot delete entity, must delete access keys first."));
    }
    if !user.mfa_devices.is_empty() {
        return Err(StsError::new(ErrorCode::DeleteConflict, "Cannot delete entity, must delete MFA device first."));
    }
    sts.world.remove_user(&call.account, name);
    Ok(None)
}

fn create_access_key(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let name = user_name(call, req)?;
    if find(sts, call, &name)?.access_keys.len() >= ACCESS_KEYS_PER_USER {
        return Err(StsError::new(ErrorCode::LimitExceeded, format!("Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}")));
    }
    let key_id = sts.generator.long_term_key_id(&call.account);
    let secret = sts.generator.secret_access_key();
    let mut key = AccessKey::new(key_id, secret);
    key.created = Some(call.now);
    sts.world.add_access_key(&call.account, &name, key.clone()).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
    // The secret is shown once, here, as IAM does.
    Ok(Some(vec![Node::children("AccessKey", key_fields(&name, &key, true))]))
}
