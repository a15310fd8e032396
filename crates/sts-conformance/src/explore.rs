//! `explore`: random call sequences run against an endpoint and the reference model side by side.
//!
//! Hand-written scenarios find what their authors thought of; exploration finds the rest. A
//! sequence is generated one call at a time from a small grammar of the STS operations (valid and
//! invalid inputs at every bound, callers minted earlier in the sequence, chaining, clock moves
//! where the endpoint allows them, tags, policies, MFA). Each call is first answered by the model
//! (the built-in mock in process, over the same suite world), and the model's answer becomes the
//! step's expectation, written in the suite's own scenario language: status, error code and type,
//! the fields present, the key formats, and the exact values that follow from the world's names
//! (`arn:${partition}:sts::${account}:assumed-role/${role.demo.name}/s`). The whole sequence is
//! then a scenario, run against the endpoint by the ordinary runner: a failure is a divergence.
//!
//! A divergence is shrunk (steps, then parameters, removed one at a time while the same divergence
//! remains: delta debugging) and written as a scenario file that `check --scenarios DIR` replays.
//! Divergences are told apart by a signature (operation, the model's outcome, the endpoint's); the
//! profile's known deviations are run once first and their signatures are not reported again.
//! Messages are not compared: implementations word them differently, and the hand-written
//! scenarios judge them where the evidence is.

use std::collections::{BTreeMap, BTreeSet};

use sts_wire::xml::{self, Element};

use crate::runner::{self, Status};
use crate::scenario::{Scenario, parse_file};
use crate::target::Target;

/// A deterministic generator (SplitMix64): a run is repeated by its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One step of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// An STS call.
    Call {
        /// The operation.
        operation: String,
        /// Its parameters (values may use `${symbol}`).
        params: Vec<(String, String)>,
        /// Who signs: a principal, or `$name` for credentials saved earlier.
        signer: String,
        /// The name its credentials are saved under, when it returns some.
        save: Option<String>,
    },
    /// The clock moves forward (targets with `clock-control` only).
    Advance(i64),
    /// The mock's test OIDC provider mints a token (targets with `mock-admin` only), saved under
    /// `save` for a later AssumeRoleWithWebIdentity.
    OidcToken {
        /// The admin route's JSON body (issuer, audience, lifetime).
        body: String,
        /// The name the token is saved under.
        save: String,
    },
}

/// What both the model and the endpoint know, to draw from.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Role symbols (`role.demo`).
    pub roles: Vec<String>,
    /// Principals that sign (`alice`, `bob`, `root`).
    pub principals: Vec<String>,
    /// `mfa.<user>` symbols.
    pub mfa: Vec<String>,
    /// Whether `policy.read-only` can be named (it is derived from the account).
    pub managed_policy: bool,
    /// Whether the clock may be moved.
    pub clock: bool,
    /// Whether OIDC tokens can be minted (the mock's admin API) for AssumeRoleWithWebIdentity.
    pub oidc: bool,
}

/// Session policies: a small valid one, and text that is not a policy.
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

