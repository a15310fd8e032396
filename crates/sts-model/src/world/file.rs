//! The TOML world file: the same format for `sts-harness serve --world`, `MockSts` and scenarios.
//!
//! ```toml
//! [settings]
//! seed = 42                       # generator seed (keys, tokens, request ids)
//! clock = "2024-01-01T00:00:00Z"  # frozen start time; omit for the real clock
//! region = "us-east-1"            # endpoint region, or "global" for sts.amazonaws.com
//!
//! [[accounts]]
//! id = "123456789012"
//! outbound_web_identity_federation = true
//!
//! [[accounts.users]]
//! name = "alice"
//! access_keys = [{ id = "AKIA...", secret = "..." }]
//! mfa_devices = [{ serial = "arn:aws:iam::123456789012:mfa/alice", code = "123456" }]
//!
//! [[accounts.roles]]
//! name = "deploy"
//! max_session_duration = 7200
//! trust = ["arn:aws:iam::123456789012:user/alice"]
//! external_id = "ci-42"
//!
//! [[accounts.roles]]
//! name = "ci"                     # a trust policy document instead of the shortcuts
//! trust_policy = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!   "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
//!   "Condition": {"StringEquals": {"aws:RequestTag/Team": "ci"}}}]}'''
//! permissions_boundary = "arn:aws:iam::123456789012:policy/boundary"
//!
//! [[accounts.groups]]
//! name = "deployers"
//! policies = ["arn:aws:iam::123456789012:policy/assume-ci"]
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{AccessKey, Group, MfaCode, MfaDevice, OidcProvider, Role, SamlProvider, Trust, User, World, WorldError};
use crate::Tag;

/// Settings of the mock that a world file may carry; command-line flags win over them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// Generator seed.
    pub seed: Option<u64>,
    /// Frozen start time.
    pub clock: Option<OffsetDateTime>,
    /// Partition (`aws` unless given).
    pub partition: Option<String>,
    /// `Some(None)` for the global endpoint, `Some(Some(r))` for a regional one, `None` when unset.
    pub region: Option<Option<String>>,
    /// Extra bytes added to every session token (to test clients against tokens over 4096 bytes).
    pub session_token_padding: Option<usize>,
}

