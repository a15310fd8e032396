//! Runs scenarios: builds each step's request (symbols filled, signed with SigV4), sends it to the
//! target, judges the answer and keeps the values later steps need.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sts_mock::HttpRequest;
use sts_model::time::OffsetDateTime;
use sts_model::time::format_description::well_known::Rfc3339;
use sts_wire::sigv4;
use sts_wire::xml::{self, Element};

use crate::scenario::{AdminRequest, ExpectDoc, Matcher, RawRequest, Scenario, Step};
use crate::symbols::{Principal, Unresolved, substitute};
use crate::target::{Binding, HttpAnswer, Target};

/// The API version every call sends unless a step overrides it.
pub const VERSION: &str = "2011-06-15";

/// How a scenario ended on a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold (the detail says which and how).
    Failed(String),
    /// Not run: the target does not claim a feature, or its profile lacks a symbol.
    Skipped(String),
    /// Failed, as the profile's deviation list says it does.
    ExpectedFailure {
        /// The profile's reason.
        reason: String,
        /// How it failed.
        detail: String,
    },
    /// Listed as a deviation, but passed: the list is stale, and the gate fails.
    UnexpectedPass(String),
}

impl Status {
    /// Whether the status lets a CI gate pass.
    pub fn is_ok(&self) -> bool {
        !matches!(self, Status::Failed(_) | Status::UnexpectedPass(_))
    }

    /// A one-word label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Passed => "pass",
            Status::Failed(_) => "FAIL",
            Status::Skipped(_) => "skip",
            Status::ExpectedFailure { .. } => "xfail",
            Status::UnexpectedPass(_) => "XPASS",
        }
    }
}

/// A scenario's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The scenario id.
    pub id: String,
    /// How it ended.
    pub status: Status,
    /// Wall time.
    pub elapsed: Duration,
    /// Each request sent, with what was expected and what came back, so a report shows the
    /// difference without a rerun.
    pub exchanges: Vec<Exchange>,
}

/// One step's request and answer, beside the expectation it was judged by.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The step, counted from 1.
    pub step: usize,
    /// What was sent: `AssumeRole as alice`, `iam CreateUser as alice`, `raw GET /?…`, `admin clock`.
    pub request: String,
    /// The expectation as written (absent keys left out); a step without one must succeed.
    pub expected: serde_json::Value,
    /// The HTTP status that came back.
    pub status: u16,
    /// The body that came back, cut at [`Exchange::MAX_BODY`] characters.
    pub body: String,
}

impl Exchange {
    /// Bodies are kept up to this many characters: enough for any STS answer, bounded for a suite
    /// run against an endpoint that answers megabytes.
    pub const MAX_BODY: usize = 8192;
}

/// Why a scenario stopped early.
enum Stop {
    Fail(String),
    Skip(String),
}

/// Runs `scenarios` against `target`, calling `progress` after each (done, total, result).
pub fn run(
    target: &mut dyn Target,
    scenarios: &[Scenario],
    mut progress: impl FnMut(usize, usize, &ScenarioResult),
) -> Vec<ScenarioResult> {
    let total = scenarios.len();
    scenarios
        .iter()
        .enumerate()
        .map(|(i, scenario)| {
            let result = run_one(target, scenario);
            progress(i + 1, total, &result);
            result
        })
        .collect()
}

/// Runs one scenario, applying the target's deviation list.
pub fn run_one(target: &mut dyn Target, scenario: &Scenario) -> ScenarioResult {
    let started = Instant::now();
    let mut exchanges = Vec::new();
    let raw = match scenario.doc.features.iter().find(|f| !target.claims(f)) {
        Some(f) => Status::Skipped(format!("the target does not claim {f}")),
        // A panic (in the runner, or in an in-process model) fails this scenario only: the run goes
        // on and the report names it.
        None => match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(target, scenario, &mut exchanges))) {
            Ok(Ok(())) => Status::Passed,
            Ok(Err(Stop::Fail(why))) => Status::Failed(why),
            Ok(Err(Stop::Skip(why))) => Status::Skipped(why),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".into());
                Status::Failed(format!("panicked: {message}"))
            }
        },
    };
    let status = match (target.deviation(&scenario.id), raw) {
        (Some(reason), Status::Failed(detail)) => Status::ExpectedFailure { reason, detail },
        (Some(reason), Status::Passed) => {
            Status::UnexpectedPass(format!("listed as a deviation ({reason}) but passes: remove it from the profile"))
        }
        (_, other) => other,
    };
    ScenarioResult { id: scenario.id.clone(), status, elapsed: started.elapsed(), exchanges }
}

