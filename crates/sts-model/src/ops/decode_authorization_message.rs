//! DecodeAuthorizationMessage: turns an encoded authorization failure back into its JSON.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::request::DecodeAuthorizationMessageRequest;
use crate::response::DecodeAuthorizationMessageResponse;
use crate::sts::CallerContext;
use crate::{ErrorCode, Sts, StsError};

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: DecodeAuthorizationMessageRequest,
) -> Result<DecodeAuthorizationMessageResponse, StsError> {
    // Documented: the caller needs sts:DecodeAuthorizationMessage (observed denial names no resource).
    sts.authorize_identity_action(now, caller, "sts:DecodeAuthorizationMessage", "*", &HashMap::new())?;
    match sts.authorization_messages.get(&req.encoded_message) {
        Some(decoded) => Ok(DecodeAuthorizationMessageResponse { decoded_message: Some(decoded.clone()) }),
        // Wording inferred: the model's own code is InvalidAuthorizationMessageException.
        None => Err(StsError::new(ErrorCode::InvalidAuthorizationMessageException, "Message is not valid")),
    }
}
