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
//! A namespace prefix used without a declaration is accepted, as libxml2 accepts it (it only
//! warns): it is bound to [`UNDECLARED_PREFIX_URI`]. Known differences from libxml2: an
//! attribute named `p:` (empty local part) is an error here; a line break from an entity's
//! text inside an attribute value becomes a space here (libxml2 keeps it); an internal entity whose text holds `<` is accepted inside an
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

/// How many undeclared namespace prefixes are declared on the fly before giving up.
const MAX_PREFIX_RETRIES: usize = 16;

/// The namespace URI given to prefixes the document uses without declaring them.
pub const UNDECLARED_PREFIX_URI: &str = "urn:palisade:undeclared-prefix";

/// Inserts a declaration of `prefix` at the element or attribute where roxmltree found it.
fn declare_prefix(src: &str, prefix: &str, pos: roxmltree::TextPos) -> Option<String> {
    // TextPos is 1-based rows (split on `\n`) and 1-based columns in characters.
    let mut offset = 0usize;
    for (i, line) in src.split('\n').enumerate() {
        if i + 1 == pos.row as usize {
            let col = pos.col as usize;
            let within = line
                .char_indices()
                .nth(col.checked_sub(1)?)
                .map(|(b, _)| b)?;
            offset += within;
            break;
        }
        offset += line.len() + 1;
    }
    let decl = format!("xmlns:{prefix}=\"{UNDECLARED_PREFIX_URI}\"");
    let bytes = src.as_bytes();
    let mut out = String::with_capacity(src.len() + decl.len() + 2);
    if offset > 0 && bytes.get(offset - 1) == Some(&b'<') {
        // An element name: declare after it.
        let end = offset
            + src
                .get(offset..)?
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')?;
        out.push_str(src.get(..end)?);
        out.push(' ');
        out.push_str(&decl);
        out.push_str(src.get(end..)?);
    } else {
        // An attribute: declare before it.
        out.push_str(src.get(..offset)?);
        out.push_str(&decl);
        out.push(' ');
        out.push_str(src.get(offset..)?);
    }
    Some(out)
}

/// Rejects character references to characters XML does not allow (libxml2 fails the document;
/// roxmltree would substitute U+FFFD).
fn check_char_refs(text: &str) -> Result<(), XmlError> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = b[i..].windows(2).position(|w| w == b"&#") {
        let start = i + p + 2;
        let (hex, digits_at) = if b.get(start) == Some(&b'x') {
            (true, start + 1)
        } else {
            (false, start)
        };
        let mut j = digits_at;
        let mut value: u32 = 0;
        while let Some(&c) = b.get(j) {
            let d = if hex {
                (c as char).to_digit(16)
            } else {
                (c as char).to_digit(10)
            };
            let Some(d) = d else { break };
            value = value
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
            j += 1;
        }
        if j > digits_at && b.get(j) == Some(&b';') {
            let ok = matches!(value, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
            if !ok {
                return Err(XmlError::Malformed(format!(
                    "invalid character reference &#{value};"
                )));
            }
        }
        i = j.max(start);
    }
    Ok(())
}

/// Parses an XML body with the limits of `config`.
pub fn parse(body: &[u8], config: &BodyConfig) -> Result<XmlDocument, XmlError> {
    let text = decode(body)?;
    check_char_refs(&text)?;
    let mut fixed: Option<String> = None;
    for _ in 0..=MAX_PREFIX_RETRIES {
        let src: &str = fixed.as_deref().unwrap_or(&text);
        match build(src, config) {
            Ok(doc) => return Ok(doc),
            Err(Failure::Own(e)) => return Err(e),
            Err(Failure::Parser(roxmltree::Error::NodesLimitReached)) => {
                return Err(XmlError::TooManyNodes);
            }
            // libxml2 only warns about an undeclared prefix: declare it where it is used and
            // parse again (a bounded number of times).
            Err(Failure::Parser(roxmltree::Error::UnknownNamespace(prefix, pos))) => {
                match declare_prefix(src, &prefix, pos) {
                    Some(f) => fixed = Some(f),
                    None => {
                        return Err(XmlError::Malformed(format!(
                            "unknown namespace prefix {prefix}"
                        )));
                    }
                }
            }
            Err(Failure::Parser(other)) => return Err(XmlError::Malformed(other.to_string())),
        }
    }
    Err(XmlError::Malformed(
        "too many undeclared namespace prefixes".into(),
    ))
}

