//! The world the model answers about: accounts (with their root, organization membership, disabled
//! regions), IAM users with long-term keys and MFA devices, roles with a trust policy and
//! `MaxSessionDuration`, managed policies, OIDC and SAML providers.
//!
//! Built in code with the builders below, or loaded from a TOML world file ([`WorldFile`]). Ids
//! (`AIDA...`, `AROA...`, `AKIA...`) are derived from names when not given, so a world built from
//! the same description always has the same ids, whatever the order of insertion.

mod file;
mod mfa;
mod trust;

pub use file::{Settings, WorldFile};
pub use mfa::{MfaCode, MfaDevice, totp};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::Tag;
use crate::ids::{derived_id, derived_secret};
use crate::policy::TrustPolicy;
pub use trust::Trust;

/// A world that cannot be built: the message says what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WorldError(pub String);

/// A long-term access key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// `AKIA...`.
    pub access_key_id: String,
    /// 40 characters.
    pub secret_access_key: String,
    /// `Active` keys sign requests; an `Inactive` one is answered `InvalidClientTokenId`.
    pub active: bool,
    /// When IAM created it (`None` for keys of a world file).
    pub created: Option<OffsetDateTime>,
}

impl AccessKey {
    /// An active key.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> AccessKey {
        AccessKey { access_key_id: access_key_id.into(), secret_access_key: secret_access_key.into(), active: true, created: None }
    }
}

/// The path and name of a managed policy ARN (`arn:aws:iam::123456789012:policy/team/read` is
/// `/team/` and `read`).
pub fn policy_path_and_name(arn: &str) -> (String, String) {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let rest = resource.strip_prefix("policy").unwrap_or(resource);
    match rest.rfind('/') {
        Some(i) => (rest[..=i].to_owned(), rest[i + 1..].to_owned()),
        None => ("/".to_owned(), rest.to_owned()),
    }
}

/// Inline policies by name. A world file may list documents without names: they are named
/// `inline-policy-1`, `-2`... in order.
pub type InlinePolicies = BTreeMap<String, String>;

fn add_inline(policies: &mut InlinePolicies, json: String) {
    let name = (1..).map(|n| format!("inline-policy-{n}")).find(|n| !policies.contains_key(n)).expect("a free name exists");
    policies.insert(name, json);
}

/// A managed policy: its versions (the default one is what it grants) and IAM's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// `ANPA...` unique id.
    pub policy_id: String,
    /// Path, `/` by default.
    pub path: String,
    /// Description, if given.
    pub description: Option<String>,
    /// Versions `v1`, `v2`... with their documents, in creation order (at most 5).
    pub versions: Vec<PolicyVersion>,
    /// The version in force.
    pub default_version: String,
    /// When IAM created it (`None` for policies of a world file).
    pub created: Option<OffsetDateTime>,
    /// When the default version last changed.
    pub updated: Option<OffsetDateTime>,
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    /// `v1`, `v2`...
    pub version_id: String,
    /// The document.
    pub document: String,
    /// When it was created.
    pub created: Option<OffsetDateTime>,
}

impl ManagedPolicy {
    /// The document of the default version.
    pub fn document(&self) -> &str {
        self.versions.iter().find(|v| v.version_id == self.default_version).map(|v| v.document.as_str()).unwrap_or_default()
    }
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// User name.
    pub name: String,
    /// Path, `/` by default (kept in the user's ARN).
    pub path: String,
    /// `AIDA...` unique id (derived when empty).
    pub user_id: String,
    /// Access keys (one derived key when none is given).
    pub access_keys: Vec<AccessKey>,
    /// MFA devices.
    pub mfa_devices: Vec<MfaDevice>,
    /// Attached managed policy ARNs.
    pub policies: Vec<String>,
    /// Inline policy documents by name.
    pub inline_policies: InlinePolicies,
    /// Groups the user is in (by name, in the user's account): their policies are the user's too.
    pub groups: Vec<String>,
    /// The managed policy ARN that bounds the user's permissions, if any.
    pub permissions_boundary: Option<String>,
    /// Principal tags (federated sessions of the user inherit them unless overridden).
    pub tags: Vec<Tag>,
    /// When IAM created it (`None` for users of a world file).
    pub created: Option<OffsetDateTime>,
}

