//! Walks the service model's constraints (botocore 1.44.8, `data/sts-constraints.json`) and proves
//! that the decoder enforces every bound at both edges, with AWS's message, and that our own
//! constraint table says exactly what the model says.

use serde_json::Value as Json;
use sts_model::{ErrorCode, Operation};
use sts_wire::constraints::{Member, Shape, input_members};
use sts_wire::query::decode;

fn spec() -> Json {
    serde_json::from_str(include_str!("data/sts-constraints.json")).expect("spec file is JSON")
}

fn operation_spec(spec: &Json, op: Operation) -> &Json {
    spec["operations"].as_array().unwrap().iter().find(|o| o["name"] == op.name()).expect("operation in spec")
}

fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// A value of `len` characters that satisfies the member's pattern.
fn string_of(member: &Json, len: usize) -> String {
    let digit_only = member["pattern"].as_str() == Some(r"[\d]*");
    std::iter::repeat_n(if digit_only { '7' } else { 'a' }, len).collect()
}

/// A valid instance of a member, as (wire key suffix, value) pairs.
fn valid(member: &Json, key: &str, out: &mut Vec<(String, String)>) {
    if let Some(first) = member["enum"].as_array().and_then(|v| v.first()) {
        out.push((key.into(), first.as_str().unwrap().into()));
        return;
    }
    match member["type"].as_str().unwrap() {
        "string" => out.push((key.into(), string_of(member, member["min_length"].as_u64().unwrap_or(1).max(1) as usize))),
        "integer" => out.push((key.into(), member["min_value"].as_i64().unwrap_or(0).to_string())),
        "list" => {
            for i in 1..=member["min_items"].as_u64().unwrap_or(1).max(1) {
                valid(&member["member"], &format!("{key}.member.{i}"), out);
            }
        }
        "structure" => {
            for field in member["members"].as_array().unwrap() {
                valid(field, &format!("{key}.{}", field["name"].as_str().unwrap()), out);
            }
        }
        other => panic!("unexpected type {other}"),
    }
}

fn base_params(op: &Json, except: &str) -> Vec<(String, String)> {
    let mut params = vec![("Action".to_string(), op["name"].as_str().unwrap().to_string()), ("Version".into(), "2011-06-15".into())];
    for member in op["input"].as_array().unwrap() {
        let name = member["name"].as_str().unwrap();
        if member["required"] == true && name != except {
            valid(member, name, &mut params);
        }
    }
    params
}

/// One bound to probe: where it sits, the parameters to send, and whether they should pass.
struct Probe {
    description: String,
    params: Vec<(String, String)>,
    expected_fragment: Option<String>,
}

