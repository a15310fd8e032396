//! ARN syntax, as far as STS checks it before looking anything up.

/// A syntactically valid ARN: `arn:partition:service:region:account:resource`.
///
/// STS answers a malformed ARN with `ValidationError` "{arn} is invalid" (observed for
/// `nothing-valid-in-here`, `arn::b:::something/test-role`, `arn:a:::something/test-role`,
/// `arn:a:a::aaaaaaaaaa:`): partition, service and resource must be non-empty and all six
/// fields present (the resource may itself contain `:`).
///
/// ```
/// use sts_model::Arn;
/// let arn = Arn::parse("arn:aws:iam::123456789012:role/path/demo").unwrap();
/// assert_eq!(arn.account, "123456789012");
/// assert_eq!(arn.resource, "role/path/demo");
/// assert!(Arn::parse("arn:aws::iam::123456789012:role/demo").is_err()); // empty service
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`...
    pub partition: &'a str,
    /// `iam`, `sts`...
    pub service: &'a str,
    /// Empty for IAM and STS principals.
    pub region: &'a str,
    /// The 12-digit account, or `aws` for AWS managed policies.
    pub account: &'a str,
    /// `role/demo`, `user/path/alice`, `policy/Name`...
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses `text`; the error is STS's `ValidationError` "{text} is invalid".
    pub fn parse(text: &'a str) -> Result<Arn<'a>, crate::StsError> {
        let invalid = || crate::StsError::validation(format!("{text} is invalid"));
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if partition.is_empty() || service.is_empty() || resource.is_empty() {
            return Err(invalid());
        }
        Ok(Arn { partition, service, region, account, resource })
    }

    /// For an IAM role ARN (`arn:P:iam::ACCT:role/[path/]name`), the role name.
    pub fn role_name(&self) -> Option<&'a str> {
        if self.service != "iam" {
            return None;
        }
        let rest = self.resource.strip_prefix("role/")?;
        rest.rsplit('/').next().filter(|n| !n.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_the_observed_invalid_arns() {
        for bad in ["nothing-valid-in-here", "arn::b:::something/test-role", "arn:a:::something/test-role", "arn:a:a::aaaaaaaaaa:"] {
            let err = Arn::parse(bad).unwrap_err();
            assert_eq!(err.message, format!("{bad} is invalid"));
        }
    }

    #[test]
    fn role_names_drop_the_path() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/a/b/demo").unwrap();
        assert_eq!(arn.role_name(), Some("demo"));
        assert_eq!(Arn::parse("arn:aws:iam::123456789012:user/demo").unwrap().role_name(), None);
    }
}