impl User {
    /// A user called `name` at path `/`.
    pub fn new(name: impl Into<String>) -> Self {
        User {
            name: name.into(),
            path: "/".into(),
            user_id: String::new(),
            access_keys: vec![],
            mfa_devices: vec![],
            policies: vec![],
            inline_policies: InlinePolicies::new(),
            groups: vec![],
            permissions_boundary: None,
            tags: vec![],
            created: None,
        }
    }

    /// Adds an inline policy document.
    pub fn inline_policy(mut self, json: impl Into<String>) -> Self {
        add_inline(&mut self.inline_policies, json.into());
        self
    }

    /// Puts the user in a group of its account.
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.groups.push(name.into());
        self
    }

    /// Bounds the user's permissions with a managed policy.
    pub fn permissions_boundary(mut self, arn: impl Into<String>) -> Self {
        self.permissions_boundary = Some(arn.into());
        self
    }

    /// Sets the path (`/division/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Gives the user an explicit access key.
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.access_keys.push(AccessKey::new(id, secret));
        self
    }

    /// Gives the user an MFA device that shows a fixed `code`.
    pub fn mfa_device(mut self, serial_number: impl Into<String>, code: impl Into<String>) -> Self {
        self.mfa_devices.push(MfaDevice { serial_number: serial_number.into(), code: MfaCode::Fixed(code.into()) });
        self
    }

    /// Gives the user a virtual MFA device computing RFC 6238 codes from a base32 secret.
    pub fn totp_device(mut self, serial_number: impl Into<String>, base32_secret: impl Into<String>) -> Self {
        self.mfa_devices.push(MfaDevice { serial_number: serial_number.into(), code: MfaCode::Totp(base32_secret.into()) });
        self
    }

    /// Attaches a managed policy.
    pub fn policy(mut self, arn: impl Into<String>) -> Self {
        self.policies.push(arn.into());
        self
    }

    /// Adds a principal tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag::new(key, value));
        self
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// Path, `/` by default (dropped from assumed-role ARNs).
    pub path: String,
    /// `AROA...` unique id (derived when empty).
    pub role_id: String,
    /// 3600-43200 seconds (IAM's bounds, checked when the role is added).
    pub max_session_duration: i32,
    /// The trust policy in short: trusted principals, ExternalId, MFA, conditions. When the role is
    /// added to a world it becomes [`Role::trust_policy`], unless a document was given.
    pub trust: Trust,
    /// The trust policy document (`AssumeRolePolicyDocument`): the one given with
    /// [`Role::trust_policy_document`], else built from [`Role::trust`] when the role is added.
    pub trust_policy: Option<Arc<TrustPolicy>>,
    /// Attached managed policy ARNs.
    pub policies: Vec<String>,
    /// Inline policy documents by name.
    pub inline_policies: InlinePolicies,
    /// The managed policy ARN that bounds the role's permissions, if any.
    pub permissions_boundary: Option<String>,
    /// Role tags: principal tags of its sessions, overridden by session tags of the same key.
    pub tags: Vec<Tag>,
    /// Description, if given.
    pub description: Option<String>,
    /// When IAM created it (`None` for roles of a world file).
    pub created: Option<OffsetDateTime>,
}

impl Role {
    /// A role called `name`, one-hour maximum session, trusting its own account.
    pub fn new(name: impl Into<String>) -> Self {
        Role {
            name: name.into(),
            path: "/".into(),
            role_id: String::new(),
            max_session_duration: 3600,
            trust: Trust::default(),
            trust_policy: None,
            policies: vec![],
            inline_policies: InlinePolicies::new(),
            permissions_boundary: None,
            tags: vec![],
            description: None,
            created: None,
        }
    }

    /// Sets the trust policy document, as IAM takes it (`AssumeRolePolicyDocument`). The shortcuts
    /// ([`Role::trust`], [`Role::external_id`], [`Role::require_mfa`], [`Role::trust_conditions`])
    /// cannot be combined with it.
    ///
    /// ```
    /// use sts_model::world::Role;
    /// let role = Role::new("ci").trust_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///     "Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#).unwrap();
    /// assert_eq!(role.trust_policy.unwrap().statements.len(), 1);
    /// assert!(Role::new("x").trust_policy_document(r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#).is_err());
    /// ```
    pub fn trust_policy_document(mut self, json: &str) -> Result<Self, WorldError> {
        let policy = TrustPolicy::parse(json).map_err(|e| WorldError(format!("role {}: trust policy: {}", self.name, e.message)))?;
        self.trust_policy = Some(Arc::new(policy));
        Ok(self)
    }