impl Vocabulary {
    /// The next steps (one, or a token and the call that uses it), given the credentials saved
    /// so far (by name).
    pub fn next_acts(&self, rng: &mut Rng, saved: &[String], index: usize) -> Vec<Act> {
        if self.oidc && !self.roles.is_empty() && rng.chance(10) {
            let issuer = *rng.pick(&["https://oidc.example.com", "https://oidc.example.com", "https://unknown.example.com"]);
            let audience = *rng.pick(&["sts.amazonaws.com", "sts.amazonaws.com", "someone-else"]);
            let lifetime = *rng.pick(&[3600, 3600, 60, -60]);
            let token = format!("t{index}");
            let body = format!(r#"{{"issuer":"{issuer}","sub":"repo:org/app","aud":"{audience}","expires_in_seconds":{lifetime}}}"#);
            let role = rng.pick(&self.roles).clone();
            let mut params = vec![
                ("RoleArn".to_owned(), format!("${{{role}}}")),
                ("RoleSessionName".to_owned(), (*rng.pick(&["ci", "bad name", "${repeat:w:65}"])).to_owned()),
                ("WebIdentityToken".to_owned(), format!("${{{token}}}")),
            ];
            maybe(rng, &mut params, 30, "DurationSeconds", &["899", "900", "3600", "43200", "43201"]);
            maybe(rng, &mut params, 10, "Policy", &[POLICY, "not a policy"]);
            return vec![
                Act::OidcToken { body, save: token },
                Act::Call {
                    operation: "AssumeRoleWithWebIdentity".into(),
                    params,
                    signer: "anonymous".into(),
                    save: Some(format!("s{index}")),
                },
            ];
        }
        vec![self.next_act(rng, saved, index)]
    }

    /// The next single call or clock move, given the credentials saved so far (by name).
    pub fn next_act(&self, rng: &mut Rng, saved: &[String], index: usize) -> Act {
        if self.clock && rng.chance(8) {
            return Act::Advance(*rng.pick(&[60, 899, 3000, 3600, 43200]));
        }
        let signer = if !saved.is_empty() && rng.chance(40) {
            format!("${}", rng.pick(saved))
        } else if rng.chance(3) {
            "anonymous".to_owned()
        } else {
            rng.pick(&self.principals).clone()
        };
        let save = Some(format!("s{index}"));
        let mut params = Vec::new();
        let operation = match rng.below(10) {
            0..=3 if !self.roles.is_empty() => {
                let role = rng.pick(&self.roles).clone();
                let arn =
                    if rng.chance(5) { "arn:${partition}:iam::${account}:role/nobody-here".to_owned() } else { format!("${{{role}}}") };
                params.push(("RoleArn".into(), arn));
                let session = *rng.pick(&["s", "session-1", "a@b.c=d,e_f", "bad name", "${repeat:a:64}", "${repeat:a:65}", ""]);
                params.push(("RoleSessionName".into(), session.to_owned()));
                maybe(rng, &mut params, 35, "DurationSeconds", &["899", "900", "3600", "3601", "43200", "43201"]);
                maybe(rng, &mut params, 15, "ExternalId", &["partner-secret", "wrong", "x"]);
                if rng.chance(20) {
                    params.push(("Tags.member.1.Key".into(), (*rng.pick(&["team", "Team", "aws:x", "${repeat:k:129}"])).to_owned()));
                    params.push(("Tags.member.1.Value".into(), (*rng.pick(&["blue", "", "${repeat:v:257}"])).to_owned()));
                    maybe(rng, &mut params, 40, "TransitiveTagKeys.member.1", &["team", "other"]);
                }
                maybe(rng, &mut params, 10, "SourceIdentity", &["src-1", "${repeat:s:65}", "aws:no"]);
                maybe(rng, &mut params, 12, "Policy", &[POLICY, "not a policy"]);
                if self.managed_policy && rng.chance(8) {
                    params.push(("PolicyArns.member.1.arn".into(), "${policy.read-only}".into()));
                }
                if !self.mfa.is_empty() && rng.chance(10) {
                    params.push(("SerialNumber".into(), format!("${{{}}}", rng.pick(&self.mfa))));
                    params.push(("TokenCode".into(), (*rng.pick(&["123456", "000000", "12345"])).to_owned()));
                }
                "AssumeRole"
            }
            4..=5 => {
                maybe(rng, &mut params, 40, "DurationSeconds", &["899", "900", "3600", "129600", "129601"]);
                if !self.mfa.is_empty() && rng.chance(20) {
                    params.push(("SerialNumber".into(), format!("${{{}}}", rng.pick(&self.mfa))));
                    params.push(("TokenCode".into(), (*rng.pick(&["123456", "000000", "12345"])).to_owned()));
                }
                "GetSessionToken"
            }
            6 => {
                params.push(("Name".into(), (*rng.pick(&["Bob", "a", "ab", "${repeat:n:32}", "${repeat:n:33}", "bad name"])).to_owned()));
                maybe(rng, &mut params, 40, "DurationSeconds", &["899", "900", "43200", "129600", "129601"]);
                maybe(rng, &mut params, 30, "Policy", &[POLICY, "not a policy"]);
                "GetFederationToken"
            }
            7 => {
                let mut keys: Vec<String> = self.principals.iter().filter(|p| *p != "anonymous").map(|p| format!("${{key.{p}}}")).collect();
                keys.extend(["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "short", "AKIA0000000000000000"].map(String::from));
                params.push(("AccessKeyId".into(), rng.pick(&keys).clone()));
                "GetAccessKeyInfo"
            }
            8 => {
                params.push(("EncodedMessage".into(), (*rng.pick(&["garbage", "", "${repeat:A:100}"])).to_owned()));
                "DecodeAuthorizationMessage"
            }
            _ => "GetCallerIdentity",
        };
        let save = matches!(operation, "AssumeRole" | "GetSessionToken" | "GetFederationToken").then_some(save).flatten();
        Act::Call { operation: operation.to_owned(), params, signer, save }
    }
}

/// Adds `name` with one of `values`, `percent` times in a hundred.
fn maybe(rng: &mut Rng, params: &mut Vec<(String, String)>, percent: u64, name: &str, values: &[&str]) {
    if rng.chance(percent) {
        params.push((name.to_owned(), (*rng.pick(values)).to_owned()));
    }
}

/// A step's expectation, as the model answered it: a TOML table for `expect`.
pub type Expectation = toml::Table;

/// The expectation a model answer sets: status, code and type of an error; for a success, the
/// fields present, the key formats, and the values that follow from the world's names.
pub fn expectation_of(status: u16, body: &str, names: &[(String, String)]) -> Expectation {
    let mut expect = Expectation::new();
    expect.insert("status".into(), toml::Value::Integer(i64::from(status)));
    let Ok(root) = xml::parse(body) else { return expect };
    if let Some(error) = root.child("Error") {
        expect.insert("code".into(), error.text_of("Code").unwrap_or_default().into());
        if let Some(kind) = error.text_of("Type") {
            expect.insert("type".into(), kind.into());
        }
        return expect;
    }
    let Some(result) = root.children.iter().find(|c| c.name.ends_with("Result")) else { return expect };
    let mut fields = toml::Table::new();
    let mut seen = BTreeSet::new();
    collect_fields(result, "", names, &mut fields, &mut seen);
    if !fields.is_empty() {
        expect.insert("fields".into(), toml::Value::Table(fields));
    }
    expect
}

fn collect_fields(element: &Element, prefix: &str, names: &[(String, String)], out: &mut toml::Table, seen: &mut BTreeSet<String>) {
    for child in &element.children {
        let path = if prefix.is_empty() { child.name.clone() } else { format!("{prefix}/{}", child.name) };
        // A repeated element (a list's `member`) has no single path: only its first is judged.
        if !seen.insert(path.clone()) {
            continue;
        }
        if !child.children.is_empty() {
            collect_fields(child, &path, names, out, seen);
            continue;
        }
        let text = child.text.trim();
        let mut matcher = toml::Table::new();
        let symbolic = symbolize(text, names);
        if symbolic.contains("${") {
            matcher.insert("equals".into(), symbolic.into());
        } else if let Some(prefix) = ["ASIA", "AKIA"].into_iter().find(|p| text.starts_with(p) && text.len() == 20) {
            matcher.insert("regex".into(), format!("{prefix}[A-Z0-9]{{16}}").into());
        } else {
            matcher.insert("present".into(), true.into());
        }
        out.insert(path, toml::Value::Table(matcher));
    }
}

/// `text` with the world's names written as symbols, in one pass (the longest name at each place
/// wins, and a symbol written is never read again), `$` escaped for the runner. Names shorter than
/// six characters are too likely to occur by chance; a role's name (`demo`) is recognised only
/// where an assumed-role ARN carries it.
pub fn symbolize(text: &str, names: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (symbol, value) in names.iter().filter(|(s, v)| !s.ends_with(".name") && v.len() >= 6) {
            if let Some(tail) = rest.strip_prefix(value.as_str()) {
                out.push_str(&format!("${{{symbol}}}"));
                rest = tail;
                continue 'scan;
            }
        }
        if let Some(tail) = rest.strip_prefix("arn:aws:") {
            out.push_str("arn:${partition}:");
            rest = tail;
            continue;
        }
        if let Some(tail) = rest.strip_prefix("assumed-role/") {
            out.push_str("assumed-role/");
            for (symbol, value) in names.iter().filter(|(s, _)| s.ends_with(".name")) {
                if let Some(after) = tail.strip_prefix(value.as_str()).filter(|a| a.starts_with('/')) {
                    out.push_str(&format!("${{{symbol}}}"));
                    rest = after;
                    continue 'scan;
                }
            }
            rest = tail;
            continue;
        }
        if c == '$' {
            out.push('$');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Writes a sequence, with the model's expectations, as a scenario file.
pub fn render(id: &str, description: &str, acts: &[Act], expects: &[Option<Expectation>]) -> String {
    let mut features = vec![toml::Value::from("credentials")];
    if acts.iter().any(|a| matches!(a, Act::Advance(_))) {
        features.push("clock-control".into());
    }
    if acts.iter().any(|a| matches!(a, Act::OidcToken { .. })) {
        features.extend(["mock-admin".into(), "federation-oidc".into()]);
    }
    let steps: Vec<toml::Value> = acts
        .iter()
        .zip(expects.iter().chain(std::iter::repeat(&None)))
        .map(|(act, expect)| {
            let mut step = toml::Table::new();
            match act {
                Act::Advance(seconds) => {
                    step.insert("advance_clock".into(), (*seconds).into());
                }
                Act::OidcToken { body, save } => {
                    let admin =
                        toml::Table::from_iter([("path".to_owned(), "oidc/tokens".into()), ("body".to_owned(), body.as_str().into())]);
                    step.insert("admin".into(), toml::Value::Table(admin));
                    step.insert("save".into(), toml::Value::Table(toml::Table::from_iter([(save.clone(), "token".into())])));
                }
                Act::Call { operation, params, signer, save } => {
                    step.insert("call".into(), operation.as_str().into());
                    step.insert("as".into(), signer.as_str().into());
                    let params: toml::Table = params.iter().map(|(k, v)| (k.clone(), toml::Value::from(v.as_str()))).collect();
                    step.insert("params".into(), toml::Value::Table(params));
                    if let Some(name) = save {
                        step.insert("save".into(), toml::Value::Table(toml::Table::from_iter([(name.clone(), "Credentials".into())])));
                    }
                    if let Some(expect) = expect {
                        step.insert("expect".into(), toml::Value::Table(expect.clone()));
                    }
                }
            }
            toml::Value::Table(step)
        })
        .collect();
    let mut scenario = toml::Table::new();
    scenario.insert("id".into(), id.into());
    scenario.insert("description".into(), description.into());
    scenario.insert("features".into(), toml::Value::Array(features));
    scenario.insert("fidelity".into(), "inferred".into());
    scenario.insert("steps".into(), toml::Value::Array(steps));
    let file = toml::Table::from_iter([("scenario".to_owned(), toml::Value::Array(vec![toml::Value::Table(scenario)]))]);
    toml::to_string(&file).unwrap_or_default()
}

/// A divergence between the model and the endpoint.
#[derive(Debug, Clone)]
pub struct Divergence {
    /// `Operation: model <outcome> / endpoint <outcome>`: what tells divergences apart.
    pub signature: String,
    /// The operation of the diverging step.
    pub operation: String,
    /// The runner's account of the failing step.
    pub detail: String,
    /// The sequence, shrunk.
    pub acts: Vec<Act>,
    /// The model's expectations for it.
    pub expects: Vec<Option<Expectation>>,
    /// Steps before shrinking.
    pub original_steps: usize,
}

/// The outcome class of an answer: `200`, `400 ValidationError`, or another envelope's code.
fn outcome_class(status: u16, body: &str) -> String {
    match xml::parse(body) {
        Ok(root) => match root.child("Error").or_else(|| (root.name == "Error").then_some(&root)) {
            Some(error) => format!("{status} {}", error.text_of("Code").unwrap_or_default()),
            None => status.to_string(),
        },
        Err(_) => format!("{status} (not XML)"),
    }
}

/// The class an expectation (the `expected` JSON of an exchange) asks for.
fn expected_class(expected: &serde_json::Value) -> String {
    let status = expected.get("status").and_then(serde_json::Value::as_u64).unwrap_or(200);
    match expected.get("code").and_then(serde_json::Value::as_str) {
        Some(code) => format!("{status} {code}"),
        None => status.to_string(),
    }
}

/// The signature of a failed run: the failing step's operation, the expected and the actual
/// outcome class, and, when those agree, the field that differed.
fn signature_of(
    result: &runner::ScenarioResult,
    detail: &str,
    operation_of_step: impl Fn(usize) -> Option<String>,
) -> Option<(String, String)> {
    let step: usize = detail.strip_prefix("step ")?.split(':').next()?.trim().parse().ok()?;
    let exchange = result.exchanges.iter().rev().find(|e| e.step == step)?;
    let operation = operation_of_step(step)?;
    let expected = expected_class(&exchange.expected);
    let got = outcome_class(exchange.status, &exchange.body);
    let signature = if expected == got {
        let what = detail.split(':').nth(1).map(str::trim).unwrap_or_default();
        let field = what.split_whitespace().next().unwrap_or_default();
        format!("{operation}: {expected} / field {field}")
    } else {
        format!("{operation}: model {expected} / endpoint {got}")
    };
    Some((signature, operation))
}

/// Counters of an exploration.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Sequences run on both sides.
    pub sequences: usize,
    /// Calls sent to the endpoint.
    pub calls: usize,
    /// Sequences the endpoint could not run (a symbol or principal its profile lacks).
    pub skipped: usize,
    /// Divergences matching a known deviation of the profile.
    pub known: usize,
    /// Divergences seen again (same signature).
    pub repeated: usize,
    /// Sequences the model itself could not settle (a bug of the model or of the grammar).
    pub model_failures: usize,
}

/// Runs sequences against an endpoint and the model.
pub struct Explorer<'a> {
    model: &'a mut dyn Target,
    endpoint: &'a mut dyn Target,
    vocabulary: Vocabulary,
    names: Vec<(String, String)>,
    known: BTreeSet<String>,
    found: BTreeMap<String, Divergence>,
    /// The counters so far.
    pub tally: Tally,
    max_steps: usize,
    serial: usize,
}

impl<'a> Explorer<'a> {
    /// An explorer over `model` (the reference) and `endpoint`; sequences of up to `max_steps`.
    /// What both sides can name (roles, principals, MFA devices) makes the vocabulary.
    pub fn new(model: &'a mut dyn Target, endpoint: &'a mut dyn Target, max_steps: usize) -> Result<Explorer<'a>, String> {
        let who = Act::Call { operation: "GetCallerIdentity".into(), params: vec![], signer: "alice".into(), save: None };
        let probe = parse_file("explore", &render("probe", "names", &[who], &[])).map_err(|e| e.to_string())?;
        let model_binding = model.bind(&probe[0])?;
        let endpoint_binding = endpoint.bind(&probe[0])?;
        let both = |name: &String| endpoint_binding.symbols.contains_key(name);
        let mut vocabulary = Vocabulary {
            roles: model_binding
                .symbols
                .keys()
                .filter(|k| k.starts_with("role.") && k.matches('.').count() == 1)
                .filter(|k| both(k))
                .cloned()
                .collect(),
            principals: model_binding.principals.keys().filter(|p| endpoint_binding.principals.contains_key(*p)).cloned().collect(),
            mfa: model_binding.symbols.keys().filter(|k| k.starts_with("mfa.")).filter(|k| both(k)).cloned().collect(),
            managed_policy: model_binding.symbols.contains_key("account"),
            clock: endpoint.claims("clock-control"),
            oidc: endpoint.claims("mock-admin")
                && endpoint.claims("federation-oidc")
                && both(&"oidc.oidc.example.com".to_owned())
                && model_binding.symbols.contains_key("oidc.oidc.example.com"),
        };
        // Roles of other accounts make cross-account sequences; keep them, they are in both.
        vocabulary.roles.sort();
        if vocabulary.principals.is_empty() {
            return Err("the model and the endpoint share no principal (the profile maps none of alice, bob, carol, root)".into());
        }
        // The model's values that stand for the endpoint's: world names, as symbols.
        let mut names: Vec<(String, String)> =
            model_binding.symbols.iter().filter(|(k, _)| both(k) && *k != "partition").map(|(k, v)| (k.clone(), v.clone())).collect();
        for role in &vocabulary.roles {
            if let Some(arn) = model_binding.symbols.get(role) {
                names.push((format!("{role}.name"), arn.rsplit('/').next().unwrap_or_default().to_owned()));
            }
        }
        names.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        Ok(Explorer {
            model,
            endpoint,
            vocabulary,
            names,
            known: BTreeSet::new(),
            found: BTreeMap::new(),
            tally: Tally::default(),
            max_steps: max_steps.max(1),
            serial: 0,
        })
    }

    /// Runs the profile's known deviations (`scenarios`, those the endpoint lists) once, so that
    /// divergences with their signatures are not reported again. Returns how many were learnt.
    pub fn learn_deviations(&mut self, scenarios: &[Scenario]) -> usize {
        let listed: Vec<&Scenario> = scenarios.iter().filter(|s| self.endpoint.deviation(&s.id).is_some()).collect();
        for scenario in listed {
            let result = runner::run_one(self.endpoint, scenario);
            if let Status::ExpectedFailure { detail, .. } = &result.status {
                let operation = |step: usize| scenario.doc.steps.get(step - 1).and_then(|s| s.call.clone());
                if let Some((signature, _)) = signature_of(&result, detail, operation) {
                    self.known.insert(signature);
                }
            }
        }
        self.known.len()
    }

    /// The divergences found so far, by signature.
    pub fn divergences(&self) -> &BTreeMap<String, Divergence> {
        &self.found
    }

    /// Generates one sequence, runs it on both sides, and shrinks a new divergence. Returns it.
    pub fn step(&mut self, rng: &mut Rng) -> Option<&Divergence> {
        self.serial += 1;
        let length = 1 + rng.below(self.max_steps);
        let mut acts = Vec::new();
        let mut expects = Vec::new();
        for index in 0..length {
            let saved: Vec<String> =
                acts.iter().filter_map(|a| if let Act::Call { save: Some(s), .. } = a { Some(s.clone()) } else { None }).collect();
            for act in self.vocabulary.next_acts(rng, &saved, index + 1) {
                acts.push(act);
                match self.settle_last(&mut acts, &expects) {
                    Ok(expect) => expects.push(expect),
                    Err(_) => {
                        self.tally.model_failures += 1;
                        return None;
                    }
                }
            }
        }
        self.tally.sequences += 1;
        let (signature, operation, detail) = self.diverges(&acts, &expects)?;
        if self.known.contains(&signature) {
            self.tally.known += 1;
            return None;
        }
        if self.found.contains_key(&signature) {
            self.tally.repeated += 1;
            return None;
        }
        let original_steps = acts.len();
        let (acts, expects, detail) = self.shrink(acts, expects, &signature, detail);
        let divergence = Divergence { signature: signature.clone(), operation, detail, acts, expects, original_steps };
        self.found.insert(signature.clone(), divergence);
        self.found.get(&signature)
    }

    /// Runs `acts` on the model with the expectations known so far (the last step's is not) and
    /// returns the last step's: what the model answered. A call whose answer is an error saves
    /// nothing (its `save` is dropped).
    fn settle_last(&mut self, acts: &mut [Act], expects: &[Option<Expectation>]) -> Result<Option<Expectation>, String> {
        let last = acts.len();
        if !matches!(acts[last - 1], Act::Call { .. }) {
            return Ok(None);
        }
        let scenario = scenario_of("settle", acts, expects)?;
        let result = runner::run_one(self.model, &scenario);
        if let Status::Failed(detail) = &result.status
            && !detail.starts_with(&format!("step {last}:"))
        {
            return Err(format!("the model failed an earlier step: {detail}"));
        }
        let exchange = result.exchanges.iter().rev().find(|e| e.step == last).ok_or("the model sent nothing for the step")?;
        let expect = expectation_of(exchange.status, &exchange.body, &self.names);
        if expect.contains_key("code")
            && let Act::Call { save, .. } = &mut acts[last - 1]
        {
            *save = None;
        }
        Ok(Some(expect))
    }

    /// All expectations of `acts`, from the model (`None` when the model cannot run them).
    fn settle_all(&mut self, acts: &mut [Act]) -> Option<Vec<Option<Expectation>>> {
        let mut expects = Vec::new();
        for n in 1..=acts.len() {
            let expect = self.settle_last(&mut acts[..n], &expects).ok()?;
            expects.push(expect);
        }
        Some(expects)
    }

    /// Runs the sequence on the endpoint: `(signature, operation, detail)` of a divergence.
    fn diverges(&mut self, acts: &[Act], expects: &[Option<Expectation>]) -> Option<(String, String, String)> {
        let scenario = scenario_of("run", acts, expects).ok()?;
        let result = runner::run_one(self.endpoint, &scenario);
        self.tally.calls += result.exchanges.len();
        match &result.status {
            Status::Failed(detail) => {
                let operation = |step: usize| match acts.get(step - 1) {
                    Some(Act::Call { operation, .. }) => Some(operation.clone()),
                    _ => None,
                };
                let (signature, operation) = signature_of(&result, detail, operation)
                    .unwrap_or_else(|| (format!("unclassified: {}", detail.chars().take(80).collect::<String>()), "?".into()));
                Some((signature, operation, detail.clone()))
            }
            Status::Skipped(_) => {
                self.tally.skipped += 1;
                None
            }
            _ => None,
        }
    }

    /// Removes steps, then parameters, one at a time, while the same divergence remains.
    fn shrink(
        &mut self,
        mut acts: Vec<Act>,
        mut expects: Vec<Option<Expectation>>,
        signature: &str,
        mut detail: String,
    ) -> (Vec<Act>, Vec<Option<Expectation>>, String) {
        // Steps after the diverging one play no part.
        if let Some(step) = detail.strip_prefix("step ").and_then(|d| d.split(':').next()).and_then(|n| n.trim().parse::<usize>().ok()) {
            acts.truncate(step);
            expects.truncate(step);
        }
        let mut tries = 0;
        loop {
            let mut changed = false;
            let mut candidates: Vec<Vec<Act>> = (0..acts.len()).rev().filter(|_| acts.len() > 1).map(|i| without_step(&acts, i)).collect();
            for (i, act) in acts.iter().enumerate() {
                if let Act::Call { params, signer, .. } = act {
                    // A step signed with saved credentials, signed instead by whoever obtained
                    // them: the step that saved them may then go.
                    if let Some(saver) = signer.strip_prefix('$').and_then(|name| saver_of(&acts, name)) {
                        let mut candidate = acts.clone();
                        if let Act::Call { signer, .. } = &mut candidate[i] {
                            *signer = saver;
                        }
                        candidates.push(candidate);
                    }
                    for p in (0..params.len()).rev() {
                        candidates.push(without_param(&acts, i, p));
                    }
                }
            }
            for mut candidate in candidates {
                tries += 1;
                if tries > 400 {
                    return (acts, expects, detail);
                }
                let Some(candidate_expects) = self.settle_all(&mut candidate) else { continue };
                if let Some((s, _, d)) = self.diverges(&candidate, &candidate_expects)
                    && s == signature
                {
                    acts = candidate;
                    expects = candidate_expects;
                    detail = d;
                    changed = true;
                    break;
                }
            }
            if !changed {
                return (acts, expects, detail);
            }
        }
    }
}

fn without_step(acts: &[Act], index: usize) -> Vec<Act> {
    acts.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, a)| a.clone()).collect()
}

