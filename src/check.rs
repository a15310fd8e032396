//! `sts-harness check`: load the suite, pick the target, run with a progress bar, print the
//! summary, write the reports, and exit 0 only if the gate passes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use sts_harness::conformance::provision::{self, Provisioned};
use sts_harness::conformance::{self, Endpoint, InProcess, MockHttp, Profile, Scenario, Status, Target, TlsOptions, report, runner};

/// How to reach the built-in mock.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Via {
    /// Call the mock's core directly (fastest).
    InProcess,
    /// Start a mock server per scenario and send real HTTP requests.
    Http,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Run against this STS endpoint (e.g. http://127.0.0.1:5000) instead of the built-in mock;
    /// needs --profile, or --provision.
    #[arg(long)]
    endpoint: Option<String>,
    /// Create the suite's world on the endpoint through its IAM API (names prefixed per run),
    /// as the bootstrap credentials of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    /// (/ AWS_SESSION_TOKEN), fill the profile's symbols and principals from it, run, and delete it.
    /// Without --profile, the features are those the endpoint can be given this way.
    #[arg(long, requires = "endpoint")]
    provision: bool,
    /// With --provision: leave what was created in place (for debugging).
    #[arg(long, requires = "provision")]
    keep: bool,
    /// With --provision: the IAM endpoint, when it is not the STS endpoint (AWS: https://iam.amazonaws.com).
    #[arg(long, requires = "provision", value_name = "URL")]
    iam_endpoint: Option<String>,
    /// Profile of the endpoint: symbols, principals, claimed features, known deviations (TOML;
    /// see scenarios/README.md), or the name of a built-in one: moto, localstack, ceph-rgw,
    /// sts-harness (serve --world on the suite world).
    #[arg(long, requires = "endpoint")]
    profile: Option<PathBuf>,
    /// Trust this CA certificate (PEM) for an https:// endpoint, besides the platform's roots.
    #[arg(long, requires = "endpoint", value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Do not verify the endpoint's TLS certificate at all (a throwaway certificate; never for a
    /// gate that matters: anyone on the path could answer).
    #[arg(long, requires = "endpoint", conflicts_with = "ca_cert")]
    insecure: bool,
    /// How to reach the built-in mock when no endpoint is given.
    #[arg(long, value_enum, default_value = "in-process")]
    via: Via,
    /// Run only scenarios whose id contains this text (e.g. `assume-role/` or `durationSeconds`).
    #[arg(long)]
    filter: Option<String>,
    /// The scenarios directory (default: ./scenarios if present, else the one built in).
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// Seed of the built-in mock's generator, unless the suite world sets one.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the HTML matrix (operation x feature) here.
    #[arg(long)]
    html: Option<PathBuf>,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

/// The suite's directory: the one given, else `./scenarios` when it holds a suite, else none:
/// the suite built into the binary. Scenarios and their world always come from the same place.
pub fn suite_dir(dir: Option<&Path>) -> Option<PathBuf> {
    match dir {
        Some(d) => Some(d.to_path_buf()),
        None if Path::new("scenarios/world.toml").exists() => Some(PathBuf::from("scenarios")),
        None => None,
    }
}

/// The suite, filtered.
pub fn load(dir: Option<&Path>, filter: Option<&str>) -> Result<Vec<Scenario>, String> {
    let all = match suite_dir(dir) {
        Some(dir) => conformance::suite(&dir),
        None => conformance::embedded_suite(),
    }
    .map_err(|e| e.to_string())?;
    Ok(all.into_iter().filter(|s| filter.is_none_or(|f| s.id.contains(f))).collect())
}

/// What `target` built: the target, and the world `--provision` created (deleted after the run).
struct Prepared {
    target: Box<dyn Target>,
    provisioned: Option<Provisioned>,
}

fn target(args: &CheckArgs, dir: Option<&Path>) -> Result<Prepared, String> {
    if let Some(url) = &args.endpoint {
        let profile = match &args.profile {
            Some(path) => {
                let text = profile_text(path)?;
                Profile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None if args.provision => provision::default_profile(url),
            None => return Err("--endpoint needs --profile (what the endpoint holds), or --provision to create it".into()),
        };
        let ca_pem = match &args.ca_cert {
            Some(path) => Some(std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?),
            None => None,
        };
        if args.insecure {
            eprintln!("sts-harness check: WARNING: --insecure: the endpoint's TLS certificate is not verified");
        }
        let mut endpoint = Endpoint::with_tls(url, profile, &TlsOptions { ca_pem, insecure: args.insecure })?;
        // An endpoint that is not there, or is not STS, stops the run with one message (exit 2).
        // A provisioned run asks as the bootstrap credentials (some implementations route an
        // unsigned request to another service).
        let bootstrap = if args.provision { Some(provision::bootstrap_from_env()?) } else { None };
        match &bootstrap {
            Some(principal) if !endpoint.profile().principals.contains_key("alice") => {
                let mut probing = endpoint.clone();
                probing.adopt(Default::default(), [("alice".to_owned(), principal.clone())].into());
                probing.probe()?;
            }
            _ => endpoint.probe()?,
        }
        let provisioned = if let Some(bootstrap) = bootstrap {
            let world = suite_world(dir)?;
            let iam_url = args.iam_endpoint.clone().unwrap_or_else(|| url.clone());
            let created = Provisioned::create(&endpoint, &iam_url, bootstrap, world.world())?;
            // Printed even with --quiet: the prefix is how a kept world is found again.
            eprintln!("sts-harness check: provisioned {} resources named {}*", created.count(), created.prefix);
            if !args.quiet {
                for why in &created.left_out {
                    eprintln!("  left out: {why}");
                }
            }
            endpoint.adopt(created.symbols.clone(), created.principals.clone());
            Some(created)
        } else {
            None
        };
        return Ok(Prepared { target: Box::new(endpoint), provisioned });
    }
    let world = suite_world(dir)?;
    let target: Box<dyn Target> = match args.via {
        Via::InProcess => Box::new(InProcess::with_world(world, args.seed)),
        Via::Http => Box::new(MockHttp::with_world(world, args.seed)),
    };
    Ok(Prepared { target, provisioned: None })
}

/// A profile's text: the file, or, for a name that is not a file (`moto`, `localstack`,
/// `ceph-rgw`, `sts-harness`), the built-in profile of that implementation.
pub fn profile_text(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) => {
            let builtin = path.to_str().and_then(|name| conformance::embedded::file(&format!("profiles/{name}.toml")));
            builtin.map(str::to_owned).ok_or_else(|| {
                let names: Vec<&str> =
                    conformance::embedded::FILES.iter().filter_map(|(p, _)| p.strip_prefix("profiles/")?.strip_suffix(".toml")).collect();
                format!("reading {}: {e} (built-in profiles: {})", path.display(), names.join(", "))
            })
        }
    }
}

