//! Loads every go-ftw test file of CRS v4.28 (`$PALISADE_CRS_DIR/tests/regression/tests`), builds
//! every stage's request bytes and parses them with Palisade's HTTP parser. Checks that all
//! files load, that test names are unique, and that the HTTP parser refuses exactly the stages
//! whose expectations say the server refuses them (status 400 or a transport error).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use palisade_ftw::build::build_request;
use palisade_ftw::http::parse_request;
use palisade_ftw::load::{find_test_files, load_paths};

#[test]
fn crs_regression_suite_loads_builds_and_parses() {
    let dir = palisade_testdata::crs_dir().join("tests/regression/tests");
    let (paths, walk_errors) = find_test_files(std::slice::from_ref(&dir));
    assert!(walk_errors.is_empty(), "{walk_errors:?}");
    let (files, errors) = load_paths(&[dir]);
    assert!(errors.is_empty(), "load errors: {errors:#?}");
    assert_eq!(files.len(), paths.len());
    assert!(files.len() >= 320, "only {} test files", files.len());
    assert!(
        paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "yml"))
    );

    let mut names = BTreeSet::new();
    let mut stages = 0usize;
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    let mut expects_refusal = BTreeSet::new();
    // Stages a refusal cannot pass: they expect rule ids, a log match, or another status.
    let mut needs_waf = BTreeSet::new();
    let mut notes = Vec::new();
    for f in &files {
        for t in &f.tests {
            assert!(names.insert(t.id()), "duplicate test {}", t.id());
            for (i, s) in t.stages.iter().enumerate() {
                stages += 1;
                let name = format!("{}/{}", t.id(), i);
                if s.output.status == 400 || s.output.expects_error() {
                    expects_refusal.insert(name.clone());
                } else if s
                    .output
                    .log
                    .expect_ids
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
                    || !s.output.log.match_regex.is_empty()
                    || s.output.status != 0
                {
                    needs_waf.insert(name.clone());
                }
                let built = build_request(&s.input).unwrap_or_else(|e| panic!("{name}: {e}"));
                notes.extend(built.notes.iter().map(|n| format!("{name}: {n}")));
                if let Err(e) = parse_request(&built.bytes) {
                    refused.insert(name, e.to_string());
                }
            }
        }
    }
    for (name, why) in &refused {
        println!("refused {name}: {why}");
    }
    for n in &notes {
        println!("note {n}");
    }
    let refused_names: BTreeSet<String> = refused.keys().cloned().collect();
    let unexpected: Vec<_> = refused_names.intersection(&needs_waf).collect();
    let missed: Vec<_> = expects_refusal.difference(&refused_names).collect();
    println!("accepted although the test expects a refusal (needs an override): {missed:?}");
    assert!(
        missed.is_empty(),
        "expected refusals the parser accepts: {missed:?}"
    );
    assert!(
        unexpected.is_empty(),
        "the parser refuses stages that expect the WAF to see them: {unexpected:?}"
    );
    // Every template in CRS renders (920400 uses sprig's repeat).
    assert!(notes.is_empty(), "{notes:?}");
    println!(
        "crs_load: {} files, {} tests, {} stages, {} refused by the HTTP parser, {} expected refusals accepted",
        files.len(),
        names.len(),
        stages,
        refused.len(),
        missed.len()
    );
    assert!(names.len() > 4900);
}

#[test]
fn crs_overrides_file_loads_within_policy() {
    let path = palisade_testdata::workspace_root().join("tests/crs/overrides.yaml");
    let o = palisade_ftw::overrides::Overrides::load(&path).unwrap();
    // Issue 6: at most 10 tests ignored or with changed expectations, each with a reason.
    assert!(o.entry_count() <= 10, "{} entries", o.entry_count());
    for t in &o.test_overrides {
        assert!(
            t.reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
            "{t:?}"
        );
    }
    for r in o.ignore.iter().chain(&o.force_pass).chain(&o.force_fail) {
        assert!(
            !r.reason.trim().is_empty(),
            "{:?} has no reason",
            r.regex.as_str()
        );
    }
    println!("crs_overrides: {} entries", o.entry_count());
}
