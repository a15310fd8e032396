#!/usr/bin/env python3
"""Extract the subset of botocore's IAM service model used by sts-harness.

Reads botocore/data/iam/2010-05-08/service-2.json(.gz) from the installed
botocore package and writes iam-model.json next to this script (pretty,
sorted keys, deterministic).  Re-run after upgrading botocore:

    python3 crates/sts-wire/data/extract_iam_model.py

Layout notes:
  * input MEMBER "name" is the wire name of the top-level parameter (member
    name, or its locationName if present).  For lists, "min"/"max" are the
    list shape's bounds and "member" describes one item.  Wire names such as
    "Tags.member.N.Key" are built by the Rust side.
  * output OUT_MEMBER "name" is the XML element name; list items carry the
    item element name in "member"."name" (default "member").
"""
from __future__ import annotations

import gzip
import html
import json
import os
import re
import sys

import botocore

API_VERSION = "2010-05-08"
REL_FILE = f"botocore/data/iam/{API_VERSION}/service-2.json"
MAX_DEPTH = 8

OPERATIONS = """
CreateUser GetUser ListUsers DeleteUser TagUser UntagUser CreateAccessKey ListAccessKeys UpdateAccessKey DeleteAccessKey
CreateRole GetRole ListRoles UpdateRole UpdateAssumeRolePolicy DeleteRole TagRole UntagRole PutRolePolicy GetRolePolicy DeleteRolePolicy ListRolePolicies AttachRolePolicy DetachRolePolicy ListAttachedRolePolicies
PutUserPolicy GetUserPolicy DeleteUserPolicy ListUserPolicies AttachUserPolicy DetachUserPolicy ListAttachedUserPolicies
CreatePolicy GetPolicy DeletePolicy CreatePolicyVersion GetPolicyVersion
CreateOpenIDConnectProvider GetOpenIDConnectProvider DeleteOpenIDConnectProvider ListOpenIDConnectProviders AddClientIDToOpenIDConnectProvider
CreateSAMLProvider GetSAMLProvider DeleteSAMLProvider ListSAMLProviders
CreateVirtualMFADevice EnableMFADevice DeactivateMFADevice
""".split()

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "iam-model.json")


