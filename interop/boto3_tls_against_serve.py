"""boto3 against `sts-harness serve --tls`: trusting the generated certificate (verify=PEM) it gets
answers; without it, botocore refuses the connection (SSLError), as it would any unknown CA.

Usage: python3 interop/boto3_tls_against_serve.py https://127.0.0.1:PORT PEM_PATH
"""

import sys

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT, PEM = sys.argv[1], sys.argv[2]
failures = 0


def check(what, ok):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


def client(verify):
    return boto3.client(
        "sts",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        verify=verify,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


me = client(PEM).get_caller_identity()
check("boto3 trusting the generated certificate gets an answer over TLS", me["Arn"] == "arn:aws:iam::123456789012:user/test")
assumed = client(PEM).assume_role(RoleArn="arn:aws:iam::123456789012:role/test-role", RoleSessionName="tls")
check("AssumeRole over TLS", assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/test-role/tls")
try:
    client(True).get_caller_identity()
    check("without the certificate botocore refuses the connection", False)
except botocore.exceptions.SSLError as e:
    check("without the certificate botocore refuses the connection (SSLError)", "CERTIFICATE_VERIFY_FAILED" in str(e))

if failures:
    sys.exit(f"boto3 TLS interoperability: {failures} check(s) failed")
print("boto3 TLS interoperability: all checks passed")
