"""Captures presigned STS URLs made by botocore's own signer, as test data for sts-wire.

Run: python3 crates/sts-wire/tests/data/capture_botocore_presigned.py > crates/sts-wire/tests/data/botocore-presigned.json
(botocore 1.44.8 produced the committed file). The clock is frozen so the URLs are reproducible.
"""

import datetime
import json

import botocore
import botocore.auth
import botocore.session

AT = datetime.datetime(2023, 11, 14, 22, 13, 20)  # 1700000000
botocore.auth.get_current_datetime = lambda remove_tzinfo=True: AT

KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
cases = []
for region, token, params, expires in [
    ("us-east-1", None, {}, 900),
    ("eu-west-1", None, {}, 60),
    ("us-east-1", "FwoGZXIvYXdzEXAMPLE//////////wEaDExampleSessionToken+/=", {}, 900),
    ("ap-southeast-2", None, {}, 3600),
]:
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name=region,
        endpoint_url=f"https://sts.{region}.amazonaws.com",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
    )
    url = client.generate_presigned_url("get_caller_identity", Params=params, ExpiresIn=expires, HttpMethod="GET")
    cases.append({"region": region, "session_token": token, "expires": expires, "url": url})
print(json.dumps({"botocore": botocore.__version__, "unix_time": 1700000000, "access_key_id": KEY, "secret_access_key": SECRET, "cases": cases}, indent=2))
