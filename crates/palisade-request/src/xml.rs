//! The XML body processor and the `XML:` XPath variable.
//!
//! [`parse`] turns a body into an [`XmlDocument`], or fails with [`XmlError`], whose
//! REQBODY_ERROR_MSG is v3's single message `XML parsing error: XML: Failed parsing document.`
//! (v3 reports every libxml2 failure the same way). The document is compact and owned: every
//! text run is copied once into one buffer in document order, so the text content of any
//! element (libxml2's `xmlNodeGetContent`, which is what `XML:/*` yields) is one contiguous
//! slice, and evaluating an XPath allocates nothing per node.
//!
//! Parsing never loads anything: external entities (`<!ENTITY x SYSTEM "…">`) and external
//! DTDs are never fetched, whatever `SecXmlExternalEntity` says; a reference to an external
//! entity reads as empty text, as in v3 with external entities off. Internal entities are
//! expanded (nesting and count bounded). Limits: element nesting deeper than
//! [`BodyConfig::xml_depth`] (default 257, libxml2 2.9's effective limit in v3) and more than
//! [`BodyConfig::xml_nodes`] nodes are parse errors.
//!
//! Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, and documents declaring
//! ISO-8859-1 / Latin-1 / US-ASCII are read as libxml2 reads them; text is exposed as UTF-8.
//!
//! Known differences from libxml2: a namespace prefix that is never declared is an error here
//! (libxml2 only warns); an internal entity whose text holds `<` is accepted inside an
//! attribute value (libxml2 rejects the document); and on a parse error no partial document is
//! kept (v3 may still evaluate `XML:` against libxml2's partial tree; the error flag is the
//! same).
//!
//! ## The XPath subset ([`XPath::compile`])
//!
//! Absolute location paths made of steps separated by `/` (child) or `//` (descendant):
//! - element steps: `*`, `name`, `prefix:name`, `prefix:*`;
//! - an optional last step `@*`, `@name`, `@prefix:name` (attribute values) or `text()` (text
//!   nodes);
//! - `/` alone (the document: all its text).
//!
//! Names without a prefix match elements and attributes in no namespace (XPath 1.0); prefixes
//! come from the rule's `xmlns` actions, passed to [`XPath::eval`]. Everything else (predicates,
//! axes, functions other than `text()`, unions, relative paths, `.`/`..`) is rejected at compile
//! time with an [`XPathError`]. `XML:/*` and `XML://@*`, the only forms CRS uses, are in the
//! subset.

use core::fmt;
use core::ops::Range;

use crate::BodyConfig;

/// A parsed XML body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlDocument {
    /// All text, in document order.
    text: String,
    /// Attribute values, in document order.
    attr_text: String,
    /// Names and namespace URIs.
    names: String,
    elements: Vec<Element>,
    attrs: Vec<Attr>,
    texts: Vec<TextNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Element {
    local: Range<u32>,
    ns: Option<Range<u32>>,
    parent: Option<u32>,
    /// One past the last element of this element's subtree.
    subtree_end: u32,
    content: Range<u32>,
    attrs: Range<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Attr {
    local: Range<u32>,
    ns: Option<Range<u32>>,
    value: Range<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TextNode {
    parent: u32,
    range: Range<u32>,
}

/// Why an XML body was rejected. v3 reports all of them with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// The document is not well-formed (the parser's description).
    Malformed(String),
    /// The bytes are not in the document's encoding.
    Encoding,
    /// Elements nested deeper than the limit.
    TooDeep,
    /// More nodes than the limit.
    TooManyNodes,
}

impl XmlError {
    /// The message v3's XML processor stores.
    pub fn message(&self) -> &'static str {
        "XML: Failed parsing document."
    }

    /// REQBODY_ERROR_MSG / REQBODY_PROCESSOR_ERROR_MSG.
    pub fn reqbody_error_msg(&self) -> &'static str {
        "XML parsing error: XML: Failed parsing document."
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlError::Malformed(d) => write!(f, "{} ({d})", self.message()),
            XmlError::Encoding => write!(f, "{} (encoding)", self.message()),
            XmlError::TooDeep => write!(f, "{} (too deep)", self.message()),
            XmlError::TooManyNodes => write!(f, "{} (too many nodes)", self.message()),
        }
    }
}

impl std::error::Error for XmlError {}

