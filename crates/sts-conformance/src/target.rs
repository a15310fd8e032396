//! Where cases are sent.

use sts_model::time::OffsetDateTime;
use sts_model::world::{Role, User, World};
use sts_model::{Caller, Sts};
use sts_wire::xml::{self, Answer};

/// The answer to one request, as the judge needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A success envelope.
    Success {
        /// HTTP status.
        status: u16,
    },
    /// An error envelope.
    Error {
        /// HTTP status.
        status: u16,
        /// `<Code>`.
        code: String,
        /// `<Message>`.
        message: String,
    },
    /// The body was not an STS answer.
    Unreadable(String),
}

impl Outcome {
    /// Reads an HTTP answer.
    pub fn from_http(status: u16, body: &str) -> Outcome {
        match xml::decode(body) {
            Ok(Answer::Success(_)) => Outcome::Success { status },
            Ok(Answer::Error(e)) => Outcome::Error { status, code: e.code, message: e.message.unwrap_or_default() },
            Err(e) => Outcome::Unreadable(e.to_string()),
        }
    }
}

/// Something that answers STS requests.
pub trait Target {
    /// A short name for reports.
    fn name(&self) -> String;
    /// Sends query parameters (with `Action` and `Version`) and reads the answer.
    fn send(&mut self, params: &[(String, String)]) -> Outcome;
}

/// The reference model behind the in-process pipeline (decode, model, encode), no HTTP.
pub struct InProcess {
    sts: Sts,
    caller: Caller,
    now: OffsetDateTime,
}

/// The account of the built-in world.
pub const ACCOUNT: &str = "123456789012";

impl InProcess {
    /// The built-in world: account 123456789012 with user `alice` (who signs) and role `demo`.
    pub fn new(seed: u64) -> Self {
        let mut world = World::default();
        let key = world.add_user(ACCOUNT, User::new("alice")).expect("built-in user is valid").access_keys[0].access_key_id.clone();
        world.add_role(ACCOUNT, Role::new("demo").max_session_duration(43200)).expect("built-in role is valid");
        InProcess {
            sts: Sts::new(world, seed),
            caller: Caller::access_key(key),
            now: OffsetDateTime::UNIX_EPOCH + sts_model::time::Duration::days(19_723),
        }
    }
}

impl Target for InProcess {
    fn name(&self) -> String {
        "built-in mock (in process)".into()
    }

    fn send(&mut self, params: &[(String, String)]) -> Outcome {
        let out = sts_mock::in_process::answer(&mut self.sts, self.now, &self.caller, params);
        Outcome::from_http(out.status, &out.body)
    }
}
