//! The scenario format: what a scenario file says, read with serde from TOML.
//!
//! A file under `scenarios/` holds scenarios of one operation and theme. The format is documented
//! with examples in `scenarios/README.md`; this module is its schema. Unknown keys are errors, so a
//! typo in a scenario cannot silently weaken it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sts_model::Operation;

/// How sure we are that the expected answer is what AWS sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fidelity {
    /// Seen from the real service (an error message quoted in a public issue or transcript).
    Observed,
    /// Written in AWS's API model or user guide.
    Documented,
    /// Our closest guess where the real behaviour is unknown.
    Inferred,
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fidelity::Observed => "observed",
            Fidelity::Documented => "documented",
            Fidelity::Inferred => "inferred",
        })
    }
}

/// The features a scenario may need (and a profile may claim). They are also the columns of the
/// report matrix. A scenario with a feature a target does not claim is skipped on that target.
pub const FEATURES: &[(&str, &str)] = &[
    ("input-contract", "bounds, patterns and required members of the model"),
    ("query-protocol", "form and query decoding, Action and Version, envelopes"),
    ("credentials", "the credentials and ids a call returns"),
    ("duration", "DurationSeconds defaults, bounds and caps"),
    ("caller-restrictions", "which caller types may call which operation"),
    ("chaining", "role chaining and its one-hour cap"),
    ("trust", "trust policies, ExternalId and cross-account access"),
    ("identity-policies", "the caller's own policies, permissions boundary and SCPs authorize STS actions"),
    ("mfa", "SerialNumber and TokenCode"),
    ("tags", "session tags and transitive tag keys"),
    ("source-identity", "SourceIdentity and its persistence"),
    ("session-policies", "inline and managed session policies, packed size"),
    ("sigv4", "signature verification and its errors"),
    ("clock-control", "the runner moves the target's clock (mocks only)"),
    ("world-setup", "the scenario adds its own accounts, users or roles (mocks only)"),
    ("federation-oidc", "AssumeRoleWithWebIdentity token checks"),
    ("federation-saml", "AssumeRoleWithSAML assertion checks"),
    ("organizations", "AssumeRoot on member accounts"),
    ("authorization-messages", "DecodeAuthorizationMessage"),
    ("outbound-federation", "GetWebIdentityToken"),
    ("delegated-access", "GetDelegatedAccessToken"),
    ("regions", "regional endpoints and disabled regions"),
    ("scoped-credentials", "GetScopedCredentials: scope-down layers, lifetimes, preserved identity"),
    ("identity-propagation", "trusted identity propagation: context assertions, origin identity, SubjectMode"),
    ("mock-admin", "the runner uses the mock's admin API: faults, trade-in tokens (mocks only)"),
    ("iam", "the IAM API on the same endpoint: users, keys, roles, policies, providers, MFA"),
];

/// One scenario file: an optional setup shared by its scenarios, and the scenarios.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Extra world, in the world-file format, added to the suite's world for every scenario of the
    /// file. A file with a setup needs the `world-setup` feature.
    #[serde(default)]
    pub setup: Option<toml::Table>,
    /// Extra principals the file's steps may sign as (values may use `${symbol}`, filled when the
    /// step runs): a stranger's key, a known key with the wrong secret, saved keys without a token.
    #[serde(default)]
    pub principals: BTreeMap<String, crate::symbols::Principal>,
    /// The scenarios.
    #[serde(rename = "scenario", default)]
    pub scenarios: Vec<ScenarioDoc>,
}