/// Decodes the body to UTF-8 as libxml2 would read it.
fn decode(body: &[u8]) -> Result<std::borrow::Cow<'_, str>, XmlError> {
    use std::borrow::Cow;
    if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
        return core::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| XmlError::Encoding);
    }
    let utf16 = |b: &[u8], le: bool| -> Result<Cow<'_, str>, XmlError> {
        if !b.len().is_multiple_of(2) {
            return Err(XmlError::Encoding);
        }
        let units = b.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| XmlError::Encoding)
    };
    if let Some(rest) = body.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = body.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    if declares_latin1(body) {
        return Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect()));
    }
    core::str::from_utf8(body)
        .map(Cow::Borrowed)
        .map_err(|_| XmlError::Encoding)
}

/// Does the XML declaration name a single-byte Latin-1 compatible encoding?
fn declares_latin1(body: &[u8]) -> bool {
    if !body.starts_with(b"<?xml") {
        return false;
    }
    let end = body.iter().position(|&c| c == b'>').unwrap_or(body.len());
    let decl = &body[..end];
    let Some(p) = decl.windows(8).position(|w| w == b"encoding") else {
        return false;
    };
    let rest = &decl[p + 8..];
    let rest: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|&c| c == b' ' || c == b'=' || c == b'"' || c == b'\'')
        .take_while(|&c| c != b'"' && c != b'\'')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(
        rest.as_slice(),
        b"iso-8859-1" | b"latin1" | b"latin-1" | b"iso_8859-1" | b"us-ascii" | b"ascii"
    )
}

/// Parses an XML body with the limits of `config`.
pub fn parse(body: &[u8], config: &BodyConfig) -> Result<XmlDocument, XmlError> {
    let text = decode(body)?;
    // External entities resolve to nothing: never loaded, read as empty text (v3 with
    // SecXmlExternalEntity Off); Palisade does the same whatever the setting.
    let resolver =
        |_public: Option<&str>, _uri: &str| -> Result<Option<&str>, String> { Ok(Some("")) };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: config.xml_nodes,
        entity_resolver: Some(&resolver),
    };
    let doc = roxmltree::Document::parse_with_options(&text, opts).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => XmlError::TooManyNodes,
        other => XmlError::Malformed(other.to_string()),
    })?;
    let mut out = XmlDocument::default();
    let mut open: Vec<u32> = Vec::new();
    let root = doc.root();
    // Iterative pre-order walk with close events (the input controls the depth: no recursion).
    let mut cur = root.first_child();
    while let Some(node) = cur {
        out.open_node(node, &mut open, config)?;
        if let Some(c) = node.first_child() {
            cur = Some(c);
            continue;
        }
        let mut n = node;
        cur = loop {
            out.close_node(n, &mut open);
            if let Some(s) = n.next_sibling() {
                break Some(s);
            }
            match n.parent() {
                Some(p) if p != root => n = p,
                _ => break None,
            }
        };
    }
    Ok(out)
}

impl XmlDocument {
    fn open_node(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        open: &mut Vec<u32>,
        config: &BodyConfig,
    ) -> Result<(), XmlError> {
        if node.is_element() {
            if open.len() >= config.xml_depth as usize {
                return Err(XmlError::TooDeep);
            }
            let local = self.push_name(node.tag_name().name());
            let ns = node.tag_name().namespace().map(|n| self.push_name(n));
            let a0 = self.attrs.len() as u32;
            for a in node.attributes() {
                let local = self.push_name(a.name());
                let ns = a.namespace().map(|n| self.push_name(n));
                let v0 = self.attr_text.len() as u32;
                self.attr_text.push_str(a.value());
                let value = v0..self.attr_text.len() as u32;
                self.attrs.push(Attr { local, ns, value });
            }
            let at = self.text.len() as u32;
            self.elements.push(Element {
                local,
                ns,
                parent: open.last().copied(),
                subtree_end: 0,
                content: at..at,
                attrs: a0..self.attrs.len() as u32,
            });
            open.push(self.elements.len() as u32 - 1);
        } else if node.is_text()
            && let (Some(t), Some(&parent)) = (node.text(), open.last())
        {
            let s = self.text.len() as u32;
            self.text.push_str(t);
            self.texts.push(TextNode {
                parent,
                range: s..self.text.len() as u32,
            });
        }
        Ok(())
    }

