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
        // Two requests: GetCallerIdentity, then the GetSessionToken second chance.
        for stream in listener.incoming().take(2) {
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
    assert!(stderr.contains("a GetCallerIdentity signed as alice") && stderr.contains("a GetSessionToken got HTTP 200"), "{stderr}");
}

/// Stops a server however the test ends (a failed assertion must not leave it running, nor cargo
/// waiting on its pipe).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// `serve --tls` answers over HTTPS with a certificate it generates and writes to a file;
/// `check` refuses it until told to trust it (`--ca-cert`), or told not to verify (`--insecure`,
/// with a warning). An untrusted certificate is a transport error: exit 2, never a scenario result.
#[test]
fn https_endpoints_are_trusted_through_the_ca_given() {
    use std::io::BufRead;
    let mut serve = Killed(
        Command::new(env!("CARGO_BIN_EXE_sts-harness"))
            .args(["serve", "--tls", "--port", "0", "--quiet"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = std::io::BufReader::new(serve.0.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let certificate = lines.next().unwrap().unwrap();
    let url = listening.split_whitespace().find(|w| w.starts_with("https://127.0.0.1:")).expect("an https URL").to_owned();
    let pem_path = certificate.split_whitespace().find(|w| w.ends_with(".pem")).expect("a PEM path").to_owned();
    assert!(std::fs::read_to_string(&pem_path).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));

    let dir = std::env::temp_dir().join(format!("sts-harness-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("profile.toml");
    // The default world of `serve`: user `test` with the documentation's example key.
    std::fs::write(
        &profile,
        "name = \"serve --tls\"\nfeatures = [\"sigv4\"]\n[principals.alice]\naccess_key_id = \"AKIAIOSFODNN7EXAMPLE\"\n\
         secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n",
    )
    .unwrap();
    let check = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
            .args(["check", "--endpoint", &url, "--quiet", "--filter", "sigv4/signature/"])
            .arg("--profile")
            .arg(&profile)
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Not trusted: the platform's roots do not hold a certificate made a moment ago.
    let (code, stdout, stderr) = check(&[]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("invalid peer certificate") && stderr.contains("--ca-cert"), "{stderr}");
    // Trusted: the scenarios run (unsigned, within-skew and wrong-secret hold against `test`'s key).
    let (code, stdout, stderr) = check(&["--ca-cert", &pem_path]);
    // Of the 13, the two needing the mock's clock and the one needing ${role.demo} are skipped.
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("10 passed, 0 failed, 3 skipped"), "the signature scenarios ran over TLS: {stdout}");
    // Not verified, loudly.
    let (_, stdout, stderr) = check(&["--insecure"]);
    assert!(stderr.contains("WARNING: --insecure"), "{stderr}");
    assert!(!stderr.contains("cannot reach"), "{stdout}{stderr}");
    // A file that is not a certificate is refused as such.
    std::fs::write(dir.join("bad.pem"), "not a certificate").unwrap();
    let (code, _, stderr) = check(&["--ca-cert", dir.join("bad.pem").to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no certificate") || stderr.contains("not PEM"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// An STS implementation without GetCallerIdentity (Ceph's RADOS Gateway answers it 405 in S3's
/// envelope) passes the probe through a signed GetSessionToken: the run goes on and is judged
/// (an expected failure here), not stopped (exit 2).
#[test]
fn an_endpoint_without_get_caller_identity_is_still_checked() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let (status, body) = if request.contains("Action=GetSessionToken") {
                (
                    "200 OK",
                    "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult/></GetSessionTokenResponse>",
                )
            } else {
                ("405 Method Not Allowed", "<?xml version=\"1.0\"?><Error><Code>MethodNotAllowed</Code><Message></Message></Error>")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .args(["check", "--endpoint", &format!("http://127.0.0.1:{port}"), "--profile", "scenarios/profiles/moto.toml", "--quiet"])
        .args(["--filter", "sigv4/other-operations/get-session-token-unsigned"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!stderr.contains("answers nothing like STS"), "{stderr}");
    // moto's profile lists this scenario as a deviation: the canned 200 is its expected failure.
    assert!(stdout.contains("1 expected failures"), "{stdout}{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
}

/// Starts `serve` on a free port and returns it with its URL (read from its first line).
fn serve(args: &[&str]) -> (Killed, String) {
    use std::io::BufRead;
    let mut serve = Killed(
        Command::new(env!("CARGO_BIN_EXE_sts-harness"))
            .args(["serve", "--port", "0", "--quiet"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let listening = std::io::BufReader::new(serve.0.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let url = listening.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("an http URL").to_owned();
    (serve, url)
}

/// The status of a plain `GET` to `url` + `path`.
fn get_status(url: &str, path: &str) -> u16 {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// `check --provision` against `serve`: the suite's world is created through the endpoint's IAM
/// API as the bootstrap key (`serve`'s default user `test`), every name carries the run's prefix,
/// the scenarios pass against it, and it is gone afterwards (`--keep` leaves it). Without
/// bootstrap credentials the run stops before anything is created.
#[test]
fn a_provisioned_run_creates_the_world_through_iam_and_deletes_it() {
    let (_serve, url) = serve(&[]);
    let check = |extra: &[&str], with_key: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sts-harness"));
        command.args(["check", "--endpoint", &url, "--provision", "--quiet"]).args(extra);
        command.env_remove("AWS_SESSION_TOKEN").env_remove("AWS_PROFILE");
        if with_key {
            command
                .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        } else {
            command.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY");
        }
        let out = command.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // The prefix printed by a run: `provisioned N resources named sthXXXXXX-*`.
    let prefix_of = |stderr: &str| -> String {
        let line = stderr.lines().find(|l| l.contains("provisioned ")).unwrap_or_else(|| panic!("no provisioning line: {stderr}"));
        line.split_whitespace().last().unwrap().trim_end_matches('*').to_owned()
    };
    // Whether the user `alice` of a run exists on the endpoint (the admin API hands out its key).
    let alice_exists = |prefix: &str| get_status(&url, &format!("/__sts/credentials?account=123456789012&user={prefix}alice")) == 200;

    let (code, stdout, stderr) = check(&["--keep"], true);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    // The roles' sessions are named after the created roles (the scenarios' ${role.demo.name}).
    let kept = prefix_of(&stderr);
    assert!(kept.starts_with("sth") && kept.ends_with('-') && kept.len() == 10, "{kept}");
    assert!(alice_exists(&kept), "--keep leaves the world: {stderr}");

    let (code, stdout, stderr) = check(&["--filter", "assume-role/basics/"], true);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let deleted = prefix_of(&stderr);
    assert_ne!(deleted, kept, "each run has its own prefix");
    assert!(stdout.contains("passed, 0 failed"), "{stdout}");
    assert!(!alice_exists(&deleted), "the world is deleted after the run");
    assert!(alice_exists(&kept), "another run's world is left alone");

    let (code, _, stderr) = check(&[], false);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("AWS_ACCESS_KEY_ID"), "{stderr}");
}

/// `explore` against the mock's own server on the suite world, with its shipped profile: the
/// model and the server agree on every sequence (any divergence is a bug between them), and the
/// summary says how many ran.
#[test]
fn exploring_the_mocks_own_server_finds_no_divergence() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let world = root.join("scenarios/world.toml");
    let (_serve, url) = serve(&["--world", world.to_str().unwrap()]);
    let out_dir = std::env::temp_dir().join(format!("sts-harness-explore-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .args(["explore", "--endpoint", &url, "--seconds", "3", "--seed", "5", "--quiet"])
        .arg("--profile")
        .arg(root.join("scenarios/profiles/sts-harness.toml"))
        .arg("--out")
        .arg(&out_dir)
        .arg("--scenarios")
        .arg(root.join("scenarios"))
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("0 divergence(s) found"), "{stdout}");
    let sequences: usize = stdout.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(sequences > 10, "{stdout}");
    assert!(out_dir.join("world.toml").exists(), "the replay directory holds the world");
    std::fs::remove_dir_all(&out_dir).ok();
}

/// The suite travels inside the binary: from a directory with no `scenarios/`, `check` runs the
/// built-in suite and world, and a profile may be named instead of given as a file.
#[test]
fn the_built_in_suite_runs_from_an_empty_directory() {
    let empty = std::env::temp_dir().join(format!("sts-harness-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness")).current_dir(&empty).args(["check", "--quiet"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let suite = sts_harness::conformance::embedded_suite().unwrap();
    assert!(stdout.contains(&format!("{} passed, 0 failed", suite.len())), "{stdout}");
    assert!(stdout.contains("(STS 2011-06-15, botocore 1.44.8)"), "the summary names the suite and model versions: {stdout}");
    // A name that is no file and no built-in profile: the error lists the built-in ones.
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .current_dir(&empty)
        .args(["check", "--endpoint", "http://127.0.0.1:9", "--profile", "nothing-like-this"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("built-in profiles: ceph-rgw, localstack, moto, sts-harness"), "{stderr}");
    // A built-in name is read as that profile (the endpoint is absent: exit 2 at the probe, not at the profile).
    let out = Command::new(env!("CARGO_BIN_EXE_sts-harness"))
        .current_dir(&empty)
        .args(["check", "--endpoint", "http://127.0.0.1:9", "--profile", "moto", "--filter", "get-caller-identity/"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach"), "{stderr}");
    std::fs::remove_dir_all(&empty).ok();
}

/// Off loopback, `serve` without `--state-key` seals sessions under a random key it prints (a key
/// derived from the public default seed would let anyone who reaches the port forge session
/// tokens), as it does the admin token; each start draws another.
#[test]
fn serve_off_loopback_draws_and_prints_a_random_state_key() {
    use std::io::BufRead;
    let printed_key = || {
        let mut serve = Killed(
            Command::new(env!("CARGO_BIN_EXE_sts-harness"))
                .args(["serve", "--host", "0.0.0.0", "--port", "0", "--quiet"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let stderr = serve.0.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut seen = Vec::new();
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(20)) {
            if let Some(key) = line.split("--state-key ").nth(1) {
                let key = key.split_whitespace().next().unwrap().to_owned();
                assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
                return key;
            }
            seen.push(line);
        }
        panic!("no state key printed: {seen:?}");
    };
    assert_ne!(printed_key(), printed_key());
}
