//! `check --provision`: the suite's world created through the endpoint's own IAM API, so that an
//! implementer (or anyone with an AWS sandbox account) runs the suite without writing a profile.
//!
//! Only the account of the bootstrap credentials is provisioned: its managed policies, users (with
//! a fresh access key each), roles (trust documents rewritten for the real account and the names
//! created) and identity providers. Every name carries a run prefix (`sth1a2b3c-alice`), so runs
//! never collide; the profile's symbols and principals are filled from what IAM answered, and
//! everything created is deleted afterwards, newest first (also after a failure; `--keep` leaves
//! it). What IAM cannot create (a second account, an organization, MFA devices with the world's
//! fixed codes, world settings) stays unmapped, and the scenarios that need it are skipped.

use std::collections::BTreeMap;

use sts_model::time::OffsetDateTime;
use sts_model::world::World;
use sts_wire::xml::Element;

use crate::symbols::Principal;
use crate::target::Endpoint;

/// Something created, to delete afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Created {
    Policy(String),
    User(String),
    AccessKey { user: String, key: String },
    UserPolicy { user: String, policy: String },
    UserInline { user: String, name: String },
    Role(String),
    RolePolicy { role: String, policy: String },
    RoleInline { role: String, name: String },
    OidcProvider(String),
    SamlProvider(String),
}

/// The world as created on the endpoint.
pub struct Provisioned {
    endpoint: Endpoint,
    iam_url: String,
    bootstrap: Principal,
    created: Vec<Created>,
    /// The run prefix of every name.
    pub prefix: String,
    /// The suite's symbols, mapped to what was created.
    pub symbols: BTreeMap<String, String>,
    /// Who signs as `alice`, `bob`, ... (and `root` when the bootstrap credentials are the root's).
    pub principals: BTreeMap<String, Principal>,
    /// Why parts of the world were left out (for the run's log).
    pub left_out: Vec<String>,
}

/// The bootstrap credentials: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
/// ones, `AWS_SESSION_TOKEN`, as every AWS tool reads them.
pub fn bootstrap_from_env() -> Result<Principal, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(access_key_id), Some(secret_access_key)) => {
            Ok(Principal { access_key_id, secret_access_key, session_token: var("AWS_SESSION_TOKEN") })
        }
        _ => Err("--provision needs bootstrap credentials allowed to use IAM: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into()),
    }
}

/// The profile of a provisioned run without `--profile`: the features such a world can serve. An
/// endpoint with the mock's admin API (`sts-harness serve`) also gets the mock-only features;
/// nothing that needs a second account, an organization or the world's settings is claimed.
pub fn default_profile(url: &str) -> crate::profile::Profile {
    let mut features: Vec<String> = [
        "input-contract",
        "query-protocol",
        "credentials",
        "duration",
        "caller-restrictions",
        "chaining",
        "trust",
        "mfa",
        "tags",
        "source-identity",
        "session-policies",
        "sigv4",
        "federation-oidc",
        "federation-saml",
        "authorization-messages",
        "identity-policies",
        "scoped-credentials",
        "regions",
    ]
    .map(String::from)
    .to_vec();
    let admin_api = has_admin_api(url);
    if admin_api {
        features.extend(["clock-control", "mock-admin", "iam"].map(String::from));
    }
    crate::profile::Profile {
        name: format!("provisioned {url}"),
        region: "us-east-1".into(),
        admin_api,
        admin_token: None,
        features,
        symbols: BTreeMap::new(),
        principals: BTreeMap::new(),
        deviations: BTreeMap::new(),
    }
}

/// Whether `url` answers the mock's admin API (`GET /__sts/health`).
fn has_admin_api(url: &str) -> bool {
    let probe = Endpoint::new(url, crate::profile::Profile::parse("name = \"probe\"\nfeatures = []\n").expect("a minimal profile parses"));
    probe.admin_health()
}

/// A random run prefix: `sth` and six hex digits, then `-`.
fn run_prefix() -> String {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    let mixed = (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32);
    format!("sth{:06x}-", mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40)
}

