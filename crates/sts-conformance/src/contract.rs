//! Input-contract cases generated from the constraint table: for every member of every operation,
//! each length, value and item-count bound just inside and just outside, a pattern violation, and
//! each required member missing. Expected answers follow AWS's `ValidationError` grammar.

use sts_model::Operation;
use sts_wire::constraints::{Member, Shape, input_members};

use crate::scenario::{ExpectDoc, Fidelity, Scenario, ScenarioDoc, Step};

/// The feature column these cases report under.
pub const FEATURE: &str = "input-contract";

/// Where every generated case comes from: the bounds and patterns of botocore's STS model (1.44.8).
pub const MODEL_SOURCE: &str =
    "https://github.com/boto/botocore/blob/1.44.8/botocore/data/sts/2011-06-15/service-2.json : the member's bound, pattern or requirement";

/// What a generated case expects.
enum Expectation {
    /// Any answer but a `ValidationError` about this member path.
    Admitted { path: String },
    /// A `ValidationError` whose message contains this text (AWS's grammar).
    Rejected { message: String },
}

/// One generated case, turned into a one-step scenario.
struct Case {
    id: String,
    operation: Operation,
    description: String,
    params: Vec<(String, String)>,
    expect: Expectation,
}

impl Case {
    fn into_scenario(self) -> Scenario {
        let expect = match self.expect {
            Expectation::Admitted { path } => ExpectDoc { admits: Some(path), ..ExpectDoc::default() },
            Expectation::Rejected { message } => ExpectDoc {
                status: Some(400),
                code: Some("ValidationError".into()),
                kind: Some("Sender".into()),
                // The pattern cases send U+0001, which no XML answer can carry as such (the mock
                // writes U+FFFD in its place; what AWS writes is not documented): any one character
                // stands there.
                message: Some(regex::escape(&message).replace('\u{1}', ".")),
                ..ExpectDoc::default()
            },
        };
        let params = self.params.into_iter().map(|(k, v)| (k, toml::Value::String(v))).collect();
        let step = Step { call: Some(self.operation.name().into()), params, expect: Some(expect), ..Step::default() };
        Scenario {
            id: format!("contract/{}", self.id),
            operation: crate::scenario::Subject::Sts(self.operation),
            setup: None,
            principals: Default::default(),
            doc: ScenarioDoc {
                id: self.id,
                description: self.description,
                operation: Some(self.operation.name().into()),
                features: std::iter::once(FEATURE).chain(operation_feature(self.operation)).map(str::to_owned).collect(),
                fidelity: Fidelity::Documented,
                evidence: vec![MODEL_SOURCE.to_owned()],
                accounts_for: Default::default(),
                steps: vec![step],
            },
        }
    }
}

/// The feature an operation's contract cases need besides `input-contract`, for operations a target
/// may not have at all (a target that lacks GetScopedCredentials skips its cases instead of failing
/// every one of them).
fn operation_feature(operation: Operation) -> Option<&'static str> {
    match operation {
        Operation::GetScopedCredentials => Some("scoped-credentials"),
        _ => None,
    }
}

fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// A string of `len` characters accepted by the shape's pattern.
fn filler(shape: &Shape, len: usize) -> String {
    let ch = match shape {
        Shape::String { pattern: Some(p), .. } => ['a', '7'].into_iter().find(|c| p.is_match(&c.to_string())).unwrap_or('a'),
        _ => 'a',
    };
    std::iter::repeat_n(ch, len).collect()
}

/// A plausible valid value for a top-level required member, so the base request is meaningful.
fn sample(member: &Member) -> Option<&'static str> {
    Some(match member.name {
        "RoleArn" => "${role.demo}",
        "PrincipalArn" => "${saml.corp}",
        "TargetPrincipal" => "${account.2}",
        "SigningAlgorithm" => "RS256",
        "AccessKeyId" => "AKIAIOSFODNN7EXAMPLE",
        _ => return None,
    })
}

/// The sample value of a top-level member path (`signingAlgorithm`).
fn sample_for_path(path: &str) -> Option<&'static str> {
    Operation::ALL.iter().flat_map(|op| input_members(*op)).find(|m| lower_camel(m.name) == path).and_then(sample)
}

/// Valid wire pairs for `shape` at `key`.
fn valid(shape: &'static Shape, key: &str, out: &mut Vec<(String, String)>) {
    valid_nth(shape, key, 1, out)
}

