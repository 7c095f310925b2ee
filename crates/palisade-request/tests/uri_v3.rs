//! Differential test of the URI split, query-string arguments and cookie parsing against
//! libmodsecurity 3.0.9: every row of `tests/data/uri_v3.tsv` is a random request-target and
//! Cookie header with the variables the real ModSecurity set for `GET <target>` (see
//! `tests/data/oracle/README.md`, `gen_uri.py`). Variables are compared as a multiset (v3 lists
//! collection members in hash order).
//!
//! libmodsecurity 3.0.9 still has CVE-2024-1019: it cuts REQUEST_FILENAME / PATH_INFO /
//! REQUEST_BASENAME at the first `?` of the *decoded* target, where Palisade (like v3.0.12+)
//! cuts at the first raw `?`. For targets whose raw path holds an encoded `?` the test checks
//! that the only difference is exactly that one, by deriving 3.0.9's values for those three.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{esc, unhex};
use palisade_request::{CollectArgs, cookies, uri, urlencoded};

fn render(target: &[u8], cookie: &[u8], cve_rows: &mut usize) -> Vec<String> {
    let mut items = Vec::new();
    let s = uri::split(target);
    let q = s.query_string.unwrap_or(b"");
    let mut args = CollectArgs::default();
    let mut invalid = false;
    if !q.is_empty() {
        invalid = urlencoded::parse(q, b'&', &mut args).invalid_encoding;
    }
    for (k, v) in &args.0 {
        items.push(format!("ARGS_GET:{}:[{}]", esc(k), esc(v)));
    }
    items.push(format!("REQUEST_URI:[{}]", esc(&s.uri)));
    items.push(format!("REQUEST_URI_RAW:[{}]", esc(s.raw)));
    // 3.0.9 (CVE-2024-1019): the path ends at the first `?` of the decoded target.
    let filename: Vec<u8> = if s.filename.contains(&b'?') {
        *cve_rows += 1;
        let decoded = uri::uri_decode(
            &target[..target
                .iter()
                .position(|&c| c == b'#')
                .unwrap_or(target.len())],
        )
        .into_owned();
        decoded[..decoded
            .iter()
            .position(|&c| c == b'?')
            .unwrap_or(decoded.len())]
            .to_vec()
    } else {
        s.filename.to_vec()
    };
    items.push(format!("REQUEST_FILENAME:[{}]", esc(&filename)));
    let basename = filename
        .iter()
        .rposition(|&c| c == b'/' || c == b'\\')
        .filter(|&p| filename.len() > p + 1)
        .map(|p| &filename[p + 1..]);
    // v3 always has REQUEST_BASENAME, empty when there is none.
    items.push(format!(
        "REQUEST_BASENAME:[{}]",
        esc(basename.unwrap_or(b""))
    ));
    if !s.filename.contains(&b'?') {
        assert_eq!(basename, s.basename());
    }
    // v3 always has QUERY_STRING, empty without `?`.
    items.push(format!("QUERY_STRING:[{}]", esc(q)));
    items.push(format!("PATH_INFO:[{}]", esc(&filename)));
    items.push(format!(
        "REQUEST_LINE:[{}]",
        esc(&uri::request_line(b"GET", target, b"1.1"))
    ));
    items.push(format!("URLENCODED_ERROR:[{}]", u8::from(invalid)));
    if !cookie.is_empty() {
        cookies::parse(cookie, |k, v| {
            items.push(format!("REQUEST_COOKIES:{}:[{}]", esc(k), esc(v)));
            items.push(format!("REQUEST_COOKIES_NAMES:{}:[{}]", esc(k), esc(k)));
        });
    }
    items.sort();
    items
}

#[test]
fn uri_args_cookies_match_libmodsecurity_3_0_9() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/uri_v3.tsv");
    let data = std::fs::read_to_string(path).expect("tests/data/uri_v3.tsv");
    let (mut passed, mut failed, mut cve_rows) = (0, 0, 0);
    let mut report = String::new();
    for (n, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let target = unhex(cols.next().unwrap());
        let cookie = unhex(cols.next().unwrap());
        let want = cols.next().unwrap();
        let mut want: Vec<String> = if want.is_empty() {
            Vec::new()
        } else {
            want.split(" | ").map(str::to_string).collect()
        };
        want.sort();
        let got = render(&target, &cookie, &mut cve_rows);
        if got == want {
            passed += 1;
        } else {
            failed += 1;
            if failed <= 5 {
                report.push_str(&format!(
                    "line {}: target {:?} cookie {:?}\n  want {want:?}\n  got  {got:?}\n",
                    n + 1,
                    String::from_utf8_lossy(&target),
                    String::from_utf8_lossy(&cookie)
                ));
            }
        }
    }
    println!(
        "uri/args/cookies v3 differential: {passed} passed, {failed} failed \
         ({cve_rows} with an encoded `?` in the path, compared with 3.0.9's CVE-2024-1019 split)"
    );
    assert_eq!(failed, 0, "\n{report}");
    assert!(passed >= 600);
}