/// Builds probes for `member` reachable at wire key `key` and message path `path`. `wrap` turns the
/// member's own pairs into a full request (filling the enclosing list item or structure).
fn probes(op: &Json, top: &str, member: &Json, key: &str, path: &str, siblings: &[(String, String)], out: &mut Vec<Probe>) {
    let mut emit = |description: String, own: Vec<(String, String)>, fragment: Option<String>| {
        let mut params = base_params(op, top);
        params.extend(siblings.iter().cloned());
        params.extend(own);
        out.push(Probe { description, params, expected_fragment: fragment });
    };
    let value_msg = |v: &str| format!("Value '{v}' at '{path}' failed to satisfy constraint: ");
    let sensitive = member["sensitive"] == true;
    let at = |v: &str| if sensitive { format!("Value at '{path}' failed to satisfy constraint: ") } else { value_msg(v) };
    match member["type"].as_str().unwrap() {
        "string" if member["enum"].is_array() => {
            let values: Vec<&str> = member["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            for v in &values {
                emit(format!("{path} = {v} (enum)"), vec![(key.into(), v.to_string())], None);
            }
            // Case matters: the lower-case spelling of a value is outside the set.
            let v = values[0].to_lowercase();
            emit(
                format!("{path} = {v} (outside the enum)"),
                vec![(key.into(), v.clone())],
                Some(format!("{}Member must satisfy enum value set: [{}]", at(&v), values.join(", "))),
            );
        }
        "string" => {
            if let Some(min) = member["min_length"].as_u64().map(|v| v as usize) {
                emit(format!("{path} length {min} (min)"), vec![(key.into(), string_of(member, min))], None);
                if min > 0 {
                    let v = string_of(member, min - 1);
                    emit(
                        format!("{path} length {} (min - 1)", min - 1),
                        vec![(key.into(), v.clone())],
                        Some(format!("{}Member must have length greater than or equal to {min}", at(&v))),
                    );
                }
            }
            if let Some(max) = member["max_length"].as_u64().map(|v| v as usize) {
                emit(format!("{path} length {max} (max)"), vec![(key.into(), string_of(member, max))], None);
                let v = string_of(member, max + 1);
                emit(
                    format!("{path} length {} (max + 1)", max + 1),
                    vec![(key.into(), v.clone())],
                    Some(format!("{}Member must have length less than or equal to {max}", at(&v))),
                );
            }
            if let Some(pattern) = member["pattern"].as_str() {
                // A control character is outside every pattern of the model.
                let v = format!("{}\u{1}", string_of(member, member["min_length"].as_u64().unwrap_or(1).max(1) as usize - 1));
                emit(
                    format!("{path} pattern"),
                    vec![(key.into(), v.clone())],
                    Some(format!("{}Member must satisfy regular expression pattern: {pattern}", at(&v))),
                );
            }
        }
        "integer" => {
            for (bound, edge, word) in [("min_value", -1i64, "greater"), ("max_value", 1, "less")] {
                if let Some(b) = member[bound].as_i64() {
                    emit(format!("{path} = {b} ({bound})"), vec![(key.into(), b.to_string())], None);
                    let v = (b + edge).to_string();
                    emit(
                        format!("{path} = {v} (outside {bound})"),
                        vec![(key.into(), v.clone())],
                        Some(format!("{}Member must have value {word} than or equal to {b}", value_msg(&v))),
                    );
                }
            }
        }
        "list" => {
            let item = &member["member"];
            let items = |n: u64| {
                let mut v = Vec::new();
                if n == 0 {
                    v.push((key.to_string(), String::new()));
                }
                for i in 1..=n {
                    valid(item, &format!("{key}.member.{i}"), &mut v);
                }
                v
            };
            for (bound, edge, word) in [("min_items", -1i64, "greater"), ("max_items", 1, "less")] {
                if let Some(b) = member[bound].as_u64() {
                    emit(format!("{path} with {b} items ({bound})"), items(b), None);
                    if b as i64 + edge >= 0 {
                        let n = (b as i64 + edge) as u64;
                        emit(
                            format!("{path} with {n} items (outside {bound})"),
                            items(n),
                            Some(format!("at '{path}' failed to satisfy constraint: Member must have length {word} than or equal to {b}")),
                        );
                    }
                }
            }
            // Bounds of the item itself, probed inside item 1.
            let item_key = format!("{key}.member.1");
            let item_path = format!("{path}.1.member");
            if item["type"] == "structure" {
                for field in item["members"].as_array().unwrap() {
                    let fname = field["name"].as_str().unwrap();
                    let mut sib = siblings.to_vec();
                    for other in item["members"].as_array().unwrap().iter().filter(|f| f["name"] != fname) {
                        valid(other, &format!("{item_key}.{}", other["name"].as_str().unwrap()), &mut sib);
                    }
                    probes(op, top, field, &format!("{item_key}.{fname}"), &format!("{item_path}.{}", lower_camel(fname)), &sib, out);
                }
            } else {
                probes(op, top, item, &item_key, &item_path, siblings, out);
            }
        }
        "structure" => {
            for field in member["members"].as_array().unwrap() {
                let fname = field["name"].as_str().unwrap();
                probes(op, top, field, &format!("{key}.{fname}"), &format!("{path}.{}", lower_camel(fname)), siblings, out);
            }
        }
        other => panic!("unexpected type {other}"),
    }
}