    fn close_node(&mut self, node: roxmltree::Node<'_, '_>, open: &mut Vec<u32>) {
        if node.is_element()
            && let Some(i) = open.pop()
        {
            let end = self.text.len() as u32;
            let n = self.elements.len() as u32;
            if let Some(e) = self.elements.get_mut(i as usize) {
                e.content.end = end;
                e.subtree_end = n;
            }
        }
    }

    fn push_name(&mut self, s: &str) -> Range<u32> {
        let a = self.names.len() as u32;
        self.names.push_str(s);
        a..self.names.len() as u32
    }

    fn name(&self, r: &Range<u32>) -> &str {
        self.names
            .get(r.start as usize..r.end as usize)
            .unwrap_or("")
    }

    fn slice(&self, r: &Range<u32>) -> &[u8] {
        self.text
            .as_bytes()
            .get(r.start as usize..r.end as usize)
            .unwrap_or(&[])
    }

    /// The number of elements.
    pub fn element_count(&self) -> usize {
        self.elements.len()
    }

    /// All text of the document (what `XML:/` and `XML:/*` yield).
    pub fn text_content(&self) -> &[u8] {
        self.text_of_root()
    }

    fn text_of_root(&self) -> &[u8] {
        match self.elements.first() {
            Some(e) => self.slice(&e.content),
            None => &[],
        }
    }
}

/// Why an XPath expression is outside the supported subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XPathError {
    /// The expression.
    pub expr: String,
    /// Byte offset of the problem.
    pub at: usize,
    /// What was wrong.
    pub reason: &'static str,
}

impl fmt::Display for XPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported XPath `{}` at offset {}: {} (supported: absolute paths of `/` or `//` \
             steps naming `*`, `name` or `prefix:name`, optionally ending in `@*`, `@name` or \
             `text()`)",
            self.expr, self.at, self.reason
        )
    }
}