    /// The trust policy that judges callers: the document, or (for a role not added to a world
    /// through [`World::add_role`]) the one its shortcuts stand for in `account`.
    pub fn trust_policy_for(&self, account: &str) -> Arc<TrustPolicy> {
        match &self.trust_policy {
            Some(p) => Arc::clone(p),
            // Shortcuts that do not make a valid document trust nobody.
            None => Arc::new(self.trust.to_policy(account).unwrap_or(TrustPolicy { statements: vec![], text: String::new() })),
        }
    }

    /// Bounds the role's permissions with a managed policy.
    pub fn permissions_boundary(mut self, arn: impl Into<String>) -> Self {
        self.permissions_boundary = Some(arn.into());
        self
    }

    /// Sets the path.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Sets `MaxSessionDuration` (3600-43200).
    pub fn max_session_duration(mut self, seconds: i32) -> Self {
        self.max_session_duration = seconds;
        self
    }

    /// Adds trust-policy conditions from an IAM `Condition` block (JSON).
    ///
    /// ```
    /// use sts_model::world::Role;
    /// let role = Role::new("ci").trust_conditions(r#"{"StringEquals": {"oidc.example.com:aud": "sts.amazonaws.com"}}"#).unwrap();
    /// assert_eq!(role.trust.conditions.len(), 1);
    /// ```
    pub fn trust_conditions(mut self, json: &str) -> Result<Self, WorldError> {
        let parsed = crate::policy::parse_conditions(json)
            .map_err(|e| WorldError(format!("role {}: trust conditions: {}", self.name, e.message)))?;
        self.trust.conditions.extend(parsed);
        Ok(self)
    }

    /// Adds a trusted principal (account id, principal ARN, provider ARN or `*`).
    pub fn trust(mut self, principal: impl Into<String>) -> Self {
        self.trust.principals.push(principal.into());
        self
    }

    /// Requires an ExternalId.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.trust.external_id = Some(external_id.into());
        self
    }

    /// Requires MFA.
    pub fn require_mfa(mut self) -> Self {
        self.trust.require_mfa = true;
        self
    }

    /// Attaches a managed policy.
    pub fn policy(mut self, arn: impl Into<String>) -> Self {
        self.policies.push(arn.into());
        self
    }

    /// Adds an inline policy document.
    pub fn inline_policy(mut self, json: impl Into<String>) -> Self {
        add_inline(&mut self.inline_policies, json.into());
        self
    }

    /// Adds a role tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag::new(key, value));
        self
    }
}

/// An IAM OIDC identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    /// The issuer URL (`https://token.actions.githubusercontent.com`).
    pub url: String,
    /// Accepted audiences (`aud`/`azp`).
    pub client_ids: Vec<String>,
    /// The provider's JWKS document, when known in advance (else served by the mock's provider).
    pub jwks: Option<String>,
    /// A context provider is attached: sessions from this provider carry trusted identity
    /// propagation context (`TrustedIdentityPropagationContext` in the answer).
    pub context_provider: bool,
    /// The server certificate thumbprints IAM keeps (hex SHA-1; not checked by the mock, whose IdP
    /// keys are known).
    pub thumbprints: Vec<String>,
    /// When IAM created it (`None` for providers of a world file).
    pub created: Option<OffsetDateTime>,
}

/// The test identity provider's SAML signing certificate (PEM, `keys/idp-rsa.crt`), which SAML
/// providers registered without a certificate trust.
pub const TEST_IDP_CERTIFICATE: &str = include_str!("../../keys/idp-rsa.crt");

/// An IAM SAML identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProvider {
    /// The provider's name (the last part of its ARN).
    pub name: String,
    /// The IdP's entity id (the assertion's Issuer).
    pub entity_id: String,
    /// The IdP's signing certificate (PEM).
    pub certificate_pem: String,
    /// A context provider is attached: sessions from this provider carry trusted identity
    /// propagation context (`TrustedIdentityPropagationContext` in the answer).
    pub context_provider: bool,
    /// The metadata document it was created from over IAM (what GetSAMLProvider returns).
    pub metadata_document: Option<String>,
    /// When IAM created it (`None` for providers of a world file).
    pub created: Option<OffsetDateTime>,
}

