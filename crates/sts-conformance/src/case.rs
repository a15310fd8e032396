//! A case: a request to send and what the answer must be.

use sts_model::Operation;

use crate::target::Outcome;

/// What the answer to a case must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// The input contract admits the request: the answer may be any outcome but a `ValidationError`
    /// about `path` (the model may still refuse it for other reasons, such as an unknown role).
    Admitted {
        /// The member path (`roleSessionName`, `tags.1.member.key`).
        path: String,
    },
    /// The answer is this error, with this HTTP status, and its message contains `message`.
    Rejected {
        /// Error code.
        code: String,
        /// HTTP status.
        status: u16,
        /// A fragment the message must contain.
        message: String,
    },
}

/// One case of the suite.
#[derive(Debug, Clone)]
pub struct Case {
    /// Stable name, usable as a test name: `AssumeRole/roleSessionName/length-65`.
    pub id: String,
    /// The operation called.
    pub operation: Operation,
    /// The feature the case exercises (a column of the report).
    pub feature: &'static str,
    /// What a person reads in a failure report.
    pub description: String,
    /// The query parameters sent.
    pub params: Vec<(String, String)>,
    /// The answer required.
    pub expect: Expectation,
}

/// The outcome of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The answer met the expectation.
    Pass,
    /// It did not; the text says how.
    Fail(String),
}

impl Case {
    /// Judges an answer against the expectation.
    pub fn judge(&self, outcome: &Outcome) -> Verdict {
        match (&self.expect, outcome) {
            (_, Outcome::Unreadable(why)) => Verdict::Fail(format!("unreadable answer: {why}")),
            (Expectation::Admitted { .. }, Outcome::Success { .. }) => Verdict::Pass,
            (Expectation::Admitted { path }, Outcome::Error { status, code, message }) => {
                let about_member = message.contains(&format!("at '{path}'"));
                if code == "ValidationError" && about_member {
                    Verdict::Fail(format!("expected the value to be admitted, got {status} {code}: {message}"))
                } else {
                    Verdict::Pass
                }
            }
            (Expectation::Rejected { code, status, .. }, Outcome::Success { .. }) => {
                Verdict::Fail(format!("expected {status} {code}, got a success"))
            }
            (
                Expectation::Rejected { code, status, message },
                Outcome::Error { status: got_status, code: got_code, message: got_message },
            ) => {
                if code != got_code || status != got_status {
                    Verdict::Fail(format!("expected {status} {code}, got {got_status} {got_code}: {got_message}"))
                } else if !got_message.contains(message.as_str()) {
                    Verdict::Fail(format!("message {got_message:?} lacks {message:?}"))
                } else {
                    Verdict::Pass
                }
            }
        }
    }
}