/// Valid wire pairs for the `nth` item of a list: strings differ from item to item (51 identical
/// tag keys would be refused as duplicates, not for their number), other shapes as [`valid`].
fn valid_nth(shape: &'static Shape, key: &str, nth: usize, out: &mut Vec<(String, String)>) {
    match shape {
        Shape::String { min, max, pattern } => {
            let base = filler(shape, min.unwrap_or(1).max(1));
            let value = if nth <= 1 {
                base
            } else {
                // The item number in digits, else in letters, appended or replacing the tail.
                let letters: String = {
                    let (mut n, mut s) = (nth, String::new());
                    while n > 0 {
                        s.insert(0, char::from(b'a' + ((n - 1) % 26) as u8));
                        n = (n - 1) / 26;
                    }
                    s
                };
                let fits = |v: &String| v.chars().count() <= max.unwrap_or(usize::MAX) && pattern.is_none_or(|p| p.is_match(v));
                [nth.to_string(), letters]
                    .into_iter()
                    .flat_map(|tag| {
                        let keep = base.chars().count().saturating_sub(tag.chars().count());
                        [format!("{base}{tag}"), format!("{}{tag}", base.chars().take(keep).collect::<String>())]
                    })
                    .find(|v| fits(v) && v.chars().count() >= min.unwrap_or(0))
                    .unwrap_or(base)
            };
            out.push((key.into(), value));
        }
        Shape::Enum(values) => out.push((key.into(), values.first().copied().unwrap_or_default().into())),
        Shape::Integer { min, .. } => out.push((key.into(), min.unwrap_or(0).to_string())),
        Shape::List { min, member, .. } => {
            for i in 1..=min.unwrap_or(1).max(1) {
                valid_nth(member, &format!("{key}.member.{i}"), i, out);
            }
        }
        Shape::Structure(fields) => {
            for f in fields.iter() {
                valid_nth(f.shape, &format!("{key}.{}", f.name), nth, out);
            }
        }
    }
}

struct Builder {
    operation: Operation,
    cases: Vec<Case>,
}

impl Builder {
    fn base(&self, without: &str) -> Vec<(String, String)> {
        let mut params = vec![("Action".into(), self.operation.name().into()), ("Version".into(), "2011-06-15".into())];
        for m in input_members(self.operation).iter().filter(|m| m.required && m.name != without) {
            match sample(m) {
                Some(v) => params.push((m.name.into(), v.into())),
                None => valid(m.shape, m.name, &mut params),
            }
        }
        params
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        top: &str,
        extra: &[(String, String)],
        own: Vec<(String, String)>,
        path: &str,
        slug: String,
        description: String,
        rejection: Option<String>,
    ) {
        let mut params = self.base(top);
        params.extend(extra.iter().cloned());
        params.extend(own);
        let expect = match rejection {
            None => Expectation::Admitted { path: path.to_string() },
            Some(message) => Expectation::Rejected { message },
        };
        self.cases.push(Case { id: format!("{}/{path}/{slug}", self.operation), operation: self.operation, description, params, expect });
    }