/// A parsed world file: the world and the settings.
#[derive(Debug, Clone)]
pub struct WorldFile {
    /// The world.
    pub world: World,
    /// The settings.
    pub settings: Settings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    settings: SettingsDoc,
    #[serde(default)]
    accounts: Vec<AccountDoc>,
    #[serde(default)]
    policies: Vec<PolicyDoc>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SettingsDoc {
    seed: Option<u64>,
    clock: Option<String>,
    partition: Option<String>,
    region: Option<String>,
    session_token_padding: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountDoc {
    id: String,
    root_access_key: Option<KeyDoc>,
    management_account: Option<String>,
    #[serde(default)]
    root_access_admin: bool,
    #[serde(default)]
    outbound_web_identity_federation: bool,
    #[serde(default)]
    disabled_regions: Vec<String>,
    #[serde(default)]
    users: Vec<UserDoc>,
    #[serde(default)]
    roles: Vec<RoleDoc>,
    #[serde(default)]
    oidc_providers: Vec<OidcDoc>,
    #[serde(default)]
    saml_providers: Vec<SamlDoc>,
    #[serde(default)]
    groups: Vec<GroupDoc>,
    #[serde(default)]
    service_control_policies: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupDoc {
    name: String,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    inline_policies: InlineDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyDoc {
    id: String,
    secret: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MfaDoc {
    serial: String,
    code: Option<String>,
    totp_secret: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserDoc {
    name: String,
    path: Option<String>,
    user_id: Option<String>,
    #[serde(default)]
    access_keys: Vec<KeyDoc>,
    #[serde(default)]
    mfa_devices: Vec<MfaDoc>,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    inline_policies: InlineDoc,
    #[serde(default)]
    groups: Vec<String>,
    permissions_boundary: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleDoc {
    name: String,
    path: Option<String>,
    role_id: Option<String>,
    max_session_duration: Option<i32>,
    #[serde(default)]
    trust: Vec<String>,
    external_id: Option<String>,
    #[serde(default)]
    require_mfa: bool,
    trust_conditions: Option<String>,
    trust_policy: Option<String>,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    inline_policies: InlineDoc,
    permissions_boundary: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcDoc {
    url: String,
    #[serde(default)]
    client_ids: Vec<String>,
    jwks: Option<String>,
    #[serde(default)]
    context_provider: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SamlDoc {
    name: String,
    entity_id: String,
    certificate: Option<String>,
    #[serde(default)]
    context_provider: bool,
}

/// Inline policies: a list of documents (named `inline-policy-1`...) or a table of names to documents.
#[derive(Deserialize)]
#[serde(untagged)]
enum InlineDoc {
    List(Vec<String>),
    Named(BTreeMap<String, String>),
}

impl Default for InlineDoc {
    fn default() -> Self {
        InlineDoc::List(vec![])
    }
}

impl InlineDoc {
    fn named(self) -> super::InlinePolicies {
        match self {
            InlineDoc::Named(map) => map,
            InlineDoc::List(list) => list.into_iter().enumerate().map(|(i, d)| (format!("inline-policy-{}", i + 1), d)).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDoc {
    arn: String,
    document: String,
}

fn tags(map: BTreeMap<String, String>) -> Vec<Tag> {
    map.into_iter().map(|(k, v)| Tag::new(k, v)).collect()
}

impl WorldFile {
    /// Parses a world file; errors name the problem (TOML syntax with its line, or the bad entity).
    ///
    /// ```
    /// use sts_model::world::WorldFile;
    /// let file = WorldFile::parse(r#"
    ///     [settings]
    ///     seed = 7
    ///     [[accounts]]
    ///     id = "123456789012"
    ///     [[accounts.roles]]
    ///     name = "demo"
    ///     trust = ["123456789012"]
    /// "#).unwrap();
    /// assert_eq!(file.settings.seed, Some(7));
    /// assert!(file.world.role("123456789012", "demo").is_some());
    /// assert!(WorldFile::parse("[[accounts]]\nid = \"12\"").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<WorldFile, WorldError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| WorldError(format!("world file: {e}")))?;
        let clock = doc
            .settings
            .clock
            .map(|c| OffsetDateTime::parse(&c, &Rfc3339).map_err(|e| WorldError(format!("settings.clock '{c}': {e}"))))
            .transpose()?;
        let settings = Settings {
            seed: doc.settings.seed,
            clock,
            partition: doc.settings.partition,
            region: doc.settings.region.map(|r| if r == "global" { None } else { Some(r) }),
            session_token_padding: doc.settings.session_token_padding,
        };
        let mut world = World::default();
        for a in doc.accounts {
            let id = a.id.clone();
            let account = world.add_account(&id)?;
            account.management_account = a.management_account;
            account.root_access_admin = a.root_access_admin;
            account.outbound_web_identity_federation = a.outbound_web_identity_federation;
            account.disabled_regions = a.disabled_regions.into_iter().collect();
            account.service_control_policies = a.service_control_policies;
            for g in a.groups {
                world.add_group(&id, Group { name: g.name, policies: g.policies, inline_policies: g.inline_policies.named() })?;
            }
            if let Some(k) = a.root_access_key {
                world.set_root_access_key(&id, AccessKey::new(k.id, k.secret))?;
            }
            for u in a.users {
                let mut user = User::new(u.name);
                user.path = u.path.unwrap_or_else(|| "/".into());
                user.user_id = u.user_id.unwrap_or_default();
                user.access_keys = u.access_keys.into_iter().map(|k| AccessKey::new(k.id, k.secret)).collect();
                for m in u.mfa_devices {
                    let code = match (m.code, m.totp_secret) {
                        (Some(code), None) => MfaCode::Fixed(code),
                        (None, Some(secret)) => MfaCode::Totp(secret),
                        _ => {
                            return Err(WorldError(format!(
                                "user {}: MFA device {} needs exactly one of code or totp_secret",
                                user.name, m.serial
                            )));
                        }
                    };
                    user.mfa_devices.push(MfaDevice { serial_number: m.serial, code });
                }
                user.policies = u.policies;
                user.inline_policies = u.inline_policies.named();
                user.groups = u.groups;
                user.permissions_boundary = u.permissions_boundary;
                user.tags = tags(u.tags);
                world.add_user(&id, user)?;
            }
            for r in a.roles {
                let mut role = Role::new(r.name);
                role.path = r.path.unwrap_or_else(|| "/".into());
                role.role_id = r.role_id.unwrap_or_default();
                role.max_session_duration = r.max_session_duration.unwrap_or(3600);
                role.trust = Trust { principals: r.trust, external_id: r.external_id, require_mfa: r.require_mfa, conditions: vec![] };
                if let Some(json) = &r.trust_conditions {
                    role = role.trust_conditions(json)?;
                }
                if let Some(json) = &r.trust_policy {
                    role = role.trust_policy_document(json)?;
                }
                role.permissions_boundary = r.permissions_boundary;
                role.policies = r.policies;
                role.inline_policies = r.inline_policies.named();
                role.tags = tags(r.tags);
                world.add_role(&id, role)?;
            }
            for p in a.oidc_providers {
                world.add_oidc_provider(
                    &id,
                    OidcProvider {
                        url: p.url,
                        client_ids: p.client_ids,
                        jwks: p.jwks,
                        context_provider: p.context_provider,
                        thumbprints: vec![],
                        created: None,
                    },
                )?;
            }
            for p in a.saml_providers {
                world.add_saml_provider(
                    &id,
                    SamlProvider {
                        name: p.name,
                        entity_id: p.entity_id,
                        // Without a certificate the provider trusts the test IdP (keys/idp-rsa.crt).
                        certificate_pem: p.certificate.unwrap_or_else(|| crate::world::TEST_IDP_CERTIFICATE.to_owned()),
                        context_provider: p.context_provider,
                        metadata_document: None,
                        created: None,
                    },
                )?;
            }
        }
        for p in doc.policies {
            world.add_managed_policy(p.arn, p.document);
        }
        Ok(WorldFile { world, settings })
    }
}
