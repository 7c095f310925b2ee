//! OWASP CRS v4.28 through the SecLang parser: `crs-setup.conf.example` and `rules/*.conf`
//! load with no error and the directive counts of CRS v4.28; every file gives the same AST
//! after parse → print → parse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use palisade_seclang::ast::{Directive, DirectiveKind, DirectiveName};
use palisade_seclang::{FileId, FsSource, Loaded, load, parse_str};

fn counts(directives: &[Directive]) -> BTreeMap<DirectiveName, usize> {
    let mut m = BTreeMap::new();
    for d in directives {
        *m.entry(d.name()).or_default() += 1;
    }
    m
}

fn chained(directives: &[Directive]) -> usize {
    directives
        .iter()
        .filter(|d| matches!(&d.kind, DirectiveKind::SecRule(r) if r.is_chained()))
        .count()
}

fn load_crs(files: &[PathBuf]) -> Loaded {
    let loaded = load(&FsSource::new(), files);
    for d in &loaded.diagnostics {
        eprint!("{}", d.render_in(&loaded.files));
    }
    loaded
}

#[test]
fn crs_loads_with_its_counts_and_round_trips() {
    let files = palisade_testdata::crs_rule_files();
    assert_eq!(
        files.len(),
        28,
        "crs-setup.conf.example and 27 rules/*.conf"
    );

    // The whole set, as `palisade check crs-setup.conf.example rules/*.conf` reads it.
    let all = load_crs(&files);
    assert!(all.diagnostics.is_empty(), "errors or warnings in CRS");
    let c = counts(&all.directives);
    assert_eq!(c[&DirectiveName::SecRule], 695);
    assert_eq!(chained(&all.directives), 73);
    // crs-setup.conf.example holds one SecAction (id:900990, tx.crs_setup_version), the rules
    // seven: libmodsecurity 3.0.9 loads the set as 840 rules = 622 SecRule chains + 8
    // SecAction + 30 SecMarker x 7 phases.
    assert_eq!(c[&DirectiveName::SecAction], 8);
    assert_eq!(c[&DirectiveName::SecMarker], 30);
    assert_eq!(c[&DirectiveName::SecRuleUpdateTargetById], 55);
    assert_eq!(c[&DirectiveName::SecComponentSignature], 1);
    assert_eq!(c[&DirectiveName::SecDefaultAction], 5);
    assert_eq!(c.values().sum::<usize>(), 794);

    // rules/*.conf alone.
    let rules = load_crs(&files[1..]);
    assert!(rules.is_ok());
    let c = counts(&rules.directives);
    assert_eq!(c[&DirectiveName::SecRule], 695);
    assert_eq!(c[&DirectiveName::SecAction], 7);

    // parse → print → parse, file by file.
    let mut equal = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let first = parse_str(&text, FileId(0));
        assert!(first.is_ok(), "{}", path.display());
        let printed: String = first.directives.iter().map(|d| format!("{d}\n")).collect();
        let second = parse_str(&printed, FileId(0));
        assert!(
            second.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            second.diagnostics
        );
        assert_eq!(first.directives, second.directives, "{}", path.display());
        equal += 1;
    }
    println!(
        "crs_parse: {} files, {} directives ({} SecRule, {} chained), 0 errors; parse-print-parse equal for {equal}/{} files",
        files.len(),
        all.directives.len(),
        counts(&all.directives)[&DirectiveName::SecRule],
        chained(&all.directives),
        files.len()
    );
}
