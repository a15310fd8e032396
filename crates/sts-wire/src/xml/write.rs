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
            if memchr::memchr3(b'<', b'>', b'&', value.as_bytes()).is_some() {
                out.push_str(&partial_escape(value.as_ref()));
            } else {
                out.push_str(value);
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
