//! # sts-mock: a faithful, stateful STS for tests
//!
//! Start one per test, point your client at [`MockSts::uri`], move its [`Clock`] to test refresh
//! before expiry, inject [`Faults`], and read the [`Journal`] of the calls your code made.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use sts_mock::MockSts;
//! use sts_model::time::Duration;
//!
//! let sts = MockSts::start().await;                     // account 123456789012, user "test", role "test-role"
//! let (key, secret) = sts.default_credentials();        // AKIAIOSFODNN7EXAMPLE / wJalr...EXAMPLEKEY
//! sts.clock().advance(Duration::hours(2));              // sessions minted before now are expired
//! assert!(sts.uri().starts_with("http://127.0.0.1:"));
//! assert!(sts.journal().calls().is_empty());
//! # let _ = (key, secret);
//! # }
//! ```
//!
//! The same controls exist over HTTP under `/__sts/` (see [`admin`]), for non-Rust clients of
//! `sts-harness serve`.

#![warn(missing_docs)]

pub mod admin;
mod clock;
mod faults;
pub mod guard;
pub mod in_process;
mod journal;
mod server;
mod service;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "wiremock")]
pub mod wiremock;

pub use clock::Clock;
pub use faults::{Decision, Fault, Faults};
pub use journal::{Call, Journal};
pub use service::{ADMIN_PREFIX, CallLog, HttpRequest, MAX_BODY_BYTES, Reply, Service, SignatureSkew};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sts_model::time::OffsetDateTime;
use sts_model::world::{AccessKey, Role, User, World, WorldError, WorldFile};
use sts_model::{Sts, StsConfig};
use tokio::sync::watch;