impl Provisioned {
    /// Creates the first account of `world` on `endpoint` (IAM at `iam_url`) as `bootstrap`.
    /// On a failure midway, what was created is deleted before the error is returned.
    pub fn create(endpoint: &Endpoint, iam_url: &str, bootstrap: Principal, world: &World) -> Result<Provisioned, String> {
        let mut p = Provisioned {
            endpoint: endpoint.clone(),
            iam_url: iam_url.trim_end_matches('/').to_owned(),
            bootstrap,
            created: Vec::new(),
            prefix: run_prefix(),
            symbols: BTreeMap::new(),
            principals: BTreeMap::new(),
            left_out: Vec::new(),
        };
        match p.build(world) {
            Ok(()) => Ok(p),
            Err(e) => {
                let cleanup = p.delete();
                Err(match cleanup {
                    Ok(()) => format!("provisioning: {e} (what was created is deleted)"),
                    Err(c) => format!("provisioning: {e}; deleting what was created also failed: {c}"),
                })
            }
        }
    }

    fn build(&mut self, world: &World) -> Result<(), String> {
        let me = self.endpoint.call_as(&self.bootstrap, "sts", &self.endpoint_url(), &[("Action", "GetCallerIdentity")])?;
        let arn = me.text_of("Arn").ok_or("GetCallerIdentity of the bootstrap credentials answered no Arn")?;
        let account = me.text_of("Account").ok_or("GetCallerIdentity answered no Account")?;
        let partition = arn.split(':').nth(1).unwrap_or("aws").to_owned();
        self.symbols.insert("account".into(), account.clone());
        self.symbols.insert("partition".into(), partition.clone());
        if arn.ends_with(":root") {
            self.principals.insert("root".into(), self.bootstrap.clone());
        }
        let Some(suite_account) = world.accounts().next() else { return Ok(()) };
        let suite_id = suite_account.id.clone();
        if suite_account.outbound_web_identity_federation {
            self.left_out.push("outbound web identity federation (an account setting; the features that need it are not claimed)".into());
        }
        for other in world.accounts().skip(1) {
            self.left_out.push(format!("account {} (one account is provisioned: the bootstrap credentials')", other.id));
        }
        // The world's names, as they will be on the endpoint: ARNs in documents are rewritten.
        let mut renames: Vec<(String, String)> = Vec::new();
        let local = |kind: &str, path: &str, name: &str| format!("arn:aws:iam::{suite_id}:{kind}{path}{name}");

        // Managed policies of the account.
        let mut policy_arns: BTreeMap<String, String> = BTreeMap::new();
        for (arn, policy) in world.managed_policies_of(&suite_id) {
            let name = arn.rsplit('/').next().unwrap_or_default();
            let answer =
                self.iam(&[("Action", "CreatePolicy"), ("PolicyName", &format!("{}{name}", self.prefix)), ("PolicyDocument", policy)])?;
            let created = text(&answer, "Policy/Arn")?;
            self.created.push(Created::Policy(created.clone()));
            self.symbols.insert(format!("policy.{name}"), created.clone());
            policy_arns.insert(arn.clone(), created);
        }
        let attachable = |arn: &String| policy_arns.get(arn).cloned().or_else(|| arn.contains(":aws:policy/").then(|| arn.clone()));

        // Identity providers first: roles' trust documents name them.
        for provider in suite_account.oidc_providers.values() {
            let mut params = vec![("Action".to_string(), "CreateOpenIDConnectProvider".to_string()), ("Url".into(), provider.url.clone())];
            for (i, id) in provider.client_ids.iter().enumerate() {
                params.push((format!("ClientIDList.member.{}", i + 1), id.clone()));
            }
            params.push(("ThumbprintList.member.1".into(), "0".repeat(40)));
            let host = provider.url.trim_start_matches("https://").to_owned();
            match self.iam_owned(&params) {
                Ok(answer) => {
                    let created = text(&answer, "OpenIDConnectProviderArn")?;
                    self.created.push(Created::OidcProvider(created.clone()));
                    renames.push((local("oidc-provider/", "", &host), created.clone()));
                    self.symbols.insert(format!("oidc.{host}"), created);
                }
                // One provider per URL and account: an existing one is used, and left in place.
                Err(e) if e.contains("EntityAlreadyExists") => {
                    let existing = format!("arn:{partition}:iam::{account}:oidc-provider/{host}");
                    renames.push((local("oidc-provider/", "", &host), existing.clone()));
                    self.symbols.insert(format!("oidc.{host}"), existing);
                }
                Err(e) => return Err(e),
            }
        }
        for provider in suite_account.saml_providers.values() {
            let metadata = match &provider.metadata_document {
                Some(document) => document.clone(),
                None => saml_metadata(&provider.entity_id, &provider.certificate_pem),
            };
            let answer = self.iam(&[
                ("Action", "CreateSAMLProvider"),
                ("Name", &format!("{}{}", self.prefix, provider.name)),
                ("SAMLMetadataDocument", &metadata),
            ])?;
            let created = text(&answer, "SAMLProviderArn")?;
            self.created.push(Created::SamlProvider(created.clone()));
            renames.push((local("saml-provider/", "", &provider.name), created.clone()));
            self.symbols.insert(format!("saml.{}", provider.name), created);
        }

        // Users, each with a key.
        for user in suite_account.users.values() {
            let name = format!("{}{}", self.prefix, user.name);
            let mut params = vec![
                ("Action".to_string(), "CreateUser".to_string()),
                ("UserName".into(), name.clone()),
                ("Path".into(), user.path.clone()),
            ];
            for (i, tag) in user.tags.iter().enumerate() {
                params.push((format!("Tags.member.{}.Key", i + 1), tag.key.clone()));
                params.push((format!("Tags.member.{}.Value", i + 1), tag.value.clone()));
            }
            let answer = self.iam_owned(&params)?;
            self.created.push(Created::User(name.clone()));
            let arn = text(&answer, "User/Arn")?;
            renames.push((local("user", &user.path, &user.name), arn.clone()));
            self.symbols.insert(format!("user.{}", user.name), arn);
            self.symbols.insert(format!("user.{}.id", user.name), text(&answer, "User/UserId")?);
            let key = self.iam(&[("Action", "CreateAccessKey"), ("UserName", &name)])?;
            let key_id = text(&key, "AccessKey/AccessKeyId")?;
            self.created.push(Created::AccessKey { user: name.clone(), key: key_id.clone() });
            self.principals.insert(
                user.name.clone(),
                Principal { access_key_id: key_id, secret_access_key: text(&key, "AccessKey/SecretAccessKey")?, session_token: None },
            );
            for policy in &user.policies {
                let Some(arn) = attachable(policy) else {
                    self.left_out.push(format!("user {}: policy {policy} (not the account's)", user.name));
                    continue;
                };
                self.iam(&[("Action", "AttachUserPolicy"), ("UserName", &name), ("PolicyArn", &arn)])?;
                self.created.push(Created::UserPolicy { user: name.clone(), policy: arn });
            }
            for (policy_name, document) in user.inline_policies.iter() {
                self.iam(&[("Action", "PutUserPolicy"), ("UserName", &name), ("PolicyName", policy_name), ("PolicyDocument", document)])?;
                self.created.push(Created::UserInline { user: name.clone(), name: policy_name.clone() });
            }
            if !user.mfa_devices.is_empty() {
                self.left_out.push(format!("user {}: MFA devices (IAM cannot make one with the world's fixed code)", user.name));
            }
        }

        // Roles, whose trust documents name the account, the users and the providers above.
        let roles: Vec<_> = suite_account.roles.values().collect();
        for role in &roles {
            renames.push((
                local("role", &role.path, &role.name),
                format!("arn:{partition}:iam::{account}:role{}{}{}", role.path, self.prefix, role.name),
            ));
        }
        // Longest first, so that a role's ARN is not cut by a shorter one it starts with.
        renames.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
        for role in roles {
            let name = format!("{}{}", self.prefix, role.name);
            let mut document = role.trust_policy_for(&suite_id).text.clone();
            for (from, to) in &renames {
                document = document.replace(from.as_str(), to);
            }
            document = document
                .replace(&format!(":{suite_id}:"), &format!(":{account}:"))
                .replace(&format!("\"{suite_id}\""), &format!("\"{account}\""));
            let mut params = vec![
                ("Action".to_string(), "CreateRole".to_string()),
                ("RoleName".into(), name.clone()),
                ("Path".into(), role.path.clone()),
                ("AssumeRolePolicyDocument".into(), document),
                ("MaxSessionDuration".into(), role.max_session_duration.to_string()),
            ];
            for (i, tag) in role.tags.iter().enumerate() {
                params.push((format!("Tags.member.{}.Key", i + 1), tag.key.clone()));
                params.push((format!("Tags.member.{}.Value", i + 1), tag.value.clone()));
            }
            // IAM is eventually consistent: a user created a moment ago may not yet be a valid
            // principal ("Invalid principal in policy"), so that refusal is retried for a while.
            let answer = match retry_while(|e| e.contains("Invalid principal"), || self.iam_owned(&params)) {
                Ok(a) => a,
                Err(e) => {
                    // A trust document the endpoint refuses (a principal it cannot resolve) leaves that role out.
                    self.left_out.push(format!("role {}: {e}", role.name));
                    continue;
                }
            };
            self.created.push(Created::Role(name.clone()));
            self.symbols.insert(format!("role.{}", role.name), text(&answer, "Role/Arn")?);
            self.symbols.insert(format!("role.{}.id", role.name), text(&answer, "Role/RoleId")?);
            for policy in &role.policies {
                let Some(arn) = attachable(policy) else {
                    self.left_out.push(format!("role {}: policy {policy} (not the account's)", role.name));
                    continue;
                };
                self.iam(&[("Action", "AttachRolePolicy"), ("RoleName", &name), ("PolicyArn", &arn)])?;
                self.created.push(Created::RolePolicy { role: name.clone(), policy: arn });
            }
            for (policy_name, document) in role.inline_policies.iter() {
                self.iam(&[("Action", "PutRolePolicy"), ("RoleName", &name), ("PolicyName", policy_name), ("PolicyDocument", document)])?;
                self.created.push(Created::RoleInline { role: name.clone(), name: policy_name.clone() });
            }
        }
        // A new access key takes a few seconds to be accepted everywhere (AWS): the run starts
        // when every user's key signs a GetCallerIdentity.
        for (user, principal) in &self.principals {
            retry_while(
                |e| e.contains("InvalidClientTokenId") || e.contains("SignatureDoesNotMatch"),
                || self.endpoint.call_as(principal, "sts", &self.endpoint_url(), &[("Action", "GetCallerIdentity")]),
            )
            .map_err(|e| format!("the key created for {user} is not accepted: {e}"))?;
        }
        Ok(())
    }

