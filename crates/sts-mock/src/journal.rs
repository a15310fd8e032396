//! The journal: a typed, bounded record of the calls the mock received.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// One call as the mock saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// When (mock clock), RFC 3339.
    pub at: String,
    /// The `Action`, when there was one.
    pub operation: Option<String>,
    /// The signing key id, when the call was signed.
    pub access_key_id: Option<String>,
    /// The caller's ARN, when the key is known.
    pub caller_arn: Option<String>,
    /// The query parameters (values of sensitive members shortened).
    pub parameters: Vec<(String, String)>,
    /// HTTP status answered (0 for a dropped connection).
    pub status: u16,
    /// The error code, for error answers.
    pub error_code: Option<String>,
    /// The error message, for error answers.
    pub error_message: Option<String>,
    /// The request id.
    pub request_id: String,
    /// The injected fault, if one applied.
    pub fault: Option<String>,
}

impl Call {
    /// Whether the call succeeded.
    pub fn succeeded(&self) -> bool {
        self.status == 200
    }
}

/// A handle on the journal (cheap to clone). Keeps the newest `capacity` calls.
#[derive(Debug, Clone)]
pub struct Journal {
    calls: Arc<Mutex<VecDeque<Call>>>,
    capacity: usize,
}

impl Journal {
    /// A journal keeping at most `capacity` calls.
    pub fn new(capacity: usize) -> Self {
        Journal { calls: Arc::new(Mutex::new(VecDeque::new())), capacity }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, VecDeque<Call>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, call: Call) {
        if self.capacity == 0 {
            return;
        }
        let mut calls = self.guard();
        if calls.len() == self.capacity {
            calls.pop_front();
        }
        calls.push_back(call);
    }

    /// The calls kept, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.guard().iter().cloned().collect()
    }

    /// The calls of one operation.
    pub fn calls_to(&self, operation: &str) -> Vec<Call> {
        self.guard().iter().filter(|c| c.operation.as_deref() == Some(operation)).cloned().collect()
    }

    /// Forgets every call.
    pub fn clear(&self) {
        self.guard().clear();
    }

    /// How many calls are kept.
    pub fn len(&self) -> usize {
        self.guard().len()
    }

    /// Whether no call is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
