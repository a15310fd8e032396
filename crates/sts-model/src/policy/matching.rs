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
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b };
    // Iterative glob with backtracking to the last star: linear in practice, no recursion.
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
