#!/usr/bin/env python3
"""The MSRV the workspace states (rust-version) holds for what it builds: no normal or build
dependency of any member declares a newer one. (Our own code is held to it by clippy's
incompatible_msrv lint, denied with the warnings in .ci/run; no older toolchain is installed
here to build with.)"""
import json
import subprocess
import sys


def version(text):
    parts = [int(part) for part in (text or "0").split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


metadata = json.loads(subprocess.check_output(["cargo", "metadata", "--format-version", "1", "--locked"]))
members = {p["id"]: p for p in metadata["packages"] if p["id"] in metadata["workspace_members"]}
stated = {version(p["rust_version"]) for p in members.values()}
if len(stated) != 1:
    sys.exit(f"the members state different rust-versions: {sorted(stated)}")
msrv = stated.pop()
tree = subprocess.check_output(
    ["cargo", "tree", "--workspace", "--all-features", "-e", "normal,build", "--prefix", "none", "--locked"], text=True
)
used = {tuple(line.split()[:2]) for line in tree.splitlines() if len(line.split()) >= 2}
newer = [
    f"{p['name']} {p['version']} needs {p['rust_version']}"
    for p in metadata["packages"]
    if (p["name"], "v" + p["version"]) in used and version(p.get("rust_version")) > msrv
]
if newer:
    sys.exit("dependencies newer than the stated rust-version " + ".".join(map(str, msrv[:2])) + ": " + "; ".join(newer))
print(f"rust-version {'.'.join(map(str, msrv[:2]))}: {len(used)} normal and build dependencies, none needs a newer toolchain")
