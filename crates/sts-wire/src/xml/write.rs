//! Writing the XML envelopes: two-space indentation, one element per line, values without
//! surrounding whitespace, as real STS answers.

use quick_xml::escape::partial_escape;

use std::borrow::Cow;

/// A node of a response body; values borrow from the response (no copy of 1 KB session tokens).
pub(crate) enum Node<'a> {
    /// `<name>text</name>`.
    Text(&'static str, Cow<'a, str>),
    /// `<name>children</name>`.
    Elem(&'static str, Vec<Node<'a>>),
}

pub(crate) fn text<'a>(name: &'static str, value: impl Into<Cow<'a, str>>) -> Node<'a> {
    Node::Text(name, value.into())
}

/// The length [`write`] gives `node` at `depth` when no value needs escaping (escaping only adds).
pub(crate) fn size(node: &Node<'_>, depth: usize) -> usize {
    2 * depth
        + match node {
            Node::Text(name, value) => 2 * name.len() + value.len() + 6,
            Node::Elem(name, children) if children.is_empty() => name.len() + 4,
            Node::Elem(name, children) => 2 * depth + 2 * name.len() + 7 + children.iter().map(|c| size(c, depth + 1)).sum::<usize>(),
        }
}

/// Whether `value` holds a character XML 1.0 does not allow in a document, even as a character
/// reference: controls other than tab, line feed and carriage return, and U+FFFE/U+FFFF.
pub(crate) fn has_forbidden_xml_chars(value: &str) -> bool {
    // U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8.
    value.bytes().any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF) && value.chars().any(is_forbidden_xml_char)
}

pub(crate) fn is_forbidden_xml_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Echoed values (a RoleSessionName in a ValidationError) may carry such characters: they are
/// written as U+FFFD, so every answer stays well-formed XML that SDK parsers (expat in botocore)
/// read. What AWS writes in their place is not documented. fidelity: inferred.
fn replace_forbidden_xml_chars(value: &str) -> String {
    value.chars().map(|c| if is_forbidden_xml_char(c) { '\u{FFFD}' } else { c }).collect()
}

/// Text content as every answer writes it: forbidden characters as U+FFFD, `<`, `>` and `&` escaped.
pub(crate) fn escape_text(value: &str) -> Cow<'_, str> {
    let value: Cow<'_, str> =
        if has_forbidden_xml_chars(value) { Cow::Owned(replace_forbidden_xml_chars(value)) } else { Cow::Borrowed(value) };
    if memchr::memchr3(b'<', b'>', b'&', value.as_bytes()).is_some() {
        Cow::Owned(partial_escape(value.as_ref()).into_owned())
    } else {
        value
    }
}

pub(crate) fn write(out: &mut String, node: &Node<'_>, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    match node {
        Node::Text(name, value) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            // `<`, `>` and `&` only: quotes need no escaping in text content, and JSON values (DecodedMessage) stay readable.
            // Most values (keys, tokens, ARNs) have nothing to escape: skip the escaper's per-char loop.
            let value: Cow<'_, str> =
                if has_forbidden_xml_chars(value) { Cow::Owned(replace_forbidden_xml_chars(value)) } else { Cow::Borrowed(value) };
            if memchr::memchr3(b'<', b'>', b'&', value.as_bytes()).is_some() {
                out.push_str(&partial_escape(value.as_ref()));
            } else {
                out.push_str(&value);
            }
            out.push_str("</");
            out.push_str(name);
            out.push_str(">\n");
        }
        Node::Elem(name, children) if children.is_empty() => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>\n");
        }
        Node::Elem(name, children) => {
            out.push('<');
            out.push_str(name);
            out.push_str(">\n");
            for child in children {
                write(out, child, depth + 1);
            }
            for _ in 0..depth {
                out.push_str("  ");
            }
            out.push_str("</");
            out.push_str(name);
            out.push_str(">\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_replaced_and_the_rest_kept() {
        let mut out = String::new();
        write(&mut out, &text("Message", "a\u{1}b\u{1f}c\td\ne\u{FFFE}f<g>&\u{FFFD}é"), 0);
        assert_eq!(out, "<Message>a\u{FFFD}b\u{FFFD}c\td\ne\u{FFFD}f&lt;g&gt;&amp;\u{FFFD}é</Message>\n");
        assert!(!has_forbidden_xml_chars("ASIA\u{EFFF}é\t\r\n"), "U+EFFF and é start with other bytes or are allowed");
    }

    #[test]
    fn size_is_the_written_length() {
        let tree = Node::Elem(
            "AssumeRoleResult",
            vec![
                Node::Elem("Credentials", vec![text("AccessKeyId", "ASIAEXAMPLE"), text("SessionToken", "x".repeat(1000))]),
                Node::Elem("Empty", vec![]),
                text("PackedPolicySize", "6"),
            ],
        );
        for depth in 0..3 {
            let mut out = String::new();
            write(&mut out, &tree, depth);
            assert_eq!(size(&tree, depth), out.len(), "depth {depth}:\n{out}");
        }
    }
}
