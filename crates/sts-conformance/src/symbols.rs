//! Symbols and principals: scenarios name things (`${role.demo}`, `as = "alice"`), targets say what
//! the names stand for. For the built-in mock they come from the world; for an endpoint, from the
//! profile.
//!
//! | symbol | value |
//! |---|---|
//! | `account`, `account.2`, ... | account ids, in the order of the world (sorted by id) |
//! | `user.<name>`, `user.<name>.id` | a user's ARN and `AIDA…` id |
//! | `role.<name>`, `role.<name>.id` | a role's ARN and `AROA…` id |
//! | `role.<name>.name`, `user.<name>.name`, `policy.<name>` | derived by the runner (last ARN segment; a policy ARN in the account) |
//! | `mfa.<user>` | the serial number of the user's first MFA device |
//! | `oidc.<host/path>`, `saml.<name>` | provider ARNs |
//! | `partition` | `aws` unless the world says otherwise |

use std::collections::BTreeMap;

use serde::Deserialize;
use sts_model::world::World;

/// Credentials a step may sign with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principal {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token, for temporary credentials.
    #[serde(default)]
    pub session_token: Option<String>,
}

/// The symbols of a world.
pub fn from_world(world: &World, partition: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("partition".to_owned(), partition.to_owned());
    for (i, account) in world.accounts().enumerate() {
        let id = &account.id;
        out.insert(if i == 0 { "account".to_owned() } else { format!("account.{}", i + 1) }, id.clone());
        for user in account.users.values() {
            let key = format!("user.{}", user.name);
            out.entry(key.clone()).or_insert_with(|| format!("arn:{partition}:iam::{id}:user{}{}", user.path, user.name));
            out.entry(format!("{key}.id")).or_insert_with(|| user.user_id.clone());
            if let Some(device) = user.mfa_devices.first() {
                out.entry(format!("mfa.{}", user.name)).or_insert_with(|| device.serial_number.clone());
            }
        }
        for role in account.roles.values() {
            let key = format!("role.{}", role.name);
            out.entry(key.clone()).or_insert_with(|| format!("arn:{partition}:iam::{id}:role{}{}", role.path, role.name));
            out.entry(format!("{key}.id")).or_insert_with(|| role.role_id.clone());
        }
        for url in account.oidc_providers.keys() {
            let host = url.trim_start_matches("https://");
            out.entry(format!("oidc.{host}")).or_insert_with(|| format!("arn:{partition}:iam::{id}:oidc-provider/{host}"));
        }
        for name in account.saml_providers.keys() {
            out.entry(format!("saml.{name}")).or_insert_with(|| format!("arn:{partition}:iam::{id}:saml-provider/{name}"));
        }
    }
    out
}

/// The principals of a world: each user by name (first key), `root` / `root.2`... by account order.
pub fn principals_of(world: &World) -> BTreeMap<String, Principal> {
    let mut out = BTreeMap::new();
    for (i, account) in world.accounts().enumerate() {
        if let Some(key) = account.root_access_keys.first() {
            let name = if i == 0 { "root".to_owned() } else { format!("root.{}", i + 1) };
            out.insert(
                name,
                Principal {
                    access_key_id: key.access_key_id.clone(),
                    secret_access_key: key.secret_access_key.clone(),
                    session_token: None,
                },
            );
        }
        for user in account.users.values() {
            if let Some(key) = user.access_keys.first() {
                out.entry(user.name.clone()).or_insert_with(|| Principal {
                    access_key_id: key.access_key_id.clone(),
                    secret_access_key: key.secret_access_key.clone(),
                    session_token: None,
                });
            }
        }
    }
    out
}

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// `${name}` names nothing.
    Unknown(String),
    /// `${` without `}`.
    Unclosed,
}

/// Replaces every `${name}` in `template` with `lookup(name)`; `$$` is a literal `$`.
///
/// ```
/// use sts_conformance::symbols::{substitute, Unresolved};
/// let lookup = |n: &str| (n == "account").then(|| "123456789012".to_string());
/// assert_eq!(substitute("arn:aws:iam::${account}:root", lookup).unwrap(), "arn:aws:iam::123456789012:root");
/// assert_eq!(substitute("$${x}", lookup).unwrap(), "${x}");
/// assert_eq!(substitute("${nope}", lookup), Err(Unresolved::Unknown("nope".into())));
/// ```
pub fn substitute(template: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = body.find('}').ok_or(Unresolved::Unclosed)?;
            let name = &body[..end];
            out.push_str(&lookup(name).ok_or_else(|| Unresolved::Unknown(name.to_owned()))?);
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}
