#!/usr/bin/env python3
"""Builds the suite's world (scenarios/world.toml) in a LocalStack started by start.sh, through its IAM API,
and writes the final profile from the committed template:

    python3 interop/peers/localstack/world.py http://127.0.0.1:27900 scenarios/profiles/localstack.toml OUT.toml

LocalStack's users get their access keys from CreateAccessKey (random, like their AIDA/AROA ids), so the
committed profile is a template: every value written "@world" (the principals' keys, the user.*.id and
role.*.id symbols) is filled here with what LocalStack answered, and the names that are fixed (account ids,
ARNs) are checked against what it holds. Everything else in the template (features, deviations) is copied
as it is. Python's standard library only.

- Accounts: a 12-digit access key id makes LocalStack act as that account's root, so the world is created
  with the keys "123456789012" and "222222222222" (the profile's `root` principal is the first). With
  PARITY_AWS_ACCESS_KEY_ID=1 the keys it issues are AKIA/ASIA keys that carry their account. LocalStack
  does not check signatures, so secrets do not matter; they are sent signed anyway.
- Users alice, bob (with the virtual MFA device arn:aws:iam::123456789012:mfa/bob) and carol (/team/,
  tagged Team=blue); roles demo, short, partner (ExternalId ext-42), guarded (MFA), tagged (/app/, tags),
  private (trusts 999999999999), federated (OIDC and SAML), and cross in 222222222222; the OIDC provider
  oidc.example.com and the SAML provider corp (the test IdP's certificate, crates/sts-model/keys/idp-rsa.crt);
  the managed policies sts-caller (attached as world.toml says) and read-only.
"""
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

ENDPOINT, TEMPLATE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
A1, A2 = "123456789012", "222222222222"
PLACEHOLDER = "@world"


def iam(account, action, **params):
    """One call of LocalStack's IAM API (query protocol, SigV4 for iam/us-east-1) as the account's root."""
    params = {"Action": action, "Version": "2010-05-08", **params}
    body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
    url = urllib.parse.urlsplit(ENDPOINT)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": url.netloc,
               "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", "", *(f"{k}:{headers[k]}" for k in sorted(headers)), "", signed,
                           hashlib.sha256(body).hexdigest()])
    scope = f"{day}/us-east-1/iam/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = b"AWS4root-secret"
    for part in (day, "us-east-1", "iam", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={account}/{scope}, SignedHeaders={signed}, "
                                f"Signature={signature}")
    req = urllib.request.Request(ENDPOINT.rstrip("/") + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            root = ET.fromstring(resp.read())
    except urllib.error.HTTPError as e:
        sys.exit(f"IAM {action} failed: HTTP {e.code}: {e.read().decode(errors='replace')}")
    for element in root.iter():  # drop the namespace: <{https://iam.amazonaws.com/doc/2010-05-08/}Arn>
        element.tag = element.tag.split("}")[-1]
    return root


def text(root, name):
    found = root.find(f".//{name}")
    if found is None or found.text is None:
        sys.exit(f"no <{name}> in {ET.tostring(root)[:300]!r}")
    return found.text


def doc(d):
    return json.dumps(d, separators=(",", ":"))


def members(prefix, items):
    """Query-protocol list: Prefix.member.N (for tag dicts: Prefix.member.N.Key/Value)."""
    out = {}
    for i, item in enumerate(items, 1):
        if isinstance(item, tuple):
            out[f"{prefix}.member.{i}.Key"], out[f"{prefix}.member.{i}.Value"] = item
        else:
            out[f"{prefix}.member.{i}"] = item
    return out


with open(TEMPLATE, "rb") as f:
    template = tomllib.load(f)
fixed = {k: v for k, v in template["symbols"].items() if v != PLACEHOLDER}
found = {"partition": "aws", "account": A1, "account.2": A2}
keys = {}

STS_CALLER = doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})
READ_ONLY = doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]})
sts_caller = text(iam(A1, "CreatePolicy", PolicyName="sts-caller", PolicyDocument=STS_CALLER), "Arn")
iam(A1, "CreatePolicy", PolicyName="read-only", PolicyDocument=READ_ONLY)

