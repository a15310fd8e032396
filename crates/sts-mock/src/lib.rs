//! # sts-mock: the STS mock
//!
//! The served form of the reference model. This first slice is the in-process pipeline every server
//! front end shares (query parameters in, XML answer out); the wiremock-backed `MockSts` builds on it.

#![warn(missing_docs)]

pub mod in_process;
