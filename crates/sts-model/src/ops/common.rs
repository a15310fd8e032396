//! Rules shared by several operations.

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};

use crate::policy::PolicyDocument;
use crate::request::{PolicyDescriptor, Tag};
use crate::{Arn, Credentials, ErrorCode, Principal, Session, SessionKind, Sts, StsError};

/// The session-token size that `SessionTokenUtilization` is a percentage of.
/// AWS publishes no figure; 8192 bytes leaves room for `MinimumSessionTokenSize` (max 4096)
/// above the documented "typically < 4096" tokens. fidelity: inferred.
pub(crate) const MAX_SESSION_TOKEN_SIZE: usize = 8192;

/// Packed-size budget, in bytes of compressed session inputs. AWS publishes no formula; ours packs
/// each item on its own (every inline policy statement and every `key=value` tag is
/// deflate-compressed separately; a managed policy travels as a fixed-size reference), so adding an
/// item never lowers the figure, and reports the share of this budget rounded to the nearest
/// percent. Calibrated on the seed page: its AssumeRole (one statement, two tags) reports 8% and
/// its GetFederationToken (one managed policy, two tags) 4%, which every budget in 1224..=1380
/// reproduces; no budget also reproduces the service reference's 8% for its three-tag AssumeRole
/// (ours: 10) or the EKS observation (six tags: 74%, ours: about 22%). See golden/ERRATA.md.
/// fidelity: inferred.
pub(crate) const PACKED_BUDGET: usize = 1344;
/// What a managed session policy costs in the packed form: a reference, not its text.
pub(crate) const MANAGED_POLICY_REFERENCE_BYTES: usize = 16;

/// What session policies and tags cost in the packed form.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Packed {
    pub bytes: usize,
}

/// How many distinct items [`packed_len`] remembers per thread before it starts over.
const PACKED_LEN_MEMORY: usize = 1024;

/// The compressed size of one packed item (deflate, best compression).
///
/// A compressor holds hundreds of kilobytes of tables: one per thread is reused (reset between
/// items) rather than allocated per item, which made policy-and-tag calls ten times slower. Even
/// so, resetting those tables is most of the cost of a small item (about 3 µs), and callers of a
/// mock send the same statements and tags again and again (a credential provider refreshing the
/// same session), so each thread also remembers the sizes of the items it last packed. The size
/// is a function of the bytes alone: remembering it changes no figure.
pub(crate) fn packed_len(item: &[u8]) -> usize {
    use miniz_oxide::deflate::core::{CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params};
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static COMPRESSOR: RefCell<Box<CompressorOxide>> =
            RefCell::new(Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(9, -15, 0))));
        static REMEMBERED: RefCell<HashMap<Box<[u8]>, usize>> = RefCell::new(HashMap::new());
    }
    if let Some(len) = REMEMBERED.with(|r| r.borrow().get(item).copied()) {
        return len;
    }
    let len = COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        let mut out = vec![0u8; item.len() + 64];
        let (status, _, written) = compress(&mut c, item, &mut out, TDEFLFlush::Finish);
        debug_assert_eq!(status, TDEFLStatus::Done, "the output buffer is larger than any deflate of the input");
        written
    });
    REMEMBERED.with(|r| {
        let mut remembered = r.borrow_mut();
        if remembered.len() >= PACKED_LEN_MEMORY {
            remembered.clear();
        }
        remembered.insert(item.into(), len);
    });
    len
}

impl Packed {
    /// Percentage of the budget, rounded half up, as `PackedPolicySize` reports it.
    pub fn percent(self) -> i32 {
        ((self.bytes * 100 + PACKED_BUDGET / 2) / PACKED_BUDGET) as i32
    }

    /// `PackedPolicyTooLarge` above 100%.
    pub fn check(self, has_tags: bool) -> Result<Self, StsError> {
        let percent = self.percent();
        if percent > 100 {
            // Both observed wordings: tags name themselves, policies the other.
            let message = if has_tags {
                format!("Packed size of session tags consumes {percent}% of allotted space.")
            } else {
                format!("Packed policy consumes {percent}% of allotted space, please use smaller policy.")
            };
            return Err(StsError::new(ErrorCode::PackedPolicyTooLarge, message));
        }
        Ok(self)
    }
}