def load_model() -> dict:
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "iam", API_VERSION)
    gz = os.path.join(base, "service-2.json.gz")
    if os.path.exists(gz):
        with gzip.open(gz, "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(os.path.join(base, "service-2.json"), encoding="utf-8") as f:
        return json.load(f)


class Extractor:
    def __init__(self, model: dict):
        self.model = model
        self.shapes = model["shapes"]

    def shape(self, name: str) -> dict:
        return self.shapes[name]

    # ---------------------------------------------------------------- input
    def _constraints(self, shape: dict) -> dict:
        return {
            "min": shape.get("min"),
            "max": shape.get("max"),
            "pattern": shape.get("pattern"),
            "enum": list(shape["enum"]) if "enum" in shape else None,
        }

    def input_type(self, shape_name: str, depth: int) -> dict:
        """Type description of a shape (no name/required)."""
        if depth > MAX_DEPTH:
            raise RuntimeError(f"input recursion deeper than {MAX_DEPTH} at {shape_name}")
        s = self.shape(shape_name)
        d = {"type": s["type"], "shape": shape_name}
        d.update(self._constraints(s))
        if "timestampFormat" in s:
            d["timestamp_format"] = s["timestampFormat"]
        t = s["type"]
        if t == "list":
            d["flattened"] = bool(s.get("flattened", False))
            ref = s["member"]
            item = self.input_type(ref["shape"], depth + 1)
            if "locationName" in ref:
                item["location_name"] = ref["locationName"]
            d["member"] = item
        elif t == "map":
            d["flattened"] = bool(s.get("flattened", False))
            for part in ("key", "value"):
                ref = s[part]
                sub = self.input_type(ref["shape"], depth + 1)
                if "locationName" in ref:
                    sub["location_name"] = ref["locationName"]
                d[part] = sub
        elif t == "structure":
            d["members"] = self.input_members(shape_name, depth + 1)
        return d

    def input_members(self, shape_name: str, depth: int) -> list:
        s = self.shape(shape_name)
        required = set(s.get("required", []))
        out = []
        for mname, ref in s.get("members", {}).items():  # model order
            d = {"name": ref.get("locationName", mname), "required": mname in required}
            d.update(self.input_type(ref["shape"], depth))
            if ref.get("flattened"):
                d["flattened"] = True
            if "timestampFormat" in ref:
                d["timestamp_format"] = ref["timestampFormat"]
            out.append(d)
        return out

    # --------------------------------------------------------------- output
    def output_type(self, shape_name: str, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise RuntimeError(f"output recursion deeper than {MAX_DEPTH} at {shape_name}")
        s = self.shape(shape_name)
        d = {"type": s["type"], "shape": shape_name}
        if "timestampFormat" in s:
            d["timestamp_format"] = s["timestampFormat"]
        t = s["type"]
        if t == "list":
            ref = s["member"]
            item = {"name": ref.get("locationName", "member")}
            item.update(self.output_type(ref["shape"], depth + 1))
            d["member"] = item
            if s.get("flattened"):
                d["flattened"] = True
        elif t == "map":
            for part, default in (("key", "key"), ("value", "value")):
                ref = s[part]
                sub = {"name": ref.get("locationName", default)}
                sub.update(self.output_type(ref["shape"], depth + 1))
                d[part] = sub
            if s.get("flattened"):
                d["flattened"] = True
        elif t == "structure":
            d["members"] = self.output_members(shape_name, depth + 1)
        return d

    def output_members(self, shape_name: str, depth: int) -> list:
        s = self.shape(shape_name)
        required = set(s.get("required", []))
        out = []
        for mname, ref in s.get("members", {}).items():
            d = {"name": ref.get("locationName", mname), "required": mname in required}
            d.update(self.output_type(ref["shape"], depth))
            if ref.get("flattened"):
                d["flattened"] = True
            if "timestampFormat" in ref:
                d["timestamp_format"] = ref["timestampFormat"]
            out.append(d)
        return out

    # --------------------------------------------------------------- errors
    def error_info(self, shape_name: str) -> dict:
        s = self.shape(shape_name)
        e = s.get("error", {})
        code = e.get("code") or (shape_name[: -len("Exception")] if shape_name.endswith("Exception") else shape_name)
        return {
            "shape": shape_name,
            "code": code,
            "http_status": e.get("httpStatusCode"),
            "sender_fault": bool(e.get("senderFault", False)),
        }

    def operation(self, name: str) -> dict:
        op = self.model["operations"][name]
        inp = self.input_members(op["input"]["shape"], 0) if "input" in op else []
        out_ref = op.get("output")
        return {
            "input": inp,
            "result_wrapper": out_ref.get("resultWrapper") if out_ref else None,
            "output": self.output_members(out_ref["shape"], 0) if out_ref else None,
            "errors": [self.error_info(e["shape"]) for e in op.get("errors", [])],
        }


def first_sentence(doc: str | None) -> str | None:
    if not doc:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", " ", doc))
    text = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


def main() -> int:
    model = load_model()
    ex = Extractor(model)
    missing = [o for o in OPERATIONS if o not in model["operations"]]
    for o in missing:
        print(f"warning: operation {o} not in model; skipped", file=sys.stderr)

    operations = {o: ex.operation(o) for o in OPERATIONS if o not in missing}

    common = {}
    for op in operations.values():
        for e in op["errors"]:
            common[e["code"]] = {
                "http_status": e["http_status"],
                "sender_fault": e["sender_fault"],
                "documentation": first_sentence(ex.shape(e["shape"]).get("documentation")),
            }

    doc = {
        "source": {"botocore": botocore.__version__, "file": REL_FILE},
        "api_version": model["metadata"]["apiVersion"],
        "xml_namespace": model["metadata"]["xmlNamespace"],
        "operations": operations,
        "common_errors": common,
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    with open(OUT_PATH, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

    n_members = sum(len(o["input"]) for o in operations.values())
    n_out = sum(len(o["output"] or []) for o in operations.values())
    print(f"wrote {OUT_PATH} ({len(text.encode())} bytes)")
    print(f"operations: {len(operations)}/{len(OPERATIONS)} (missing: {missing or 'none'})")
    print(f"top-level input members: {n_members}; top-level output members: {n_out}; "
          f"error codes: {len(common)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
