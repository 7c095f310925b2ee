//! The 117,663 values of the benchmark corpus as a WAF inspects them
//! ([`palisade_testdata::bench_request_values`], the values palisade-match's `prefilter_crs`
//! test reads), split by the request's kind. Shared by the `detect` bench and the `sqli_corpus`
//! example.

/// (benign values, attack values) of the corpus.
pub fn values() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let (mut benign, mut attack) = (Vec::new(), Vec::new());
    for (kind, values) in palisade_testdata::bench_request_values() {
        if kind == "attack" {
            attack.extend(values);
        } else {
            benign.extend(values);
        }
    }
    (benign, attack)
}