/// Parses an inline session policy and returns its packed cost: each canonical statement packed on its own.
pub(crate) fn inline_policy(text: &str) -> Result<(Packed, PolicyDocument), StsError> {
    let document = PolicyDocument::parse(text)?;
    let bytes = document.canonical_statements.iter().map(|s| packed_len(s.as_bytes())).sum();
    Ok((Packed { bytes }, document))
}

/// Validates the inline and managed session policies; returns their packed cost and the documents
/// (`None` when no session policy was passed).
pub(crate) fn session_policies(
    sts: &Sts,
    policy: Option<&str>,
    policy_arns: Option<&[PolicyDescriptor]>,
) -> Result<(Packed, Option<Vec<PolicyDocument>>), StsError> {
    let mut packed = Packed::default();
    let mut documents = Vec::new();
    if let Some(text) = policy {
        let (cost, document) = inline_policy(text)?;
        packed.bytes += cost.bytes;
        documents.push(document);
    }
    for arn in policy_arns.unwrap_or_default().iter().filter_map(|d| d.arn.as_deref()) {
        let parsed = Arn::parse(arn)?;
        if parsed.service != "iam" || !parsed.resource.starts_with("policy/") {
            return Err(StsError::validation(format!("{arn} is invalid")));
        }
        // An unknown managed policy cannot be attached. The real wording is not established. fidelity: inferred.
        let text = sts.world.managed_policy(arn).ok_or_else(|| {
            StsError::new(ErrorCode::InvalidParameterValue, format!("The policy {arn} does not exist or is not attachable."))
        })?;
        documents.push(PolicyDocument::parse(text)?);
        packed.bytes += MANAGED_POLICY_REFERENCE_BYTES;
    }
    let passed = policy.is_some() || policy_arns.is_some_and(|a| !a.is_empty());
    Ok((packed, passed.then_some(documents)))
}

