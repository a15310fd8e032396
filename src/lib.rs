//! # sts-harness
//!
//! A conformance test suite and a stateful mock of the AWS Security Token Service (Query API
//! 2011-06-15). This facade re-exports the crates:
//!
//! - [`model`]: the reference model (`Sts::call(now, caller, request)`),
//! - [`wire`]: awsQuery decoding with every model constraint, XML envelopes,
//! - [`mock`]: the mock server,
//! - [`conformance`]: the scenario runner.

pub use sts_conformance as conformance;
pub use sts_mock as mock;
pub use sts_model as model;
pub use sts_wire as wire;

/// The README's Rust examples, compiled and run as doctests so the README stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