#[test]
fn every_bound_of_the_model_is_enforced_at_both_edges() {
    let spec = spec();
    let mut checked = 0;
    for op in spec["operations"].as_array().unwrap() {
        assert!(decode(&base_params(op, "")).is_ok(), "{}: minimal valid request must decode", op["name"]);
        for member in op["input"].as_array().unwrap() {
            let name = member["name"].as_str().unwrap();
            let mut found = Vec::new();
            probes(op, name, member, name, &lower_camel(name), &[], &mut found);
            for probe in found {
                let result = decode(&probe.params);
                match (&probe.expected_fragment, result) {
                    (None, Ok(_)) => {}
                    (None, Err(e)) => panic!("{} {}: expected success, got {e}", op["name"], probe.description),
                    (Some(fragment), Err(e)) => {
                        assert_eq!(e.code, ErrorCode::ValidationError, "{} {}", op["name"], probe.description);
                        assert!(
                            e.message.contains(fragment.as_str()),
                            "{} {}: {:?} lacks {:?}",
                            op["name"],
                            probe.description,
                            e.message,
                            fragment
                        );
                    }
                    (Some(_), Ok(r)) => panic!("{} {}: expected rejection, decoded {r:?}", op["name"], probe.description),
                }
                checked += 1;
            }
        }
    }
    // Sanity: the walk really covered the model (12 operations, dozens of bounded members).
    assert!(checked > 150, "only {checked} probes");
}

#[test]
fn a_missing_required_member_is_not_null_in_awss_words() {
    let spec = spec();
    for op in spec["operations"].as_array().unwrap() {
        for member in op["input"].as_array().unwrap().iter().filter(|m| m["required"] == true) {
            let name = member["name"].as_str().unwrap();
            let err = decode(&base_params(op, name)).unwrap_err();
            assert_eq!(err.code, ErrorCode::ValidationError);
            assert_eq!(
                err.message,
                format!(
                    "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                    lower_camel(name)
                )
            );
        }
    }
}

fn compare(member: &Member, json: &Json, context: &str) {
    let name = json["name"].as_str().unwrap();
    assert_eq!(member.name, name, "{context}");
    let context = format!("{context}.{name}");
    assert_eq!(member.required, json["required"] == true, "{context} required");
    assert_eq!(member.sensitive, json["sensitive"] == true, "{context} sensitive");
    compare_shape(member.shape, json, &context);
}

fn compare_shape(shape: &Shape, json: &Json, context: &str) {
    let as_usize = |k: &str| json[k].as_u64().map(|v| v as usize);
    match shape {
        Shape::String { min, max, pattern } => {
            assert_eq!(json["type"], "string", "{context}");
            assert!(json["enum"].is_null(), "{context}: the model has an enum here");
            assert_eq!((*min, *max), (as_usize("min_length"), as_usize("max_length")), "{context} length");
            assert_eq!(pattern.map(|p| p.model), json["pattern"].as_str(), "{context} pattern");
        }
        Shape::Enum(values) => {
            assert_eq!(json["type"], "string", "{context}");
            let model: Vec<&str> = json["enum"].as_array().expect("an enum").iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(values.to_vec(), model, "{context} enum values");
        }
        Shape::Integer { min, max } => {
            assert_eq!(json["type"], "integer", "{context}");
            assert_eq!((*min, *max), (json["min_value"].as_i64(), json["max_value"].as_i64()), "{context} bounds");
        }
        Shape::List { min, max, member } => {
            assert_eq!(json["type"], "list", "{context}");
            assert_eq!((*min, *max), (as_usize("min_items"), as_usize("max_items")), "{context} items");
            compare_shape(member, &json["member"], &format!("{context}.member"));
        }
        Shape::Structure(fields) => {
            assert_eq!(json["type"], "structure", "{context}");
            let members = json["members"].as_array().unwrap();
            assert_eq!(fields.len(), members.len(), "{context} field count");
            for (f, j) in fields.iter().zip(members) {
                compare(f, j, context);
            }
        }
    }
}

#[test]
fn our_table_says_what_the_model_says() {
    let spec = spec();
    let names: Vec<&str> = spec["service"]["operation_names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, Operation::ALL.iter().map(|o| o.name()).collect::<Vec<_>>());
    for &op in Operation::ALL {
        let json = operation_spec(&spec, op);
        let members = input_members(op);
        let inputs = json["input"].as_array().unwrap();
        assert_eq!(members.len(), inputs.len(), "{op} member count");
        for (m, j) in members.iter().zip(inputs) {
            compare(m, j, op.name());
        }
        assert_eq!(op.is_unsigned(), json["unsigned"] == true, "{op} auth");
    }
}