/// An IAM group: policies its member users get.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// Attached managed policy ARNs.
    pub policies: Vec<String>,
    /// Inline policy documents by name.
    pub inline_policies: InlinePolicies,
}

/// An AWS account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// 12 digits.
    pub id: String,
    /// Root access keys.
    pub root_access_keys: Vec<AccessKey>,
    /// IAM users by name.
    pub users: BTreeMap<String, User>,
    /// IAM roles by name.
    pub roles: BTreeMap<String, Role>,
    /// IAM groups by name.
    pub groups: BTreeMap<String, Group>,
    /// For a member of an AWS Organization: the service control policies that apply to it (as one
    /// layer; none means `FullAWSAccess`). They limit every principal of the account, its root
    /// included, and never the management account.
    pub service_control_policies: Vec<String>,
    /// OIDC providers by URL without `https://` (their ARN suffix).
    pub oidc_providers: BTreeMap<String, OidcProvider>,
    /// SAML providers by name.
    pub saml_providers: BTreeMap<String, SamlProvider>,
    /// Virtual MFA devices created over IAM and not yet enabled for a user: serial to base32 seed.
    pub virtual_mfa_devices: BTreeMap<String, String>,
    /// For a member of an AWS Organization, its management account.
    pub management_account: Option<String>,
    /// Whether this account may call AssumeRoot on members (the management account, or a
    /// delegated administrator for centralized root access).
    pub root_access_admin: bool,
    /// Whether GetWebIdentityToken is enabled (off by default, as in AWS).
    pub outbound_web_identity_federation: bool,
    /// Regions where STS is deactivated for this account.
    pub disabled_regions: BTreeSet<String>,
}

/// Who owns a long-term key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    /// The account root.
    Root {
        /// Account id.
        account: String,
    },
    /// An IAM user.
    User {
        /// Account id.
        account: String,
        /// User name.
        name: String,
    },
}

/// Everything the model knows about.
///
/// ```
/// use sts_model::world::{Role, User, World};
/// let mut world = World::default();
/// world.add_user("123456789012", User::new("Alice")).unwrap();
/// world.add_role("123456789012", Role::new("demo").max_session_duration(7200)).unwrap();
/// assert!(world.user("123456789012", "Alice").unwrap().user_id.starts_with("AIDA"));
/// assert!(world.add_role("123456789012", Role::new("bad").max_session_duration(60)).is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct World {
    accounts: BTreeMap<String, Account>,
    keys: HashMap<String, (KeyOwner, String)>,
    managed_policies: BTreeMap<String, ManagedPolicy>,
}

fn check_account_id(id: &str) -> Result<(), WorldError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(WorldError(format!("account id '{id}' must be 12 digits")))
    }
}

fn check_path(path: &str, what: &str) -> Result<(), WorldError> {
    if path.starts_with('/') && path.ends_with('/') {
        Ok(())
    } else {
        Err(WorldError(format!("{what}: path '{path}' must start and end with '/'")))
    }
}

impl World {
    /// Adds an account (and a derived root key) unless it exists.
    pub fn add_account(&mut self, id: &str) -> Result<&mut Account, WorldError> {
        check_account_id(id)?;
        if !self.accounts.contains_key(id) {
            let key_id = derived_id("AKIA", id, "access-key", "<root>");
            let key = AccessKey::new(key_id.clone(), derived_secret(&key_id));
            self.keys.insert(key.access_key_id.clone(), (KeyOwner::Root { account: id.into() }, key.secret_access_key.clone()));
            self.accounts.insert(id.into(), Account { id: id.into(), root_access_keys: vec![key], ..Account::default() });
        }
        Ok(self.accounts.get_mut(id).expect("account inserted just above"))
    }

