//! GetAccessKeyInfo: the account that owns a key id.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::ids::account_from_key_id;
use crate::request::GetAccessKeyInfoRequest;
use crate::response::GetAccessKeyInfoResponse;
use crate::sts::CallerContext;
use crate::world::KeyOwner;
use crate::{ErrorCode, Sts, StsError};

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: GetAccessKeyInfoRequest,
) -> Result<GetAccessKeyInfoResponse, StsError> {
    // Observed (2023): "User: ... is not authorized to perform: sts:GetAccessKeyInfo because no
    // identity-based policy allows the sts:GetAccessKeyInfo action".
    sts.authorize_identity_action(now, caller, "sts:GetAccessKeyInfo", "*", &HashMap::new())?;
    let id = &req.access_key_id;
    // Keys the model knows answer with their owner even when they predate the account-bearing format.
    let known = sts.world.long_term_key(id).map(|(owner, _)| match owner {
        KeyOwner::Root { account } | KeyOwner::User { account, .. } => account.clone(),
    });
    let account = known
        .or_else(|| account_from_key_id(id))
        // Real AWS's answer for undecodable ids is not established. fidelity: inferred.
        .ok_or_else(|| StsError::new(ErrorCode::InvalidParameterValue, format!("The access key ID '{id}' is not valid.")))?;
    Ok(GetAccessKeyInfoResponse { account: Some(account) })
}
