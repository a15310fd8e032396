//! GetCallerIdentity: who signed the call. Works even under an explicit Deny (documented).

use crate::Sts;
use crate::response::GetCallerIdentityResponse;
use crate::sts::CallerContext;

pub(crate) fn call(sts: &Sts, caller: &CallerContext) -> GetCallerIdentityResponse {
    GetCallerIdentityResponse {
        user_id: Some(caller.principal.user_id()),
        account: Some(caller.principal.account().to_owned()),
        arn: Some(caller.principal.arn(&sts.config.partition)),
    }
}
