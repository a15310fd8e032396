//! Where scenarios are sent: the built-in mock in process, the built-in mock over HTTP, or any
//! endpoint described by a profile.
//!
//! A [`Target`] binds each scenario to a [`Binding`]: a connection that sends HTTP requests and
//! knows the target's clock, the symbols (`role.demo` → an ARN) and the principals (`alice` →
//! keys). The built-in targets build a fresh world per scenario, so scenarios cannot disturb each
//! other; an external endpoint keeps its state, and the profile says what it holds.

use std::collections::BTreeMap;
use std::sync::Arc;

use sts_mock::Clock;
use sts_mock::{HttpRequest, Reply, Service};
use sts_model::time::format_description::well_known::Rfc3339;
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::WorldFile;
use sts_model::{Sts, StsConfig};
use sts_wire::xml::Element;

use crate::profile::Profile;
use crate::scenario::Scenario;
use crate::symbols::{self, Principal};

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// Status code.
    pub status: u16,
    /// Body (lossy UTF-8).
    pub body: String,
}

/// A live connection to a target for one scenario.
pub trait Connection {
    /// Sends one request.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpAnswer, String>;
    /// The target's clock (requests are signed at this time).
    fn now(&mut self) -> Result<OffsetDateTime, String>;
    /// Moves the target's clock forward.
    fn advance_clock(&mut self, seconds: i64) -> Result<(), String>;
}

/// What a scenario runs against.
pub struct Binding {
    /// The connection.
    pub connection: Box<dyn Connection>,
    /// Symbol values (`account`, `role.demo`, `user.alice.id`...).
    pub symbols: BTreeMap<String, String>,
    /// Who can sign.
    pub principals: BTreeMap<String, Principal>,
    /// The `Host` header and SigV4 region.
    pub host: String,
    /// The SigV4 region.
    pub region: String,
}

/// Something the suite can run against.
pub trait Target {
    /// A short name for reports.
    fn name(&self) -> String;
    /// Whether the target claims `feature` (scenarios needing others are skipped).
    fn claims(&self, feature: &str) -> bool;
    /// A known deviation of the target for this scenario id, with its reason.
    fn deviation(&self, _scenario: &str) -> Option<String> {
        None
    }
    /// Whether a missing symbol means "not provided" (skip) rather than a broken scenario (fail).
    fn symbols_may_be_missing(&self) -> bool {
        false
    }
    /// Prepares a fresh binding for `scenario`.
    fn bind(&mut self, scenario: &Scenario) -> Result<Binding, String>;
}

/// The suite's world, the start of every built-in target's world (`scenarios/world.toml`).
#[derive(Clone)]
pub struct SuiteWorld {
    file: WorldFile,
}

impl SuiteWorld {
    /// Parses the suite world file.
    pub fn parse(text: &str) -> Result<SuiteWorld, String> {
        WorldFile::parse(text).map(|file| SuiteWorld { file }).map_err(|e| format!("world.toml: {e}"))
    }

    /// The world the file describes.
    pub fn world(&self) -> &sts_model::world::World {
        &self.file.world
    }

    /// The suite world shipped in `scenarios/world.toml` of this repository.
    pub fn shipped() -> SuiteWorld {
        SuiteWorld::parse(crate::embedded::file("world.toml").expect("the suite embeds its world"))
            .expect("the shipped suite world is valid")
    }

    /// The world of one scenario: the suite world plus the scenario file's setup.
    fn for_scenario(&self, scenario: &Scenario, seed: u64) -> Result<(Sts, Clock), String> {
        let mut file = self.file.clone();
        if let Some(setup) = &scenario.setup {
            let extra = WorldFile::parse(setup).map_err(|e| format!("setup: {e}"))?;
            file.world.extend(extra.world).map_err(|e| format!("setup: {e}"))?;
            // The setup's settings (an endpoint region, a start time, token padding) win.
            let (mine, theirs) = (&mut file.settings, extra.settings);
            mine.seed = theirs.seed.or(mine.seed);
            mine.clock = theirs.clock.or(mine.clock);
            mine.partition = theirs.partition.or(mine.partition.take());
            mine.region = theirs.region.or(mine.region.take());
            mine.session_token_padding = theirs.session_token_padding.or(mine.session_token_padding);
        }
        let config = StsConfig::default().with_settings(&file.settings);
        let at = file.settings.clock.unwrap_or(OffsetDateTime::UNIX_EPOCH + Duration::days(19_723));
        Ok((Sts::with_config(file.world, file.settings.seed.unwrap_or(seed), config), Clock::frozen(at)))
    }