    fn endpoint_url(&self) -> String {
        self.endpoint.url().to_owned()
    }

    fn iam(&self, params: &[(&str, &str)]) -> Result<Element, String> {
        self.endpoint.call_as(&self.bootstrap, "iam", &self.iam_url, params)
    }

    fn iam_owned(&self, params: &[(String, String)]) -> Result<Element, String> {
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.iam(&borrowed)
    }

    /// Deletes everything created, newest first; keeps going past failures and reports them.
    pub fn delete(&mut self) -> Result<(), String> {
        let mut failures = Vec::new();
        while let Some(item) = self.created.pop() {
            let outcome = match &item {
                Created::Policy(arn) => self.iam(&[("Action", "DeletePolicy"), ("PolicyArn", arn)]),
                Created::User(user) => self.iam(&[("Action", "DeleteUser"), ("UserName", user)]),
                Created::AccessKey { user, key } => self.iam(&[("Action", "DeleteAccessKey"), ("UserName", user), ("AccessKeyId", key)]),
                Created::UserPolicy { user, policy } => {
                    self.iam(&[("Action", "DetachUserPolicy"), ("UserName", user), ("PolicyArn", policy)])
                }
                Created::UserInline { user, name } => self.iam(&[("Action", "DeleteUserPolicy"), ("UserName", user), ("PolicyName", name)]),
                Created::Role(role) => self.iam(&[("Action", "DeleteRole"), ("RoleName", role)]),
                Created::RolePolicy { role, policy } => {
                    self.iam(&[("Action", "DetachRolePolicy"), ("RoleName", role), ("PolicyArn", policy)])
                }
                Created::RoleInline { role, name } => self.iam(&[("Action", "DeleteRolePolicy"), ("RoleName", role), ("PolicyName", name)]),
                Created::OidcProvider(arn) => self.iam(&[("Action", "DeleteOpenIDConnectProvider"), ("OpenIDConnectProviderArn", arn)]),
                Created::SamlProvider(arn) => self.iam(&[("Action", "DeleteSAMLProvider"), ("SAMLProviderArn", arn)]),
            };
            if let Err(e) = outcome {
                failures.push(format!("{item:?}: {e}"));
            }
        }
        if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
    }

