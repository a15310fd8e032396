//! `sts-harness explore`: random call sequences against an endpoint, checked by the model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use sts_harness::conformance::explore::{Explorer, Rng, render};
use sts_harness::conformance::{Endpoint, InProcess, Profile, SuiteWorld, TlsOptions};

use crate::check;

/// Arguments of `explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// The STS endpoint to explore (e.g. http://127.0.0.1:5000).
    #[arg(long)]
    endpoint: String,
    /// Its profile: symbols, principals, claimed features (`clock-control` lets sequences move the
    /// clock) and known deviations (divergences like them are not reported again); a file, or a
    /// built-in name (moto, localstack, ceph-rgw, sts-harness).
    #[arg(long)]
    profile: PathBuf,
    /// How long to explore.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    seconds: u64,
    /// Seed of the generator (a run is repeated by its seed); random when not given, and printed.
    #[arg(long)]
    seed: Option<u64>,
    /// Where each divergence is written, shrunk, as a scenario file (with the suite's world.toml,
    /// so that `check --scenarios DIR --filter explore-` replays them).
    #[arg(long, default_value = "explore-out", value_name = "DIR")]
    out: PathBuf,
    /// The longest sequence generated.
    #[arg(long, default_value_t = 6)]
    max_steps: usize,
    /// The suite whose world.toml the model runs on and whose deviations the profile names
    /// (default: ./scenarios if present, else the shipped suite).
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// PEM file of a CA to trust for an HTTPS endpoint.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Do not verify the endpoint's TLS certificate (loudly).
    #[arg(long, conflicts_with = "ca_cert")]
    insecure: bool,
    /// No progress lines, only divergences and the summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `explore`: exit 0 when no new divergence was found, 1 when some were, 2 when it could not run.
pub fn run(args: ExploreArgs) -> ExitCode {
    match explore(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("sts-harness explore: {e}");
            ExitCode::from(2)
        }
    }
}

fn explore(args: &ExploreArgs) -> Result<usize, String> {
    let world_text = check::world_text(args.scenarios.as_deref())?;
    let world = SuiteWorld::parse(&world_text)?;
    let profile_text = check::profile_text(&args.profile)?;
    let profile = Profile::parse(&profile_text).map_err(|e| format!("{}: {e}", args.profile.display()))?;
    let ca_pem = match &args.ca_cert {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?),
        None => None,
    };
    if args.insecure {
        eprintln!("sts-harness explore: WARNING: --insecure: the endpoint's TLS certificate is not verified");
    }
    let mut endpoint = Endpoint::with_tls(&args.endpoint, profile, &TlsOptions { ca_pem, insecure: args.insecure })?;
    endpoint.probe()?;
    let seed = args.seed.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        (nanos as u64) ^ u64::from(std::process::id())
    });
    let mut model = InProcess::with_world(world, seed);
    let mut explorer = Explorer::new(&mut model, &mut endpoint, args.max_steps)?;
    let suite = check::load(args.scenarios.as_deref(), None)?;
    let known = explorer.learn_deviations(&suite);
    eprintln!(
        "sts-harness explore: {} for {} s, seed {seed}, sequences of up to {} calls; {known} known deviation signature(s)",
        args.endpoint, args.seconds, args.max_steps
    );

    std::fs::create_dir_all(&args.out).map_err(|e| format!("creating {}: {e}", args.out.display()))?;
    std::fs::write(args.out.join("world.toml"), &world_text).map_err(|e| format!("writing into {}: {e}", args.out.display()))?;
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut last_report = started;
    let mut written = 0;
    while Instant::now() < deadline {
        if let Some(found) = explorer.step(&mut rng) {
            written += 1;
            let file = args.out.join(format!("explore-{}-{written}.toml", found.operation));
            let description = format!("explore (seed {seed}): {}", found.signature);
            let header = format!(
                "# Found by `sts-harness explore --seed {seed}` against {}: the model's answers are the expectations.\n# {}\n# {}\n",
                args.endpoint,
                found.signature,
                found.detail.lines().next().unwrap_or_default().chars().take(300).collect::<String>()
            );
            let text = format!("{header}{}", render("divergence", &description, &found.acts, &found.expects));
            std::fs::write(&file, text).map_err(|e| format!("writing {}: {e}", file.display()))?;
            println!(
                "divergence: {} (shrunk from {} to {} steps) -> {}",
                found.signature,
                found.original_steps,
                found.acts.len(),
                file.display()
            );
        }
        if !args.quiet && last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            let t = &explorer.tally;
            eprintln!(
                "  {:>4} s: {} sequences ({:.1}/s), {} divergences, {} known, {} repeated",
                started.elapsed().as_secs(),
                t.sequences,
                t.sequences as f64 / started.elapsed().as_secs_f64(),
                explorer.divergences().len(),
                t.known,
                t.repeated
            );
        }
    }
    print!("{}", summary(&explorer, started.elapsed(), &args.out));
    Ok(explorer.divergences().len())
}

/// The closing summary: counts, rates, and the divergences by operation.
fn summary(explorer: &Explorer<'_>, elapsed: Duration, out: &Path) -> String {
    let t = &explorer.tally;
    let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    let mut text = format!(
        "\n{} sequences ({:.1}/s), {} calls to the endpoint ({:.0}/s) in {:.1} s\n{} divergence(s) found and shrunk, {} like a known deviation, {} repeated; {} sequence(s) skipped (a name the profile lacks), {} the model could not settle\n",
        t.sequences,
        t.sequences as f64 / seconds,
        t.calls,
        t.calls as f64 / seconds,
        seconds,
        explorer.divergences().len(),
        t.known,
        t.repeated,
        t.skipped,
        t.model_failures
    );
    let mut by_operation: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for divergence in explorer.divergences().values() {
        by_operation.entry(divergence.operation.as_str()).or_default().push(divergence.signature.as_str());
    }
    for (operation, signatures) in by_operation {
        text.push_str(&format!("  {operation}: {}\n", signatures.len()));
        for signature in signatures {
            text.push_str(&format!("    {signature}\n"));
        }
    }
    if !explorer.divergences().is_empty() {
        text.push_str(&format!(
            "replay: sts-harness check --scenarios {} --filter explore- --endpoint URL --profile PROFILE\n",
            out.display()
        ));
    }
    text
}