    fn register_key(&mut self, key: &AccessKey, owner: KeyOwner) -> Result<(), WorldError> {
        if let Some((existing, _)) = self.keys.get(&key.access_key_id)
            && *existing != owner
        {
            return Err(WorldError(format!("access key {} is given to two principals", key.access_key_id)));
        }
        if key.secret_access_key.is_empty() {
            return Err(WorldError(format!("access key {} has an empty secret", key.access_key_id)));
        }
        self.keys.insert(key.access_key_id.clone(), (owner, key.secret_access_key.clone()));
        Ok(())
    }

    /// Replaces the account root's access keys.
    pub fn set_root_access_key(&mut self, account: &str, key: AccessKey) -> Result<(), WorldError> {
        let old = std::mem::take(&mut self.add_account(account)?.root_access_keys);
        for k in old {
            self.keys.remove(&k.access_key_id);
        }
        self.register_key(&key, KeyOwner::Root { account: account.into() })?;
        self.accounts.get_mut(account).expect("account added above").root_access_keys = vec![key];
        Ok(())
    }

    /// Adds (or replaces) a user, creating the account if needed; fills derived ids and keys.
    pub fn add_user(&mut self, account: &str, user: User) -> Result<&User, WorldError> {
        self.put_user(account, user, true)
    }

    /// Adds a user as IAM's CreateUser does: with no access key until one is created.
    pub fn create_user(&mut self, account: &str, user: User) -> Result<&User, WorldError> {
        self.put_user(account, user, false)
    }

    fn put_user(&mut self, account: &str, mut user: User, derive_key: bool) -> Result<&User, WorldError> {
        self.add_account(account)?;
        check_path(&user.path, &format!("user {}", user.name))?;
        if user.user_id.is_empty() {
            user.user_id = derived_id("AIDA", account, "user", &user.name);
        }
        if derive_key && user.access_keys.is_empty() {
            let key_id = derived_id("AKIA", account, "access-key", &user.name);
            user.access_keys.push(AccessKey::new(key_id.clone(), derived_secret(&key_id)));
        }
        let owner = KeyOwner::User { account: account.into(), name: user.name.clone() };
        for key in &user.access_keys {
            if let Some((existing, _)) = self.keys.get(&key.access_key_id)
                && *existing != owner
            {
                return Err(WorldError(format!("access key {} is given to two principals", key.access_key_id)));
            }
        }
        // A replaced user's old keys stop working, as IAM deletes a user's keys with the user.
        let old: Vec<String> = self.accounts[account]
            .users
            .get(&user.name)
            .map(|u| u.access_keys.iter().map(|k| k.access_key_id.clone()).collect())
            .unwrap_or_default();
        for key in old {
            self.keys.remove(&key);
        }
        for key in user.access_keys.iter().filter(|k| k.active) {
            self.register_key(key, owner.clone())?;
        }
        let acct = self.accounts.get_mut(account).expect("account added above");
        let name = user.name.clone();
        acct.users.insert(name.clone(), user);
        Ok(&acct.users[&name])
    }

    /// Adds (or replaces) a role, creating the account if needed.
    pub fn add_role(&mut self, account: &str, mut role: Role) -> Result<&Role, WorldError> {
        self.add_account(account)?;
        check_path(&role.path, &format!("role {}", role.name))?;
        // IAM's bounds for MaxSessionDuration.
        if !(3600..=43200).contains(&role.max_session_duration) {
            return Err(WorldError(format!(
                "role {}: max_session_duration {} must be between 3600 and 43200 seconds",
                role.name, role.max_session_duration
            )));
        }
        if role.role_id.is_empty() {
            role.role_id = derived_id("AROA", account, "role", &role.name);
        }
        let from_shortcuts = role.trust.to_policy(account).map_err(|e| WorldError(format!("role {}: trust: {}", role.name, e.message)))?;
        role.trust_policy = match role.trust_policy.take() {
            // A role added before (World::extend) carries the document its shortcuts built.
            Some(document) if role.trust != Trust::default() && *document != from_shortcuts => {
                return Err(WorldError(format!(
                    "role {}: give either a trust policy document or the trust shortcuts (trust, external_id, require_mfa, trust_conditions), not both",
                    role.name
                )));
            }
            Some(document) => Some(document),
            None => Some(Arc::new(from_shortcuts)),
        };
        let acct = self.accounts.get_mut(account).expect("account added above");
        let name = role.name.clone();
        acct.roles.insert(name.clone(), role);
        Ok(&acct.roles[&name])
    }

