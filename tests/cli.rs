//! The command line as an implementer's CI runs it.

use std::process::Command;

/// A profile whose deviation list names a scenario the suite does not have (a bound that moved with
/// the model renames its contract cases) stops the run with exit 2 and names the entry, before any
/// request is sent (the endpoint here does not even exist).
#[test]
fn a_deviation_naming_no_scenario_stops_the_gate() {
    let dir = std::env::temp_dir().join(format!("sts-harness-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("profile.toml");
    std::fs::write(
        &profile,
        "name = \"t\"\nfeatures = [\"credentials\"]\n[deviations]\n\"contract/AssumeRole/sourceIdentity/length-65\" = \"the 1.44.5 bound\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .args(["check", "--endpoint", "http://127.0.0.1:9", "--profile"])
        .arg(&profile)
        .arg("--quiet")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("1 deviation(s) name no scenario of the suite: contract/AssumeRole/sourceIdentity/length-65"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