/// The state of a scenario between steps.
struct Run<'a> {
    binding: Binding,
    saved: BTreeMap<String, String>,
    credentials: BTreeMap<String, Principal>,
    lenient_symbols: bool,
    scenario: &'a Scenario,
    exchanges: &'a mut Vec<Exchange>,
    step: usize,
    /// The target's time at the current call step (`${now.amz_date}`, `${now.date_stamp}`).
    now: Option<OffsetDateTime>,
}

fn execute(target: &mut dyn Target, scenario: &Scenario, exchanges: &mut Vec<Exchange>) -> Result<(), Stop> {
    let binding = target.bind(scenario).map_err(|e| Stop::Fail(format!("could not prepare the target: {e}")))?;
    let mut run = Run {
        binding,
        saved: BTreeMap::new(),
        credentials: BTreeMap::new(),
        lenient_symbols: target.symbols_may_be_missing(),
        scenario,
        exchanges,
        step: 0,
        now: None,
    };
    for (i, step) in scenario.doc.steps.iter().enumerate() {
        run.step = i + 1;
        run.step(step).map_err(|stop| match stop {
            Stop::Fail(why) => Stop::Fail(format!("step {}: {why}", i + 1)),
            skip => skip,
        })?;
    }
    Ok(())
}

impl Run<'_> {
    /// Sends `request` and keeps the exchange for the reports.
    fn send(&mut self, what: String, expect: Option<&ExpectDoc>, request: &HttpRequest) -> Result<HttpAnswer, Stop> {
        let answer = self.binding.connection.send(request);
        let expected = match expect {
            Some(e) => without_nulls(serde_json::to_value(e).unwrap_or_default()),
            None => serde_json::json!({ "status": 200 }),
        };
        let (status, body) = match &answer {
            Ok(a) => (a.status, a.body.chars().take(Exchange::MAX_BODY).collect()),
            Err(e) => (0, format!("(no answer: {e})")),
        };
        self.exchanges.push(Exchange { step: self.step, request: what, expected, status, body });
        answer.map_err(Stop::Fail)
    }

    fn fill(&self, template: &str) -> Result<String, Stop> {
        self.fill_with(template, |value| value)
    }

    /// Fills a regular expression: symbols stand for their text (`.` in a value is a dot).
    fn fill_pattern(&self, template: &str) -> Result<String, Stop> {
        self.fill_with(template, |value| regex::escape(&value))
    }

    fn fill_with(&self, template: &str, quote: impl Fn(String) -> String) -> Result<String, Stop> {
        let lookup = |name: &str| {
            if let Some(spec) = name.strip_prefix("repeat:") {
                // `${repeat:ab:3}` = `ababab`: long values without long files.
                let (text, count) = spec.rsplit_once(':')?;
                return Some(text.repeat(count.parse::<usize>().ok()?.min(1 << 20)));
            }
            if let Some(principal) = name.strip_prefix("key.") {
                return self.binding.principals.get(principal).map(|p| p.access_key_id.clone());
            }
            // Hand-made signatures carry the target's own date and region, so that against an
            // endpoint on real time they test the signature, not the clock-skew check.
            match name {
                "now.amz_date" => return self.now.map(sigv4::format_amz_date),
                "now.date_stamp" => return self.now.map(|t| sigv4::format_amz_date(t)[..8].to_owned()),
                "region" => return Some(self.binding.region.clone()),
                _ => {}
            }
            self.saved.get(name).or_else(|| self.binding.symbols.get(name)).cloned().or_else(|| self.derived(name))
        };
        let lookup = |name: &str| lookup(name).map(&quote);
        substitute(template, lookup).map_err(|e| match e {
            Unresolved::Unknown(name) if self.lenient_symbols => Stop::Skip(format!("the profile has no symbol {name}")),
            Unresolved::Unknown(name) => Stop::Fail(format!("unknown symbol ${{{name}}}")),
            Unresolved::Unclosed => Stop::Fail(format!("unclosed ${{ in {template:?}")),
        })
    }

    /// Symbols that follow from others, so that no profile has to write them: `role.<r>.name` and
    /// `user.<u>.name` (the last segment of the ARN: a provisioned run prefixes names), and
    /// `policy.<p>` (a managed policy of the account, `arn:<partition>:iam::<account>:policy/<p>`).
    fn derived(&self, name: &str) -> Option<String> {
        let symbol = |key: &str| self.saved.get(key).or_else(|| self.binding.symbols.get(key));
        if let Some(base) = name.strip_suffix(".name").filter(|b| b.starts_with("role.") || b.starts_with("user.")) {
            return symbol(base).and_then(|arn| arn.rsplit('/').next()).map(str::to_owned);
        }
        let policy = name.strip_prefix("policy.")?;
        let partition = symbol("partition").map_or("aws", String::as_str);
        Some(format!("arn:{partition}:iam::{}:policy/{policy}", symbol("account")?))
    }

    fn signer(&self, step: &Step) -> Result<Option<Principal>, Stop> {
        let name = step.signer.as_deref().unwrap_or("alice");
        if name == "anonymous" {
            return Ok(None);
        }
        if let Some(saved) = name.strip_prefix('$') {
            return self.credentials.get(saved).cloned().map(Some).ok_or_else(|| Stop::Fail(format!("no credentials saved as {saved}")));
        }
        if let Some(p) = self.scenario.principals.get(name) {
            return Ok(Some(Principal {
                access_key_id: self.fill(&p.access_key_id)?,
                secret_access_key: self.fill(&p.secret_access_key)?,
                session_token: p.session_token.as_deref().map(|t| self.fill(t)).transpose()?,
            }));
        }
        match self.binding.principals.get(name) {
            Some(p) => Ok(Some(p.clone())),
            None if self.lenient_symbols => Err(Stop::Skip(format!("the profile has no principal {name}"))),
            None => Err(Stop::Fail(format!("no principal {name} in the world"))),
        }
    }

    fn step(&mut self, step: &Step) -> Result<(), Stop> {
        if let Some(seconds) = step.advance_clock {
            return self.binding.connection.advance_clock(seconds).map_err(Stop::Fail);
        }
        if let Some(admin) = &step.admin {
            return self.admin(admin, step);
        }
        let now = self.binding.connection.now().map_err(Stop::Fail)?;
        self.now = Some(now);
        let signed_at = now + sts_model::time::Duration::seconds(step.sign_offset_seconds.unwrap_or(0));
        let signer = self.signer(step)?;
        let request = match (&step.call, &step.raw) {
            (Some(action), _) => self.call_request(step, action, signer.as_ref(), signed_at)?,
            (None, Some(raw)) => self.raw_request(raw, signer.as_ref(), signed_at)?,
            (None, None) => return Err(Stop::Fail("a step needs call, raw, admin or advance_clock".into())),
        };
        let what = describe_request(step);
        let answer = self.send(what, step.expect.as_ref(), &request)?;
        let default = ExpectDoc { status: Some(200), ..ExpectDoc::default() };
        let expect = step.expect.as_ref().unwrap_or(&default);
        let tree = self.judge(expect, &answer, now)?;
        for (name, path) in &step.save {
            self.save(name, path, tree.as_ref())?;
        }
        Ok(())
    }

    fn admin(&mut self, admin: &AdminRequest, step: &Step) -> Result<(), Stop> {
        let body = admin.body.as_deref().map(|b| self.fill(b)).transpose()?.unwrap_or_default();
        let request = HttpRequest {
            method: admin.method.clone().unwrap_or_else(|| "POST".into()),
            path: format!("/__sts/{}", self.fill(&admin.path)?),
            query: None,
            headers: vec![("host".into(), self.binding.host.clone()), ("content-type".into(), "application/json".into())],
            body: body.into_bytes(),
        };
        let answer = self.send(format!("admin {} {}", request.method, admin.path), step.expect.as_ref(), &request)?;
        let expected = step.expect.as_ref().and_then(|e| e.status).unwrap_or(200);
        if answer.status != expected {
            return Err(Stop::Fail(format!(
                "admin {}: expected HTTP {expected}, got {}: {}",
                admin.path,
                answer.status,
                snippet(&answer.body)
            )));
        }
        let value: serde_json::Value =
            serde_json::from_str(&answer.body).map_err(|e| Stop::Fail(format!("admin {}: not JSON ({e})", admin.path)))?;
        if let Some(expect) = step.expect.as_ref().filter(|e| !e.fields.is_empty()) {
            // The answer's top-level fields, judged with the same matchers as a result's elements.
            let children = value
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| Element { name: k.clone(), text: v.as_str().map_or_else(|| v.to_string(), str::to_owned), children: vec![] })
                .collect();
            let answer = Element { name: "admin".into(), text: String::new(), children };
            let now = self.binding.connection.now().map_err(Stop::Fail)?;
            for (path, matcher) in &expect.fields {
                self.check_field(&answer, path, matcher, now).map_err(|e| match e {
                    Stop::Fail(why) => Stop::Fail(format!("admin {}: {why}", admin.path)),
                    other => other,
                })?;
            }
        }
        for (name, field) in &step.save {
            let text = match value.get(field) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => return Err(Stop::Fail(format!("admin {}: no field {field} to save", admin.path))),
            };
            self.saved.insert(name.clone(), text);
        }
        Ok(())
    }

    fn call_request(&self, step: &Step, action: &str, signer: Option<&Principal>, at: OffsetDateTime) -> Result<HttpRequest, Stop> {
        let mut params: Vec<(String, String)> = Vec::new();
        if !step.params.contains_key("Action") {
            params.push(("Action".into(), action.into()));
        }
        let iam = step.service.as_deref() == Some("iam");
        if !step.params.contains_key("Version") {
            params.push(("Version".into(), if iam { sts_wire::iam::API_VERSION } else { VERSION }.into()));
        }
        for (key, value) in &step.params {
            let text = match value {
                toml::Value::String(s) => self.fill(s)?,
                other => other.to_string(),
            };
            params.push((key.clone(), text));
        }
        let host = self.binding.host.clone();
        if step.signing.as_deref() == Some("query") {
            let headers = vec![("host".to_string(), host)];
            let query = match signer {
                Some(p) => {
                    let creds = credentials(p);
                    let req = sigv4::Request { method: "GET", path: "/", query: &params, headers: &headers, body: b"" };
                    sigv4::presign(&req, &creds, &self.binding.region, at, 900)
                }
                None => params,
            };
            return Ok(HttpRequest {
                method: "GET".into(),
                path: "/".into(),
                query: Some(sts_wire::query::encode_form(&query)),
                headers,
                body: vec![],
            });
        }
        let body = sts_wire::query::encode_form(&params).into_bytes();
        let mut headers =
            vec![("host".to_string(), host), ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string())];
        if let Some(p) = signer {
            let req = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: &body };
            // IAM is global: its calls are signed for `iam` in us-east-1 whatever the endpoint's region.
            let added = if iam {
                sigv4::sign_for(&req, &credentials(p), "us-east-1", "iam", at)
            } else {
                sigv4::sign(&req, &credentials(p), &self.binding.region, at)
            };
            headers.extend(added);
        }
        Ok(HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body })
    }

    fn raw_request(&self, raw: &RawRequest, signer: Option<&Principal>, at: OffsetDateTime) -> Result<HttpRequest, Stop> {
        let method = raw.method.clone().unwrap_or_else(|| "POST".into());
        let path = raw.path.clone().unwrap_or_else(|| "/".into());
        let query = raw.query.as_deref().map(|q| self.fill(q)).transpose()?;
        let body = match (&raw.body, &raw.body_hex) {
            (_, Some(hex)) => decode_hex(hex).ok_or_else(|| Stop::Fail(format!("body_hex is not hex: {hex:?}")))?,
            (Some(text), None) => self.fill(text)?.into_bytes(),
            (None, None) => vec![],
        };
        let mut headers = vec![("host".to_string(), self.binding.host.clone())];
        if !body.is_empty() || method == "POST" {
            let content_type = raw.content_type.clone().unwrap_or_else(|| "application/x-www-form-urlencoded; charset=utf-8".into());
            if !content_type.is_empty() {
                headers.push(("content-type".into(), content_type));
            }
        }
        for (k, v) in &raw.headers {
            headers.push((k.clone(), self.fill(v)?));
        }
        if let (Some(p), true) = (signer, raw.sign.unwrap_or(true)) {
            let pairs = match &query {
                Some(q) => sts_wire::query::parse_form(q.as_bytes())
                    .map_err(|_| Stop::Fail("cannot sign a request whose query does not decode; set sign = false".into()))?,
                None => vec![],
            };
            let req = sigv4::Request { method: &method, path: &path, query: &pairs, headers: &headers, body: &body };
            let added = sigv4::sign(&req, &credentials(p), &self.binding.region, at);
            headers.extend(added);
        }
        Ok(HttpRequest { method, path, query, headers, body })
    }

    /// Checks the answer; returns the `…Result` element of a success.
    fn judge(&self, expect: &ExpectDoc, answer: &HttpAnswer, now: OffsetDateTime) -> Result<Option<Element>, Stop> {
        let shown = || snippet(&answer.body);
        let parsed = xml::parse(&answer.body);
        // Another service's error envelope (S3's `<Error>` at the root, as Ceph's RADOS Gateway
        // answers): no STS client can read it (botocore reports "Unknown"), so it fails, but the
        // report says what came back instead of calling it a success.
        let foreign = parsed.as_ref().ok().filter(|root| root.name == "Error" && root.child("Code").is_some()).map(|root| {
            format!(
                "HTTP {} with an error in a non-STS envelope (<Error> at the root, no <ErrorResponse>): code {:?}, message {:?}",
                answer.status,
                root.text_of("Code").unwrap_or_default(),
                root.text_of("Message").unwrap_or_default()
            )
        });
        if let Some(status) = expect.status
            && status != answer.status
        {
            return Err(Stop::Fail(match &foreign {
                Some(foreign) => format!("expected HTTP {status}, got {foreign}"),
                None => format!("expected HTTP {status}, got {}: {}", answer.status, shown()),
            }));
        }
        let root = parsed.map_err(|e| Stop::Fail(format!("answer is not XML ({e}): {}", shown())))?;
        let error = if root.name == "ErrorResponse" || root.name == "Response" {
            root.child("Error").or_else(|| root.child("Errors").and_then(|e| e.child("Error")))
        } else {
            None
        };
        if let Some(path) = &expect.admits {
            return self.judge_admitted(path, answer, &root, error).map(|()| None);
        }
        if let Some(foreign) = foreign {
            return Err(Stop::Fail(match &expect.code {
                Some(code) => format!("expected error {code}, got {foreign}"),
                None => format!("expected a success, got {foreign}"),
            }));
        }
        match (&expect.code, error) {
            (Some(code), None) => Err(Stop::Fail(format!("expected error {code}, got a success: {}", shown()))),
            (Some(code), Some(e)) => {
                let got = e.text_of("Code").unwrap_or_default();
                if &got != code {
                    return Err(Stop::Fail(format!("expected error {code}, got {got}: {}", e.text_of("Message").unwrap_or_default())));
                }
                if let Some(kind) = &expect.kind {
                    let got_kind = e.text_of("Type").unwrap_or_default();
                    if &got_kind != kind {
                        return Err(Stop::Fail(format!("expected Type {kind}, got {got_kind:?}")));
                    }
                }
                if let Some(pattern) = &expect.message {
                    let message = e.text_of("Message").unwrap_or_default();
                    let pattern = self.fill_pattern(pattern)?;
                    let re = regex::Regex::new(&pattern).map_err(|err| Stop::Fail(format!("message regex: {err}")))?;
                    if !re.is_match(&message) {
                        return Err(Stop::Fail(format!("message {message:?} does not match /{pattern}/")));
                    }
                }
                Ok(None)
            }
            (None, Some(e)) => Err(Stop::Fail(format!(
                "expected a success, got {} {}: {}",
                answer.status,
                e.text_of("Code").unwrap_or_default(),
                e.text_of("Message").unwrap_or_default()
            ))),
            (None, None) => {
                let operation = root.name.strip_suffix("Response").unwrap_or_default().to_owned();
                let expected = self.scenario.operation.name() == operation
                    || self.scenario.doc.steps.iter().filter_map(|s| s.call.as_deref()).any(|c| c == operation);
                if !expected {
                    return Err(Stop::Fail(format!("unexpected answer element <{}>", root.name)));
                }
                let result = root.child(&format!("{operation}Result")).cloned().unwrap_or_default();
                for (path, matcher) in &expect.fields {
                    // `/ResponseMetadata/RequestId`: from the envelope; anything else under `…Result`.
                    match path.strip_prefix('/') {
                        Some(from_root) => self.check_field(&root, from_root, matcher, now)?,
                        None => self.check_field(&result, path, matcher, now)?,
                    }
                }
                Ok(Some(result))
            }
        }
    }

    /// A generated "admitted" case passes only on an answer that shows the operation exists and the
    /// input passed the constraint layer: an STS success or error envelope, no server error, no
    /// "operation not found", and no constraint violation at all (a violation of another member
    /// means the case's request was wrong; one of this member, that the bound is off). Errors from
    /// the operation's own rules (AccessDenied, a documented ValidationError about a combination)
    /// pass: the case is about the member's contract, not the call's outcome.
    fn judge_admitted(&self, path: &str, answer: &HttpAnswer, root: &Element, error: Option<&Element>) -> Result<(), Stop> {
        let shown = || snippet(&answer.body);
        if answer.status >= 500 {
            return Err(Stop::Fail(format!("expected {path} to be admitted, got HTTP {}: {}", answer.status, shown())));
        }
        let Some(e) = error else {
            let operation = self.scenario.operation.name();
            if root.name != format!("{operation}Response") {
                return Err(Stop::Fail(format!("expected {path} to be admitted, got <{}>, not an STS answer: {}", root.name, shown())));
            }
            return Ok(());
        };
        let code = e.text_of("Code").unwrap_or_default();
        let message = e.text_of("Message").unwrap_or_default();
        let constraint_violation = code == "ValidationError" && message.contains("failed to satisfy constraint");
        if constraint_violation || matches!(code.as_str(), "InvalidAction" | "MissingAction" | "InternalFailure" | "ServiceUnavailable") {
            return Err(Stop::Fail(format!("expected {path} to be admitted, got {code}: {message}")));
        }
        Ok(())
    }

    fn check_field(&self, result: &Element, path: &str, m: &Matcher, now: OffsetDateTime) -> Result<(), Stop> {
        let element = find(result, path);
        let fail = |why: String| Err(Stop::Fail(format!("{path}: {why}")));
        if let Some(present) = m.present
            && present != element.is_some()
        {
            return fail(if present { "missing".into() } else { format!("present ({:?}) but must be absent", element.map(|e| &e.text)) });
        }
        let Some(element) = element else {
            if m.present == Some(false) {
                return Ok(());
            }
            return fail("missing".into());
        };
        let text = element.text.trim();
        if let Some(expected) = &m.equals {
            let expected = self.fill(expected)?;
            if text != expected {
                return fail(format!("{text:?} != {expected:?}"));
            }
        }
        if let Some(pattern) = &m.regex {
            let pattern = self.fill_pattern(pattern)?;
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| Stop::Fail(format!("{path}: regex: {e}")))?;
            if !re.is_match(text) {
                return fail(format!("{} does not match /{pattern}/", snippet(text)));
            }
        }
        if let Some([min, max]) = m.length {
            let n = text.chars().count();
            if n < min || n > max {
                return fail(format!("length {n} not in {min}..={max}"));
            }
        }
        if let Some([min, max]) = m.range {
            match text.parse::<i64>() {
                Ok(v) if v >= min && v <= max => {}
                _ => return fail(format!("{text:?} not an integer in {min}..={max}")),
            }
        }
        if let Some(reference) = &m.within_seconds_of {
            let reference = self.fill(reference)?;
            let at = time_reference(&reference, now).ok_or_else(|| Stop::Fail(format!("{path}: bad time reference {reference:?}")))?;
            let got = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| Stop::Fail(format!("{path}: {text:?} is not a timestamp")))?;
            let tolerance = m.seconds.unwrap_or(5);
            if (got - at).whole_seconds().abs() > tolerance {
                return fail(format!("{text} is not within {tolerance}s of {reference} ({at})"));
            }
        }
        Ok(())
    }

    fn save(&mut self, name: &str, path: &str, result: Option<&Element>) -> Result<(), Stop> {
        let element =
            result.and_then(|r| find(r, path)).ok_or_else(|| Stop::Fail(format!("cannot save {name}: no {path} in the answer")))?;
        if let (Some(id), Some(secret)) = (element.text_of("AccessKeyId"), element.text_of("SecretAccessKey")) {
            let token = element.text_of("SessionToken");
            for (field, value) in [("AccessKeyId", Some(&id)), ("SecretAccessKey", Some(&secret)), ("SessionToken", token.as_ref())] {
                if let Some(v) = value {
                    self.saved.insert(format!("{name}.{field}"), v.clone());
                }
            }
            self.credentials.insert(name.to_owned(), Principal { access_key_id: id, secret_access_key: secret, session_token: token });
        } else {
            self.saved.insert(name.to_owned(), element.text.trim().to_owned());
        }
        Ok(())
    }
}