impl std::error::Error for XPathError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NameTest {
    Any,
    /// (prefix, local); local `*` means any local name in the prefix's namespace.
    Name(Option<String>, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    descendant: bool,
    test: NameTest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Last {
    Elements,
    Attributes(bool, NameTest),
    Text(bool),
}

/// A compiled XPath of the supported subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XPath {
    steps: Vec<Step>,
    last: Last,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

impl XPath {
    /// Compiles `expr` (the part after `XML:`), or says why it is outside the subset. Call it
    /// when a rule set is compiled.
    pub fn compile(expr: &str) -> Result<XPath, XPathError> {
        let err = |at: usize, reason: &'static str| XPathError {
            expr: expr.to_string(),
            at,
            reason,
        };
        let b = expr.as_bytes();
        if b.first() != Some(&b'/') {
            return Err(err(0, "the path must start with `/`"));
        }
        if expr == "/" {
            return Ok(XPath {
                steps: Vec::new(),
                last: Last::Elements,
            });
        }
        let mut steps = Vec::new();
        let mut last = Last::Elements;
        let mut i = 0;
        while i < b.len() {
            if last != Last::Elements {
                return Err(err(i, "nothing may follow an attribute or text() step"));
            }
            let descendant = if b[i..].starts_with(b"//") {
                i += 2;
                true
            } else if b[i] == b'/' {
                i += 1;
                false
            } else {
                return Err(err(i, "expected `/` or `//`"));
            };
            let start = i;
            while i < b.len() && b[i] != b'/' {
                i += 1;
            }
            let step = &expr[start..i];
            if step.is_empty() {
                return Err(err(start, "empty step"));
            }
            if step == "text()" {
                last = Last::Text(descendant);
                continue;
            }
            if let Some(attr) = step.strip_prefix('@') {
                let test = parse_name_test(attr).ok_or_else(|| err(start + 1, "bad name"))?;
                last = Last::Attributes(descendant, test);
                continue;
            }
            if step.contains("::") {
                return Err(err(start, "axes are not supported"));
            }
            if step.contains(['[', ']']) {
                return Err(err(start, "predicates are not supported"));
            }
            if step.contains('(') {
                return Err(err(start, "functions other than text() are not supported"));
            }
            let test = parse_name_test(step).ok_or_else(|| err(start, "bad name"))?;
            steps.push(Step { descendant, test });
        }
        Ok(XPath { steps, last })
    }

    /// Evaluates the path on `doc`, calling `out` with the text content of every selected node
    /// in document order. `namespaces` maps prefixes to URIs (the rule's `xmlns` actions); a
    /// prefix not in it selects nothing (libxml2 fails the expression).
    pub fn eval<'d>(
        &self,
        doc: &'d XmlDocument,
        namespaces: &[(&str, &str)],
        mut out: impl FnMut(&'d [u8]),
    ) {
        if self.steps.is_empty() && self.last == Last::Elements {
            // `/`: the document node's content.
            if !doc.elements.is_empty() {
                out(doc.text_of_root());
            }
            return;
        }
        let n = doc.elements.len();
        // `None` context = the document node.
        let mut ctx: Vec<bool> = Vec::new();
        let mut at_doc = true;
        for step in &self.steps {
            let mut next = vec![false; n];
            let below = if at_doc || !step.descendant {
                Vec::new()
            } else {
                descendants_of(doc, &ctx)
            };
            for (i, e) in doc.elements.iter().enumerate() {
                let in_scope = if at_doc {
                    step.descendant || e.parent.is_none()
                } else if step.descendant {
                    below[i]
                } else {
                    e.parent.is_some_and(|p| ctx[p as usize])
                };
                if in_scope && matches(doc, &step.test, &e.local, e.ns.as_ref(), namespaces) {
                    next[i] = true;
                }
            }
            ctx = next;
            at_doc = false;
        }
        let below = if at_doc {
            Vec::new()
        } else {
            descendants_of(doc, &ctx)
        };
        match &self.last {
            Last::Elements => {
                for (i, e) in doc.elements.iter().enumerate() {
                    if ctx.get(i).copied().unwrap_or(false) {
                        out(doc.slice(&e.content));
                    }
                }
            }
            Last::Attributes(descendant, test) => {
                for (i, e) in doc.elements.iter().enumerate() {
                    let owner = if at_doc {
                        *descendant || e.parent.is_none()
                    } else if *descendant {
                        ctx[i] || below[i]
                    } else {
                        ctx[i]
                    };
                    if !owner {
                        continue;
                    }
                    for a in doc
                        .attrs
                        .get(e.attrs.start as usize..e.attrs.end as usize)
                        .unwrap_or(&[])
                    {
                        if matches(doc, test, &a.local, a.ns.as_ref(), namespaces) {
                            out(doc
                                .attr_text
                                .as_bytes()
                                .get(a.value.start as usize..a.value.end as usize)
                                .unwrap_or(&[]));
                        }
                    }
                }
            }
            Last::Text(descendant) => {
                for t in &doc.texts {
                    let p = t.parent as usize;
                    let owner = if at_doc {
                        *descendant
                    } else if *descendant {
                        ctx[p] || below[p]
                    } else {
                        ctx[p]
                    };
                    if owner {
                        out(doc.slice(&t.range));
                    }
                }
            }
        }
    }
}

/// Which elements are proper descendants of a selected one (subtrees are nested or disjoint
/// ranges of the element list, so one sweep does it).
fn descendants_of(doc: &XmlDocument, ctx: &[bool]) -> Vec<bool> {
    let mut out = vec![false; doc.elements.len()];
    let mut until = 0usize;
    for (i, e) in doc.elements.iter().enumerate() {
        out[i] = i < until;
        if ctx.get(i).copied().unwrap_or(false) {
            until = until.max(e.subtree_end as usize);
        }
    }
    out
}

fn matches(
    doc: &XmlDocument,
    test: &NameTest,
    local: &Range<u32>,
    ns: Option<&Range<u32>>,
    namespaces: &[(&str, &str)],
) -> bool {
    match test {
        NameTest::Any => true,
        NameTest::Name(None, l) => ns.is_none() && doc.name(local) == l,
        NameTest::Name(Some(prefix), l) => {
            let Some(uri) = namespaces
                .iter()
                .find(|(p, _)| p == prefix)
                .map(|(_, u)| *u)
            else {
                return false;
            };
            ns.is_some_and(|n| doc.name(n) == uri) && (l == "*" || doc.name(local) == l)
        }
    }
}

fn parse_name_test(s: &str) -> Option<NameTest> {
    if s == "*" {
        return Some(NameTest::Any);
    }
    let ncname = |n: &str| {
        let mut c = n.chars();
        c.next().is_some_and(is_name_start) && c.all(is_name_char)
    };
    match s.split_once(':') {
        Some((p, l)) => (ncname(p) && (l == "*" || ncname(l)))
            .then(|| NameTest::Name(Some(p.to_string()), l.to_string())),
        None => ncname(s).then(|| NameTest::Name(None, s.to_string())),
    }
}

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