/// A scenario as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    /// Unique within the file; the full id is `<file path>/<id>`.
    pub id: String,
    /// What a person reads in a report.
    pub description: String,
    /// The operation the scenario is about (the matrix row); the last call's operation if omitted.
    pub operation: Option<String>,
    /// Features needed (the matrix columns).
    pub features: Vec<String>,
    /// Where the expected answer comes from.
    pub fidelity: Fidelity,
    /// The public sources that show the expected answer: each entry an `https://` URL, optionally
    /// followed by ` : ` and what the source shows (`"https://github.com/o/r/issues/1 : pasted '...'"`).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Modeled error codes this scenario accounts for without expecting them, with the reason
    /// (where the model lists an error that the service answers differently).
    #[serde(default)]
    pub accounts_for: BTreeMap<String, String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step: a call, a raw HTTP request, or moving the clock.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The operation to call (`Action`); `Version` is added.
    pub call: Option<String>,
    /// The service of `call`: `sts` (the default) or `iam` (signed for IAM's scope, `us-east-1`,
    /// `Version=2010-05-08`).
    pub service: Option<String>,
    /// Query parameters of the call (values may use `${symbol}`).
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// A raw HTTP request instead of a call.
    pub raw: Option<RawRequest>,
    /// Seconds to move the target's clock forward (needs `clock-control`).
    pub advance_clock: Option<i64>,
    /// A request to the mock's admin API (needs `mock-admin`): faults, trade-in tokens.
    pub admin: Option<AdminRequest>,
    /// Who signs: a principal of the suite (`alice`), `anonymous` (unsigned) or `$name` (credentials
    /// saved by an earlier step). Default `alice`.
    #[serde(rename = "as")]
    pub signer: Option<String>,
    /// How to sign: `header` (default) or `query` (presigned URL, GET).
    pub signing: Option<String>,
    /// Sign at this many seconds from the target's clock (to test skew).
    pub sign_offset_seconds: Option<i64>,
    /// Values to save for later steps: name to a response path (`Credentials`, `AssumedRoleUser/Arn`).
    #[serde(default)]
    pub save: BTreeMap<String, String>,
    /// What the answer must be.
    pub expect: Option<ExpectDoc>,
}

/// A raw HTTP request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    /// `POST` unless given.
    pub method: Option<String>,
    /// `/` unless given.
    pub path: Option<String>,
    /// The query string, sent as written (after symbol substitution).
    pub query: Option<String>,
    /// The body, sent as written.
    pub body: Option<String>,
    /// The body as hex, for bytes that are not UTF-8.
    pub body_hex: Option<String>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Whether the runner signs it (default true; the signer is the step's `as`).
    pub sign: Option<bool>,
    /// `Content-Type`; `application/x-www-form-urlencoded; charset=utf-8` unless given.
    pub content_type: Option<String>,
}

/// A request to the mock's admin API under `/__sts/`; its JSON answer's top-level fields can be saved.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminRequest {
    /// `POST` unless given.
    pub method: Option<String>,
    /// The route after `/__sts/` (`faults`, `trade-in-tokens`).
    pub path: String,
    /// A JSON body (symbols filled).
    pub body: Option<String>,
}

/// The expected answer, as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    /// HTTP status.
    pub status: Option<u16>,
    /// Error code (`<Code>`); absent means the answer must be a success.
    pub code: Option<String>,
    /// `Sender` or `Receiver`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A regular expression the message must match (searched, not anchored).
    pub message: Option<String>,
    /// The request is admitted by the input contract of this member path: any answer but a
    /// `ValidationError` about it passes (used by the generated input-contract scenarios).
    pub admits: Option<String>,
    /// Response fields, by path under the `…Result` element (`Credentials/AccessKeyId`), or from
    /// the envelope with a leading `/` (`/ResponseMetadata/RequestId`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Matcher>,
}

/// A matcher on one response field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// The text equals this (after symbol substitution).
    pub equals: Option<String>,
    /// The text matches this regular expression (anchored at both ends).
    pub regex: Option<String>,
    /// `true`: the element exists; `false`: it does not.
    pub present: Option<bool>,
    /// A timestamp within `seconds` of this time: `now`, `now+3600`, `now-60` or RFC 3339.
    pub within_seconds_of: Option<String>,
    /// Tolerance of `within_seconds_of`, 5 unless given.
    pub seconds: Option<i64>,
    /// Length in characters, inclusive `[min, max]`.
    pub length: Option<[usize; 2]>,
    /// An integer in the inclusive range `[min, max]`.
    pub range: Option<[i64; 2]>,
}

/// What a scenario is about (the report row): an STS operation, or an IAM action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// An STS operation.
    Sts(Operation),
    /// An IAM action of the model (`CreateUser`).
    Iam(&'static str),
}

impl Subject {
    /// The operation's name (`AssumeRole`, `CreateUser`).
    pub fn name(self) -> &'static str {
        match self {
            Subject::Sts(op) => op.name(),
            Subject::Iam(action) => action,
        }
    }

    /// An STS operation or IAM action by name (STS first: no name is both).
    pub fn from_name(name: &str) -> Option<Subject> {
        Operation::from_name(name).map(Subject::Sts).or_else(|| iam_action(name).map(Subject::Iam))
    }
}

