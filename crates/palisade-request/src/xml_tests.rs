//! Tests of the XML processor and the XPath subset. Expected contents and error outcomes were
//! produced by libmodsecurity 3.0.9 with libxml2 2.9.14 (Debian 12) for the same bodies.

use super::*;

fn cfg() -> BodyConfig {
    BodyConfig::default()
}

fn values(doc: &XmlDocument, xpath: &str) -> Vec<String> {
    let x = XPath::compile(xpath).expect("in the subset");
    let mut v = Vec::new();
    x.eval(doc, &[], |b| {
        v.push(String::from_utf8_lossy(b).into_owned())
    });
    v
}

fn crs(body: &[u8]) -> Result<(Vec<String>, Vec<String>), XmlError> {
    let d = parse(body, &cfg())?;
    Ok((values(&d, "/*"), values(&d, "//@*")))
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn v3_text_content_and_attributes() {
    let body = b"<?xml version=\"1.0\"?>\n<root a=\"1\" b=\"x&amp;y\"><c d=\"2\">text<![CDATA[cd<>]]></c><!-- com -->tail &#65;&lt;<?pi x?></root>\n";
    assert_eq!(
        crs(body),
        Ok((s(&["textcd<>tail A<"]), s(&["1", "x&y", "2"])))
    );
}

#[test]
fn v3_well_formedness_outcomes() {
    let ok: &[(&[u8], &str, &[&str])] = &[
        (b"<r>a\r\nb</r>", "a\nb", &[]),
        (b"<a x=\"1\t2\n3  4\"/>", "", &["1 2 3  4"]),
        (b"<r xmlns=\"urn:x\"><s k=\"v\">t</s></r>", "t", &["v"]),
        (b"\xef\xbb\xbf<r>x</r>", "x", &[]),
        (
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>\xe9</r>",
            "\u{e9}",
            &[],
        ),
        (
            b"<!DOCTYPE r [<!ENTITY a \"A\"><!ENTITY b \"&a;&a;\">]><r>&b;</r>",
            "AA",
            &[],
        ),
        (b"<!DOCTYPE r SYSTEM \"http://x/y.dtd\"><r>a</r>", "a", &[]),
    ];
    for (body, text, attrs) in ok {
        assert_eq!(
            crs(body),
            Ok((s(&[text]), s(attrs))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let utf16: Vec<u8> = [0xFFu8, 0xFE]
        .into_iter()
        .chain("<r>x</r>".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(crs(&utf16), Ok((s(&["x"]), s(&[]))));

    let bad: &[&[u8]] = &[
        b"<r>&foo;</r>",
        b"<r>\xff</r>",
        b"<a/><b/>",
        b"<a/>x",
        b"",
        b"   ",
        b"<r a=\"1\" a=\"2\"/>",
        b"<r>\x01</r>",
        b"<r a=\"<\"/>",
        b"<r></s>",
        b" <?xml version=\"1.0\"?><r/>",
    ];
    for body in bad {
        let e = parse(body, &cfg());
        assert!(e.is_err(), "{}", String::from_utf8_lossy(body));
        if let Err(e) = e {
            assert_eq!(
                e.reqbody_error_msg(),
                "XML parsing error: XML: Failed parsing document."
            );
        }
    }
}

#[test]
fn external_entities_are_never_loaded() {
    let body = b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>a&x;b</r>";
    // v3 with SecXmlExternalEntity Off: well-formed, the entity reads as nothing.
    assert_eq!(crs(body), Ok((s(&["ab"]), s(&[]))));
}

#[test]
fn depth_limit_is_libxml2s() {
    let deep = |n: usize| {
        let mut v = b"<a>".repeat(n);
        v.push(b'x');
        v.extend(b"</a>".repeat(n));
        v
    };
    assert!(parse(&deep(257), &cfg()).is_ok());
    assert_eq!(parse(&deep(258), &cfg()), Err(XmlError::TooDeep));
    assert_eq!(parse(&deep(100_000), &cfg()), Err(XmlError::TooDeep));
}

#[test]
fn nodes_limit() {
    let body = b"<r>"
        .iter()
        .copied()
        .chain(b"<a/>".repeat(100))
        .chain(b"</r>".iter().copied())
        .collect::<Vec<u8>>();
    let small = BodyConfig {
        xml_nodes: 50,
        ..cfg()
    };
    assert_eq!(parse(&body, &small), Err(XmlError::TooManyNodes));
    assert!(parse(&body, &cfg()).is_ok());
}

#[test]
fn xpath_subset() {
    let d = parse(
        b"<r xmlns:p=\"urn:p\" id=\"0\"><a k=\"1\">x<b k=\"2\" p:k=\"3\">y</b></a><p:a>z</p:a>t</r>",
        &cfg(),
    )
    .expect("well-formed");
    assert_eq!(values(&d, "/"), s(&["xyzt"]));
    assert_eq!(values(&d, "/*"), s(&["xyzt"]));
    assert_eq!(values(&d, "/r"), s(&["xyzt"]));
    assert_eq!(values(&d, "/a"), s(&[]));
    assert_eq!(values(&d, "/r/a"), s(&["xy"]));
    assert_eq!(values(&d, "//a"), s(&["xy"]));
    assert_eq!(values(&d, "//*"), s(&["xyzt", "xy", "y", "z"]));
    assert_eq!(values(&d, "/*/*"), s(&["xy", "z"]));
    assert_eq!(values(&d, "//@*"), s(&["0", "1", "2", "3"]));
    assert_eq!(values(&d, "//@k"), s(&["1", "2"]));
    assert_eq!(values(&d, "/r/@*"), s(&["0"]));
    assert_eq!(values(&d, "/r//@k"), s(&["1", "2"]));
    assert_eq!(values(&d, "//text()"), s(&["x", "y", "z", "t"]));
    assert_eq!(values(&d, "/r/text()"), s(&["t"]));
    assert_eq!(values(&d, "//a//b"), s(&["y"]));
    // Prefixes resolve through the rule's xmlns actions.
    let x = XPath::compile("//q:a").expect("subset");
    let mut v = Vec::new();
    x.eval(&d, &[("q", "urn:p")], |b| v.push(b.to_vec()));
    assert_eq!(v, vec![b"z".to_vec()]);
    let mut v = Vec::new();
    x.eval(&d, &[], |b| v.push(b.to_vec()));
    assert!(v.is_empty());
    let x = XPath::compile("//@q:*").expect("subset");
    let mut v = Vec::new();
    x.eval(&d, &[("q", "urn:p")], |b| v.push(b.to_vec()));
    assert_eq!(v, vec![b"3".to_vec()]);
}

#[test]
fn xpath_outside_the_subset_is_a_compile_error() {
    for bad in [
        "",
        "a",
        "//a[1]",
        "/a/..",
        "//a/@b/c",
        "/child::a",
        "count(//a)",
        "//a|//b",
        "/a/text()/b",
        "/a//",
        "//@",
        "/a b",
    ] {
        let e = XPath::compile(bad);
        assert!(e.is_err(), "{bad} should be rejected");
    }
    for good in [
        "/*",
        "//@*",
        "/",
        "/a/b",
        "//p:a",
        "//p:*/@q:x",
        "//text()",
        "/a/@*",
    ] {
        assert!(XPath::compile(good).is_ok(), "{good}");
    }
    let msg = XPath::compile("//a[1]").map_err(|e| e.to_string());
    assert!(matches!(msg, Err(m) if m.contains("predicates")));
}
