#!/usr/bin/env bash
# Mutation check, run by hand (not in CI: a whole-crate run takes hours on 2 cores): cargo-mutants
# changes the code one mutant at a time and runs the package's tests; a mutant the tests do not
# notice ("missed") is a rule no test pins. Results land in target/mutants/ (outcomes.json, missed.txt).
#
# Usage: bench/mutants.sh [PACKAGE] [FILE...]
#   bench/mutants.sh sts-model crates/sts-model/src/ops/get_scoped_credentials.rs
#   bench/mutants.sh sts-wire                      # every mutant of the wire layer
# Needs cargo-mutants (installed from crates.io on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
package=${1:-sts-model}
shift || true
command -v cargo-mutants >/dev/null 2>&1 || cargo install cargo-mutants --locked
files=()
for f in "$@"; do files+=(--file "$f"); done
cargo mutants --package "$package" "${files[@]}" --output target/mutants -j 1 --timeout 300