/// libxml2 checks roxmltree leaves out, on the node's source text: a processing instruction's
/// target must be followed by whitespace or `?>`, and a name cannot start with `:`.
fn check_raw(src: &str, node: roxmltree::Node<'_, '_>) -> Result<(), XmlError> {
    let raw = src.get(node.range()).unwrap_or("");
    if let Some(pi) = node.pi() {
        if let Some(after) = raw
            .strip_prefix("<?")
            .and_then(|r| r.strip_prefix(pi.target))
            && !(after.starts_with("?>") || after.starts_with(char::is_whitespace))
        {
            return Err(XmlError::Malformed("processing instruction target".into()));
        }
    } else if node.is_element() && raw.starts_with("<:") {
        return Err(XmlError::Malformed("name starts with `:`".into()));
    }
    Ok(())
}

/// libxml2's checks of the XML declaration's values: `version` is `1.` and digits, `encoding`
/// an EncName, `standalone` `yes` or `no`.
fn check_declaration(src: &str) -> Result<(), XmlError> {
    let Some(rest) = src.strip_prefix("<?xml") else {
        return Ok(());
    };
    if !rest.starts_with(char::is_whitespace) {
        return Ok(());
    }
    let decl = rest.split("?>").next().unwrap_or("");
    let bad = || XmlError::Malformed("XML declaration".into());
    for (key, check) in [
        (
            "version",
            (|v: &str| {
                v.strip_prefix("1.")
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
            }) as fn(&str) -> bool,
        ),
        ("encoding", |v: &str| {
            let mut c = v.chars();
            c.next().is_some_and(|f| f.is_ascii_alphabetic())
                && c.all(|x| x.is_ascii_alphanumeric() || matches!(x, '.' | '_' | '-'))
        }),
        ("standalone", |v: &str| v == "yes" || v == "no"),
    ] {
        let Some(p) = decl.find(key) else { continue };
        let after = decl[p + key.len()..].trim_start();
        let Some(after) = after.strip_prefix('=') else {
            return Err(bad());
        };
        let after = after.trim_start();
        let Some(q) = after.chars().next().filter(|&q| q == '"' || q == '\'') else {
            return Err(bad());
        };
        let Some(end) = after[1..].find(q) else {
            return Err(bad());
        };
        if !check(&after[1..1 + end]) {
            return Err(bad());
        }
    }
    Ok(())
}

enum Failure {
    Parser(roxmltree::Error),
    Own(XmlError),
}

fn build(src: &str, config: &BodyConfig) -> Result<XmlDocument, Failure> {
    // External entities resolve to nothing: never loaded, read as empty text (v3 with
    // SecXmlExternalEntity Off); Palisade does the same whatever the setting.
    let resolver =
        |_public: Option<&str>, _uri: &str| -> Result<Option<&str>, String> { Ok(Some("")) };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: config.xml_nodes,
        entity_resolver: Some(&resolver),
    };
    check_declaration(src).map_err(Failure::Own)?;
    let doc = roxmltree::Document::parse_with_options(src, opts).map_err(Failure::Parser)?;
    let mut out = XmlDocument::default();
    let mut open: Vec<u32> = Vec::new();
    let root = doc.root();
    // Iterative pre-order walk with close events (the input controls the depth: no recursion).
    let mut cur = root.first_child();
    while let Some(node) = cur {
        check_raw(src, node).map_err(Failure::Own)?;
        out.open_node(node, &mut open, config)
            .map_err(Failure::Own)?;
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