    /// How many things were created (and are still there).
    pub fn count(&self) -> usize {
        self.created.len()
    }
}

/// Calls `call` until it succeeds or fails otherwise than `transient` says, for at most 30 s
/// (IAM's propagation delay is documented as "usually a few seconds").
fn retry_while<T>(transient: impl Fn(&str) -> bool, mut call: impl FnMut() -> Result<T, String>) -> Result<T, String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut pause = std::time::Duration::from_millis(250);
    loop {
        match call() {
            Err(e) if transient(&e) && std::time::Instant::now() + pause < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_secs(4));
            }
            outcome => return outcome,
        }
    }
}

/// The text at `path` under an IAM answer's `…Result`.
fn text(result: &Element, path: &str) -> Result<String, String> {
    path.split('/')
        .try_fold(result, |e, name| e.child(name))
        .map(|e| e.text.trim().to_owned())
        .ok_or_else(|| format!("the answer has no {path}"))
}

/// SAML metadata naming `entity_id` and signing with `certificate` (PEM).
fn saml_metadata(entity_id: &str, certificate: &str) -> String {
    let body: String = certificate.lines().filter(|l| !l.starts_with("-----")).collect();
    format!(
        r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{body}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/></IDPSSODescriptor></EntityDescriptor>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_prefixes_are_short_valid_iam_name_prefixes() {
        let prefix = run_prefix();
        assert_eq!(prefix.len(), 10, "{prefix}");
        assert!(prefix.starts_with("sth") && prefix.ends_with('-'));
        assert!(prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }

    #[test]
    fn transient_refusals_are_retried_and_others_returned_at_once() {
        let mut calls = 0;
        let outcome: Result<u32, String> = retry_while(
            |e| e.contains("Invalid principal"),
            || {
                calls += 1;
                if calls < 3 { Err("MalformedPolicyDocument: Invalid principal in policy".into()) } else { Ok(7) }
            },
        );
        assert_eq!((outcome, calls), (Ok(7), 3));
        let mut calls = 0;
        let outcome: Result<u32, String> = retry_while(
            |e| e.contains("Invalid principal"),
            || {
                calls += 1;
                Err("AccessDenied: not authorized".into())
            },
        );
        assert_eq!((outcome, calls), (Err("AccessDenied: not authorized".into()), 1));
    }

    #[test]
    fn metadata_carries_the_entity_and_certificate_iam_reads_back() {
        let metadata = saml_metadata("https://idp.example.com/saml", sts_model::saml::TEST_CERTIFICATE);
        let (entity, certificate) = sts_model::saml::parse_metadata(&metadata).expect("IAM's parser reads it");
        assert_eq!(entity, "https://idp.example.com/saml");
        let squash = |pem: &str| pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
        assert_eq!(squash(&certificate), squash(sts_model::saml::TEST_CERTIFICATE));
    }
}