/// The suite world beside the scenarios (`world.toml` of the suite directory, or the built-in one).
fn suite_world(dir: Option<&Path>) -> Result<conformance::SuiteWorld, String> {
    conformance::SuiteWorld::parse(&world_text(dir)?)
}

/// The text of the suite's world file.
pub fn world_text(dir: Option<&Path>) -> Result<String, String> {
    match suite_dir(dir) {
        Some(dir) => {
            let path = dir.join("world.toml");
            std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))
        }
        None => Ok(conformance::embedded::file("world.toml").unwrap_or_default().to_owned()),
    }
}

/// Prints progress: a bar on a terminal, a line per tenth (and per failure) otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    total: usize,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} {elapsed} {msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        Progress { bar, quiet, total }
    }

    fn tick(&self, done: usize, result: &conformance::ScenarioResult) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            bar.set_message(result.id.clone());
            if !result.status.is_ok() {
                bar.println(format!("{} {}", result.status.label(), result.id));
            }
        } else if !self.quiet {
            if !result.status.is_ok() {
                eprintln!("{} {}", result.status.label(), result.id);
            }
            let step = (self.total / 10).max(1);
            if done.is_multiple_of(step) || done == self.total {
                eprintln!("[{done}/{}] {}%", self.total, done * 100 / self.total.max(1));
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// A deviation that names no scenario of the suite hides nothing and proves nothing: a renamed
/// scenario (a bound that moved with a new model) would otherwise leave its old entry behind while
/// the new one fails unexplained. The whole suite must be loaded to tell, so filtered runs skip this.
fn check_deviations_name_scenarios(args: &CheckArgs, scenarios: &[Scenario]) -> Result<(), String> {
    let (Some(_), Some(path)) = (&args.endpoint, &args.profile) else { return Ok(()) };
    let text = profile_text(path)?;
    let profile = Profile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let unknown: Vec<&str> = profile.deviations.keys().map(String::as_str).filter(|id| !scenarios.iter().any(|s| s.id == *id)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(format!("{}: {} deviation(s) name no scenario of the suite: {}", path.display(), unknown.len(), unknown.join(", ")))
}

/// On Ctrl-C, deletes what `--provision` created, then exits 130.
fn delete_on_interrupt(provisioned: std::sync::Arc<std::sync::Mutex<Option<Provisioned>>>) {
    if provisioned.lock().map(|p| p.is_none()).unwrap_or(true) {
        return;
    }
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            eprintln!("sts-harness check: interrupted: deleting the provisioned world");
            if let Some(mut created) = provisioned.lock().unwrap_or_else(|e| e.into_inner()).take()
                && let Err(e) = created.delete()
            {
                eprintln!("sts-harness check: {e}");
            }
            std::process::exit(130);
        }
    });
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> ExitCode {
    match check(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("sts-harness check: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: &CheckArgs) -> Result<bool, String> {
    let scenarios = load(args.scenarios.as_deref(), args.filter.as_deref())?;
    if scenarios.is_empty() {
        return Err("no scenario matches the filter".into());
    }
    if args.filter.is_none() {
        check_deviations_name_scenarios(args, &scenarios)?;
    }
    // The world beside the scenarios that were loaded (a working directory's suite brings its own).
    let Prepared { mut target, provisioned } = target(args, args.scenarios.as_deref())?;
    // What --provision created is deleted on every way out: after the run, and on Ctrl-C.
    let provisioned = std::sync::Arc::new(std::sync::Mutex::new(provisioned.filter(|_| !args.keep)));
    delete_on_interrupt(std::sync::Arc::clone(&provisioned));
    let progress = Progress::new(scenarios.len(), args.quiet);
    let started = Instant::now();
    let results = runner::run(target.as_mut(), &scenarios, |done, _, result| progress.tick(done, result));
    progress.finish();
    if let Some(mut created) = provisioned.lock().unwrap_or_else(|e| e.into_inner()).take()
        && let Err(e) = created.delete()
    {
        eprintln!("sts-harness check: deleting the provisioned world: {e}");
    }
    let run = report::Run { target: target.name(), results: scenarios.iter().zip(results).collect(), elapsed: started.elapsed() };
    print!("{}", report::summary(&run));
    if let Some(path) = &args.junit {
        write(path, &report::junit::render(&run)?)?;
    }
    if let Some(path) = &args.json {
        write(path, &report::json::render(&run))?;
    }
    if let Some(path) = &args.html {
        write(path, &report::html::render(&run))?;
    }
    let stale = run.results.iter().filter(|(_, r)| matches!(r.status, Status::UnexpectedPass(_))).count();
    if stale > 0 {
        eprintln!("{stale} listed deviation(s) now pass: remove them from the profile");
    }
    Ok(run.ok())
}