impl PartialEq<Operation> for Subject {
    fn eq(&self, other: &Operation) -> bool {
        *self == Subject::Sts(*other)
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The IAM action of the model called `name`.
fn iam_action(name: &str) -> Option<&'static str> {
    sts_wire::iam::operations().find(|o| *o == name)
}

/// A scenario ready to run: its full id, file setup and the doc.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `<file path>/<id>`, usable as a test name.
    pub id: String,
    /// The operation (matrix row).
    pub operation: Subject,
    /// The setup of its file.
    pub setup: Option<String>,
    /// The extra principals of its file.
    pub principals: BTreeMap<String, crate::symbols::Principal>,
    /// The scenario as written.
    pub doc: ScenarioDoc,
}

impl Scenario {
    /// Whether it needs `feature`.
    pub fn needs(&self, feature: &str) -> bool {
        self.doc.features.iter().any(|f| f == feature)
    }

    /// Whether the runner generated it from the model's constraint table (an input-contract case)
    /// rather than a person writing it.
    pub fn is_generated(&self) -> bool {
        self.id.starts_with("contract/")
    }

    /// Error codes any of its steps expect.
    pub fn expected_codes(&self) -> impl Iterator<Item = &str> {
        self.doc.steps.iter().filter_map(|s| s.expect.as_ref()?.code.as_deref())
    }
}

