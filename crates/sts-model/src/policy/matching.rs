//! IAM wildcards: `*` matches any run of characters (including none), `?` exactly one.

/// Whether `text` matches `pattern`, optionally ignoring ASCII case (action names are
/// case-insensitive, resource ARNs are not).
///
/// ```
/// use sts_model::policy::wildcard_match;
/// assert!(wildcard_match("s3:Get*", "s3:GetObject", true));
/// assert!(wildcard_match("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/a.txt", false));
/// assert!(!wildcard_match("arn:aws:s3:::B/*", "arn:aws:s3:::b/a", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Every authorization matches actions and resources against each statement: `*` alone is the
    // common pattern, and ASCII (nearly every ARN and action) is matched byte by byte, without
    // collecting characters (matching, with its two allocations, was a tenth of `model/AssumeRole`).
    if pattern == "*" {
        return true;
    }
    if pattern.is_ascii() && text.is_ascii() {
        return glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b });
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob(&p, &t, '*', '?', |a, b| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b })
}

/// Iterative glob with backtracking to the last star: linear in practice, no recursion. `?`
/// matches one element (one character: callers pass characters unless both sides are ASCII).
fn glob<T: Copy + PartialEq>(p: &[T], t: &[T], star: T, one: T, eq: impl Fn(T, T) -> bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut last_star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || (p[pi] != star && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star {
            last_star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = last_star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star {
        pi += 1;
    }
    pi == p.len()
}
