//! The world the model answers about: accounts, their root, IAM users with keys and MFA devices,
//! roles with a trust list, managed policies.
//!
//! Ids (`AIDA...`, `AROA...`, `AKIA...`) are derived from names when not given, so a world built
//! from the same description always has the same ids.

use std::collections::{BTreeMap, HashMap};

use crate::ids::{derived_id, derived_secret};

/// A long-term access key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// `AKIA...`.
    pub access_key_id: String,
    /// 40 characters.
    pub secret_access_key: String,
}

/// A virtual or hardware MFA device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaDevice {
    /// Serial number or `arn:aws:iam::ACCT:mfa/name`.
    pub serial_number: String,
    /// The code it currently shows (fixed, so tests are deterministic).
    pub code: String,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// User name.
    pub name: String,
    /// Path, `/` by default.
    pub path: String,
    /// `AIDA...` unique id (derived when empty).
    pub user_id: String,
    /// Access keys (one derived key when none is given).
    pub access_keys: Vec<AccessKey>,
    /// MFA devices.
    pub mfa_devices: Vec<MfaDevice>,
}

impl User {
    /// A user called `name` at path `/`.
    pub fn new(name: impl Into<String>) -> Self {
        User { name: name.into(), path: "/".into(), user_id: String::new(), access_keys: vec![], mfa_devices: vec![] }
    }

    /// Gives the user an explicit access key.
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.access_keys.push(AccessKey { access_key_id: id.into(), secret_access_key: secret.into() });
        self
    }

    /// Gives the user an MFA device showing `code`.
    pub fn mfa_device(mut self, serial_number: impl Into<String>, code: impl Into<String>) -> Self {
        self.mfa_devices.push(MfaDevice { serial_number: serial_number.into(), code: code.into() });
        self
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// Path, `/` by default.
    pub path: String,
    /// `AROA...` unique id (derived when empty).
    pub role_id: String,
    /// 3600-43200 seconds.
    pub max_session_duration: i32,
    /// Who may assume it: account ids (any principal of that account) or principal ARNs. Empty means
    /// the role's own account, like a trust policy naming `arn:aws:iam::ACCT:root`.
    pub trusted: Vec<String>,
    /// The `sts:ExternalId` the trust policy requires, if any.
    pub external_id: Option<String>,
    /// Whether the trust policy requires `aws:MultiFactorAuthPresent`.
    pub require_mfa: bool,
}

impl Role {
    /// A role called `name`, one-hour maximum session, trusting its own account.
    pub fn new(name: impl Into<String>) -> Self {
        Role {
            name: name.into(),
            path: "/".into(),
            role_id: String::new(),
            max_session_duration: 3600,
            trusted: vec![],
            external_id: None,
            require_mfa: false,
        }
    }

    /// Sets `MaxSessionDuration`.
    pub fn max_session_duration(mut self, seconds: i32) -> Self {
        self.max_session_duration = seconds;
        self
    }

    /// Adds a trusted account id or principal ARN.
    pub fn trust(mut self, principal: impl Into<String>) -> Self {
        self.trusted.push(principal.into());
        self
    }

    /// Requires an ExternalId.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }
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
/// world.add_account("123456789012");
/// world.add_user("123456789012", User::new("Alice"));
/// world.add_role("123456789012", Role::new("demo").max_session_duration(7200));
/// assert!(world.user("123456789012", "Alice").unwrap().user_id.starts_with("AIDA"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct World {
    accounts: BTreeMap<String, Account>,
    keys: HashMap<String, (KeyOwner, String)>,
    managed_policies: BTreeMap<String, String>,
}

impl World {
    /// Adds an account (and a derived root key) unless it exists.
    pub fn add_account(&mut self, id: &str) -> &mut Account {
        if !self.accounts.contains_key(id) {
            let key_id = derived_id("AKIA", id, "access-key", "<root>");
            let key = AccessKey { secret_access_key: derived_secret(&key_id), access_key_id: key_id };
            self.keys.insert(key.access_key_id.clone(), (KeyOwner::Root { account: id.into() }, key.secret_access_key.clone()));
            self.accounts.insert(id.into(), Account { id: id.into(), root_access_keys: vec![key], ..Account::default() });
        }
        self.accounts.get_mut(id).expect("account inserted just above")
    }

    /// Adds (or replaces) a user, creating the account if needed; fills derived ids and keys.
    pub fn add_user(&mut self, account: &str, mut user: User) -> &User {
        self.add_account(account);
        if user.user_id.is_empty() {
            user.user_id = derived_id("AIDA", account, "user", &user.name);
        }
        if user.access_keys.is_empty() {
            let key_id = derived_id("AKIA", account, "access-key", &user.name);
            user.access_keys.push(AccessKey { secret_access_key: derived_secret(&key_id), access_key_id: key_id });
        }
        for key in &user.access_keys {
            let owner = KeyOwner::User { account: account.into(), name: user.name.clone() };
            self.keys.insert(key.access_key_id.clone(), (owner, key.secret_access_key.clone()));
        }
        let acct = self.accounts.get_mut(account).expect("account added above");
        let name = user.name.clone();
        acct.users.insert(name.clone(), user);
        &acct.users[&name]
    }

    /// Adds (or replaces) a role, creating the account if needed.
    pub fn add_role(&mut self, account: &str, mut role: Role) -> &Role {
        self.add_account(account);
        if role.role_id.is_empty() {
            role.role_id = derived_id("AROA", account, "role", &role.name);
        }
        let acct = self.accounts.get_mut(account).expect("account added above");
        let name = role.name.clone();
        acct.roles.insert(name.clone(), role);
        &acct.roles[&name]
    }

    /// Registers a managed policy document under its ARN.
    pub fn add_managed_policy(&mut self, arn: impl Into<String>, document: impl Into<String>) {
        self.managed_policies.insert(arn.into(), document.into());
    }

    /// The document of a managed policy.
    pub fn managed_policy(&self, arn: &str) -> Option<&str> {
        self.managed_policies.get(arn).map(String::as_str)
    }

    /// An account.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(id)
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