/// A problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct LoadError {
    /// The file (relative path).
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// Parses one scenario file. `name` is its path under `scenarios/` without `.toml`
/// (`assume-role/duration`), the prefix of every id.
///
/// ```
/// use sts_conformance::scenario::parse_file;
/// let scenarios = parse_file("demo/basics", r#"
///     [[scenario]]
///     id = "who-am-i"
///     description = "GetCallerIdentity names the signing user"
///     features = ["credentials"]
///     fidelity = "documented"
///     [[scenario.steps]]
///     call = "GetCallerIdentity"
///     expect = { status = 200, fields = { Arn = { equals = "${user.alice}" } } }
/// "#).unwrap();
/// assert_eq!(scenarios[0].id, "demo/basics/who-am-i");
/// assert!(parse_file("x", "[[scenario]]\nid = 1").is_err());
/// ```
pub fn parse_file(name: &str, text: &str) -> Result<Vec<Scenario>, LoadError> {
    let fail = |message: String| LoadError { file: format!("{name}.toml"), message };
    let file: ScenarioFile = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
    let setup = match &file.setup {
        Some(table) => Some(toml::to_string(table).map_err(|e| fail(e.to_string()))?),
        None => None,
    };
    if let Some(text) = &setup {
        sts_model::world::WorldFile::parse(text).map_err(|e| fail(format!("setup: {e}")))?;
    }
    let mut out = Vec::new();
    for doc in file.scenarios.clone() {
        let id = format!("{name}/{}", doc.id);
        let at = |m: String| fail(format!("scenario {}: {m}", doc.id));
        if doc.steps.is_empty() {
            return Err(at("has no steps".into()));
        }
        for feature in &doc.features {
            if !FEATURES.iter().any(|(f, _)| f == feature) {
                return Err(at(format!("unknown feature {feature:?} (see FEATURES)")));
            }
        }
        for source in &doc.evidence {
            if !source.starts_with("https://") || source.len() <= "https://".len() {
                return Err(at(format!("evidence {source:?}: each entry starts with the https:// URL of its source")));
            }
        }
        if setup.is_some() && !doc.features.iter().any(|f| f == "world-setup") {
            return Err(at("the file has a setup, so the scenario needs the world-setup feature".into()));
        }
        for (i, step) in doc.steps.iter().enumerate() {
            let kinds = [step.call.is_some(), step.raw.is_some(), step.advance_clock.is_some(), step.admin.is_some()];
            if kinds.iter().filter(|k| **k).count() != 1 {
                return Err(at(format!("step {}: exactly one of call, raw, advance_clock, admin", i + 1)));
            }
            if step.admin.is_some() && !doc.features.iter().any(|f| f == "mock-admin") {
                return Err(at("an admin step needs the mock-admin feature".into()));
            }
            if step.advance_clock.is_some() && !doc.features.iter().any(|f| f == "clock-control") {
                return Err(at("advance_clock needs the clock-control feature".into()));
            }
            match (step.service.as_deref(), &step.call) {
                (Some("iam"), Some(call)) => {
                    if iam_action(call).is_none() {
                        return Err(at(format!("step {}: unknown IAM operation {call:?}", i + 1)));
                    }
                    if !doc.features.iter().any(|f| f == "iam") {
                        return Err(at("an IAM step needs the iam feature".into()));
                    }
                    if step.signing.is_some() {
                        return Err(at(format!("step {}: IAM calls are signed in the header only", i + 1)));
                    }
                }
                (Some("iam"), None) => return Err(at(format!("step {}: service applies to a call", i + 1))),
                (None | Some("sts"), Some(call)) if Operation::from_name(call).is_none() => {
                    return Err(at(format!("step {}: unknown operation {call:?}", i + 1)));
                }
                (None | Some("sts"), _) => {}
                (Some(other), _) => return Err(at(format!("step {}: unknown service {other:?} (sts or iam)", i + 1))),
            }
            if let Some(expect) = &step.expect {
                // Keys the judge would silently ignore are refused, so a scenario says only what it checks.
                let ignored = if expect.admits.is_some() {
                    (expect.code.is_some() || expect.kind.is_some() || expect.message.is_some() || !expect.fields.is_empty())
                        .then_some("admits judges alone: no code, type, message or fields beside it")
                } else if step.admin.is_some() {
                    (expect.code.is_some() || expect.kind.is_some() || expect.message.is_some())
                        .then_some("an admin answer is JSON: only status and fields (its top-level keys) are judged")
                } else if expect.code.is_some() {
                    (!expect.fields.is_empty()).then_some("fields are read from a success; an expected error cannot have them")
                } else {
                    (expect.kind.is_some() || expect.message.is_some())
                        .then_some("type and message judge an error: name its code, or drop them for a success")
                };
                if let Some(why) = ignored {
                    return Err(at(format!("step {}: {why}", i + 1)));
                }
                for (path, m) in &expect.fields {
                    if let Some(r) = &m.regex {
                        regex::Regex::new(&symbols_as_text(r)).map_err(|e| at(format!("field {path}: {e}")))?;
                    }
                }
                if let Some(r) = &expect.message {
                    regex::Regex::new(&symbols_as_text(r)).map_err(|e| at(format!("message: {e}")))?;
                }
            }
        }
        let operation = match doc.operation.as_deref().or_else(|| doc.steps.iter().rev().find_map(|s| s.call.as_deref())) {
            Some(name) => Subject::from_name(name).ok_or_else(|| at(format!("unknown operation {name:?}")))?,
            None => return Err(at("no operation: name one, or make a step a call".into())),
        };
        out.push(Scenario { id, operation, setup: setup.clone(), principals: file.principals.clone(), doc });
    }
    Ok(out)
}

/// A pattern with its `${symbol}`s as plain text, to check that it compiles before any symbol is
/// known (the runner fills them, quoted, at run time).
fn symbols_as_text(pattern: &str) -> String {
    crate::symbols::substitute(pattern, |_| Some("symbol".to_owned())).unwrap_or_else(|_| pattern.to_owned())
}

/// Loads every `*.toml` under `dir` (except `world.toml` and `profiles/`), sorted by path.
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<Scenario>, LoadError> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files).map_err(|e| LoadError { file: dir.display().to_string(), message: e.to_string() })?;
    files.sort();
    let mut all = Vec::new();
    for (name, path) in files {
        let text = std::fs::read_to_string(&path).map_err(|e| LoadError { file: name.clone(), message: e.to_string() })?;
        all.extend(parse_file(&name, &text)?);
    }
    let mut ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(LoadError { file: dir.display().to_string(), message: format!("duplicate scenario id {}", w[0]) });
    }
    Ok(all)
}

fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, std::path::PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if path.is_dir() {
            if rel != "profiles" {
                collect(root, &path, out)?;
            }
        } else if let Some(name) = rel.strip_suffix(".toml")
            && name != "world"
        {
            out.push((name.to_owned(), path));
        }
    }
    Ok(())
}
