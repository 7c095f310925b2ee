//! `@geoLookup` against a database written by the test MMDB writer (`support/mmdb.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod mmdb;
}

use std::sync::Arc;

use palisade_match::{
    Captures, CompileContext, EvalContext, GeoDatabase, NoMacros, Operator, OperatorErrorKind,
};
use palisade_seclang::{MacroString, MemorySource, OperatorName};

fn geo_op() -> Operator {
    let db = Arc::new(GeoDatabase::from_bytes(support::mmdb::test_database()).unwrap());
    let source = MemorySource::new();
    let ctx = CompileContext::new(&source).with_geo_database(db);
    Operator::compile(OperatorName::GeoLookup, &MacroString::default(), &ctx).unwrap()
}

fn lookup(op: &Operator, input: &str) -> Option<Vec<(&'static str, String)>> {
    let mut caps = Captures::new();
    let mut ctx = EvalContext::new(&NoMacros).with_captures(&mut caps);
    if !op.evaluate(input.as_bytes(), &mut ctx) {
        assert!(caps.geo().is_none());
        return None;
    }
    let geo = caps.geo().expect("a match fills GEO");
    Some(
        geo.fields()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
    )
}

#[test]
fn fills_the_geo_collection_like_modsecurity() {
    let op = geo_op();
    let london = lookup(&op, "81.2.69.160").unwrap();
    assert_eq!(
        london,
        vec![
            ("COUNTRY_CODE", "GB".to_string()),
            ("COUNTRY_NAME", "United Kingdom".to_string()),
            ("COUNTRY_CONTINENT", "Europe".to_string()),
            ("CITY", "London".to_string()),
            ("POSTAL_CODE", "SW1A".to_string()),
            ("LATITUDE", "51.514200".to_string()),
            ("LONGITUDE", "-0.093100".to_string()),
        ]
    );
    let france = lookup(&op, "2.125.160.216").unwrap();
    assert_eq!(france.len(), 3);
    let tokyo = lookup(&op, "2001:218::1").unwrap();
    assert_eq!(tokyo[0], ("COUNTRY_CODE", "JP".to_string()));
    // inet_aton forms, as getaddrinfo(AI_NUMERICHOST) accepts them.
    assert!(lookup(&op, "81.2.17824").is_some());
    assert!(lookup(&op, "0x51.2.69.1").is_some());
}

#[test]
fn misses_and_non_addresses_do_not_match() {
    let op = geo_op();
    for input in [
        "127.0.0.1",
        "216.75.21.122",
        "www.modsecurity.org",
        "",
        "81.2.69.160 ",
        "::1",
    ] {
        assert!(lookup(&op, input).is_none(), "{input}");
    }
}

#[test]
fn needs_a_database() {
    let source = MemorySource::new();
    let err = Operator::compile(
        OperatorName::GeoLookup,
        &MacroString::default(),
        &CompileContext::new(&source),
    )
    .unwrap_err();
    assert_eq!(err.kind, OperatorErrorKind::NoGeoDatabase);
    assert!(GeoDatabase::from_bytes(b"not a database".to_vec()).is_err());
}
