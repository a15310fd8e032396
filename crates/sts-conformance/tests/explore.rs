//! `explore` judged by known differences: the model against itself finds nothing, and against a
//! world changed in one known place finds that change, shrinks it to the one call that shows it,
//! and writes a scenario that fails there and passes on the model.

use sts_conformance::explore::{Explorer, Rng, render};
use sts_conformance::scenario::parse_file;
use sts_conformance::{InProcess, Status, SuiteWorld, runner, shipped_scenarios_dir};

fn suite_world_text() -> String {
    std::fs::read_to_string(shipped_scenarios_dir().join("world.toml")).unwrap()
}

#[test]
fn the_model_against_itself_never_diverges() {
    let world = SuiteWorld::parse(&suite_world_text()).unwrap();
    let mut model = InProcess::with_world(world.clone(), 7);
    let mut endpoint = InProcess::with_world(world, 7);
    let mut explorer = Explorer::new(&mut model, &mut endpoint, 6).unwrap();
    let mut rng = Rng::new(42);
    for _ in 0..300 {
        assert!(explorer.step(&mut rng).is_none(), "{:?}", explorer.divergences());
    }
    assert_eq!(explorer.tally.sequences, 300, "every sequence settled on the model: {:?}", explorer.tally);
    assert_eq!((explorer.tally.skipped, explorer.tally.model_failures), (0, 0));
    assert!(explorer.tally.calls > 300, "{:?}", explorer.tally);
}

#[test]
fn a_changed_role_is_found_shrunk_and_written_as_a_failing_scenario() {
    // The one difference: role `short` allows 12 hours instead of the default hour.
    let text = suite_world_text();
    let changed = text.replacen("name = \"short\"\n", "name = \"short\"\nmax_session_duration = 43200\n", 1);
    assert_ne!(text, changed, "the world file still names role short");
    let mut model = InProcess::with_world(SuiteWorld::parse(&text).unwrap(), 7);
    let mut endpoint = InProcess::with_world(SuiteWorld::parse(&changed).unwrap(), 7);
    let mut explorer = Explorer::new(&mut model, &mut endpoint, 6).unwrap();
    let mut rng = Rng::new(1);
    let found = (0..5000).find_map(|_| explorer.step(&mut rng).cloned()).expect("the changed role is found");
    assert_eq!(found.signature, "AssumeRole: model 400 ValidationError / endpoint 200", "{found:?}");
    // Shrunk to the one call: AssumeRole of `short` for more than an hour, nothing else.
    assert_eq!(found.acts.len(), 1, "{found:?}");
    let text = render("divergence", "found", &found.acts, &found.expects);
    assert!(text.contains("RoleArn = \"${role.short}\"") && text.contains("DurationSeconds"), "{text}");
    assert!(!text.contains("RoleSessionName") || text.contains("RoleSessionName = \""), "{text}");

    // The file replays: it fails on the changed world and passes on the model.
    let scenario = parse_file("explore/found", &text).unwrap().remove(0);
    assert!(matches!(runner::run_one(&mut endpoint, &scenario).status, Status::Failed(_)));
    assert_eq!(runner::run_one(&mut model, &scenario).status, Status::Passed);
}
