#!/usr/bin/env python3
"""Builds the suite's world (scenarios/world.toml) in a RADOS Gateway started by start.sh, as far as RGW
can hold it, and checks that it matches the committed profile scenarios/profiles/ceph-rgw.toml:

    python3 interop/peers/ceph/world.py http://127.0.0.1:27901 $CEPH_DIR/ceph.conf scenarios/profiles/ceph-rgw.toml

The profile is static: every name in its [symbols] and every key in its [principals] is fixed, and this
script makes RGW hold exactly those (it exits non-zero if RGW names something differently).

- Accounts are RGW tenants ('123456789012', '222222222222'): ARNs then read arn:aws:iam::<tenant>:...
- Users come from `radosgw-admin user create` with the profile's keys (uid 'tenant$name').
- Roles (path, MaxSessionDuration, tags, trust policy), the users' and roles' inline policies and the
  OIDC provider come from RGW's IAM API, called by a per-tenant admin user (caps roles, user-policy,
  oidc-provider, users) and signed here with SigV4 (python3's standard library only).
- world.toml grants sts:* to every user and role through a managed policy; RGW 16 has no managed
  policies, so the same document is put inline. RGW checks it even for GetSessionToken.
- world.toml's roles trust the account. RGW matches an account principal (arn:aws:iam::T:root) against
  the tenant's users but not against role sessions, so a chained AssumeRole would always be
  AccessDenied: the trust policies also name the account's roles (role/demo and role/app/tagged, whose
  sessions the chaining scenarios use).
- RGW has no account root, IAM MFA devices, SAML providers, managed policies or user paths and tags:
  root, mfa.bob and saml.corp stay unmapped (their scenarios are skipped) and carol has no /team/ path.
- RGW 16.2 refuses a policy document whose JSON has spaces ('failed to parse policy: Invalid value'):
  every document is sent compact.
"""
import datetime
import hashlib
import hmac
import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request

ENDPOINT, CONF, PROFILE = sys.argv[1], sys.argv[2], sys.argv[3]
A1, A2 = "123456789012", "222222222222"
ADMIN_SECRET = "admin-secret-admin-secret-admin-secret-0"
ADMIN_KEYS = {A1: "AKIAQAAAAAAAAADMIN01", A2: "AKIAQAAAAAAAAADMIN02"}

with open(PROFILE, "rb") as f:
    profile = tomllib.load(f)
symbols, principals = profile["symbols"], profile["principals"]


def admin(*args):
    """radosgw-admin against the cluster of CONF; its JSON answer."""
    out = subprocess.run(["radosgw-admin", "-c", CONF, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else {}


def iam(tenant, action, **params):
    """One call of RGW's IAM API (query protocol, SigV4 for iam/us-east-1) as the tenant's admin."""
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
    key = ("AWS4" + ADMIN_SECRET).encode()
    for part in (day, "us-east-1", "iam", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={ADMIN_KEYS[tenant]}/{scope}, "
                                f"SignedHeaders={signed}, Signature={signature}")
    req = urllib.request.Request(ENDPOINT.rstrip("/") + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read().decode()
    except urllib.error.HTTPError as e:
        sys.exit(f"IAM {action} {params} failed: HTTP {e.code}: {e.read().decode(errors='replace')}")


def element(xml, name):
    start = xml.index(f"<{name}>") + len(name) + 2
    return xml[start:xml.index(f"</{name}>", start)]


def doc(d):
    return json.dumps(d, separators=(",", ":"))


def expect(symbol, actual):
    if symbols.get(symbol) != actual:
        sys.exit(f"{PROFILE}: {symbol} is {symbols.get(symbol)!r} but RGW holds {actual!r}")


STS_CALLER = doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})

# users: a tenant admin per account, then alice, bob and carol with the profile's keys
for tenant, ak in ADMIN_KEYS.items():
    admin("user", "create", f"--uid={tenant}$admin", "--display-name=admin", f"--access-key={ak}",
          f"--secret-key={ADMIN_SECRET}")
    admin("caps", "add", f"--uid={tenant}$admin", "--caps=roles=*;user-policy=*;oidc-provider=*;users=*")
for name in ("alice", "bob", "carol"):
    p = principals[name]
    admin("user", "create", f"--uid={A1}${name}", f"--display-name={name}", f"--access-key={p['access_key_id']}",
          f"--secret-key={p['secret_access_key']}")
    iam(A1, "PutUserPolicy", UserName=f"{A1}${name}", PolicyName="sts-caller", PolicyDocument=STS_CALLER)
    expect(f"user.{name}", f"arn:aws:iam::{A1}:user/{name}")

# the OIDC provider
oidc = element(iam(A1, "CreateOpenIDConnectProvider", Url="https://oidc.example.com",
                   **{"ClientIDList.member.1": "sts.amazonaws.com", "ThumbprintList.member.1": "0" * 40}),
               "OpenIDConnectProviderArn")
expect("oidc.oidc.example.com", oidc)


def trust(principal, condition=None, actions=("sts:AssumeRole", "sts:TagSession")):
    statement = {"Effect": "Allow", "Principal": principal, "Action": list(actions)}
    if condition:
        statement["Condition"] = condition
    return doc({"Version": "2012-10-17", "Statement": [statement]})


account = {"AWS": [f"arn:aws:iam::{A1}:root", f"arn:aws:iam::{A1}:role/demo", f"arn:aws:iam::{A1}:role/app/tagged"]}
roles = [  # name, path, MaxSessionDuration, trust policy, tags
    ("demo", "/", 43200, trust(account), {}),
    ("short", "/", 3600, trust(account), {}),
    ("partner", "/", 3600, trust(account, {"StringEquals": {"sts:ExternalId": "ext-42"}}), {}),
    ("guarded", "/", 3600, trust(account, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}), {}),
    ("tagged", "/app/", 3600, trust(account), {"Project": "Pegasus", "CostCenter": "42"}),
    ("private", "/", 3600, trust({"AWS": ["arn:aws:iam::999999999999:root"]}), {}),
    ("federated", "/", 7200, trust({"Federated": [oidc]}, actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession")), {}),
]
for name, path, max_duration, trust_doc, tags in roles:
    params = {"RoleName": name, "Path": path, "MaxSessionDuration": str(max_duration),
              "AssumeRolePolicyDocument": trust_doc}
    for i, (k, v) in enumerate(tags.items(), 1):
        params[f"Tags.member.{i}.Key"], params[f"Tags.member.{i}.Value"] = k, v
    arn = element(iam(A1, "CreateRole", **params), "Arn")
    expect(f"role.{name}", arn)
    iam(A1, "PutRolePolicy", RoleName=name, PolicyName="sts-caller", PolicyDocument=STS_CALLER)
iam(A2, "CreateRole", RoleName="cross", AssumeRolePolicyDocument=trust({"AWS": [f"arn:aws:iam::{A1}:root"]}))
iam(A2, "PutRolePolicy", RoleName="cross", PolicyName="sts-caller", PolicyDocument=STS_CALLER)

built = {"partition", "account", "account.2", "user.alice", "user.bob", "user.carol", "oidc.oidc.example.com"}
built |= {f"role.{r[0]}" for r in roles}
if set(symbols) != built:
    sys.exit(f"{PROFILE}: [symbols] differs from the world built here: {sorted(set(symbols) ^ built)}")
print(f"RGW world built: {len(symbols)} symbols, {len(principals)} principals (as {PROFILE} says)")
