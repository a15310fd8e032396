//! Profiles: what an external endpoint holds and claims.
//!
//! ```toml
//! name = "moto 5.1 (server mode)"
//! region = "us-east-1"
//! admin_api = false                 # true for `sts-harness serve`: the clock moves via /__sts/clock
//! # admin_token = "..."             # the token of `serve --admin-token` (off loopback)
//! features = ["credentials", "duration", "tags"]
//!
//! [symbols]                         # the suite's names, mapped to the endpoint's real ones
//! account = "123456789012"
//! "role.demo" = "arn:aws:iam::123456789012:role/demo"
//!
//! [principals.alice]                # who signs as `alice`
//! access_key_id = "AKIA..."
//! secret_access_key = "..."
//!
//! [deviations]                      # scenario id = why it is expected to fail here
//! "assume-role/duration/below-minimum" = "moto does not check DurationSeconds"
//! ```
//!
//! A deviation turns the scenario's failure into an expected failure; if the scenario starts
//! passing, the run fails, so the list never goes stale.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::scenario::FEATURES;
use crate::symbols::Principal;

/// A parsed profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// What the endpoint is (reports show it).
    pub name: String,
    /// SigV4 region, `us-east-1` unless given.
    #[serde(default = "default_region")]
    pub region: String,
    /// Whether the endpoint speaks the mock's admin API (`/__sts/clock`).
    #[serde(default)]
    pub admin_api: bool,
    /// The admin token of a `serve --admin-token` endpoint, sent with every admin request.
    #[serde(default)]
    pub admin_token: Option<String>,
    /// Claimed features; scenarios needing anything else are skipped.
    pub features: Vec<String>,
    /// Symbol values.
    #[serde(default)]
    pub symbols: BTreeMap<String, String>,
    /// Signing principals.
    #[serde(default)]
    pub principals: BTreeMap<String, Principal>,
    /// Known deviations: scenario id to reason.
    #[serde(default)]
    pub deviations: BTreeMap<String, String>,
}

fn default_region() -> String {
    "us-east-1".into()
}

impl Profile {
    /// Parses a profile; unknown keys and features are errors.
    ///
    /// ```
    /// use sts_conformance::profile::Profile;
    /// let p = Profile::parse("name = \"x\"\nfeatures = [\"credentials\"]\n[deviations]\n\"a/b\" = \"why\"").unwrap();
    /// assert_eq!(p.deviation("a/b"), Some("why"));
    /// assert!(Profile::parse("name = \"x\"\nfeatures = [\"telepathy\"]").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Profile, String> {
        let profile: Profile = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(bad) = profile.features.iter().find(|f| !FEATURES.iter().any(|(k, _)| k == f)) {
            return Err(format!("unknown feature {bad:?}"));
        }
        if profile.features.iter().any(|f| f == "world-setup") {
            return Err("an endpoint cannot claim world-setup: the runner cannot build worlds there".into());
        }
        if profile.features.iter().any(|f| f == "clock-control" || f == "mock-admin") && !profile.admin_api {
            return Err("clock-control and mock-admin need admin_api = true".into());
        }
        Ok(profile)
    }

    /// The reason `scenario` is a known deviation.
    pub fn deviation(&self, scenario: &str) -> Option<&str> {
        self.deviations.get(scenario).map(String::as_str)
    }
}
