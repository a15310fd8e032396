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

/// Parses `xml` into its root element.
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
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text.xml10_content());
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
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => return Err(malformed("no root element")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}
