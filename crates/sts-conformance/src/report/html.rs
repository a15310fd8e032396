//! The HTML report: a matrix of operations (rows) by features (columns) that a person reads at a
//! glance, each cell coloured by its worst result and showing passed/total, then every scenario
//! that did not simply pass. One self-contained file: inline CSS, no scripts, no network.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Counts, Run};
use crate::runner::Status;
use crate::scenario::FEATURES;

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of a cell: its worst result.
fn class_of(c: &Counts) -> &'static str {
    if c.failed > 0 || c.unexpected_passes > 0 {
        "fail"
    } else if c.expected_failures > 0 {
        "xfail"
    } else if c.passed > 0 {
        "pass"
    } else {
        "skip"
    }
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px} .sub{color:#57606a;margin:0 0 16px}
.totals span{display:inline-block;margin-right:14px;font-weight:600}
table{border-collapse:collapse;margin:16px 0} th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:center;font-size:13px}
th.op{text-align:left;white-space:nowrap} thead th{background:#f6f8fa;writing-mode:vertical-rl;transform:rotate(180deg);height:150px;vertical-align:bottom}
thead th.corner{writing-mode:horizontal-tb;transform:none;height:auto}
td.pass{background:#2da44e;color:#fff} td.fail{background:#cf222e;color:#fff;font-weight:700}
td.xfail{background:#d4a72c;color:#1b1f24} td.skip{background:#eaeef2;color:#57606a} td.none{background:#fff}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:3px;font-size:12px}
ul.details{font-size:13px;line-height:1.45} .tag{font-weight:700;margin-right:6px}
.tag.fail{color:#cf222e} .tag.xfail{color:#9a6700} .tag.skip{color:#57606a} code{font-size:12px}
";

/// The run as an HTML page.
pub fn render(run: &Run<'_>) -> String {
    let matrix = run.matrix();
    let operations: BTreeSet<&str> = run.results.iter().map(|(s, _)| s.operation.name()).collect();
    let used: BTreeSet<&str> = matrix.keys().map(|(_, f)| *f).collect();
    // Columns in the documented order of FEATURES, so reports of different runs line up.
    let features: Vec<&str> = FEATURES.iter().map(|(f, _)| *f).filter(|f| used.contains(f)).collect();
    let totals = run.totals();
    let verdict = if run.ok() { "PASSED" } else { "FAILED" };

    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sts-harness: {target}</title><style>{STYLE}</style></head><body>\
         <h1>STS conformance: {verdict}</h1><p class=\"sub\">{target} · {n} scenarios · {secs:.2}s · suite {suite} ({model})</p>\
         <p class=\"totals\"><span>{p} passed</span><span>{f} failed</span><span>{x} expected failures</span><span>{u} unexpected passes</span><span>{s} skipped</span></p>\
         <p class=\"legend\"><span class=\"pass\" style=\"background:#2da44e;color:#fff\">all passed</span>\
         <span style=\"background:#d4a72c\">known deviation</span><span style=\"background:#cf222e;color:#fff\">failure</span>\
         <span style=\"background:#eaeef2\">skipped</span></p>",
        target = esc(&run.target),
        suite = crate::embedded::SUITE_VERSION,
        model = crate::embedded::MODEL_VERSION,
        n = totals.total(),
        secs = run.elapsed.as_secs_f64(),
        p = totals.passed,
        f = totals.failed,
        x = totals.expected_failures,
        u = totals.unexpected_passes,
        s = totals.skipped,
    );
    out.push_str("<table id=\"matrix\"><thead><tr><th class=\"corner\">operation \\ feature</th>");
    for f in &features {
        let _ = write!(out, "<th title=\"{}\">{}</th>", esc(FEATURES.iter().find(|(k, _)| k == f).map_or("", |(_, d)| d)), esc(f));
    }
    out.push_str("<th title=\"hand-written scenarios citing a public source of the expected answer\">evidence</th></tr></thead><tbody>");
    let (evidence, _) = run.evidence();
    for op in &operations {
        let _ = write!(out, "<tr><th class=\"op\">{}</th>", esc(op));
        for f in &features {
            match matrix.get(&(*op, *f)) {
                Some(c) => {
                    let _ = write!(
                        out,
                        "<td class=\"{}\" title=\"{} passed, {} failed, {} expected failures, {} skipped\">{}/{}</td>",
                        class_of(c),
                        c.passed,
                        c.failed + c.unexpected_passes,
                        c.expected_failures,
                        c.skipped,
                        c.passed,
                        c.total()
                    );
                }
                None => out.push_str("<td class=\"none\"></td>"),
            }
        }
        match evidence.get(op) {
            Some(e) if e.written > 0 => {
                let _ = write!(out, "<td class=\"evidence\">{}/{}</td>", e.cited, e.written);
            }
            _ => out.push_str("<td class=\"none\"></td>"),
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    let mut details = String::new();
    for (s, r) in &run.results {
        let (class, text) = match &r.status {
            Status::Passed => continue,
            Status::Failed(d) | Status::UnexpectedPass(d) => ("fail", d.clone()),
            Status::ExpectedFailure { reason, detail } => ("xfail", format!("{reason} — {detail}")),
            Status::Skipped(d) => ("skip", d.clone()),
        };
        let _ = write!(
            details,
            "<li><span class=\"tag {class}\">{}</span><code>{}</code> {}<br><small>{}</small></li>",
            r.status.label(),
            esc(&s.id),
            esc(&s.doc.description),
            esc(&text)
        );
    }
    if !details.is_empty() {
        let _ = write!(out, "<h2>Not passed</h2><ul class=\"details\">{details}</ul>");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }
}
