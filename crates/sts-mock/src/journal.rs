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

/// A field longer than this many bytes is kept as its prefix and its length: the journal shows
/// what a test sent without holding a megabyte per value.
pub const MAX_FIELD_BYTES: usize = 4096;

/// The journal's memory bound, whatever its call count: the oldest calls go first.
pub const MAX_JOURNAL_BYTES: usize = 64 << 20;

/// `value`, or its first bytes (up to a character boundary) and its length.
fn capped(value: &str) -> std::borrow::Cow<'_, str> {
    if value.len() <= MAX_FIELD_BYTES {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut end = MAX_FIELD_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}...({} bytes)", &value[..end], value.len()))
}

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
        let optional = optional.map(|field| field.map(capped));
        let parameters: Vec<_> = call.parameters.iter().flat_map(|(k, v)| [Some(capped(k)), Some(capped(v))]).collect();
        let fields = || optional.iter().chain(parameters.iter()).map(|f| f.as_deref());
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

    /// What the call costs in memory (its buffers and the record itself).
    fn bytes(&self) -> usize {
        self.text.len() + self.spans.len() * std::mem::size_of::<Span>() + std::mem::size_of::<Stored>()
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

/// A handle on the journal (cheap to clone). Keeps the newest `capacity` calls, within
/// `MAX_JOURNAL_BYTES` (64 MiB).
#[derive(Debug, Clone)]
pub struct Journal {
    calls: Arc<Mutex<Calls>>,
    capacity: usize,
}

/// The calls and their memory.
#[derive(Debug, Default)]
struct Calls {
    calls: VecDeque<Stored>,
    bytes: usize,
}

impl std::ops::Deref for Calls {
    type Target = VecDeque<Stored>;
    fn deref(&self) -> &VecDeque<Stored> {
        &self.calls
    }
}

impl Journal {
    /// A journal keeping at most `capacity` calls.
    pub fn new(capacity: usize) -> Self {
        Journal { calls: Arc::new(Mutex::new(Calls::default())), capacity }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, Calls> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, call: &Call) {
        if self.capacity == 0 {
            return;
        }
        // Packed and the evicted call dropped outside the lock.
        let stored = Stored::new(call);
        let mut evicted = Vec::new();
        {
            let mut calls = self.guard();
            let bytes = stored.bytes();
            while calls.calls.len() >= self.capacity || (calls.bytes + bytes > MAX_JOURNAL_BYTES && !calls.calls.is_empty()) {
                let Some(old) = calls.calls.pop_front() else { break };
                calls.bytes -= old.bytes();
                evicted.push(old);
            }
            calls.bytes += bytes;
            calls.calls.push_back(stored);
        }
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
        let mut calls = self.guard();
        calls.calls.clear();
        calls.bytes = 0;
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
            operation: n.is_multiple_of(2).then(|| "AssumeRole".to_string()),
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
    fn long_values_are_kept_as_a_prefix_and_a_length() {
        let journal = Journal::new(10);
        let mut big = call(1);
        // 3-byte characters: the cut lands inside one and must step back to a boundary.
        big.parameters = vec![("Policy".into(), "✓".repeat(2000))];
        big.error_message = Some("x".repeat(MAX_FIELD_BYTES + 1));
        journal.record(&big);
        let kept = journal.calls().remove(0);
        let policy = &kept.parameters[0].1;
        assert!(policy.starts_with(&"✓".repeat(1365)) && policy.ends_with("...(6000 bytes)"), "{}", &policy[policy.len() - 20..]);
        assert_eq!(policy.len(), 1365 * 3 + "...(6000 bytes)".len());
        assert_eq!(kept.error_message.unwrap(), format!("{}...(4097 bytes)", "x".repeat(MAX_FIELD_BYTES)));
        // At the limit, a value is kept whole.
        let mut exact = call(1);
        exact.parameters = vec![("Policy".into(), "y".repeat(MAX_FIELD_BYTES))];
        journal.record(&exact);
        assert_eq!(journal.calls()[1].parameters[0].1.len(), MAX_FIELD_BYTES);
    }

    #[test]
    fn the_journal_is_bounded_in_bytes_whatever_its_count() {
        let journal = Journal::new(1_000_000);
        let mut big = call(1);
        // 200 values of 4 KiB: about 800 KiB per call once capped.
        big.parameters = (0..200).map(|i| (format!("K{i}"), "v".repeat(1 << 20))).collect();
        let per_call = Stored::new(&big).bytes();
        assert!(per_call > 200 * MAX_FIELD_BYTES, "{per_call}");
        for _ in 0..200 {
            journal.record(&big);
        }
        let fits = MAX_JOURNAL_BYTES / per_call;
        assert_eq!(journal.len(), fits, "the oldest calls were dropped to stay under {MAX_JOURNAL_BYTES} bytes");
        assert!(journal.guard().bytes <= MAX_JOURNAL_BYTES);
        journal.clear();
        assert_eq!(journal.guard().bytes, 0);
    }

    #[test]
    fn a_journal_of_capacity_zero_keeps_nothing() {
        let journal = Journal::new(0);
        journal.record(&call(1));
        assert!(journal.is_empty());
    }
}