/// The account of the default world.
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// The access key id of the default world's user `test` (the AWS documentation's example key).
pub const DEFAULT_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// Its secret.
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// How many calls the journal keeps unless told otherwise.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// The policy of the default world's user and role: everything, as a sandbox administrator has.
pub const DEFAULT_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The world a mock starts with when given none: account 123456789012 with user `test` (the
/// documentation's example key) and role `test-role` (12-hour maximum, trusting the account), both
/// allowed everything by an inline policy ([`DEFAULT_POLICY`]): as in IAM, a trust policy naming the
/// account needs the caller's own policy to allow `sts:AssumeRole` too.
pub fn default_world() -> World {
    let mut world = World::default();
    world
        .add_user(
            DEFAULT_ACCOUNT,
            User::new("test").access_key(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY).inline_policy(DEFAULT_POLICY),
        )
        .expect("the default user is valid");
    world
        .add_role(DEFAULT_ACCOUNT, Role::new("test-role").max_session_duration(43200).inline_policy(DEFAULT_POLICY))
        .expect("the default role is valid");
    world
}

/// Configures a [`MockSts`].
pub struct MockStsBuilder {
    world: World,
    seed: u64,
    clock: Clock,
    config: StsConfig,
    journal_capacity: usize,
    address: SocketAddr,
    log: Option<CallLog>,
    model: Option<Sts>,
    admin_token: Option<String>,
    signature_skew: SignatureSkew,
    /// The identity to serve TLS with, or why it could not be made (reported by `try_start`).
    #[cfg(feature = "tls")]
    tls: Option<Result<tls::TlsIdentity, String>>,
}

impl Default for MockStsBuilder {
    fn default() -> Self {
        MockStsBuilder {
            world: default_world(),
            seed: 0,
            clock: Clock::real(),
            config: StsConfig::default(),
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            log: None,
            model: None,
            admin_token: None,
            signature_skew: SignatureSkew::Aws,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

impl MockStsBuilder {
    /// Replaces the default world.
    pub fn world(mut self, world: World) -> Self {
        self.world = world;
        self
    }

    /// Loads a TOML world file (its settings apply too: seed, clock, region, token padding).
    pub fn world_toml(mut self, text: &str) -> Result<Self, WorldError> {
        let file = WorldFile::parse(text)?;
        self.world = file.world;
        if let Some(seed) = file.settings.seed {
            self.seed = seed;
        }
        if let Some(at) = file.settings.clock {
            self.clock = Clock::frozen(at);
        }
        self.config = self.config.with_settings(&file.settings);
        Ok(self)
    }

    /// Serves this model as it is (its world, seed, configuration and sessions), instead of one
    /// built from the builder's world, seed and settings.
    pub fn model(mut self, sts: Sts) -> Self {
        self.model = Some(sts);
        self
    }

    /// Uses this clock (shared: moving it moves the mock's time).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Adds a user to the world.
    pub fn user(mut self, account: &str, user: User) -> Result<Self, WorldError> {
        self.world.add_user(account, user)?;
        Ok(self)
    }

    /// Adds a role to the world.
    pub fn role(mut self, account: &str, role: Role) -> Result<Self, WorldError> {
        self.world.add_role(account, role)?;
        Ok(self)
    }

    /// Seeds the generator of keys, secrets, tokens and request ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The key sessions are sealed under (their tokens carry them): a mock built with the same key,
    /// or with the same seed when none is given, accepts the credentials this one mints.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let key = [7u8; 32]; // e.g. from your test's fixture, so a restarted mock keeps its sessions
    /// let sts = sts_mock::MockSts::builder().state_key(key).start().await;
    /// # let _ = sts;
    /// # }
    /// ```
    pub fn state_key(mut self, key: [u8; 32]) -> Self {
        self.config.state_key = Some(key);
        self
    }

    /// Starts with the clock frozen at `at`.
    pub fn frozen_at(mut self, at: OffsetDateTime) -> Self {
        self.clock = Clock::frozen(at);
        self
    }

    /// The endpoint: `Some(region)` for `sts.{region}.amazonaws.com` (default `us-east-1`), `None`
    /// for the global endpoint.
    pub fn region(mut self, region: Option<&str>) -> Self {
        self.config.region = region.map(str::to_owned);
        self
    }

    /// Adds bytes to every session token (4096+ tests clients against large tokens).
    pub fn session_token_padding(mut self, bytes: usize) -> Self {
        self.config.session_token_padding = bytes;
        self
    }

    /// How many calls the journal keeps (oldest dropped first).
    pub fn journal_capacity(mut self, calls: usize) -> Self {
        self.journal_capacity = calls;
        self
    }

    /// Listens on `address` instead of a free port on 127.0.0.1.
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Calls `log` after each STS call (the `serve` command prints one line per call with it).
    pub fn on_call(mut self, log: impl Fn(&Call, Duration) + Send + Sync + 'static) -> Self {
        self.log = Some(Box::new(log));
        self
    }

    /// How far a signing time may be from the mock's clock: AWS's 15 minutes by default;
    /// [`SignatureSkew::Off`] lets clients that sign on the wall clock without skew correction
    /// (boto3, the AWS CLI) keep working while the mock's clock moves. The journal marks each call
    /// that passed only because of the wider window (`fault`: `signature-skew: ...`).
    pub fn signature_skew(mut self, skew: SignatureSkew) -> Self {
        self.signature_skew = skew;
        self
    }

    /// Requires this token on every admin request over HTTP (`Authorization: Bearer <token>` or
    /// `X-Sts-Admin-Token`), which also lets it be reached by a non-loopback name. Without one, the
    /// admin API answers only requests addressed to localhost (see [`guard`]).
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// Serves HTTPS with a certificate generated at start (self-signed, for `localhost` and
    /// `127.0.0.1`); clients trust [`MockSts::ca_pem`]. Feature `tls`.
    #[cfg(feature = "tls")]
    pub fn tls(mut self) -> Self {
        self.tls = Some(tls::TlsIdentity::self_signed());
        self
    }

    /// Serves HTTPS with this certificate and key (e.g. [`tls::TlsIdentity::from_pem`]). Feature `tls`.
    #[cfg(feature = "tls")]
    pub fn tls_identity(mut self, identity: tls::TlsIdentity) -> Self {
        self.tls = Some(Ok(identity));
        self
    }

    /// The service the builder describes (its model, clock, journal and call log), leaving the
    /// transport settings (address, TLS, admin token) in the builder.
    fn take_service(&mut self) -> Service {
        let sts = match self.model.take() {
            Some(sts) => sts,
            None => Sts::with_config(std::mem::take(&mut self.world), self.seed, self.config.clone()),
        };
        let mut service = Service::new(sts, self.clock.clone(), self.journal_capacity);
        service.log = self.log.take();
        service.signature_skew = self.signature_skew;
        service
    }

    /// The model as a wiremock responder, to mount on your own `wiremock::MockServer` beside your
    /// other mocks (feature `wiremock`; see [`wiremock`]).
    #[cfg(feature = "wiremock")]
    pub fn responder(mut self) -> wiremock::StsResponder {
        // As in `try_start`: the test's own rustls clients get a provider.
        #[cfg(feature = "tls")]
        tls::install_default_provider();
        wiremock::StsResponder::new(Arc::new(self.take_service()))
    }

    /// Binds and starts serving; panics if the address cannot be bound (see [`Self::try_start`]).
    pub async fn start(self) -> MockSts {
        self.try_start().await.expect("the mock STS could not bind its address")
    }

    /// Binds and starts serving.
    pub async fn try_start(mut self) -> std::io::Result<MockSts> {
        // rustls over ring becomes the process's crypto provider when none was chosen, so that a
        // test's own rustls client without a provider of its own (reqwest's `rustls-no-provider`,
        // which the `sts-harness` crate turns on for every reqwest in the build) works beside the
        // mock instead of panicking.
        #[cfg(feature = "tls")]
        tls::install_default_provider();
        // Mutated only to hold the TLS certificate.
        #[cfg_attr(not(feature = "tls"), allow(unused_mut))]
        let mut service = self.take_service();
        #[cfg(feature = "tls")]
        let tls = match self.tls {
            Some(identity) => {
                let identity = identity.map_err(std::io::Error::other)?;
                service.ca_pem = Some(identity.cert_pem().to_owned());
                Some(identity.acceptor().map_err(std::io::Error::other)?)
            }
            None => None,
        };
        #[cfg(not(feature = "tls"))]
        let tls = None;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let service = Arc::new(service);
        let listener = server::bind(self.address).await?;
        let address = listener.local_addr()?;
        let (shutdown, receiver) = watch::channel(false);
        let guard = Arc::new(guard::AdminGuard::new(self.admin_token));
        tokio::spawn(server::run(listener, service.clone(), receiver, tls, guard));
        Ok(MockSts { service, address, shutdown, scheme })
    }
}

/// A test OIDC identity provider bound to a mock's clock (see [`MockSts::oidc`]).
#[cfg(feature = "oidc")]
#[derive(Clone)]
pub struct OidcIssuer {
    issuer: String,
    clock: Clock,
}

#[cfg(feature = "oidc")]
impl OidcIssuer {
    /// A token issued now (mock time), expiring in an hour, `sub` "test-subject", `aud`
    /// "sts.amazonaws.com": change what the test needs, then `.sign()`.
    pub fn token(&self) -> sts_model::oidc::TokenBuilder {
        sts_model::oidc::TokenBuilder::new(&self.issuer, self.clock.now())
    }
}

/// A test SAML identity provider bound to a mock's clock (see [`MockSts::saml`]).
#[cfg(feature = "saml")]
#[derive(Clone)]
pub struct SamlIssuer {
    issuer: String,
    clock: Clock,
}

#[cfg(feature = "saml")]
impl SamlIssuer {
    /// A response issued now (mock time), valid five minutes, NameID `alice`: add the Role pair and
    /// RoleSessionName, then `.sign()` for the base64 `SAMLAssertion`.
    pub fn assertion(&self) -> sts_model::saml::AssertionBuilder {
        sts_model::saml::AssertionBuilder::new(&self.issuer, self.clock.now())
    }
}

/// A running mock STS. Stops when dropped.
pub struct MockSts {
    service: Arc<Service>,
    address: SocketAddr,
    shutdown: watch::Sender<bool>,
    scheme: &'static str,
}

impl MockSts {
    /// A builder.
    pub fn builder() -> MockStsBuilder {
        MockStsBuilder::default()
    }

    /// A mock with the default world on a free port.
    pub async fn start() -> MockSts {
        MockSts::builder().start().await
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS).
    pub fn uri(&self) -> String {
        format!("{}://{}", self.scheme, self.address)
    }

    /// The certificate clients must trust (PEM) when the mock serves TLS; also at `GET /__sts/ca.pem`.
    pub fn ca_pem(&self) -> Option<&str> {
        self.service.ca_pem.as_deref()
    }

    /// The socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The clock (freeze, set, advance).
    pub fn clock(&self) -> Clock {
        self.service.clock.clone()
    }

    /// The faults.
    pub fn faults(&self) -> Faults {
        self.service.faults.clone()
    }

    /// The journal.
    pub fn journal(&self) -> Journal {
        self.service.journal.clone()
    }

    /// Reads or changes the model (its world, sessions...) while the mock runs.
    pub fn with_sts<R>(&self, f: impl FnOnce(&mut Sts) -> R) -> R {
        f(&mut self.service.sts())
    }

    /// Changes the world while the mock runs (add users, roles, providers).
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(self.service.sts().world_mut())
    }

    /// A user's first long-term key (or the root's when `user` is `None`).
    pub fn access_key(&self, account: &str, user: Option<&str>) -> Option<AccessKey> {
        let sts = self.service.sts();
        match user {
            Some(u) => sts.world().user(account, u)?.access_keys.first().cloned(),
            None => sts.world().root_key(account).cloned(),
        }
    }

    /// The default user's key id and secret.
    pub fn default_credentials(&self) -> (&'static str, &'static str) {
        (DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
    }

    /// The test identity provider for `issuer`, minting ID tokens on the mock's clock (signed with the
    /// test IdP keys that OIDC providers registered without a JWKS trust).
    ///
    /// ```no_run
    /// # async fn demo(sts: sts_mock::MockSts) {
    /// let token = sts.oidc("https://oidc.example.com").token().sub("repo:org/app:ref:refs/heads/main").aud("sts.amazonaws.com").exp_in(600).sign();
    /// # }
    /// ```
    #[cfg(feature = "oidc")]
    pub fn oidc(&self, issuer: &str) -> OidcIssuer {
        OidcIssuer { issuer: issuer.to_owned(), clock: self.clock() }
    }

    /// The test SAML identity provider `issuer` (entity id), building signed responses on the mock's
    /// clock with the test IdP key that SAML providers registered without a certificate trust.
    #[cfg(feature = "saml")]
    pub fn saml(&self, issuer: &str) -> SamlIssuer {
        SamlIssuer { issuer: issuer.to_owned(), clock: self.clock() }
    }

    /// Stops accepting connections (dropping the mock does the same).
    pub fn stop(&self) {
        let _ = self.shutdown.send(true);
    }
}

impl Drop for MockSts {
    fn drop(&mut self) {
        self.stop();
    }
}