/// Who signed the step that saved credentials as `name`.
fn saver_of(acts: &[Act], name: &str) -> Option<String> {
    acts.iter().find_map(|a| match a {
        Act::Call { save: Some(saved), signer, .. } if saved == name => Some(signer.clone()),
        _ => None,
    })
}

fn without_param(acts: &[Act], index: usize, param: usize) -> Vec<Act> {
    let mut out = acts.to_vec();
    if let Act::Call { params, .. } = &mut out[index] {
        params.remove(param);
    }
    out
}

fn scenario_of(id: &str, acts: &[Act], expects: &[Option<Expectation>]) -> Result<Scenario, String> {
    let text = render(id, "explore", acts, expects);
    let mut scenarios = parse_file("explore", &text).map_err(|e| format!("{e}\n{text}"))?;
    scenarios.pop().ok_or_else(|| "no scenario".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<(String, String)> {
        let mut names = vec![
            ("account".to_owned(), "123456789012".to_owned()),
            ("role.demo".to_owned(), "arn:aws:iam::123456789012:role/demo".to_owned()),
            ("role.demo.id".to_owned(), "AROAEXAMPLEEXAMPLE01".to_owned()),
            ("role.demo.name".to_owned(), "demo".to_owned()),
        ];
        names.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        names
    }

    #[test]
    fn world_names_become_symbols_and_other_values_stay() {
        let names = names();
        assert_eq!(
            symbolize("arn:aws:sts::123456789012:assumed-role/demo/s", &names),
            "arn:${partition}:sts::${account}:assumed-role/${role.demo.name}/s"
        );
        assert_eq!(symbolize("AROAEXAMPLEEXAMPLE01:s", &names), "${role.demo.id}:s");
        // A short name elsewhere is text, not a symbol; a `$` is escaped for the runner.
        assert_eq!(symbolize("demo costs $5", &names), "demo costs $$5");
        // A name inside a longer one is not written twice (`tagged` is a role name and a word).
        let mut names = names;
        names.push(("role.tagged".into(), "arn:aws:iam::123456789012:role/app/tagged".into()));
        names.push(("role.tagged.name".into(), "tagged".into()));
        names.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        assert_eq!(symbolize("arn:aws:iam::123456789012:role/app/tagged", &names), "${role.tagged}");
        assert_eq!(
            symbolize("arn:aws:sts::123456789012:assumed-role/tagged/s", &names),
            "arn:${partition}:sts::${account}:assumed-role/${role.tagged.name}/s"
        );
    }

    #[test]
    fn an_error_answer_expects_status_code_and_type() {
        let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"#;
        let expect = expectation_of(400, body, &names());
        assert_eq!(expect.get("status"), Some(&toml::Value::Integer(400)));
        assert_eq!(expect.get("code").and_then(toml::Value::as_str), Some("ValidationError"));
        assert_eq!(expect.get("type").and_then(toml::Value::as_str), Some("Sender"));
        assert!(!expect.contains_key("message"), "messages are not compared");
    }

    #[test]
    fn a_success_expects_its_fields_formats_and_named_values() {
        let body = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAQWERTYUIOPASDFGH</AccessKeyId><SecretAccessKey>x</SecretAccessKey></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn><AssumedRoleId>AROAEXAMPLEEXAMPLE01:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>"#;
        let expect = expectation_of(200, body, &names());
        let fields = expect["fields"].as_table().unwrap();
        assert_eq!(fields["Credentials/AccessKeyId"]["regex"].as_str(), Some("ASIA[A-Z0-9]{16}"));
        assert_eq!(fields["Credentials/SecretAccessKey"]["present"].as_bool(), Some(true));
        assert_eq!(
            fields["AssumedRoleUser/Arn"]["equals"].as_str(),
            Some("arn:${partition}:sts::${account}:assumed-role/${role.demo.name}/s")
        );
        assert_eq!(fields["AssumedRoleUser/AssumedRoleId"]["equals"].as_str(), Some("${role.demo.id}:s"));
    }

    #[test]
    fn a_rendered_sequence_is_a_scenario_the_runner_reads() {
        let acts = vec![
            Act::Call {
                operation: "GetSessionToken".into(),
                params: vec![("DurationSeconds".into(), "900".into())],
                signer: "alice".into(),
                save: Some("s1".into()),
            },
            Act::Advance(60),
            Act::Call { operation: "GetCallerIdentity".into(), params: vec![], signer: "$s1".into(), save: None },
        ];
        let expect = toml::Table::from_iter([("status".to_owned(), toml::Value::Integer(200))]);
        let text = render("d1", "a divergence", &acts, &[Some(expect.clone()), None, Some(expect)]);
        let scenarios = parse_file("explore/found", &text).unwrap();
        assert_eq!(scenarios[0].id, "explore/found/d1");
        assert_eq!(scenarios[0].doc.steps.len(), 3);
        assert_eq!(scenarios[0].doc.steps[1].advance_clock, Some(60));
        assert_eq!(scenarios[0].doc.steps[2].signer.as_deref(), Some("$s1"));
        assert!(scenarios[0].needs("clock-control"));
    }

    #[test]
    fn the_generator_repeats_with_its_seed() {
        let vocabulary = Vocabulary {
            roles: vec!["role.demo".into()],
            principals: vec!["alice".into()],
            mfa: vec![],
            managed_policy: true,
            clock: true,
            oidc: true,
        };
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..20).flat_map(|i| vocabulary.next_acts(&mut rng, &[], i)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }
}
