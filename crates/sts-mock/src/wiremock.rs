//! The mock inside wiremock: a [`wiremock::Respond`] that answers STS (and IAM) from the same
//! model as [`crate::MockSts`], for test suites that already run a `wiremock::MockServer` for the
//! other services their code calls.
//!
//! ```no_run
//! # async fn demo() {
//! use wiremock::matchers::{method, path};
//! use wiremock::{Mock, MockServer};
//!
//! let server = MockServer::start().await;
//! let sts = sts_mock::MockSts::builder().responder();
//! Mock::given(method("POST")).and(path("/")).respond_with(sts.clone()).mount(&server).await;
//! // point the STS client at server.uri(); move sts.clock(), inject sts.faults(), read sts.journal()
//! # }
//! ```
//!
//! Where it differs from [`crate::MockSts`]: wiremock cannot drop a connection, so an injected
//! `drop_connection` fault answers an empty `502` instead (after its delay); wiremock records every
//! request it receives (call `MockServer::builder().disable_request_recording()` under load), on top
//! of this model's bounded journal; the admin API under `/__sts/` answers only if you route it here
//! (a `path_regex("^/__sts/")` mock), without the network guard of [`crate::guard`]: the server is
//! yours, on loopback.

use std::sync::Arc;

use wiremock::{Request, Respond, ResponseTemplate};

use crate::service::{HttpRequest, Reply, Service};
use crate::{Clock, Faults, Journal};

/// The STS model as a wiremock responder; clones share one model, clock, faults and journal.
#[derive(Clone)]
pub struct StsResponder {
    service: Arc<Service>,
}

impl StsResponder {
    pub(crate) fn new(service: Arc<Service>) -> StsResponder {
        StsResponder { service }
    }

    /// The clock (freeze, set, advance).
    pub fn clock(&self) -> Clock {
        self.service.clock.clone()
    }

    /// The faults.
    pub fn faults(&self) -> Faults {
        self.service.faults.clone()
    }

    /// The journal of the calls this responder answered.
    pub fn journal(&self) -> Journal {
        self.service.journal.clone()
    }

    /// Changes the world while tests run.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut sts_model::world::World) -> R) -> R {
        f(self.service.sts().world_mut())
    }

    /// The default user's key id and secret.
    pub fn default_credentials(&self) -> (&'static str, &'static str) {
        (crate::DEFAULT_ACCESS_KEY_ID, crate::DEFAULT_SECRET_ACCESS_KEY)
    }
}

impl Respond for StsResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        // wiremock keeps the Host in the URL: SigV4 signed it, the service needs it back.
        if !headers.iter().any(|(k, _)| k == "host")
            && let Some(host) = request.url.host_str()
        {
            let host = match request.url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            headers.push(("host".into(), host));
        }
        let http = HttpRequest {
            method: request.method.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            headers,
            body: request.body.clone(),
        };
        match self.service.handle(&http) {
            Reply::Drop { delay } => ResponseTemplate::new(502).set_delay(delay),
            Reply::Answer { status, content_type, request_id, body, delay } => {
                let mut answer = ResponseTemplate::new(status).set_body_raw(body, content_type).set_delay(delay);
                if let Some(date) = crate::server::http_date(self.service.clock.now())
                    && let Ok(date) = date.to_str()
                {
                    answer = answer.insert_header("date", date);
                }
                if !request_id.is_empty() {
                    answer = answer.insert_header("x-amzn-requestid", request_id.as_str());
                }
                answer
            }
        }
    }
}
