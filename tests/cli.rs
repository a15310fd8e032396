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

/// A suite in the working directory (`./scenarios`) runs against its own world, not the built-in one.
#[test]
fn a_working_directory_suite_brings_its_world() {
    let dir = std::env::temp_dir().join(format!("sts-harness-cwd-{}", std::process::id()));
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(
        scenarios.join("world.toml"),
        "[settings]\nseed = 1\nclock = \"2024-01-01T00:00:00Z\"\n[[accounts]]\nid = \"444455556666\"\n[[accounts.users]]\nname = \"dana\"\n",
    )
    .unwrap();
    std::fs::write(
        scenarios.join("own.toml"),
        "[[scenario]]\nid = \"dana\"\ndescription = \"the working directory's user\"\nfeatures = [\"credentials\"]\nfidelity = \"documented\"\n\
         [[scenario.steps]]\ncall = \"GetCallerIdentity\"\nas = \"dana\"\nexpect = { status = 200, fields = { Arn = { equals = \"${user.dana}\" } } }\n",
    )
    .unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_sts-harness")).args(["check", "--filter", "own/", "--quiet"]).current_dir(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}

fn check_against(endpoint: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .args(["check", "--endpoint", endpoint, "--profile", "scenarios/profiles/moto.toml", "--quiet", "--filter", "get-caller-identity/"])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// An endpoint nobody listens on stops the run with exit 2 and one message, before any scenario
/// runs: a transport error is never counted as an expected failure.
#[test]
fn an_unreachable_endpoint_stops_the_gate() {
    // A port that was just free: bind, learn it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (code, stdout, stderr) = check_against(&format!("http://127.0.0.1:{port}"));
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stderr.contains(&format!("cannot reach http://127.0.0.1:{port}")), "{stderr}");
    assert!(!stdout.contains("expected failures"), "no scenario may run: {stdout}");
}

/// An endpoint that answers, but not as STS does (a web page), stops the run the same way.
#[test]
fn an_endpoint_that_is_not_sts_stops_the_gate() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let page = "<html><body>It works!</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    let (code, stdout, stderr) = check_against(&format!("http://127.0.0.1:{port}"));
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("answers nothing like STS") && stderr.contains("It works!"), "{stderr}");
}
