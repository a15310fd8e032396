//! The `sts-harness` command line: run the conformance suite, list its scenarios, serve the mock.

mod check;
mod explore;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Conformance suite and mock of the AWS Security Token Service (Query API 2011-06-15).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the conformance suite against the built-in mock (default) or an endpoint, print a
    /// summary table, write reports; the exit code is 0 only if nothing failed.
    Check(check::CheckArgs),
    /// Run random call sequences against an endpoint and the model side by side; write each
    /// divergence, shrunk, as a scenario file that `check` replays.
    Explore(explore::ExploreArgs),
    /// Serve the mock STS over HTTP until Ctrl-C, logging one line per call.
    Serve {
        /// Address to bind (127.0.0.1 keeps the mock off the network).
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Port to listen on (0 for any free port).
        #[arg(long, default_value_t = 4566)]
        port: u16,
        /// TOML world file (accounts, users, roles, providers); without it, the default world:
        /// account 123456789012, user `test` with key AKIAIOSFODNN7EXAMPLE, role `test-role`.
        #[arg(long)]
        world: Option<std::path::PathBuf>,
        /// Freeze the clock at this RFC 3339 instant (e.g. 2024-01-01T00:00:00Z); it can still be
        /// moved through the admin API.
        #[arg(long)]
        clock: Option<String>,
        /// Generator seed (keys, secrets, tokens, request ids).
        #[arg(long)]
        seed: Option<u64>,
        /// Endpoint region for SigV4 scopes and regional-only operations, or `global`.
        #[arg(long)]
        region: Option<String>,
        /// The key (64 hex digits) session tokens are sealed under: every token carries its
        /// session, so a serve restarted with the same key (or, without one, the same --seed)
        /// still accepts the credentials it minted. Whoever knows it can forge sessions: off
        /// loopback, without this flag, a random key is drawn and printed.
        #[arg(long, value_name = "HEX", value_parser = parse_state_key)]
        state_key: Option<[u8; 32]>,
        /// How far a request's signing time may be from the mock's clock, in seconds, or `off`:
        /// 900 (AWS's window) by default. `off` lets clients that sign on the wall clock without
        /// skew correction (boto3, the AWS CLI) keep working while the mock's clock is moved; the
        /// journal marks the calls that passed only because of it.
        #[arg(long, value_name = "SECONDS|off", default_value = "900", value_parser = parse_skew)]
        signature_skew: sts_harness::mock::SignatureSkew,
        /// Require this token on every admin request (`Authorization: Bearer TOKEN` or
        /// `X-Sts-Admin-Token: TOKEN`). Without it the admin API (secrets, clock, world) answers
        /// only requests addressed to localhost; on a non-loopback --host a token is generated and
        /// printed.
        #[arg(long, value_name = "TOKEN")]
        admin_token: Option<String>,
        /// Serve HTTPS with a certificate generated at start (self-signed for localhost and
        /// 127.0.0.1); its PEM is written to a file whose path is printed, and served at
        /// /__sts/ca.pem.
        #[arg(long)]
        tls: bool,
        /// Serve HTTPS with this certificate chain (PEM) instead of a generated one; needs --tls-key.
        #[arg(long, requires = "tls_key", value_name = "FILE")]
        tls_cert: Option<std::path::PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, requires = "tls_cert", value_name = "FILE")]
        tls_key: Option<std::path::PathBuf>,
        /// Do not log each call.
        #[arg(long)]
        quiet: bool,
    },
    /// List the scenarios of the suite: id, operation, features, fidelity, number of evidence sources,
    /// description (tab-separated); the evidence share per operation goes to stderr.
    List {
        /// Only scenarios whose id contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// The scenarios directory (default: ./scenarios, else the one built in).
        #[arg(long)]
        scenarios: Option<std::path::PathBuf>,
    },
}

/// Options of `serve`.
struct ServeOptions {
    host: std::net::IpAddr,
    port: u16,
    world: Option<std::path::PathBuf>,
    clock: Option<String>,
    seed: Option<u64>,
    region: Option<String>,
    state_key: Option<[u8; 32]>,
    tls: Tls,
    admin_token: Option<String>,
    signature_skew: sts_harness::mock::SignatureSkew,
    quiet: bool,
}

/// `off`, or a number of seconds (900 is AWS's window).
fn parse_skew(text: &str) -> Result<sts_harness::mock::SignatureSkew, String> {
    use sts_harness::mock::SignatureSkew;
    match text {
        "off" => Ok(SignatureSkew::Off),
        "900" => Ok(SignatureSkew::Aws),
        n => match n.parse::<u32>() {
            Ok(s) if s >= 900 => Ok(SignatureSkew::Seconds(s)),
            Ok(_) => Err("below 900 s, AWS's own window, no client could keep up".into()),
            Err(_) => Err("expected a number of seconds or `off`".into()),
        },
    }
}

/// 64 hex digits.
fn parse_state_key(text: &str) -> Result<[u8; 32], String> {
    let digits = text.trim();
    if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("expected 64 hex digits (32 bytes)".into());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(key)
}

/// How `serve` secures its port.
enum Tls {
    Plain,
    Generated,
    Files { cert: std::path::PathBuf, key: std::path::PathBuf },
}

fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let ServeOptions { host, port, world, clock, seed, region, state_key, tls, admin_token, signature_skew, quiet } = options;
    use anyhow::Context as _;
    use sts_harness::mock::MockSts;
    use sts_harness::model::time::OffsetDateTime;
    use sts_harness::model::time::format_description::well_known::Rfc3339;

    let mut builder = MockSts::builder().address(std::net::SocketAddr::new(host, port)).signature_skew(signature_skew);
    if let Some(path) = &world {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        builder = builder.world_toml(&text).with_context(|| format!("loading {}", path.display()))?;
    }
    if let Some(at) = &clock {
        let at =
            OffsetDateTime::parse(at, &Rfc3339).with_context(|| format!("--clock {at}: expected RFC 3339, e.g. 2024-01-01T00:00:00Z"))?;
        builder = builder.frozen_at(at);
    }
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    // Off loopback, a key derived from the seed (public, and 0 unless given) would let anyone who
    // reaches the port forge session tokens: a random key is drawn and printed, as the admin token is.
    let state_key = match state_key {
        Some(key) => Some(key),
        None if !host.is_loopback() => {
            let hex = format!("{}{}", sts_harness::mock::guard::random_token(), sts_harness::mock::guard::random_token());
            eprintln!(
                "sts-harness serve: listening on {host}: sessions are sealed under a random state key; a serve restarted with --state-key {hex} accepts the credentials this one mints"
            );
            Some(parse_state_key(&hex).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    if let Some(key) = state_key {
        builder = builder.state_key(key);
    }
    if let Some(region) = &region {
        builder = builder.region(if region == "global" { None } else { Some(region) });
    }
    // Off loopback, anyone who reaches the port could read every secret: a token is required.
    let admin_token = match admin_token {
        Some(token) => Some(token),
        None if !host.is_loopback() => {
            let token = sts_harness::mock::guard::random_token();
            eprintln!(
                "sts-harness serve: listening on {host}: the admin API needs this token (Authorization: Bearer {token}); pass --admin-token to choose it"
            );
            Some(token)
        }
        None => None,
    };
    if let Some(token) = &admin_token {
        builder = builder.admin_token(token.clone());
    }
    builder = match &tls {
        Tls::Plain => builder,
        Tls::Generated => builder.tls(),
        Tls::Files { cert, key } => {
            let read = |p: &std::path::Path| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
            let identity = sts_harness::mock::tls::TlsIdentity::from_pem(&read(cert)?, &read(key)?)
                .map_err(|e| anyhow::anyhow!("--tls-cert/--tls-key: {e}"))?;
            builder.tls_identity(identity)
        }
    };
    if !quiet {
        builder = builder.on_call(|call, took| {
            println!(
                "{} {:<26} {} {:<28} {:>7.2}ms {} {}",
                call.at,
                call.operation.as_deref().unwrap_or("-"),
                call.status,
                call.error_code.as_deref().unwrap_or("ok"),
                took.as_secs_f64() * 1000.0,
                call.caller_arn.as_deref().or(call.access_key_id.as_deref()).unwrap_or("anonymous"),
                call.request_id,
            );
        });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let sts = builder.try_start().await.with_context(|| format!("binding {host}:{port}"))?;
        println!("sts-harness: mock STS listening on {} (admin API under {}/__sts/; Ctrl-C to stop)", sts.uri(), sts.uri());
        if let (Tls::Generated, Some(pem)) = (&tls, sts.ca_pem()) {
            // Clients need the certificate as a file (AWS_CA_BUNDLE, --ca-cert, verify=...).
            let path = std::env::temp_dir().join(format!("sts-harness-{}.pem", sts.address().port()));
            std::fs::write(&path, pem).with_context(|| format!("writing {}", path.display()))?;
            println!("sts-harness: TLS certificate (trust it as a CA): {} (also at {}/__sts/ca.pem)", path.display(), sts.uri());
        }
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        println!("sts-harness: stopping");
        sts.stop();
        Ok(())
    })
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve {
            host,
            port,
            world,
            clock,
            seed,
            region,
            state_key,
            signature_skew,
            admin_token,
            tls,
            tls_cert,
            tls_key,
            quiet,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Tls::Files { cert, key },
                _ if tls => Tls::Generated,
                _ => Tls::Plain,
            };
            match serve(ServeOptions { host, port, world, clock, seed, region, state_key, tls, admin_token, signature_skew, quiet }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sts-harness serve: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::List { filter, scenarios } => match check::load(scenarios.as_deref(), filter.as_deref()) {
            Ok(all) => {
                for s in &all {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        s.id,
                        s.operation,
                        s.doc.features.join(","),
                        s.doc.fidelity,
                        s.doc.evidence.len(),
                        s.doc.description
                    );
                }
                // The share goes to stderr so the table on stdout stays one row per scenario.
                let (rows, total) = sts_harness::conformance::report::evidence_share(&all);
                for (op, e) in rows {
                    eprintln!("evidence {op}: {} of {} hand-written scenarios ({:.0}%)", e.cited, e.written, e.percent());
                }
                eprintln!("evidence total: {} of {} hand-written scenarios ({:.0}%)", total.cited, total.written, total.percent());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("sts-harness list: {e}");
                ExitCode::from(2)
            }
        },
        Command::Check(args) => check::run(args),
        Command::Explore(args) => explore::run(args),
    }
}