    /// A user, to change (path, tags, policies).
    pub fn user_mut(&mut self, account: &str, name: &str) -> Option<&mut User> {
        self.accounts.get_mut(account)?.users.get_mut(name)
    }

    /// A role, to change (trust policy, tags, policies, maximum session duration).
    pub fn role_mut(&mut self, account: &str, name: &str) -> Option<&mut Role> {
        self.accounts.get_mut(account)?.roles.get_mut(name)
    }

    /// Removes a user and retires its keys.
    pub fn remove_user(&mut self, account: &str, name: &str) -> Option<User> {
        let user = self.accounts.get_mut(account)?.users.remove(name)?;
        for key in &user.access_keys {
            self.keys.remove(&key.access_key_id);
        }
        Some(user)
    }

    /// Removes a role (its sessions keep working until they expire, as in IAM).
    pub fn remove_role(&mut self, account: &str, name: &str) -> Option<Role> {
        self.accounts.get_mut(account)?.roles.remove(name)
    }

    /// Gives a user one more access key (IAM's CreateAccessKey).
    pub fn add_access_key(&mut self, account: &str, user: &str, key: AccessKey) -> Result<(), WorldError> {
        let owner = KeyOwner::User { account: account.into(), name: user.into() };
        if key.active {
            self.register_key(&key, owner)?;
        }
        self.user_mut(account, user).ok_or_else(|| WorldError(format!("no user {user} in {account}")))?.access_keys.push(key);
        Ok(())
    }

    /// Activates or deactivates a user's key; `false` when the user has no such key.
    pub fn set_access_key_active(&mut self, account: &str, user: &str, key_id: &str, active: bool) -> bool {
        let Some(key) = self.user_mut(account, user).and_then(|u| u.access_keys.iter_mut().find(|k| k.access_key_id == key_id)) else {
            return false;
        };
        key.active = active;
        let secret = key.secret_access_key.clone();
        if active {
            self.keys.insert(key_id.to_owned(), (KeyOwner::User { account: account.into(), name: user.into() }, secret));
        } else {
            self.keys.remove(key_id);
        }
        true
    }

    /// Deletes a user's key; `false` when the user has no such key.
    pub fn remove_access_key(&mut self, account: &str, user: &str, key_id: &str) -> bool {
        let Some(u) = self.user_mut(account, user) else { return false };
        let before = u.access_keys.len();
        u.access_keys.retain(|k| k.access_key_id != key_id);
        let removed = u.access_keys.len() != before;
        if removed {
            self.keys.remove(key_id);
        }
        removed
    }

    /// Adds (or replaces) a group, creating the account if needed.
    pub fn add_group(&mut self, account: &str, group: Group) -> Result<(), WorldError> {
        self.add_account(account)?.groups.insert(group.name.clone(), group);
        Ok(())
    }

    /// Registers an OIDC provider in `account`; its ARN is `arn:aws:iam::ACCT:oidc-provider/{url without https://}`.
    pub fn add_oidc_provider(&mut self, account: &str, provider: OidcProvider) -> Result<(), WorldError> {
        let key = provider.url.strip_prefix("https://").unwrap_or(&provider.url).to_string();
        if key.is_empty() {
            return Err(WorldError("OIDC provider with an empty URL".into()));
        }
        self.add_account(account)?.oidc_providers.insert(key, provider);
        Ok(())
    }

    /// Registers a SAML provider in `account`; its ARN is `arn:aws:iam::ACCT:saml-provider/{name}`.
    pub fn add_saml_provider(&mut self, account: &str, provider: SamlProvider) -> Result<(), WorldError> {
        self.add_account(account)?.saml_providers.insert(provider.name.clone(), provider);
        Ok(())
    }

    /// Registers a managed policy document under its ARN.
    pub fn add_managed_policy(&mut self, arn: impl Into<String>, document: impl Into<String>) {
        let arn = arn.into();
        let (path, name) = policy_path_and_name(&arn);
        let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
        let policy = ManagedPolicy {
            policy_id: derived_id("ANPA", &account, "policy", &format!("{path}{name}")),
            path,
            description: None,
            versions: vec![PolicyVersion { version_id: "v1".into(), document: document.into(), created: None }],
            default_version: "v1".into(),
            created: None,
            updated: None,
        };
        self.managed_policies.insert(arn, policy);
    }

