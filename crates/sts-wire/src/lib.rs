//! # sts-wire: the awsQuery wire format of STS
//!
//! Requests in (form bodies and query strings, decoded into `sts_model` requests and checked against
//! every bound and pattern of the service model), answers out (the exact XML envelopes of STS), and
//! both directions again for clients: requests encoded as botocore sends them, answers decoded.
//! It decides nothing about STS semantics: that is `sts-model`'s job.

#![warn(missing_docs)]

pub mod constraints;
pub mod iam;
pub mod query;
pub mod sigv4;
pub mod xml;
