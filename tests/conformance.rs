//! Every scenario of the suite (generated input-contract scenarios and the files under
//! `scenarios/`) as a named test (libtest-mimic), run against the built-in mock in process:
//! `cargo test --test conformance -- assume-role/duration` runs a slice; failures name the step.

use libtest_mimic::{Arguments, Failed, Trial};
use sts_harness::conformance::{self, InProcess, Status, runner};

fn main() {
    let args = Arguments::from_args();
    let scenarios = conformance::suite(&conformance::shipped_scenarios_dir()).unwrap_or_else(|e| panic!("loading scenarios: {e}"));
    let trials = scenarios
        .into_iter()
        .map(|scenario| {
            let kind = scenario.doc.features.first().cloned().unwrap_or_default();
            Trial::test(scenario.id.clone(), move || {
                let result = runner::run_one(&mut InProcess::new(1), &scenario);
                match result.status {
                    Status::Passed => Ok(()),
                    other => Err(Failed::from(format!("{}\n{other:?}", scenario.doc.description))),
                }
            })
            .with_kind(kind)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