    /// Symbols and principals of a model's world.
    fn names(sts: &Sts) -> (BTreeMap<String, String>, BTreeMap<String, Principal>) {
        (symbols::from_world(sts.world(), &sts.config().partition), symbols::principals_of(sts.world()))
    }
}

fn region_of(sts: &Sts) -> String {
    sts.config().region.clone().unwrap_or_else(|| "us-east-1".into())
}

fn host_of(sts: &Sts) -> String {
    match &sts.config().region {
        Some(r) => format!("sts.{r}.amazonaws.com"),
        None => "sts.amazonaws.com".into(),
    }
}

/// The built-in mock's core (SigV4, pipeline, model) called directly: no sockets, a fresh world per
/// scenario. The fastest target; the default of `sts-harness check`.
pub struct InProcess {
    world: SuiteWorld,
    seed: u64,
}

impl InProcess {
    /// Over the shipped suite world.
    pub fn new(seed: u64) -> Self {
        InProcess { world: SuiteWorld::shipped(), seed }
    }

    /// Over another suite world.
    pub fn with_world(world: SuiteWorld, seed: u64) -> Self {
        InProcess { world, seed }
    }
}

struct ServiceConnection(Service);

impl Connection for ServiceConnection {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpAnswer, String> {
        match self.0.handle(request) {
            Reply::Answer { status, body, .. } => Ok(HttpAnswer { status, body }),
            Reply::Drop { .. } => Err("connection closed without an answer".into()),
        }
    }
    fn now(&mut self) -> Result<OffsetDateTime, String> {
        Ok(self.0.clock_handle().now())
    }
    fn advance_clock(&mut self, seconds: i64) -> Result<(), String> {
        self.0.clock_handle().advance(Duration::seconds(seconds));
        Ok(())
    }
}

impl Target for InProcess {
    fn name(&self) -> String {
        "built-in mock (in process)".into()
    }
    fn claims(&self, _feature: &str) -> bool {
        true
    }
    fn bind(&mut self, scenario: &Scenario) -> Result<Binding, String> {
        let (sts, clock) = self.world.for_scenario(scenario, self.seed)?;
        let (symbols, principals) = SuiteWorld::names(&sts);
        let (host, region) = (host_of(&sts), region_of(&sts));
        Ok(Binding { connection: Box::new(ServiceConnection(Service::new(sts, clock, 64))), symbols, principals, host, region })
    }
}

/// Sends requests over HTTP with reqwest, blocking on a small runtime of its own.
struct Http {
    runtime: Arc<tokio::runtime::Runtime>,
    client: reqwest::Client,
    base: String,
    /// Sent as `X-Sts-Admin-Token` with admin requests (a `serve --admin-token` endpoint).
    admin_token: Option<String>,
}

impl Http {
    fn send(&self, request: &HttpRequest) -> Result<HttpAnswer, String> {
        let mut url = format!("{}{}", self.base, request.path);
        if let Some(q) = &request.query {
            url.push('?');
            url.push_str(q);
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut builder = self.client.request(method, url);
        for (k, v) in &request.headers {
            // reqwest sets Host from the URL; the runner signs that same value.
            if !k.eq_ignore_ascii_case("host") {
                builder = builder.header(k, v);
            }
        }
        if let Some(token) = self.admin_token.as_deref().filter(|_| request.path.starts_with(sts_mock::ADMIN_PREFIX)) {
            builder = builder.header("x-sts-admin-token", token);
        }
        let builder = builder.body(request.body.clone());
        self.runtime.block_on(async move {
            let answer = builder.send().await.map_err(|e| format!("HTTP error: {}", with_causes(&e)))?;
            let status = answer.status().as_u16();
            let bytes = answer.bytes().await.map_err(|e| format!("HTTP error reading the body: {e}"))?;
            Ok(HttpAnswer { status, body: String::from_utf8_lossy(&bytes).into_owned() })
        })
    }

    /// `POST /__sts/clock` or `GET /__sts/clock` of a mock's admin API.
    fn admin_clock(&self, body: Option<String>) -> Result<OffsetDateTime, String> {
        let url = format!("{}/__sts/clock", self.base);
        let client = self.client.clone();
        let token = self.admin_token.clone();
        let text = self.runtime.block_on(async move {
            let request = match body {
                Some(b) => client.post(url).header("content-type", "application/json").body(b),
                None => client.get(url),
            };
            let request = match token {
                Some(t) => request.header("x-sts-admin-token", t),
                None => request,
            };
            let answer = request.send().await.map_err(|e| format!("admin API: {e}"))?;
            answer.text().await.map_err(|e| format!("admin API: {e}"))
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("admin API answered {text:?}: {e}"))?;
        let now = value.get("now").and_then(|v| v.as_str()).ok_or_else(|| format!("admin API answered {text:?}"))?;
        OffsetDateTime::parse(now, &Rfc3339).map_err(|e| e.to_string())
    }
}

/// An error with its causes (`error sending request: ... : invalid peer certificate: UnknownIssuer`):
/// reqwest's own message hides why a TLS handshake failed.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn runtime() -> Arc<tokio::runtime::Runtime> {
    Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a tokio runtime starts"))
}

/// How the suite trusts an HTTPS endpoint: the platform's roots, plus a private CA, or nothing
/// at all (`insecure`, for a quick look at an endpoint with a throwaway certificate).
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Certificates (PEM, one or more) trusted besides the platform's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// Accept any certificate: no verification at all.
    pub insecure: bool,
}

