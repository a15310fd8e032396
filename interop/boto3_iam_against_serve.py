"""boto3's IAM client against `sts-harness serve`, the way a test written for moto sets up its world:
create a user and a key, a role with a trust policy, assume it, change and delete, and see STS follow.

Usage: python3 interop/boto3_iam_against_serve.py http://127.0.0.1:PORT
The server must run with the default world (user `test`, allowed everything). Prints one line per
check and exits non-zero on the first failure.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys
import time

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service, key="AKIAIOSFODNN7EXAMPLE", secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", config=CONFIG,
                        aws_access_key_id=key, aws_secret_access_key=secret)


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        print(f"     {detail}")
        sys.exit(1)


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


iam = client("iam")
user = iam.create_user(UserName="bob", Path="/ci/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
check("create_user answers the user (ARN with its path)", user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ci/bob", user)
check("the user's CreateDate parses as a datetime", hasattr(user["CreateDate"], "year"), user)
check("a second create_user is EntityAlreadyExists 409",
      error_of(lambda: iam.create_user(UserName="bob")) == ("EntityAlreadyExists", "User with name bob already exists.", 409))
key = iam.create_access_key(UserName="bob")["AccessKey"]
check("create_access_key shows the secret once", key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40, key)
bob_sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
check("the new key signs STS calls", bob_sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ci/bob")

trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ci/bob"}, "Action": "sts:AssumeRole"}]})
role = iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=trust, MaxSessionDuration=7200)["Role"]
check("create_role returns the trust policy (botocore decodes it)", role["AssumeRolePolicyDocument"] == json.loads(trust), role)
assumed = bob_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci", DurationSeconds=7200)
check("the user the trust policy names assumes the role", assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci")
check("get_role reports MaxSessionDuration", iam.get_role(RoleName="deploy")["Role"]["MaxSessionDuration"] == 7200)
check("a role name outside the pattern is a ValidationError",
      (error_of(lambda: iam.create_role(RoleName="bad name", AssumeRolePolicyDocument=trust)) or ("",))[0] == "ValidationError")

iam.update_assume_role_policy(RoleName="deploy", PolicyDocument=trust.replace("user/ci/bob", "user/test"))
denied = error_of(lambda: bob_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci"))
check("after update_assume_role_policy the user is refused", denied is not None and denied[0] == "AccessDenied", denied)

policy = iam.create_policy(PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))["Policy"]
iam.attach_role_policy(RoleName="deploy", PolicyArn=policy["Arn"])
check("list_attached_role_policies shows it", [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="deploy")["AttachedPolicies"]] == [policy["Arn"]])
iam.put_role_policy(RoleName="deploy", PolicyName="inline", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
check("get_role_policy returns the decoded document", iam.get_role_policy(RoleName="deploy", PolicyName="inline")["PolicyDocument"]["Statement"][0]["Action"] == "s3:*")
check("delete_role with policies attached is DeleteConflict 409",
      error_of(lambda: iam.delete_role(RoleName="deploy")) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409))

iam.update_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"], Status="Inactive")
check("an Inactive key is InvalidClientTokenId to STS", (error_of(bob_sts.get_caller_identity) or ("",))[0] == "InvalidClientTokenId")
check("delete_user with a key is DeleteConflict 409",
      error_of(lambda: iam.delete_user(UserName="bob")) == ("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409))
iam.delete_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"])
iam.delete_user(UserName="bob")
check("a deleted user is NoSuchEntity (modeled exception class)",
      (error_of(lambda: iam.get_user(UserName="bob")) or ("",))[0] == "NoSuchEntity")
try:
    iam.get_user(UserName="bob")
except iam.exceptions.NoSuchEntityException:
    check("botocore raises NoSuchEntityException", True)
check("get_user without a name is the caller", iam.get_user()["User"]["UserName"] == "test")

# Identity providers.
oidc = iam.create_open_id_connect_provider(Url="https://token.example.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40])
check("create_open_id_connect_provider answers the provider ARN",
      oidc["OpenIDConnectProviderArn"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.example.com", oidc)
got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc["OpenIDConnectProviderArn"])
check("get_open_id_connect_provider: URL without scheme, client ids", got["Url"] == "token.example.com" and got["ClientIDList"] == ["sts.amazonaws.com"], got)
check("list_open_id_connect_providers lists it",
      oidc["OpenIDConnectProviderArn"] in [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]])


# Virtual MFA: the seed is what authenticator apps take; two consecutive codes enable the device.
def totp(seed, at):
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


iam.create_user(UserName="carol")
device = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol-phone")["VirtualMFADevice"]
seed = device["Base32StringSeed"].decode()
if time.time() % 30 > 27:  # not across a 30-second step while the server checks the pair
    time.sleep(4)
now = time.time()
iam.enable_mfa_device(UserName="carol", SerialNumber=device["SerialNumber"], AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
carol_key = iam.create_access_key(UserName="carol")["AccessKey"]
carol = client("sts", carol_key["AccessKeyId"], carol_key["SecretAccessKey"])
session = carol.get_session_token(SerialNumber=device["SerialNumber"], TokenCode=totp(seed, time.time()))
check("an MFA device enabled over IAM serves GetSessionToken", session["Credentials"]["AccessKeyId"].startswith("ASIA"), session)
bad = error_of(lambda: iam.enable_mfa_device(UserName="carol", SerialNumber=device["SerialNumber"], AuthenticationCode1="000000", AuthenticationCode2="111111"))
check("an enabled device cannot be enabled again", bad is not None and bad[0] == "EntityAlreadyExists", bad)
print("boto3 IAM interoperability: all checks passed")