/// Whether two tag keys are the same key: tag keys are case-insensitive (documented), and Unicode
/// (`\p{L}`), so the comparison folds case the Unicode way, everywhere tags are compared.
pub(crate) fn same_tag_key(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Checks session tags against the documented rules and returns their packed cost.
///
/// `inherited_transitive` are the transitive tags of the calling role session, which cannot be re-set.
pub(crate) fn session_tags(tags: &[Tag], transitive_tag_keys: &[String], inherited_transitive: &[Tag]) -> Result<Packed, StsError> {
    let mut seen: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let folded = tag.key.to_lowercase();
        if seen.contains(&folded) {
            return Err(StsError::new(
                ErrorCode::InvalidParameterValue,
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
        // Documented: keys and values may not start with the reserved prefix. Wording inferred.
        if folded.starts_with("aws:") {
            return Err(StsError::new(ErrorCode::InvalidParameterValue, "Tag keys may not start with the reserved prefix aws:"));
        }
        if inherited_transitive.iter().any(|t| same_tag_key(&t.key, &tag.key)) {
            return Err(StsError::new(
                ErrorCode::InvalidParameterValue,
                "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
            ));
        }
        seen.push(folded);
    }
    for key in transitive_tag_keys {
        if !seen.contains(&key.to_lowercase()) {
            return Err(StsError::new(
                ErrorCode::InvalidParameterValue,
                "The specified transitive tag key must be included in the requested tags.",
            ));
        }
    }
    let bytes = tags.iter().chain(inherited_transitive).map(|t| packed_len(format!("{}={}", t.key, t.value).as_bytes())).sum();
    Ok(Packed { bytes })
}

/// Judges the MFA members of a call (`SerialNumber`, `TokenCode`) for `principal` at `now`:
/// `Ok(false)` when neither is given, `Ok(true)` for a right code of one of the user's devices, and
/// AWS's refusal otherwise (each observed from STS):
/// - only one of the two: "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code." (2017);
/// - a serial that is not one of the caller's devices: "MultiFactorAuthentication failed, unable to
///   validate MFA code.  Please verify your MFA serial number is valid and associated with this
///   user." (two spaces, 2018 and 2021);
/// - a wrong code: "MultiFactorAuthentication failed with invalid MFA one time pass code." (2016 to 2024).
pub(crate) fn mfa_check(
    sts: &Sts,
    now: OffsetDateTime,
    principal: &Principal,
    serial_number: Option<&str>,
    token_code: Option<&str>,
) -> Result<bool, StsError> {
    let refuse = |message: &str| Err(StsError::new(ErrorCode::AccessDenied, message));
    let (serial, code) = match (serial_number, token_code) {
        (None, None) => return Ok(false),
        (Some(serial), Some(code)) => (serial, code),
        _ => return refuse("MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."),
    };
    let device = match principal {
        Principal::User { account, name, .. } => {
            sts.world.user(account, name).and_then(|u| u.mfa_devices.iter().find(|d| d.serial_number == serial))
        }
        _ => None,
    };
    match device {
        None => refuse(
            "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
        ),
        Some(d) if d.accepts(code, now) => Ok(true),
        Some(_) => refuse("MultiFactorAuthentication failed with invalid MFA one time pass code."),
    }
}

/// The context keys an AssumeRole call gives the trust policy and the caller's identity policies
/// (documented: IAM condition keys for STS): `sts:RoleSessionName`, `sts:ExternalId`,
/// `sts:SourceIdentity`, `aws:RequestTag/<key>`, `aws:TagKeys`, `sts:TransitiveTagKeys`, and
/// `aws:MultiFactorAuthPresent`/`aws:MultiFactorAuthAge` when the call carries an MFA code.
pub(crate) fn assume_role_context(
    req: &crate::request::AssumeRoleRequest,
    tags: &[Tag],
    transitive: &[String],
    source_identity: Option<&str>,
    mfa_code_given: bool,
) -> HashMap<String, Vec<String>> {
    let mut context: HashMap<String, Vec<String>> = HashMap::new();
    context.insert("sts:rolesessionname".into(), vec![req.role_session_name.clone()]);
    if let Some(id) = &req.external_id {
        context.insert("sts:externalid".into(), vec![id.clone()]);
    }
    if let Some(si) = source_identity {
        context.insert("sts:sourceidentity".into(), vec![si.to_owned()]);
    }
    for t in tags {
        context.insert(format!("aws:requesttag/{}", t.key.to_lowercase()), vec![t.value.clone()]);
    }
    if !tags.is_empty() {
        context.insert("aws:tagkeys".into(), tags.iter().map(|t| t.key.clone()).collect());
    }
    if !transitive.is_empty() {
        context.insert("sts:transitivetagkeys".into(), transitive.to_vec());
    }
    if mfa_code_given {
        context.insert("aws:multifactorauthpresent".into(), vec!["true".into()]);
        context.insert("aws:multifactorauthage".into(), vec!["0".into()]);
    }
    context
}

/// The actions a federated call asks of the trust policy: the assume action, `sts:TagSession` when
/// the token or assertion carries session tags, `sts:SetSourceIdentity` when it carries a source
/// identity (documented: IAM user guide, session tags and source identity).
pub(crate) fn federated_actions(assume: &'static str, tags: &[Tag], source_identity: Option<&str>) -> Vec<&'static str> {
    let mut actions = vec![assume];
    if !tags.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    actions
}

/// Default lifetime of a role session when DurationSeconds is omitted (model documentation, for
/// AssumeRole and both federation operations).
pub(crate) const ROLE_SESSION_DEFAULT: i64 = 3600;

/// The lifetime a role session is asked for, checked against the role's MaxSessionDuration (one
/// rule for AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity; observed wording).
pub(crate) fn role_session_duration(requested: Option<i32>, max_session_duration: i32) -> Result<i64, StsError> {
    let duration = requested.map_or(ROLE_SESSION_DEFAULT, i64::from);
    if duration > i64::from(max_session_duration) {
        return Err(StsError::validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    }
    Ok(duration)
}

/// What a session may carry beyond what every operation decides: most sessions have none of it.
#[derive(Default)]
pub(crate) struct Extras {
    /// Minted by GetScopedCredentials.
    pub scoped: bool,
    pub scoped_policies: Vec<PolicyDocument>,
    pub scoped_session_description: Option<String>,
    pub identity_context: Option<Box<crate::response::TrustedIdentityPropagationContext>>,
    /// An expiration set outright (a scoped session ends with its caller's), instead of `duration_seconds` from now.
    pub expires_at: Option<OffsetDateTime>,
}

/// `now + seconds`, or a `ValidationError` when that instant is past what the service can represent
/// (a mock clock moved near year 9999). fidelity: inferred (AWS's clock never gets there).
pub(crate) fn expiration_after(now: OffsetDateTime, seconds: i64) -> Result<OffsetDateTime, StsError> {
    now.checked_add(Duration::seconds(seconds)).filter(|t| t.year() <= 9999).ok_or_else(|| {
        StsError::validation(format!("The requested DurationSeconds ({seconds}) would end the session after the year 9999."))
    })
}

/// Everything needed to mint a session.
pub(crate) struct Mint {
    pub principal: Principal,
    pub kind: SessionKind,
    pub duration_seconds: i64,
    /// Base token size before session policies and tags (differs per kind, like real tokens).
    pub base_token_len: usize,
    pub packed: Packed,
    pub minimum_session_token_size: Option<i32>,
    pub source_identity: Option<String>,
    pub tags: Vec<Tag>,
    pub transitive_tag_keys: Vec<String>,
    pub mfa_authenticated: bool,
    pub session_policies: Option<Vec<PolicyDocument>>,
    pub federating_principal: Option<Principal>,
    pub extras: Extras,
}

/// A minted session's public figures.
pub(crate) struct Minted {
    pub credentials: Credentials,
    pub session_token_size: i32,
    pub session_token_utilization: i32,
}

/// Mints credentials, remembers the session, and reports the token's size and utilization.
pub(crate) fn mint(sts: &mut Sts, now: OffsetDateTime, m: Mint) -> Result<Minted, StsError> {
    let expiration = match m.extras.expires_at {
        Some(at) => at,
        None => expiration_after(now, m.duration_seconds)?,
    };
    let access_key_id = sts.generator.temporary_key_id(m.principal.account());
    let secret_access_key = sts.sealer.secret_for(&access_key_id);
    // Tokens grow with what they carry: the packed policies and tags, base64-inflated.
    let natural = m.base_token_len + m.packed.bytes.div_ceil(3) * 4 + sts.config.session_token_padding;
    let minimum = m.minimum_session_token_size.map_or(0, |v| v.max(0) as usize);
    let mut session = Session {
        credentials: Credentials { access_key_id, secret_access_key, session_token: String::new(), expiration },
        principal: m.principal,
        kind: m.kind,
        issued_at: now,
        source_identity: m.source_identity,
        tags: m.tags,
        transitive_tag_keys: m.transitive_tag_keys,
        mfa_authenticated: m.mfa_authenticated,
        session_policies: m.session_policies,
        federating_principal: m.federating_principal,
        scoped: m.extras.scoped,
        scoped_policies: m.extras.scoped_policies,
        scoped_session_description: m.extras.scoped_session_description,
        identity_context: m.extras.identity_context,
        packed_bytes: m.packed.bytes,
        base_token_len: m.base_token_len,
    };
    // The token carries the session, sealed; the model keeps nothing of it.
    let generator = &mut sts.generator;
    session.credentials.session_token = sts.sealer.seal(&session, natural.max(minimum), |filler| generator.fill(filler));
    let size = session.credentials.session_token.len();
    let credentials = session.credentials;
    Ok(Minted {
        credentials,
        session_token_size: size as i32,
        session_token_utilization: (size * 100).div_ceil(MAX_SESSION_TOKEN_SIZE) as i32,
    })
}

/// The account and role a role ARN names, or `ValidationError` "{arn} is invalid" for an ARN that is
/// not an IAM role ARN.
pub(crate) fn parse_role_arn(role_arn: &str) -> Result<(String, String), StsError> {
    let arn = Arn::parse(role_arn)?;
    let name = arn.role_name().ok_or_else(|| StsError::validation(format!("{role_arn} is invalid")))?;
    Ok((arn.account.to_owned(), name.to_owned()))
}

/// The role a role ARN names, if it exists.
pub(crate) fn find_role_by_arn(sts: &Sts, role_arn: &str) -> Result<crate::world::Role, StsError> {
    let (account, name) = parse_role_arn(role_arn)?;
    sts.world
        .role(&account, &name)
        .cloned()
        .ok_or_else(|| StsError::new(ErrorCode::InvalidParameterValue, format!("Role {role_arn} does not exist")))
}

/// `RegionDisabledException` when STS is deactivated in the endpoint's region for `account`, the
/// account asked to generate credentials.
pub(crate) fn check_region(sts: &Sts, account: &str) -> Result<(), StsError> {
    let Some(region) = &sts.config.region else { return Ok(()) };
    if sts.world.account(account).is_some_and(|a| a.disabled_regions.contains(region)) {
        return Err(StsError::new(
            ErrorCode::RegionDisabledException,
            format!(
                "STS is not activated in this region for account:{account}. Your account administrator can activate STS in this region using the IAM Console."
            ),
        ));
    }
    Ok(())
}

/// Principal tags of a new session: the base tags (role or user tags, inherited transitive tags),
/// overridden by session tags with the same key, compared case-insensitively (documented).
pub(crate) fn merge_tags(base: &[Tag], session: &[Tag]) -> Vec<Tag> {
    let mut merged: Vec<Tag> = base.iter().filter(|b| !session.iter().any(|s| same_tag_key(&s.key, &b.key))).cloned().collect();
    merged.extend(session.iter().cloned());
    merged
}

/// The condition context both federation operations evaluate a trust policy with, beyond the
/// provider's own keys (`<provider>:sub`, `saml:aud`...): the session tags as `aws:RequestTag/*`
/// and `aws:TagKeys`, `sts:SourceIdentity` and `sts:RoleSessionName`. Keys lower-cased.
pub(crate) fn federation_context(
    mut provider_keys: std::collections::HashMap<String, Vec<String>>,
    tags: &[Tag],
    source_identity: Option<&str>,
    session_name: &str,
) -> std::collections::HashMap<String, Vec<String>> {
    for tag in tags {
        provider_keys.insert(format!("aws:requesttag/{}", tag.key.to_lowercase()), vec![tag.value.clone()]);
    }
    provider_keys.insert("aws:tagkeys".into(), tags.iter().map(|t| t.key.clone()).collect());
    if let Some(si) = source_identity {
        provider_keys.insert("sts:sourceidentity".into(), vec![si.to_owned()]);
    }
    provider_keys.insert("sts:rolesessionname".into(), vec![session_name.to_owned()]);
    provider_keys
}

/// What a federated call (web identity or SAML) has established, to open a role session with.
pub(crate) struct Federated<'a> {
    pub role: &'a crate::world::Role,
    pub account: String,
    pub session_name: String,
    pub kind: SessionKind,
    pub duration_seconds: i64,
    /// Tags, transitive keys and source identity from the token or assertion.
    pub tags: &'a [Tag],
    pub transitive_tag_keys: &'a [String],
    pub source_identity: Option<String>,
    pub policy: Option<&'a str>,
    pub policy_arns: Option<&'a [PolicyDescriptor]>,
    pub minimum_session_token_size: Option<i32>,
    /// Trusted identity propagation context, when the provider has a context provider attached.
    pub identity_context: Option<crate::response::TrustedIdentityPropagationContext>,
}

/// The session a federated call opens: its credentials, assumed-role user and packed size.
pub(crate) struct FederatedSession {
    pub minted: Minted,
    pub assumed_role_user: crate::response::AssumedRoleUser,
    /// `PackedPolicySize`, present when session policies or tags were passed.
    pub packed_policy_size: Option<i32>,
}

/// Checks the identity provider's tags (a bad tag is the token's fault: InvalidIdentityToken) and
/// the session policies, then mints the role session both federation operations return.
pub(crate) fn federated_session(sts: &mut Sts, now: OffsetDateTime, f: Federated<'_>) -> Result<FederatedSession, StsError> {
    let tag_cost =
        session_tags(f.tags, f.transitive_tag_keys, &[]).map_err(|e| StsError::new(ErrorCode::InvalidIdentityToken, e.message))?;
    let (policy_cost, session_policies) = session_policies(sts, f.policy, f.policy_arns)?;
    let packed = Packed { bytes: tag_cost.bytes + policy_cost.bytes }.check(!f.tags.is_empty())?;
    let has_session_inputs = f.policy.is_some() || f.policy_arns.is_some_and(|v| !v.is_empty()) || !f.tags.is_empty();
    let principal = Principal::AssumedRole {
        account: f.account,
        role_name: f.role.name.clone(),
        role_id: f.role.role_id.clone(),
        session_name: f.session_name,
    };
    let assumed_role_user =
        crate::response::AssumedRoleUser { assumed_role_id: principal.user_id(), arn: principal.arn(&sts.config.partition) };
    let minted = mint(
        sts,
        now,
        Mint {
            base_token_len: 760 + assumed_role_user.arn.len().div_ceil(3) * 4,
            principal,
            kind: f.kind,
            duration_seconds: f.duration_seconds,
            packed,
            minimum_session_token_size: f.minimum_session_token_size,
            source_identity: f.source_identity,
            tags: merge_tags(&f.role.tags, f.tags),
            transitive_tag_keys: f.transitive_tag_keys.to_vec(),
            mfa_authenticated: false,
            session_policies,
            federating_principal: None,
            extras: Extras { identity_context: f.identity_context.map(Box::new), ..Extras::default() },
        },
    )?;
    Ok(FederatedSession { minted, assumed_role_user, packed_policy_size: has_session_inputs.then(|| packed.percent()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tag keys fold case the Unicode way in every comparison: a session tag `ÉQUIPE` overrides the
    /// role's `équipe`, as a duplicate check would already treat them as one key.
    #[test]
    fn tag_keys_compare_without_case_everywhere() {
        assert!(same_tag_key("ÉQUIPE", "équipe") && same_tag_key("Project", "PROJECT") && !same_tag_key("a", "b"));
        let merged = merge_tags(&[Tag::new("équipe", "rouge"), Tag::new("Team", "x")], &[Tag::new("ÉQUIPE", "bleue")]);
        assert_eq!(merged, vec![Tag::new("Team", "x"), Tag::new("ÉQUIPE", "bleue")]);
        assert!(session_tags(&[Tag::new("équipe", "a"), Tag::new("ÉQUIPE", "b")], &[], &[]).is_err());
    }

    /// Remembered sizes are the sizes: every item, packed first, again while remembered, and again
    /// after the memory started over, measures what a fresh raw deflate at level 9 gives.
    #[test]
    fn packed_len_remembers_exactly_what_deflate_gives() {
        let items: Vec<String> = (0..PACKED_LEN_MEMORY * 2 + 7).map(|i| format!("Project=Pegasus-{i}-{}", "x".repeat(i % 50))).collect();
        for _ in 0..2 {
            for item in &items {
                let fresh = miniz_oxide::deflate::compress_to_vec(item.as_bytes(), 9).len();
                assert_eq!(packed_len(item.as_bytes()), fresh, "{item}");
                assert_eq!(packed_len(item.as_bytes()), fresh, "{item}, remembered");
            }
        }
    }
}