fn http_client() -> reqwest::Client {
    client_with(&TlsOptions::default()).expect("a reqwest client builds")
}

fn client_with(tls: &TlsOptions) -> Result<reqwest::Client, String> {
    // reqwest is built without a crypto provider of its own: rustls over ring, as the mock serves.
    // Installing fails only when the process already chose one, which reqwest then uses.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30));
    if let Some(pem) = &tls.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("the CA certificate is not PEM: {e}"))?;
        if certs.is_empty() {
            return Err("the CA certificate file holds no certificate".into());
        }
        builder = builder.tls_certs_merge(certs);
    }
    if tls.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| format!("building the HTTP client: {e}"))
}

/// The built-in mock over HTTP: a fresh `MockSts` per scenario on a free port, reached with reqwest.
/// Proves the server path (hyper, headers, bodies) answers as the in-process core does.
pub struct MockHttp {
    world: SuiteWorld,
    seed: u64,
    runtime: Arc<tokio::runtime::Runtime>,
    client: reqwest::Client,
}

impl MockHttp {
    /// Over the shipped suite world.
    pub fn new(seed: u64) -> Self {
        MockHttp::with_world(SuiteWorld::shipped(), seed)
    }

    /// Over another suite world.
    pub fn with_world(world: SuiteWorld, seed: u64) -> Self {
        MockHttp { world, seed, runtime: runtime(), client: http_client() }
    }
}

struct MockConnection {
    http: Http,
    clock: Clock,
    _mock: sts_mock::MockSts,
}

impl Connection for MockConnection {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpAnswer, String> {
        self.http.send(request)
    }
    fn now(&mut self) -> Result<OffsetDateTime, String> {
        Ok(self.clock.now())
    }
    fn advance_clock(&mut self, seconds: i64) -> Result<(), String> {
        self.clock.advance(Duration::seconds(seconds));
        Ok(())
    }
}

impl Target for MockHttp {
    fn name(&self) -> String {
        "built-in mock (over HTTP)".into()
    }
    fn claims(&self, _feature: &str) -> bool {
        true
    }
    fn bind(&mut self, scenario: &Scenario) -> Result<Binding, String> {
        let (sts, clock) = self.world.for_scenario(scenario, self.seed)?;
        let (symbols, principals) = SuiteWorld::names(&sts);
        let region = region_of(&sts);
        let builder = sts_mock::MockSts::builder().model(sts).clock(clock.clone()).journal_capacity(64);
        let mock = self.runtime.block_on(builder.try_start()).map_err(|e| format!("starting the mock: {e}"))?;
        let base = mock.uri();
        let host = base.trim_start_matches("http://").to_owned();
        let http = Http { runtime: self.runtime.clone(), client: self.client.clone(), base, admin_token: None };
        Ok(Binding { connection: Box::new(MockConnection { http, clock, _mock: mock }), symbols, principals, host, region })
    }
}

/// Any STS endpoint, described by a profile (symbols, principals, claimed features, deviations).
#[derive(Clone)]
pub struct Endpoint {
    url: String,
    profile: Profile,
    runtime: Arc<tokio::runtime::Runtime>,
    client: reqwest::Client,
}

impl Endpoint {
    /// `url` like `http://127.0.0.1:5000` (no trailing slash needed); HTTPS trusts the platform's roots.
    pub fn new(url: &str, profile: Profile) -> Self {
        Endpoint { url: url.trim_end_matches('/').to_owned(), profile, runtime: runtime(), client: http_client() }
    }

