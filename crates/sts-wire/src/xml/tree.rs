//! A small element tree read with quick-xml: names without prefixes, text unescaped, bounded depth.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::XmlError;

/// Deeper documents are refused: no STS response nests beyond five levels.
const MAX_DEPTH: usize = 32;
/// More elements than this is not an STS response.
const MAX_ELEMENTS: usize = 10_000;

/// An element with its local name, text content and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name (namespace prefix dropped).
    pub name: String,
    /// Concatenated text directly inside the element, unescaped.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child called `name`.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_owned())
    }
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

/// XML 1.0's Char production: a document holding a character outside it is not well-formed, and
/// the parsers SDKs use (expat, in botocore) refuse it. quick-xml does not check; we do, so that the
/// suite judges answers as strictly as a client would.
fn strict_chars(text: &str) -> Result<(), XmlError> {
    match text.chars().find(|c| super::write::is_forbidden_xml_char(*c)) {
        Some(c) => Err(XmlError::Malformed(format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c)))),
        None => Ok(()),
    }
}

/// Parses `xml` into its root element, refusing characters XML 1.0 does not allow.
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    loop {
        match reader.read_event().map_err(malformed)? {
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(XmlError::Malformed("document too deep or too large".into()));
                }
                let name = start.local_name().as_ref().to_owned();
                stack.push(Element { name, ..Element::default() });
            }
            Event::Empty(start) => {
                count += 1;
                let name = start.local_name().as_ref().to_owned();
                let element = Element { name, ..Element::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or_else(|| malformed("unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                strict_chars(&content)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&content);
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(data.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                let raw = format!("&{};", &*reference);
                let resolved = quick_xml::escape::unescape(&raw).map_err(malformed)?;
                // `&#1;` names a character XML 1.0 forbids: not well-formed either.
                strict_chars(&resolved)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => return Err(malformed("no root element")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}

#[cfg(test)]
mod strict_tests {
    use super::*;

    #[test]
    fn forbidden_characters_raw_or_referenced_are_not_well_formed() {
        assert!(parse("<a>x\u{1}y</a>").is_err());
        assert!(parse("<a>x&#1;y</a>").is_err());
        assert!(parse("<a>x&#xFFFE;y</a>").is_err());
        assert_eq!(parse("<a>x&#9;y&#xE9;</a>").unwrap().text, "x\ty\u{e9}");
    }
}