# users, their keys, bob's MFA device
for name, path, tags in [("alice", "/", []), ("bob", "/", []), ("carol", "/team/", [("Team", "blue")])]:
    user = iam(A1, "CreateUser", UserName=name, Path=path, **members("Tags", tags))
    found[f"user.{name}"], found[f"user.{name}.id"] = text(user, "Arn"), text(user, "UserId")
    iam(A1, "AttachUserPolicy", UserName=name, PolicyArn=sts_caller)
    key = iam(A1, "CreateAccessKey", UserName=name)
    keys[name] = (text(key, "AccessKeyId"), text(key, "SecretAccessKey"))
keys["root"] = (A1, "root-secret")
mfa = text(iam(A1, "CreateVirtualMFADevice", VirtualMFADeviceName="bob"), "SerialNumber")
iam(A1, "EnableMFADevice", UserName="bob", SerialNumber=mfa, AuthenticationCode1="123456", AuthenticationCode2="654321")
found["mfa.bob"] = mfa

# identity providers
oidc = text(iam(A1, "CreateOpenIDConnectProvider", Url="https://oidc.example.com",
                **members("ClientIDList", ["sts.amazonaws.com"]), **members("ThumbprintList", ["0" * 40])),
            "OpenIDConnectProviderArn")
found["oidc.oidc.example.com"] = oidc
with open(os.path.join(ROOT, "crates/sts-model/keys/idp-rsa.crt")) as f:
    cert = "".join(line for line in f.read().splitlines() if "CERTIFICATE" not in line)
metadata = ('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">'
            '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>'
            f'<X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>'
            '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>'
            '</IDPSSODescriptor></EntityDescriptor>')
found["saml.corp"] = text(iam(A1, "CreateSAMLProvider", Name="corp", SAMLMetadataDocument=metadata), "SAMLProviderArn")


def trust(principal, condition=None, actions=("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")):
    statement = {"Effect": "Allow", "Principal": principal, "Action": list(actions)}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


account = {"AWS": f"arn:aws:iam::{A1}:root"}
federated = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Federated": oidc}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]},
    {"Effect": "Allow", "Principal": {"Federated": found["saml.corp"]}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}]}
roles = [  # name, path, MaxSessionDuration, trust policy, tags
    ("demo", "/", 43200, trust(account), []),
    ("short", "/", 3600, trust(account), []),
    ("partner", "/", 3600, trust(account, {"StringEquals": {"sts:ExternalId": "ext-42"}}), []),
    ("guarded", "/", 3600, trust(account, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}), []),
    ("tagged", "/app/", 3600, trust(account), [("Project", "Pegasus"), ("CostCenter", "42")]),
    ("private", "/", 3600, trust({"AWS": "arn:aws:iam::999999999999:root"}), []),
    ("federated", "/", 7200, federated, []),
]
for name, path, max_duration, trust_doc, tags in roles:
    role = iam(A1, "CreateRole", RoleName=name, Path=path, MaxSessionDuration=str(max_duration),
               AssumeRolePolicyDocument=doc(trust_doc), **members("Tags", tags))
    found[f"role.{name}"], found[f"role.{name}.id"] = text(role, "Arn"), text(role, "RoleId")
    iam(A1, "AttachRolePolicy", RoleName=name, PolicyArn=sts_caller)
iam(A2, "CreateRole", RoleName="cross", AssumeRolePolicyDocument=doc(trust({"AWS": f"arn:aws:iam::{A1}:root"})))

# the profile: the template with its @world values filled, after checking its fixed names
for symbol, value in fixed.items():
    if found.get(symbol) != value:
        sys.exit(f"{TEMPLATE}: {symbol} is {value!r} but LocalStack holds {found.get(symbol)!r}")
section, lines = None, []
for line in open(TEMPLATE).read().splitlines():
    header = re.match(r"^\[(.+)\]$", line)
    if header:
        section = header.group(1)
    m = re.match(r'^("?)([^"=]+)\1 = "@world"$', line)
    if m:
        name = m.group(2)
        if section == "symbols" and name in found:
            value = found[name]
        elif section and section.startswith("principals.") and name in ("access_key_id", "secret_access_key"):
            value = keys[section.split(".", 1)[1]][0 if name == "access_key_id" else 1]
        else:
            sys.exit(f"{TEMPLATE}: no value for {name} in [{section}]")
        line = f"{m.group(1)}{name}{m.group(1)} = {json.dumps(value)}"
    lines.append(line)
os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
with open(OUT, "rb") as f:
    profile = tomllib.load(f)
print(f"LocalStack world built: {len(profile['symbols'])} symbols, {len(profile['principals'])} principals; profile {OUT}")