    /// An endpoint reached with these TLS options (a private CA, or no verification).
    ///
    /// ```
    /// use sts_conformance::{profile::Profile, target::{Endpoint, TlsOptions}};
    /// let profile = Profile::parse("name = \"x\"\nfeatures = []\n").unwrap();
    /// let bad = TlsOptions { ca_pem: Some(b"not a certificate".to_vec()), insecure: false };
    /// assert!(Endpoint::with_tls("https://127.0.0.1:9", profile, &bad).is_err());
    /// ```
    pub fn with_tls(url: &str, profile: Profile, tls: &TlsOptions) -> Result<Self, String> {
        Ok(Endpoint { url: url.trim_end_matches('/').to_owned(), profile, runtime: runtime(), client: client_with(tls)? })
    }

    /// The `host` the requests are signed for: the URL's authority.
    fn host(&self) -> String {
        self.url.split("://").nth(1).unwrap_or(&self.url).split('/').next().unwrap_or_default().to_owned()
    }

    /// Whether the endpoint answers the mock's admin API (`GET /__sts/health` → `{"status":"ok"}`).
    pub fn admin_health(&self) -> bool {
        let http = Http { runtime: Arc::clone(&self.runtime), client: self.client.clone(), base: self.url.clone(), admin_token: None };
        let request = HttpRequest { method: "GET".into(), path: "/__sts/health".into(), query: None, headers: vec![], body: vec![] };
        http.send(&request).is_ok_and(|a| a.status == 200 && a.body.contains("\"ok\""))
    }

    /// The endpoint's URL, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The profile the endpoint is judged with.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Adds symbols and principals to the profile's (what `--provision` created wins).
    pub fn adopt(&mut self, symbols: BTreeMap<String, String>, principals: BTreeMap<String, Principal>) {
        self.profile.symbols.extend(symbols);
        self.profile.principals.extend(principals);
    }

    /// Sends `params` (`Action` first; `Version` added) to `url`, signed as `principal` for
    /// `service` (`sts` in the profile's region, `iam` in `us-east-1`), and returns the answer's
    /// `…Result` element; an error answer becomes `Code: Message`.
    pub(crate) fn call_as(&self, principal: &Principal, service: &str, url: &str, params: &[(&str, &str)]) -> Result<Element, String> {
        let iam = service == "iam";
        let version = if iam { sts_wire::iam::API_VERSION } else { "2011-06-15" };
        let mut pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        pairs.push(("Version".into(), version.into()));
        let action = pairs.first().map(|(_, v)| v.clone()).unwrap_or_default();
        let body = sts_wire::query::encode_form(&pairs).into_bytes();
        let host = url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or_default().to_owned();
        let mut headers =
            vec![("host".to_string(), host), ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string())];
        let credentials = sts_wire::sigv4::Credentials {
            access_key_id: &principal.access_key_id,
            secret_access_key: &principal.secret_access_key,
            session_token: principal.session_token.as_deref(),
        };
        let region = if iam { "us-east-1" } else { self.profile.region.as_str() };
        let http = Http {
            runtime: Arc::clone(&self.runtime),
            client: self.client.clone(),
            base: url.trim_end_matches('/').to_owned(),
            admin_token: self.profile.admin_token.clone(),
        };
        // Signed on the endpoint's clock: a mock's clock may have been moved by the run.
        let now = if self.profile.admin_api { http.admin_clock(None)? } else { OffsetDateTime::now_utc() };
        let req = sts_wire::sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: &body };
        headers.extend(sts_wire::sigv4::sign_for(&req, &credentials, region, service, now));
        let answer = http.send(&HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body })?;
        let root = sts_wire::xml::parse(&answer.body).map_err(|e| format!("{action}: HTTP {} not XML ({e})", answer.status))?;
        if let Some(error) = root.child("Error") {
            return Err(format!(
                "{action}: {}: {}",
                error.text_of("Code").unwrap_or_default(),
                error.text_of("Message").unwrap_or_default()
            ));
        }
        if answer.status >= 300 {
            return Err(format!("{action}: HTTP {}", answer.status));
        }
        Ok(root.child(&format!("{action}Result")).cloned().unwrap_or_default())
    }

    /// Asks the endpoint whether it is there and speaks STS: a GetCallerIdentity, signed as the
    /// suite's default signer `alice` when the profile maps her (unsigned otherwise), must get an
    /// STS answer (an `ErrorResponse`, or the operation's own element). An implementation without
    /// GetCallerIdentity (Ceph's RADOS Gateway) gets a second chance with a GetSessionToken signed
    /// as `alice`. A transport error, or anything else (an HTML page, JSON, another service's XML),
    /// is the reason the run cannot go on: counted per scenario, it would look like hundreds of
    /// expected failures.
    ///
    /// ```
    /// use sts_conformance::{profile::Profile, target::Endpoint};
    /// let profile = Profile::parse("name = \"nobody\"\nfeatures = []\n").unwrap();
    /// let err = Endpoint::new("http://127.0.0.1:9", profile).probe().unwrap_err();
    /// assert!(err.contains("cannot reach http://127.0.0.1:9"), "{err}");
    /// ```
    pub fn probe(&self) -> Result<(), String> {
        let (answer, signed) = self.ask("GetCallerIdentity")?;
        if answer.is_sts("GetCallerIdentity") {
            return Ok(());
        }
        let how = if signed { "signed as alice" } else { "unsigned (the profile maps no alice)" };
        let mut seen =
            format!("a GetCallerIdentity {how} got HTTP {} {:?}", answer.status, answer.body.chars().take(120).collect::<String>());
        if signed {
            let (second, _) = self.ask("GetSessionToken")?;
            if second.is_sts("GetSessionToken") {
                return Ok(());
            }
            seen.push_str(&format!(
                ", a GetSessionToken got HTTP {} {:?}",
                second.status,
                second.body.chars().take(120).collect::<String>()
            ));
        }
        Err(format!("{} answers nothing like STS: {seen}; is this the STS endpoint?", self.url))
    }

    /// Sends `action` (signed as `alice` when the profile maps her; the flag says whether it was).
    fn ask(&self, action: &str) -> Result<(HttpAnswer, bool), String> {
        let http = Http { runtime: Arc::clone(&self.runtime), client: self.client.clone(), base: self.url.clone(), admin_token: None };
        let body = format!("Action={action}&Version=2011-06-15").into_bytes();
        let mut headers = vec![
            ("host".to_string(), self.host()),
            ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
        ];
        let alice = self.profile.principals.get("alice");
        if let Some(p) = alice {
            let credentials = sts_wire::sigv4::Credentials {
                access_key_id: &p.access_key_id,
                secret_access_key: &p.secret_access_key,
                session_token: p.session_token.as_deref(),
            };
            let req = sts_wire::sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: &body };
            let added = sts_wire::sigv4::sign(&req, &credentials, &self.profile.region, OffsetDateTime::now_utc());
            headers.extend(added);
        }
        let request = HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body };
        let answer = http.send(&request).map_err(|e| {
            let hint = if e.contains("certificate") {
                " (a private CA's certificate is trusted with --ca-cert FILE; --insecure skips verification)"
            } else {
                ""
            };
            format!("cannot reach {}: {e}{hint}", self.url)
        })?;
        Ok((answer, alice.is_some()))
    }
}

