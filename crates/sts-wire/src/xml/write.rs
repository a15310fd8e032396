//! Writing the XML envelopes: two-space indentation, one element per line, values without
//! surrounding whitespace, as real STS answers.

use quick_xml::escape::partial_escape;

/// A node of a response body.
pub(crate) enum Node {
    /// `<name>text</name>`.
    Text(&'static str, String),
    /// `<name>children</name>`.
    Elem(&'static str, Vec<Node>),
}

pub(crate) fn text(name: &'static str, value: impl Into<String>) -> Node {
    Node::Text(name, value.into())
}

pub(crate) fn write(out: &mut String, node: &Node, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    match node {
        Node::Text(name, value) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            // `<`, `>` and `&` only: quotes need no escaping in text content, and JSON values (DecodedMessage) stay readable.
            out.push_str(&partial_escape(value.as_str()));
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
