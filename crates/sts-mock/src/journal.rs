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

/// A call as the journal keeps it: every string in one buffer, their ranges in another. Under load
/// each new call evicts one made long ago, whose memory is cold: freeing two allocations instead of
/// one per string (a dozen or more) is most of what recording costs.
#[derive(Debug)]
struct Stored {
    text: Box<str>,
    /// Ranges of `text`: the optional fields in `OPTIONAL` order, then key and value per parameter.
    spans: Box<[Span]>,
    status: u16,
}

/// A range of `Stored::text`; `None` for an absent optional field.
type Span = Option<(u32, u32)>;

impl Stored {
    fn new(call: &Call) -> Stored {
        let optional = [
            Some(call.at.as_str()),
            call.operation.as_deref(),
            call.access_key_id.as_deref(),
            call.caller_arn.as_deref(),
            Some(call.request_id.as_str()),
            call.error_code.as_deref(),
            call.error_message.as_deref(),
            call.fault.as_deref(),
        ];
        let parameters = call.parameters.iter().flat_map(|(k, v)| [Some(k.as_str()), Some(v.as_str())]);
        let fields = || optional.iter().copied().chain(parameters.clone());
        let mut text = String::with_capacity(fields().flatten().map(str::len).sum());
        let spans = fields()
            .map(|field| {
                field.map(|value| {
                    let start = text.len() as u32;
                    text.push_str(value);
                    (start, text.len() as u32)
                })
            })
            .collect();
        Stored { text: text.into_boxed_str(), spans, status: call.status }
    }

    fn field(&self, index: usize) -> Option<String> {
        self.spans[index].map(|(start, end)| self.text[start as usize..end as usize].to_owned())
    }

    fn call(&self) -> Call {
        let parameters =
            (8..self.spans.len()).step_by(2).map(|i| (self.field(i).unwrap_or_default(), self.field(i + 1).unwrap_or_default())).collect();
        Call {
            at: self.field(0).unwrap_or_default(),
            operation: self.field(1),
            access_key_id: self.field(2),
            caller_arn: self.field(3),
            parameters,
            status: self.status,
            error_code: self.field(5),
            error_message: self.field(6),
            request_id: self.field(4).unwrap_or_default(),
            fault: self.field(7),
        }
    }

    fn operation(&self) -> Option<&str> {
        self.spans[1].map(|(start, end)| &self.text[start as usize..end as usize])
    }
}

/// A handle on the journal (cheap to clone). Keeps the newest `capacity` calls.
#[derive(Debug, Clone)]
pub struct Journal {
    calls: Arc<Mutex<VecDeque<Stored>>>,
    capacity: usize,
}

impl Journal {
    /// A journal keeping at most `capacity` calls.
    pub fn new(capacity: usize) -> Self {
        Journal { calls: Arc::new(Mutex::new(VecDeque::new())), capacity }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, VecDeque<Stored>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, call: &Call) {
        if self.capacity == 0 {
            return;
        }
        // Packed and the evicted call dropped outside the lock.
        let stored = Stored::new(call);
        let evicted = {
            let mut calls = self.guard();
            let evicted = if calls.len() == self.capacity { calls.pop_front() } else { None };
            calls.push_back(stored);
            evicted
        };
        drop(evicted);
    }

    /// The calls kept, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.guard().iter().map(Stored::call).collect()
    }

    /// The calls of one operation.
    pub fn calls_to(&self, operation: &str) -> Vec<Call> {
        self.guard().iter().filter(|c| c.operation() == Some(operation)).map(Stored::call).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn call(n: u16) -> Call {
        Call {
            at: format!("2024-01-01T00:00:0{n}Z"),
            operation: (n % 2 == 0).then(|| "AssumeRole".to_string()),
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
            caller_arn: None,
            parameters: (0..n).map(|i| (format!("Key{i}"), "välue ✓".repeat(i as usize))).collect(),
            status: 200 + n,
            error_code: (n == 3).then(|| "ValidationError".into()),
            error_message: Some(String::new()),
            request_id: format!("request-{n}"),
            fault: None,
        }
    }

    #[test]
    fn calls_read_back_as_recorded_and_the_oldest_are_forgotten() {
        let journal = Journal::new(3);
        for n in 0..5 {
            journal.record(&call(n));
        }
        assert_eq!(journal.calls(), vec![call(2), call(3), call(4)]);
        assert_eq!(journal.calls_to("AssumeRole"), vec![call(2), call(4)]);
        journal.clear();
        assert!(journal.is_empty());
    }

    #[test]
    fn a_journal_of_capacity_zero_keeps_nothing() {
        let journal = Journal::new(0);
        journal.record(&call(1));
        assert!(journal.is_empty());
    }
}
