//! The XML body processor through rules: `ctl:requestBodyProcessor=XML`, `XML:/*` (element
//! text) and `XML://@*` (attribute values) as CRS reads them, `xmlns` prefixes, and
//! `REQBODY_ERROR` on a body that does not parse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

const XML_ON: &str = r#"
SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/xml" "id:100,phase:1,pass,nolog,ctl:requestBodyProcessor=XML"
"#;

fn post_xml(body: &[u8]) -> Req<'_> {
    Req {
        method: "POST",
        uri: "/post",
        headers: vec![("Host", "example.com"), ("Content-Type", "application/xml")],
        body,
    }
}

#[test]
fn elements_and_attributes_are_targets() {
    let rs = ruleset(&format!(
        r#"{XML_ON}
SecRule XML:/* "@rx secret-text" "id:1,phase:2,pass,log,logdata:'%{{MATCHED_VAR_NAME}}=%{{MATCHED_VAR}}'"
SecRule XML://@* "@rx ^attr-value$" "id:2,phase:2,pass,log,logdata:'%{{MATCHED_VAR_NAME}}=%{{MATCHED_VAR}}'"
SecRule XML:/* "@rx attr-value" "id:3,phase:2,pass,log"
SecRule XML://@* "@rx secret" "id:4,phase:2,pass,log"
SecRule REQBODY_ERROR "!@eq 0" "id:5,phase:2,pass,log"
"#
    ));
    let t = run(
        &rs,
        &post_xml(br#"<?xml version="1.0"?><root><a probe="attr-value">secret-text</a></root>"#),
    );
    assert_eq!(ids(&t), vec![1, 2]);
    let m = t.messages();
    assert_eq!(m[0].message.logdata(), "XML:/*=secret-text");
    assert_eq!(m[1].message.logdata(), "XML://@*=attr-value");
}

#[test]
fn no_document_without_the_xml_processor() {
    let rs = ruleset(
        r#"
SecRuleEngine On
SecRequestBodyAccess On
SecRule XML:/* "@rx ." "id:1,phase:2,pass,log"
SecRule &XML:/* "@eq 0" "id:2,phase:2,pass,log"
"#,
    );
    let t = run(&rs, &post_xml(b"<root>text</root>"));
    assert_eq!(ids(&t), vec![2]);
}

#[test]
fn a_body_that_does_not_parse_sets_reqbody_error() {
    let rs = ruleset(&format!(
        r#"{XML_ON}
SecRule REQBODY_ERROR "!@eq 0" "id:1,phase:2,pass,log,logdata:'%{{REQBODY_ERROR_MSG}}'"
SecRule REQBODY_PROCESSOR_ERROR "@eq 1" "id:2,phase:2,pass,log"
SecRule XML:/* "@rx ." "id:3,phase:2,pass,log"
"#
    ));
    let t = run(&rs, &post_xml(b"<root><unclosed></root>"));
    assert_eq!(ids(&t), vec![1, 2]);
    assert_eq!(
        t.messages()[0].message.logdata(),
        "XML parsing error: XML: Failed parsing document."
    );
}

#[test]
fn xmlns_prefixes_select_namespaced_nodes() {
    let rs = ruleset(&format!(
        r#"{XML_ON}
SecRule XML://s:Body/* "@rx ^payload$" "id:1,phase:2,pass,log,xmlns:s=http://example.com/soap"
SecRule XML://s:Body/* "@rx ^payload$" "id:2,phase:2,pass,log,xmlns:s=http://example.com/other"
SecRule XML://Body/* "@rx ^payload$" "id:3,phase:2,pass,log"
"#
    ));
    let t = run(
        &rs,
        &post_xml(
            br#"<e:Envelope xmlns:e="http://example.com/soap"><e:Body><x>payload</x></e:Body></e:Envelope>"#,
        ),
    );
    assert_eq!(ids(&t), vec![1]);
}

#[test]
fn each_node_is_one_value_and_transformed_once_per_chain() {
    let rs = ruleset(&format!(
        r#"{XML_ON}
SecRule &XML://@* "@eq 3" "id:1,phase:2,pass,log"
SecRule XML://@* "@rx ^B$" "id:2,phase:2,pass,log,t:uppercase"
SecRule XML://@* "@rx ^C$" "id:3,phase:2,pass,log,t:uppercase"
"#
    ));
    let t = run(&rs, &post_xml(br#"<r a="a"><s b="b"/><s c="c"/></r>"#));
    assert_eq!(ids(&t), vec![1, 2, 3]);
}

#[test]
fn a_reused_transaction_forgets_the_document() {
    let rs = ruleset(&format!(
        r#"{XML_ON}
SecRule &XML:/* "@gt 0" "id:1,phase:2,pass,log"
"#
    ));
    let mut t = run(&rs, &post_xml(b"<root>text</root>"));
    assert_eq!(ids(&t), vec![1]);
    t.reset("test-2");
    t.process_connection("10.0.0.1", 40000, "10.0.0.2", 80);
    t.process_uri(b"/post", b"POST", "1.1");
    t.add_request_header(b"Host", b"example.com");
    t.add_request_header(b"Content-Type", b"text/plain");
    t.process_request_headers();
    t.append_request_body(b"<root>text</root>");
    t.process_request_body();
    assert_eq!(ids(&t), Vec::<i64>::new());
}
