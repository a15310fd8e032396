"""boto3 (botocore's own signer and parsers) against `sts-harness serve`.

Usage: python3 interop/boto3_against_serve.py http://127.0.0.1:PORT
The server must run with the default world (user `test`, key AKIAIOSFODNN7EXAMPLE, role `test-role`).
Prints one line per check and exits non-zero on the first failure.
"""

import json
import sys
import urllib.request

import datetime

import boto3
import botocore
import botocore.auth
import botocore.config
import botocore.exceptions

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"


def client(**credentials):
    return boto3.client(
        "sts",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
        **credentials,
    )


def admin(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{ENDPOINT}/__sts/{path}", data=data, method="GET" if body is None else "POST")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def mock_now(remove_tzinfo=True):
    """The mock's clock, so that botocore signs on it: the mock checks SigV4's 15-minute skew window
    against its own (frozen, movable) clock, as a client whose clock follows the test's would."""
    now = datetime.datetime.fromisoformat(admin("clock")["now"].replace("Z", "+00:00"))
    return now.replace(tzinfo=None) if remove_tzinfo else now


botocore.auth.get_current_datetime = mock_now


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


user = client(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

identity = user.get_caller_identity()
check("get-caller-identity as the IAM user", identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/test", identity)

assumed = user.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/test-role", RoleSessionName="boto3", DurationSeconds=900)
creds = assumed["Credentials"]
check("assume-role returns ASIA credentials", creds["AccessKeyId"].startswith("ASIA") and len(creds["SecretAccessKey"]) == 40, creds)
check("assume-role parses Expiration as a datetime", hasattr(creds["Expiration"], "tzinfo"), creds["Expiration"])
check("assume-role AssumedRoleUser", assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/test-role/boto3", assumed)

session = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
identity = session.get_caller_identity()
check("get-caller-identity with the minted session", identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/test-role/boto3", identity)

token = user.get_session_token(DurationSeconds=900)
check("get-session-token", token["Credentials"]["AccessKeyId"].startswith("ASIA"), token)

info = user.get_access_key_info(AccessKeyId=creds["AccessKeyId"])
check("get-access-key-info decodes the account from the key id", info["Account"] == ACCOUNT, info)

try:
    user.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/no-such-role", RoleSessionName="boto3")
    check("assume-role of a missing role fails", False)
except botocore.exceptions.ClientError as e:
    error = e.response["Error"]
    check("assume-role of a missing role is AccessDenied 403", (error["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403), e.response)

try:
    user.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/test-role", RoleSessionName="ab\x01cd")
    check("a control character in RoleSessionName fails", False)
except botocore.exceptions.ClientError as e:
    # Not a ResponseParserError: the echoed value must not make the XML ill-formed.
    check("a control character in RoleSessionName is a ValidationError botocore can parse", e.response["Error"]["Code"] == "ValidationError" and "roleSessionName" in e.response["Error"]["Message"], e.response)

try:
    session.get_session_token()
    check("get-session-token with session credentials fails", False)
except botocore.exceptions.ClientError as e:
    check("get-session-token with session credentials is refused", e.response["Error"]["Message"] == "Cannot call GetSessionToken with session credentials", e.response)

# GetScopedCredentials (botocore >= 1.44.7): chained from the AssumeRole session (900 seconds left).
READ = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
scoped = session.get_scoped_credentials(Policy=READ, ScopedSessionDescription="boto3 interop")
check("get-scoped-credentials keeps the caller's identity", scoped["SessionInfo"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/test-role/boto3", scoped)
check("get-scoped-credentials counts one layer", scoped["ScopedPoliciesCount"] == 1 and "PackedPolicySize" not in scoped, scoped)
check("get-scoped-credentials inherits the caller's expiration", scoped["Credentials"]["Expiration"] == creds["Expiration"], (scoped["Credentials"]["Expiration"], creds["Expiration"]))


def as_client(credentials):
    return client(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])


layer = scoped
for count in (2, 3):
    layer = as_client(layer["Credentials"]).get_scoped_credentials(Policy=READ)
    check(f"get-scoped-credentials layer {count}", layer["ScopedPoliciesCount"] == count, layer)
try:
    as_client(layer["Credentials"]).get_scoped_credentials(Policy=READ)
    check("a fourth scope-down layer fails", False)
except botocore.exceptions.ClientError as e:
    check("a fourth scope-down layer is refused", e.response["Error"]["Code"] == "AccessDenied", e.response)
try:
    session.get_scoped_credentials(DurationSeconds=3600)
    check("an over-long scoped duration fails", False)
except botocore.exceptions.ClientError as e:
    check(
        "an over-long scoped duration is InsufficientSessionLifetime (a modeled exception class)",
        isinstance(e, session.exceptions.InsufficientSessionLifetimeException) and e.response["ResponseMetadata"]["HTTPStatusCode"] == 400,
        e.response,
    )
try:
    user.get_scoped_credentials(DurationSeconds=900)
    check("long-term keys cannot be scoped", False)
except botocore.exceptions.ClientError as e:
    check("long-term keys are InvalidSubjectCredentials", isinstance(e, user.exceptions.InvalidSubjectCredentialsException), e.response)
identity = as_client(scoped["Credentials"]).get_caller_identity()
check("get-caller-identity with scoped credentials", identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/test-role/boto3", identity)
described = [c for c in admin("journal")["calls"] if c["operation"] == "GetScopedCredentials" and ["ScopedSessionDescription", "boto3 interop"] in c["parameters"]]
check("the journal records ScopedSessionDescription", len(described) == 1, described)

# TrustedIdentityPropagationContext, with the model's first map, as botocore parses it.
fragment = """
[[accounts]]
id = "123456789012"
outbound_web_identity_federation = true
[[accounts.oidc_providers]]
url = "https://tip.example.com"
client_ids = ["sts.amazonaws.com"]
context_provider = true
[[accounts.roles]]
name = "propagated"
trust = ["arn:aws:iam::123456789012:oidc-provider/tip.example.com"]
# Its sessions may ask for web identity tokens (IAM grants nothing by default).
inline_policies = ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*"}]}']
"""
with urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/__sts/world", data=fragment.encode(), method="POST")) as response:
    check("the world takes an OIDC provider with a context provider", response.status == 200)
web_token = admin("oidc/tokens", {
    "issuer": "https://tip.example.com", "sub": "user-7", "aud": "sts.amazonaws.com",
    "claims": {"https://aws.amazon.com/transaction_context": {"ticket": "T-42", "desk": "7"}},
})["token"]
federated = boto3.client("sts", endpoint_url=ENDPOINT, region_name="us-east-1", config=botocore.config.Config(signature_version=botocore.UNSIGNED))
answer = federated.assume_role_with_web_identity(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/propagated", RoleSessionName="tip", WebIdentityToken=web_token)
context = answer.get("TrustedIdentityPropagationContext", {})
check("TrustedIdentityPropagationContext origin identity", context.get("OriginIdentity", {}).get("Issuer") == "tip.example.com" and context["OriginIdentity"]["Subject"] == "user-7", answer)
check("TrustedIdentityPropagationContext transaction map", context.get("TransactionContext", {}).get("IdentityProvider") == {"ticket": "T-42", "desk": "7"}, context)
origin_token = as_client(answer["Credentials"]).get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="RS256", SubjectMode="OriginIdentity", Scope="orders:read")
check("get-web-identity-token in OriginIdentity mode with a Scope", origin_token["WebIdentityToken"].count(".") == 2, origin_token)

admin("clock", {"advance_seconds": 900})
try:
    session.get_caller_identity()
    check("an expired session fails", False)
except botocore.exceptions.ClientError as e:
    check("an expired session is ExpiredToken", e.response["Error"]["Code"] == "ExpiredToken", e.response)
admin("clock", {"advance_seconds": -900})

admin("faults", {"kind": "throttle", "operation": "GetCallerIdentity", "count": 1})
retrying = boto3.client(
    "sts",
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    config=botocore.config.Config(retries={"max_attempts": 3, "mode": "standard"}),
)
identity = retrying.get_caller_identity()
calls = [c for c in admin("journal")["calls"] if c["operation"] == "GetCallerIdentity"]
check("botocore retries a Throttling answer and succeeds", [c["status"] for c in calls[-2:]] == [400, 200] and calls[-2]["error_code"] == "Throttling", calls[-2:])

journal = admin("journal")["calls"]
check("the journal saw every call", len(journal) >= 9, len(journal))
print("boto3 interoperability: all checks passed")