impl HttpAnswer {
    /// Whether this is an STS answer to `action`: its own element, or an `ErrorResponse` (the
    /// profile's region may be unknown to the endpoint: any STS answer, errors included, will do).
    fn is_sts(&self, action: &str) -> bool {
        match sts_wire::xml::parse(&self.body) {
            Ok(root) => root.name == "ErrorResponse" || root.name == format!("{action}Response"),
            Err(_) => false,
        }
    }
}

struct EndpointConnection {
    http: Http,
    admin_api: bool,
}

impl Connection for EndpointConnection {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpAnswer, String> {
        self.http.send(request)
    }
    fn now(&mut self) -> Result<OffsetDateTime, String> {
        if self.admin_api { self.http.admin_clock(None) } else { Ok(OffsetDateTime::now_utc()) }
    }
    fn advance_clock(&mut self, seconds: i64) -> Result<(), String> {
        if !self.admin_api {
            return Err("this endpoint's clock cannot be moved (the profile does not claim clock-control)".into());
        }
        self.http.admin_clock(Some(format!("{{\"advance_seconds\":{seconds}}}"))).map(|_| ())
    }
}

impl Target for Endpoint {
    fn name(&self) -> String {
        format!("{} ({})", self.profile.name, self.url)
    }
    fn claims(&self, feature: &str) -> bool {
        self.profile.features.iter().any(|f| f == feature)
    }
    fn deviation(&self, scenario: &str) -> Option<String> {
        self.profile.deviation(scenario).map(str::to_owned)
    }
    fn symbols_may_be_missing(&self) -> bool {
        true
    }
    fn bind(&mut self, _scenario: &Scenario) -> Result<Binding, String> {
        let http = Http {
            runtime: self.runtime.clone(),
            client: self.client.clone(),
            base: self.url.clone(),
            admin_token: self.profile.admin_token.clone(),
        };
        Ok(Binding {
            connection: Box::new(EndpointConnection { http, admin_api: self.profile.admin_api }),
            symbols: self.profile.symbols.clone(),
            principals: self.profile.principals.clone(),
            host: self.host(),
            region: self.profile.region.clone(),
        })
    }
}