    /// The document of a managed policy.
    pub fn managed_policy(&self, arn: &str) -> Option<&str> {
        self.managed_policies.get(arn).map(ManagedPolicy::document)
    }

    /// The customer managed policies of `account` (ARN and default document), in ARN order.
    pub fn managed_policies_of<'a>(&'a self, account: &'a str) -> impl Iterator<Item = (&'a String, &'a str)> + 'a {
        let marker = format!(":iam::{account}:policy/");
        self.managed_policies.iter().filter(move |(arn, _)| arn.contains(&marker)).map(|(arn, p)| (arn, p.document()))
    }

    /// A managed policy with its versions and metadata.
    pub fn managed_policy_entry(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.managed_policies.get(arn)
    }

    /// A managed policy, to change.
    pub fn managed_policy_mut(&mut self, arn: &str) -> Option<&mut ManagedPolicy> {
        self.managed_policies.get_mut(arn)
    }

    /// Registers a managed policy with its metadata (IAM's CreatePolicy).
    pub fn insert_managed_policy(&mut self, arn: impl Into<String>, policy: ManagedPolicy) {
        self.managed_policies.insert(arn.into(), policy);
    }

    /// Removes a managed policy.
    pub fn remove_managed_policy(&mut self, arn: &str) -> Option<ManagedPolicy> {
        self.managed_policies.remove(arn)
    }

    /// Every managed policy by ARN.
    pub fn managed_policies(&self) -> impl Iterator<Item = (&String, &ManagedPolicy)> {
        self.managed_policies.iter()
    }

    /// An account.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(id)
    }

    /// An account, to change (organization membership, regions, outbound federation).
    pub fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.get_mut(id)
    }

    /// All accounts.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// A user.
    pub fn user(&self, account: &str, name: &str) -> Option<&User> {
        self.accounts.get(account)?.users.get(name)
    }

    /// A role.
    pub fn role(&self, account: &str, name: &str) -> Option<&Role> {
        self.accounts.get(account)?.roles.get(name)
    }

    /// The owner and secret of a long-term key.
    pub fn long_term_key(&self, access_key_id: &str) -> Option<(&KeyOwner, &str)> {
        self.keys.get(access_key_id).map(|(o, s)| (o, s.as_str()))
    }

    /// The root key of an account (derived when the account was added).
    pub fn root_key(&self, account: &str) -> Option<&AccessKey> {
        self.accounts.get(account)?.root_access_keys.first()
    }
}

impl World {
    /// Adds everything `other` holds (accounts and their settings, root keys, users, roles,
    /// providers, managed policies) to this world; entities with the same name are replaced. All or
    /// nothing: when a part is refused, the world is left as it was.
    pub fn extend(&mut self, other: World) -> Result<(), WorldError> {
        let mut next = self.clone();
        next.extend_in_place(other)?;
        *self = next;
        Ok(())
    }

    fn extend_in_place(&mut self, other: World) -> Result<(), WorldError> {
        for (id, account) in other.accounts {
            // A root key the fragment gave (not the one derived for every new account) replaces ours.
            let derived = derived_id("AKIA", &id, "access-key", "<root>");
            if let Some(key) = account.root_access_keys.first().filter(|k| k.access_key_id != derived) {
                self.set_root_access_key(&id, key.clone())?;
            }
            let target = self.add_account(&id)?;
            target.management_account = account.management_account.or(target.management_account.take());
            target.root_access_admin |= account.root_access_admin;
            target.outbound_web_identity_federation |= account.outbound_web_identity_federation;
            target.disabled_regions.extend(account.disabled_regions);
            target.groups.extend(account.groups);
            if !account.service_control_policies.is_empty() {
                target.service_control_policies = account.service_control_policies;
            }
            target.oidc_providers.extend(account.oidc_providers);
            target.saml_providers.extend(account.saml_providers);
            for user in account.users.into_values() {
                self.add_user(&id, user)?;
            }
            for role in account.roles.into_values() {
                self.add_role(&id, role)?;
            }
        }
        self.managed_policies.extend(other.managed_policies);
        Ok(())
    }
}
