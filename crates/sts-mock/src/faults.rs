//! Injected faults: throttling, 5xx answers, latency, dropped connections; per operation or for all,
//! for the next N calls or until cleared.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sts_model::{ErrorCode, Operation, StsError};

/// One kind of fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `Throttling` 400 "Rate exceeded".
    Throttle,
    /// `InternalFailure` 500.
    InternalFailure,
    /// `ServiceUnavailable` 503.
    ServiceUnavailable,
    /// Answer normally, after this delay.
    Latency(Duration),
    /// Close the connection without answering.
    DropConnection,
    /// The identity provider cannot be reached: `IDPCommunicationError` 400 (retryable).
    IdpUnreachable,
    /// The provider's JWKS cannot be fetched: `InvalidIdentityToken` "Couldn't retrieve verification
    /// key from your identity provider..." (how AWS reports a failed key fetch).
    JwksUnavailable,
}

impl Fault {
    /// The error a failing fault answers with.
    pub fn error(&self) -> Option<StsError> {
        match self {
            Fault::Throttle => Some(StsError::new(ErrorCode::Throttling, "Rate exceeded")),
            Fault::InternalFailure => Some(StsError::new(ErrorCode::InternalFailure, "An internal error has occurred.")),
            Fault::ServiceUnavailable => {
                Some(StsError::new(ErrorCode::ServiceUnavailable, "Service is unavailable. Please try again later."))
            }
            // The code is modeled; the wording is not established. fidelity: inferred.
            Fault::IdpUnreachable => Some(StsError::new(
                ErrorCode::IDPCommunicationError,
                "The request could not be fulfilled because the identity provider could not be reached. Retry the request.",
            )),
            #[cfg(feature = "oidc")]
            Fault::JwksUnavailable => Some(StsError::new(ErrorCode::InvalidIdentityToken, sts_model::oidc::NO_VERIFICATION_KEY)),
            // Without OIDC there is no web-identity call for the fault to break.
            #[cfg(not(feature = "oidc"))]
            Fault::JwksUnavailable => None,
            Fault::Latency(_) | Fault::DropConnection => None,
        }
    }

    /// A short name for logs and the journal.
    pub fn name(&self) -> String {
        match self {
            Fault::Throttle => "throttle".into(),
            Fault::InternalFailure => "internal_failure".into(),
            Fault::ServiceUnavailable => "service_unavailable".into(),
            Fault::Latency(d) => format!("latency {}ms", d.as_millis()),
            Fault::DropConnection => "drop_connection".into(),
            Fault::IdpUnreachable => "idp_unreachable".into(),
            Fault::JwksUnavailable => "jwks_unavailable".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Rule {
    operation: Option<Operation>,
    fault: Fault,
    remaining: Option<u32>,
}

/// What the faults decide for one call: a delay, and possibly a failure instead of an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Added latency.
    pub delay: Duration,
    /// Throttle, 5xx or drop, if any (the first rule that applies wins).
    pub failure: Option<Fault>,
}

/// A handle on the mock's faults (cheap to clone).
///
/// ```
/// use sts_mock::{Fault, Faults};
/// use sts_model::Operation;
/// let faults = Faults::default();
/// faults.throttle(Some(Operation::AssumeRole), 2);
/// assert_eq!(faults.decide(Some(Operation::AssumeRole)).failure, Some(Fault::Throttle));
/// assert_eq!(faults.decide(Some(Operation::GetCallerIdentity)).failure, None);
/// assert_eq!(faults.decide(Some(Operation::AssumeRole)).failure, Some(Fault::Throttle));
/// assert_eq!(faults.decide(Some(Operation::AssumeRole)).failure, None); // two calls only
/// ```
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Rules>);

#[derive(Debug, Default)]
struct Rules {
    rules: Mutex<Vec<Rule>>,
    /// Whether any rule is set, updated under the lock: calls without faults (nearly all of them)
    /// read this flag instead of taking the lock every worker shares.
    armed: AtomicBool,
}

/// The rules, locked; the `armed` flag is brought up to date when the guard drops.
struct RulesGuard<'a> {
    rules: std::sync::MutexGuard<'a, Vec<Rule>>,
    armed: &'a AtomicBool,
}

impl std::ops::Deref for RulesGuard<'_> {
    type Target = Vec<Rule>;
    fn deref(&self) -> &Vec<Rule> {
        &self.rules
    }
}

impl std::ops::DerefMut for RulesGuard<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Rule> {
        &mut self.rules
    }
}

impl Drop for RulesGuard<'_> {
    fn drop(&mut self) {
        self.armed.store(!self.rules.is_empty(), Ordering::Release);
    }
}

impl Faults {
    fn rules(&self) -> RulesGuard<'_> {
        RulesGuard { rules: self.0.rules.lock().unwrap_or_else(|e| e.into_inner()), armed: &self.0.armed }
    }

    /// Adds a fault for the next `count` calls of `operation` (`None`: every operation; `count` `None`: until cleared).
    pub fn add(&self, operation: Option<Operation>, fault: Fault, count: Option<u32>) {
        self.rules().push(Rule { operation, fault, remaining: count });
    }

    /// Throttles the next `count` calls.
    pub fn throttle(&self, operation: Option<Operation>, count: u32) {
        self.add(operation, Fault::Throttle, Some(count));
    }

    /// Answers the next `count` calls with 500 `InternalFailure` (status 500) or 503 `ServiceUnavailable`.
    pub fn fail(&self, operation: Option<Operation>, status: u16, count: u32) {
        let fault = if status == 503 { Fault::ServiceUnavailable } else { Fault::InternalFailure };
        self.add(operation, fault, Some(count));
    }

    /// Delays the next `count` answers.
    pub fn latency(&self, operation: Option<Operation>, delay: Duration, count: u32) {
        self.add(operation, Fault::Latency(delay), Some(count));
    }

    /// Drops the connection of the next `count` calls.
    pub fn drop_connections(&self, operation: Option<Operation>, count: u32) {
        self.add(operation, Fault::DropConnection, Some(count));
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.rules().clear();
    }

    /// How many rules are active.
    pub fn len(&self) -> usize {
        self.rules().len()
    }

    /// Whether no fault is set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Consumes the faults that apply to one call of `operation`.
    pub fn decide(&self, operation: Option<Operation>) -> Decision {
        if !self.0.armed.load(Ordering::Acquire) {
            return Decision::default();
        }
        let mut rules = self.rules();
        let mut decision = Decision::default();
        for rule in rules.iter_mut() {
            let applies = rule.operation.is_none() || rule.operation == operation;
            if !applies || rule.remaining == Some(0) {
                continue;
            }
            match &rule.fault {
                Fault::Latency(d) => decision.delay += *d,
                other if decision.failure.is_none() => decision.failure = Some(other.clone()),
                _ => continue,
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
        }
        rules.retain(|r| r.remaining != Some(0));
        decision
    }
}
