//! The endpoint target, as an implementer uses it: a profile (symbols, principals, claimed
//! features, deviations) and a server the runner only reaches over HTTP. The server here is the
//! mock itself, started on the suite world; with `admin_api` the runner moves its clock and mints
//! tokens through `/__sts/`. Scenarios that need a world of their own are skipped, as they are
//! for any endpoint.

use sts_conformance::scenario::FEATURES;
use sts_conformance::{Endpoint, Profile, Status, runner, shipped_scenarios_dir, suite, symbols};
use sts_model::world::WorldFile;

fn profile_for(world: &WorldFile) -> Profile {
    let features: Vec<String> = FEATURES.iter().map(|(f, _)| (*f).to_owned()).filter(|f| f != "world-setup").collect();
    let mut text = format!("name = \"sts-harness serve\"\nadmin_api = true\nfeatures = {features:?}\n[symbols]\n");
    for (k, v) in symbols::from_world(&world.world, "aws") {
        text.push_str(&format!("{k:?} = {v:?}\n"));
    }
    for (name, p) in symbols::principals_of(&world.world) {
        text.push_str(&format!(
            "[principals.{name:?}]\naccess_key_id = {:?}\nsecret_access_key = {:?}\n",
            p.access_key_id, p.secret_access_key
        ));
    }
    Profile::parse(&text).expect("the generated profile parses")
}

#[test]
fn the_suite_passes_against_the_mock_reached_as_an_external_endpoint() {
    let text = std::fs::read_to_string(shipped_scenarios_dir().join("world.toml")).unwrap();
    let world = WorldFile::parse(&text).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mock = runtime.block_on(sts_mock::MockSts::builder().world_toml(&text).unwrap().start());
    let mut target = Endpoint::new(&mock.uri(), profile_for(&world));
    let scenarios = suite(&shipped_scenarios_dir()).unwrap();
    let results = runner::run(&mut target, &scenarios, |_, _, _| {});
    let failed: Vec<String> = results.iter().filter(|r| !r.status.is_ok()).map(|r| format!("{}: {:?}", r.id, r.status)).collect();
    assert!(failed.is_empty(), "{} failures:\n{}", failed.len(), failed.join("\n"));
    let skipped: Vec<&str> = results.iter().filter(|r| matches!(r.status, Status::Skipped(_))).map(|r| r.id.as_str()).collect();
    // Only the scenarios with a world of their own are skipped.
    for id in &skipped {
        let s = scenarios.iter().find(|s| s.id == *id).unwrap();
        assert!(s.needs("world-setup"), "{id} skipped: {:?}", results.iter().find(|r| r.id == *id).unwrap().status);
    }
    assert!(results.iter().filter(|r| r.status == Status::Passed).count() > 350);
}

#[test]
fn a_listed_deviation_that_passes_fails_the_gate_and_a_missing_symbol_skips() {
    let text = std::fs::read_to_string(shipped_scenarios_dir().join("world.toml")).unwrap();
    let world = WorldFile::parse(&text).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mock = runtime.block_on(sts_mock::MockSts::builder().world_toml(&text).unwrap().start());
    let mut profile = profile_for(&world);
    profile.deviations.insert("get-caller-identity/identity/iam-user".into(), "pretend it fails".into());
    profile.symbols.remove("role.tagged");
    let scenarios: Vec<_> =
        suite(&shipped_scenarios_dir()).unwrap().into_iter().filter(|s| s.id.starts_with("get-caller-identity/")).collect();
    let mut target = Endpoint::new(&mock.uri(), profile);
    let results = runner::run(&mut target, &scenarios, |_, _, _| {});
    let status = |id: &str| results.iter().find(|r| r.id == id).unwrap().status.clone();
    assert!(matches!(status("get-caller-identity/identity/iam-user"), Status::UnexpectedPass(_)));
    assert!(!status("get-caller-identity/identity/iam-user").is_ok());
    assert_eq!(status("get-caller-identity/identity/assumed-role"), Status::Skipped("the profile has no symbol role.tagged".into()));
}

/// The shipped profile of `serve --world scenarios/world.toml` names what that world holds: its
/// ids and keys follow from the file, and this keeps the profile true when the world changes.
#[test]
fn the_shipped_profile_of_serve_matches_the_suite_world() {
    let text = std::fs::read_to_string(shipped_scenarios_dir().join("world.toml")).unwrap();
    let expected = profile_for(&WorldFile::parse(&text).unwrap());
    let shipped = std::fs::read_to_string(shipped_scenarios_dir().join("profiles/sts-harness.toml")).unwrap();
    let shipped = Profile::parse(&shipped).unwrap();
    assert_eq!(shipped.symbols, expected.symbols);
    assert_eq!(shipped.principals, expected.principals);
    assert!(shipped.admin_api && shipped.deviations.is_empty());
    let missing: Vec<&String> = expected.features.iter().filter(|f| !shipped.features.contains(f)).collect();
    assert!(missing.is_empty(), "the profile claims every feature an endpoint can: {missing:?}");
}