    fn member(&mut self, top: &str, shape: &'static Shape, sensitive: bool, key: &str, path: &str, extra: &[(String, String)]) {
        let value_at = |v: &str| {
            if sensitive {
                format!("Value at '{path}' failed to satisfy constraint: ")
            } else {
                format!("Value '{v}' at '{path}' failed to satisfy constraint: ")
            }
        };
        match shape {
            Shape::String { min, max, pattern } => {
                let edge = |this: &mut Self, len: usize, bound: String, rejected: Option<&str>| {
                    // Where a documented value has the edge's length (SigningAlgorithm `RS256`), send it:
                    // the case is about the length, not about the value set.
                    let documented = sample_for_path(path).filter(|s| s.chars().count() == len);
                    let v = documented.map_or_else(|| filler(shape, len), str::to_owned);
                    let rejection = rejected.map(|c| format!("{}Member must have length {c} than or equal to {bound}", value_at(&v)));
                    let verb = if rejection.is_some() { "is rejected" } else { "is admitted" };
                    this.push(
                        top,
                        extra,
                        vec![(key.into(), v)],
                        path,
                        format!("length-{len}"),
                        format!("{path} of {len} characters {verb} (bound {bound})"),
                        rejection,
                    );
                };
                if let Some(min) = *min {
                    edge(self, min, min.to_string(), None);
                    if min > 0 {
                        edge(self, min - 1, min.to_string(), Some("greater"));
                    }
                }
                if let Some(max) = *max {
                    // When min == max (TokenCode, SigningAlgorithm) the admitted edge is already there.
                    if *min != Some(max) {
                        edge(self, max, max.to_string(), None);
                    }
                    edge(self, max + 1, max.to_string(), Some("less"));
                }
                if let Some(p) = pattern {
                    let v = format!("{}\u{1}", filler(shape, min.unwrap_or(1).max(1) - 1));
                    let rejection = Some(format!("{}Member must satisfy regular expression pattern: {}", value_at(&v), p.model));
                    self.push(
                        top,
                        extra,
                        vec![(key.into(), v)],
                        path,
                        "pattern".into(),
                        format!("{path} with a control character breaks {}", p.model),
                        rejection,
                    );
                }
            }
            Shape::Enum(values) => {
                for value in values.iter() {
                    let description = format!("{path} = {value} is admitted (enum)");
                    self.push(top, extra, vec![(key.into(), (*value).into())], path, format!("enum-{value}"), description, None);
                }
                // Enum values are case-sensitive: the first one in lower case is outside the set.
                let v = values.first().map(|v| v.to_lowercase()).unwrap_or_else(|| "x".into());
                let rejection = Some(format!("{}Member must satisfy enum value set: [{}]", value_at(&v), values.join(", ")));
                self.push(
                    top,
                    extra,
                    vec![(key.into(), v.clone())],
                    path,
                    "enum-other".into(),
                    format!("{path} = {v} is outside the enum"),
                    rejection,
                );
            }
            Shape::Integer { min, max } => {
                for (bound, step, word) in [(*min, -1, "greater"), (*max, 1, "less")] {
                    let Some(b) = bound else { continue };
                    self.push(
                        top,
                        extra,
                        vec![(key.into(), b.to_string())],
                        path,
                        format!("value-{b}"),
                        format!("{path} = {b} is admitted"),
                        None,
                    );
                    let v = (b + step).to_string();
                    let rejection = Some(format!(
                        "Value '{v}' at '{path}' failed to satisfy constraint: Member must have value {word} than or equal to {b}"
                    ));
                    self.push(
                        top,
                        extra,
                        vec![(key.into(), v.clone())],
                        path,
                        format!("value-{v}"),
                        format!("{path} = {v} is rejected (bound {b})"),
                        rejection,
                    );
                }
            }
            Shape::List { min, max, member: item } => {
                let items = |n: usize| {
                    let mut v = Vec::new();
                    if n == 0 {
                        v.push((key.to_string(), String::new()));
                    }
                    for i in 1..=n {
                        valid_nth(item, &format!("{key}.member.{i}"), i, &mut v);
                    }
                    v
                };
                for (bound, step, word) in [(*min, -1i64, "greater"), (*max, 1, "less")] {
                    let Some(b) = bound else { continue };
                    self.push(top, extra, items(b), path, format!("items-{b}"), format!("{path} with {b} items is admitted"), None);
                    let n = b as i64 + step;
                    if n >= 0 {
                        let rejection =
                            Some(format!("at '{path}' failed to satisfy constraint: Member must have length {word} than or equal to {b}"));
                        self.push(
                            top,
                            extra,
                            items(n as usize),
                            path,
                            format!("items-{n}"),
                            format!("{path} with {n} items is rejected (bound {b})"),
                            rejection,
                        );
                    }
                }
                let item_key = format!("{key}.member.1");
                let item_path = format!("{path}.1.member");
                match item {
                    Shape::Structure(fields) => self.structure(top, fields, &item_key, &item_path, extra),
                    _ => self.member(top, item, sensitive, &item_key, &item_path, extra),
                }
            }
            Shape::Structure(fields) => self.structure(top, fields, key, path, extra),
        }
    }

    fn structure(&mut self, top: &str, fields: &'static [Member], key: &str, path: &str, extra: &[(String, String)]) {
        for field in fields {
            let mut siblings = extra.to_vec();
            for other in fields.iter().filter(|f| f.name != field.name) {
                valid(other.shape, &format!("{key}.{}", other.name), &mut siblings);
            }
            self.member(
                top,
                field.shape,
                field.sensitive,
                &format!("{key}.{}", field.name),
                &format!("{path}.{}", lower_camel(field.name)),
                &siblings,
            );
        }
    }
}

/// Every input-contract case of every operation, as one-step scenarios (`contract/<Op>/<path>/<edge>`).
pub fn scenarios() -> Vec<Scenario> {
    cases().into_iter().map(Case::into_scenario).collect()
}

fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for &operation in Operation::ALL {
        let mut b = Builder { operation, cases: Vec::new() };
        for member in input_members(operation) {
            let path = lower_camel(member.name);
            b.member(member.name, member.shape, member.sensitive, member.name, &path, &[]);
            if member.required {
                let params = b.base(member.name);
                b.cases.push(Case {
                    id: format!("{operation}/{path}/missing"),
                    operation,
                    description: format!("{path} missing is 'Member must not be null'"),
                    params,
                    expect: Expectation::Rejected {
                        message: format!("Value null at '{path}' failed to satisfy constraint: Member must not be null"),
                    },
                });
            }
        }
        all.extend(b.cases);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_with_members_has_cases_and_ids_are_unique() {
        let cases = cases();
        for &op in Operation::ALL {
            if !input_members(op).is_empty() {
                assert!(cases.iter().any(|c| c.operation == op), "{op} has no case");
            }
        }
        let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "case ids must be unique");
    }

    /// The list-size cases send distinct members: their only fault is their number.
    #[test]
    fn list_items_are_distinct() {
        {
            for case in cases() {
                let mut by_list: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
                for (key, value) in &case.params {
                    if let Some((list, rest)) = key.split_once(".member.") {
                        let field = rest.split_once('.').map_or("", |(_, f)| f);
                        if field != "Value" {
                            by_list.entry(format!("{list}/{field}")).or_default().push(value);
                        }
                    }
                }
                for (list, values) in by_list {
                    let mut unique = values.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!(unique.len(), values.len(), "{}: {list} repeats a member: {values:?}", case.id);
                }
            }
        }
    }
}
