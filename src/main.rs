//! The `sts-harness` command line: run the conformance suite, list its cases.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sts_harness::conformance::{self, InProcess, Target, Verdict, contract, report};

/// Conformance suite and mock of the AWS Security Token Service (Query API 2011-06-15).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the conformance suite (today: against the built-in mock, in process) and print a summary.
    Check {
        /// Run only cases whose id contains this text (e.g. `AssumeRole/` or `durationSeconds`).
        #[arg(long)]
        filter: Option<String>,
        /// Seed of the built-in mock's generator (keys, tokens, request ids).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// List the cases of the suite, one id and description per line.
    List {
        /// Only cases whose id contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
}

fn selected(filter: Option<&str>) -> Vec<conformance::Case> {
    contract::cases().into_iter().filter(|c| filter.is_none_or(|f| c.id.contains(f))).collect()
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::List { filter } => {
            for case in selected(filter.as_deref()) {
                println!("{}\t{}", case.id, case.description);
            }
            ExitCode::SUCCESS
        }
        Command::Check { filter, seed } => {
            let cases = selected(filter.as_deref());
            if cases.is_empty() {
                eprintln!("no case matches the filter");
                return ExitCode::from(2);
            }
            let mut target = InProcess::new(seed);
            let interactive = std::io::stderr().is_terminal();
            let total = cases.len();
            let verdicts = conformance::run(&mut target, &cases, |done, case, verdict| {
                if interactive {
                    eprint!("\r[{done}/{total}] {:<70}", case.id);
                    let _ = std::io::stderr().flush();
                } else if let Verdict::Fail(_) = verdict {
                    eprintln!("FAIL {}", case.id);
                }
            });
            if interactive {
                eprint!("\r{:<90}\r", "");
            }
            print!("{}", report::summary(&target.name(), &cases, &verdicts));
            if verdicts.iter().all(|v| *v == Verdict::Pass) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}