fn credentials(p: &Principal) -> sigv4::Credentials<'_> {
    sigv4::Credentials {
        access_key_id: &p.access_key_id,
        secret_access_key: &p.secret_access_key,
        session_token: p.session_token.as_deref(),
    }
}

/// The element at `a/b/c` under `root`.
fn find<'e>(root: &'e Element, path: &str) -> Option<&'e Element> {
    path.split('/').filter(|s| !s.is_empty()).try_fold(root, |e, name| e.child(name))
}

/// `now`, `now+3600`, `now-60` or an RFC 3339 instant.
fn time_reference(text: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("now") {
        let rest = rest.trim();
        if rest.is_empty() {
            return Some(now);
        }
        let (sign, digits) = rest.split_at(1);
        let n: i64 = digits.trim().parse().ok()?;
        return match sign {
            "+" => Some(now + sts_model::time::Duration::seconds(n)),
            "-" => Some(now - sts_model::time::Duration::seconds(n)),
            _ => None,
        };
    }
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let hex: String = hex.split_whitespace().collect();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

/// What a step sends, for reports: `AssumeRole as alice`, `iam CreateUser as alice`, `raw GET /?…`.
fn describe_request(step: &Step) -> String {
    let signer = step.signer.as_deref().unwrap_or("alice");
    match (&step.call, &step.raw) {
        (Some(action), _) => {
            let service = if step.service.as_deref() == Some("iam") { "iam " } else { "" };
            let presigned = if step.signing.as_deref() == Some("query") { " (presigned GET)" } else { "" };
            format!("{service}{action} as {signer}{presigned}")
        }
        (None, Some(raw)) => {
            let query = raw.query.as_deref().map(|q| format!("?{}", q.chars().take(80).collect::<String>())).unwrap_or_default();
            format!("raw {} {}{query}", raw.method.as_deref().unwrap_or("POST"), raw.path.as_deref().unwrap_or("/"))
        }
        (None, None) => "nothing".into(),
    }
}

/// A JSON value with its null members left out (an expectation's absent keys).
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect::<serde_json::Map<_, _>>().into()
        }
        other => other,
    }
}

/// At most 300 characters of an answer, on one line.
fn snippet(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if one_line.chars().count() > 300 { format!("{}…", one_line.chars().take(300).collect::<String>()) } else { one_line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_references() {
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(time_reference("now", now), Some(now));
        assert_eq!(time_reference("now+60", now), Some(now + sts_model::time::Duration::seconds(60)));
        assert_eq!(time_reference("now - 5", now), Some(now - sts_model::time::Duration::seconds(5)));
        assert_eq!(time_reference("1970-01-01T00:01:00Z", now), Some(now + sts_model::time::Duration::seconds(60)));
        assert_eq!(time_reference("later", now), None);
        assert_eq!(time_reference("now*2", now), None);
    }

    #[test]
    fn hex_bodies() {
        assert_eq!(decode_hex("ff 00"), Some(vec![0xff, 0]));
        assert_eq!(decode_hex("f"), None);
        assert_eq!(decode_hex("zz"), None);
    }
}
