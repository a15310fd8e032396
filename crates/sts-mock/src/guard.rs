//! Who may use the admin API over the network.
//!
//! The admin API hands out long-term secrets (`GET /__sts/credentials`), rewrites the world and
//! moves the clock, so it is protected as a real service's control plane would be:
//!
//! - with a token configured (`MockStsBuilder::admin_token`, `serve --admin-token`), every admin
//!   request must carry it (`Authorization: Bearer <token>` or `X-Sts-Admin-Token: <token>`);
//! - without one, only requests addressed to a loopback name (`Host: localhost`, `127.0.0.1`,
//!   `[::1]`) are served, which defeats DNS rebinding (a rebound page sends its own host name);
//! - in both cases, a request that a web page sent cross-site (its `Origin` names another host, or
//!   `Sec-Fetch-Site: cross-site`) is refused: a page on the internet cannot drive a mock on
//!   loopback with a `text/plain` POST.
//!
//! STS and IAM calls are not concerned: SigV4 protects them as it protects AWS's.

/// The admin API's guard.
#[derive(Debug, Clone, Default)]
pub struct AdminGuard {
    token: Option<String>,
}

impl AdminGuard {
    /// A guard requiring `token` (none: loopback-only).
    pub fn new(token: Option<String>) -> AdminGuard {
        AdminGuard { token: token.filter(|t| !t.is_empty()) }
    }

    /// Whether a token is required.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// `Ok` when the request may use the admin API, else why not (answered 403).
    ///
    /// ```
    /// use sts_mock::guard::AdminGuard;
    /// let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    /// let open = AdminGuard::new(None);
    /// assert!(open.admits(&h(&[("host", "127.0.0.1:4566")])).is_ok());
    /// assert!(open.admits(&h(&[("host", "evil.example:4566")])).is_err());
    /// assert!(open.admits(&h(&[("host", "localhost:4566"), ("origin", "https://evil.example")])).is_err());
    /// let locked = AdminGuard::new(Some("s3cret".into()));
    /// assert!(locked.admits(&h(&[("host", "sts:4566"), ("authorization", "Bearer s3cret")])).is_ok());
    /// assert!(locked.admits(&h(&[("host", "127.0.0.1:4566")])).is_err());
    /// ```
    pub fn admits(&self, headers: &[(String, String)]) -> Result<(), String> {
        let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
        if header("sec-fetch-site") == Some("cross-site") {
            return Err("a cross-site request from a web page may not use the admin API".into());
        }
        let host = header("host").map(host_name);
        if let Some(origin) = header("origin").filter(|o| *o != "null") {
            let origin_host = host_name(origin.split("://").nth(1).unwrap_or(origin));
            if Some(origin_host) != host {
                return Err(format!("a request from the web origin {origin} may not use the admin API"));
            }
        }
        match &self.token {
            Some(token) => {
                let given = header("x-sts-admin-token").or_else(|| header("authorization").and_then(|a| a.strip_prefix("Bearer ")));
                // Constant-time comparison: the token must not leak through timing.
                if given.is_some_and(|g| constant_time_eq(g.trim().as_bytes(), token.as_bytes())) {
                    Ok(())
                } else {
                    Err("the admin API needs the admin token (Authorization: Bearer <token> or X-Sts-Admin-Token)".into())
                }
            }
            None if host.is_some_and(is_loopback_name) => Ok(()),
            None => Err(format!(
                "the admin API answers only requests addressed to localhost, 127.0.0.1 or [::1] (Host: {}); \
                 start the mock with an admin token to reach it by another name",
                host.unwrap_or("none")
            )),
        }
    }
}

/// The host of a `Host` header or an origin's authority, without the port.
fn host_name(authority: &str) -> &str {
    let authority = authority.split('/').next().unwrap_or_default();
    if let Some(rest) = authority.strip_prefix('[') {
        // [::1]:4566
        return rest.split(']').next().unwrap_or_default();
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    }
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random token (128 bits from the OS, hex), for `serve` on a non-loopback address.
pub fn random_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_ok();
    if !from_os {
        // No /dev/urandom (Windows): the standard library's randomly keyed hasher, twice.
        use std::hash::{BuildHasher, Hasher};
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(std::process::id().into());
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn loopback_names_pass_without_a_token_and_others_do_not() {
        let open = AdminGuard::new(None);
        for host in ["localhost", "localhost:4566", "127.0.0.1:4566", "127.1.2.3", "[::1]:4566", "LOCALHOST"] {
            assert!(open.admits(&h(&[("host", host)])).is_ok(), "{host}");
        }
        // DNS rebinding: the attacker's name resolves to 127.0.0.1, the Host header keeps the name.
        for host in ["evil.example:4566", "localhost.evil.example", "10.0.0.5:4566", "0.0.0.0:4566", ""] {
            assert!(open.admits(&h(&[("host", host)])).is_err(), "{host}");
        }
        assert!(open.admits(&[]).is_err(), "no Host at all");
    }

    #[test]
    fn web_pages_from_elsewhere_are_refused() {
        let open = AdminGuard::new(None);
        let same = h(&[("host", "localhost:4566"), ("origin", "http://localhost:4566")]);
        assert!(open.admits(&same).is_ok());
        let cross = h(&[("host", "localhost:4566"), ("origin", "https://attacker.example")]);
        assert!(open.admits(&cross).unwrap_err().contains("attacker.example"));
        let fetch = h(&[("host", "127.0.0.1:4566"), ("sec-fetch-site", "cross-site")]);
        assert!(open.admits(&fetch).is_err());
        // Even with the token: a page cannot have it, but refuse cross-site anyway.
        let locked = AdminGuard::new(Some("t".into()));
        assert!(locked.admits(&h(&[("host", "x"), ("authorization", "Bearer t"), ("origin", "https://a.example")])).is_err());
    }

    #[test]
    fn the_token_is_required_exactly() {
        let locked = AdminGuard::new(Some("0123456789abcdef".into()));
        assert!(locked.admits(&h(&[("host", "sts:4566"), ("x-sts-admin-token", "0123456789abcdef")])).is_ok());
        assert!(locked.admits(&h(&[("host", "sts:4566"), ("authorization", "Bearer 0123456789abcdef")])).is_ok());
        for wrong in ["Bearer 0123456789abcde", "Bearer 0123456789abcdeF", "0123456789abcdef", "Basic 0123456789abcdef", "Bearer "] {
            assert!(locked.admits(&h(&[("host", "localhost"), ("authorization", wrong)])).is_err(), "{wrong}");
        }
        // Loopback is not enough once a token is set.
        assert!(locked.admits(&h(&[("host", "127.0.0.1")])).is_err());
        assert!(!AdminGuard::new(Some(String::new())).has_token(), "an empty token is no token");
    }

    #[test]
    fn random_tokens_are_128_bit_hex_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
