//! Every conformance case as a named test (libtest-mimic), run against the built-in mock in process:
//! `cargo test --test conformance -- AssumeRole/roleSessionName` runs a slice, failures name the case.

use libtest_mimic::{Arguments, Failed, Trial};
use sts_harness::conformance::{InProcess, Target, Verdict, contract};

fn main() {
    let args = Arguments::from_args();
    let trials = contract::cases()
        .into_iter()
        .map(|case| {
            let name = case.id.clone();
            Trial::test(name, move || {
                let mut target = InProcess::new(1);
                match case.judge(&target.send(&case.params)) {
                    Verdict::Pass => Ok(()),
                    Verdict::Fail(why) => Err(Failed::from(format!("{}\n{why}", case.description))),
                }
            })
            .with_kind(contract::FEATURE)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
