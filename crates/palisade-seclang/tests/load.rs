//! Loading rule sets: `Include` (wildcards, relative paths, cycles, depth), the file table, and
//! the checks that span directives (ids, chains, `SecDefaultAction`, markers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use palisade_seclang::ast::{DirectiveKind, chains};
use palisade_seclang::{FsSource, Level, Limits, Loaded, MemorySource, load, load_str, load_with};

fn markers(l: &Loaded) -> Vec<String> {
    l.directives
        .iter()
        .filter_map(|d| match &d.kind {
            DirectiveKind::SecMarker(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn messages(l: &Loaded, level: Level) -> Vec<String> {
    l.diagnostics
        .iter()
        .filter(|d| d.level == level)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn includes_expand_in_place_in_lexical_order_relative_to_the_including_file() {
    let src = MemorySource::new()
        .with_file(
            "etc/main.conf",
            "SecMarker M1\nInclude rules/*.conf\nSecMarker M4\n",
        )
        .with_file("etc/rules/b.conf", "SecMarker M3\n")
        .with_file(
            "etc/rules/a.conf",
            "SecMarker M2\nInclude ../extra/x.conf\n",
        )
        .with_file("etc/extra/x.conf", "SecMarker X\n")
        .with_file("etc/rules/skip.txt", "SecMarker NO\n");
    let l = load(&src, &["etc/main.conf"]);
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    assert_eq!(markers(&l), ["M1", "M2", "X", "M3", "M4"]);
    let files: Vec<PathBuf> = l.files.iter().map(|(_, f)| f.path.clone()).collect();
    assert_eq!(
        files,
        [
            "etc/main.conf",
            "etc/rules/a.conf",
            "etc/extra/x.conf",
            "etc/rules/b.conf"
        ]
        .map(PathBuf::from)
    );
    // Spans point into the file each directive came from.
    let x = &l.directives[2];
    assert_eq!(
        l.files.get(x.span.file).unwrap().path,
        Path::new("etc/extra/x.conf")
    );
    assert_eq!((x.span.line, x.span.column), (1, 1));
}

#[test]
fn include_cycles_are_errors_at_the_include() {
    let src = MemorySource::new()
        .with_file("a.conf", "SecMarker A\nInclude b.conf\n")
        .with_file("b.conf", "SecMarker B\n\nInclude a.conf\n");
    let l = load(&src, &["a.conf"]);
    assert_eq!(markers(&l), ["A", "B"]);
    let errors: Vec<_> = l.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "Include cycle: a.conf -> b.conf -> a.conf"
    );
    assert_eq!(
        (
            l.files.get(errors[0].span.file).unwrap().path.as_path(),
            errors[0].span.line
        ),
        (Path::new("b.conf"), 3)
    );
    let rendered = errors[0].render_in(&l.files);
    assert!(
        rendered.starts_with("b.conf:3:1: error: Include cycle"),
        "{rendered}"
    );
    assert!(rendered.contains("3 | Include a.conf\n"), "{rendered}");

    let selfish = MemorySource::new().with_file("s.conf", "Include s.conf\n");
    let l = load(&selfish, &["s.conf"]);
    assert_eq!(
        messages(&l, Level::Error),
        ["Include cycle: s.conf -> s.conf"]
    );
}

#[test]
fn include_depth_is_limited() {
    let mut src = MemorySource::new();
    for i in 0..50 {
        src.insert(format!("f{i}.conf"), format!("Include f{}.conf\n", i + 1));
    }
    src.insert("f50.conf", "SecMarker END\n");
    let l = load(&src, &["f0.conf"]);
    assert_eq!(l.error_count(), 1);
    assert!(messages(&l, Level::Error)[0].starts_with("Include nests deeper than 32 files"));
    let limits = Limits {
        max_include_depth: 60,
        ..Limits::default()
    };
    let l = load_with(&src, &["f0.conf"], &limits);
    assert!(l.is_ok());
    assert_eq!(markers(&l), ["END"]);
    assert_eq!(l.files.len(), 51);
}

#[test]
fn the_same_file_twice_is_read_twice_and_duplicate_ids_are_errors() {
    let src = MemorySource::new()
        .with_file("main.conf", "Include r.conf\nInclude r.conf\n")
        .with_file("r.conf", "SecRule ARGS \"@rx a\" \"id:7,deny\"\n");
    let l = load(&src, &["main.conf"]);
    assert_eq!(l.directives.len(), 2);
    assert_eq!(messages(&l, Level::Error), ["Rule id: 7 is duplicated"]);
    assert_eq!(
        l.diagnostics[0].notes,
        ["the id is first used at r.conf:1:1"]
    );
}

#[test]
fn missing_files_and_empty_patterns_are_errors() {
    let src = MemorySource::new().with_file(
        "main.conf",
        "Include nope.conf\nInclude rules/*.conf\nSecMarker OK\n",
    );
    let l = load(&src, &["main.conf", "other.conf"]);
    assert_eq!(markers(&l), ["OK"]);
    let e = messages(&l, Level::Error);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].starts_with("nope.conf: Not able to open file"),
        "{e:?}"
    );
    assert!(e[1].contains("no file matches `rules/*.conf`"), "{e:?}");
    assert_eq!(e[2], "no such file: other.conf");
    assert_eq!(l.diagnostics[0].span.line, 1);
    assert_eq!(l.diagnostics[1].span.line, 2);
}

#[test]
fn cross_directive_checks() {
    let text = "\
SecDefaultAction \"phase:2,deny\"
SecDefaultAction \"phase:2,pass\"
SecRule ARGS \"@rx a\" \"phase:2\"
SecRule ARGS \"@rx a\" \"id:10,chain\"
SecRule ARGS \"@rx b\" \"deny\"
SecRule ARGS \"@rx c\" \"id:11,skipAfter:NOWHERE\"
SecRule ARGS \"@rx c\" \"id:12,chain\"
";
    let l = load_str(&MemorySource::new(), Path::new("r.conf"), text);
    let errors: Vec<(u32, String)> = l
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.span.line, d.message.clone()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                2,
                "SecDefaultActions can only be placed once per phase and configuration context. \
                 Phase 2 was informed already."
                    .to_owned()
            ),
            (3, "Rules must have an ID.".to_owned()),
            (
                5,
                "Disruptive actions can only be specified by chain starter rules.".to_owned()
            ),
        ]
    );
    let warnings: Vec<(u32, String)> = l
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .map(|d| (d.span.line, d.message.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                7,
                "this rule starts a chain that no rule completes".to_owned()
            ),
            (6, "skipAfter:NOWHERE names no SecMarker".to_owned()),
        ]
    );
    // Chains are grouped across the file.
    let c = chains(&l.directives);
    assert_eq!(
        c.iter().map(|c| c.directives.len()).collect::<Vec<_>>(),
        [1, 2, 1, 1]
    );
}

#[test]
fn invalid_utf8_is_reported_where_it_is() {
    let mut bytes = b"SecMarker A\nSecRule ARGS \"@rx ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\" \"id:1\"\n");
    let src = MemorySource::new().with_file("bad.conf", bytes);
    let l = load(&src, &["bad.conf"]);
    let e: Vec<_> = l.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "the file is not valid UTF-8");
    assert_eq!((e[0].span.line, e[0].span.column), (2, 19));
}

#[test]
fn file_count_and_size_limits() {
    let mut src = MemorySource::new();
    let mut main = String::new();
    for i in 0..20 {
        main.push_str(&format!("Include f{i}.conf\n"));
        src.insert(format!("f{i}.conf"), "SecMarker X\n");
    }
    src.insert("main.conf", main);
    let limits = Limits {
        max_files: 5,
        ..Limits::default()
    };
    let l = load_with(&src, &["main.conf"], &limits);
    assert_eq!(l.files.len(), 5);
    assert_eq!(
        messages(&l, Level::Error),
        ["more than 5 files to load; f4.conf and the files after it are not read"]
    );

    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let l = load_with(&src, &["f0.conf"], &limits);
    assert!(l.directives.is_empty());
    assert_eq!(
        messages(&l, Level::Error),
        ["f0.conf is 12 bytes, over the limit (10 bytes per file, 536870912 in all)"]
    );
}

#[test]
fn filesystem_includes_with_globs() {
    let dir = std::env::temp_dir().join(format!("palisade-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("conf/rules")).unwrap();
    std::fs::write(dir.join("conf/main.conf"), "Include rules/*.conf\n").unwrap();
    std::fs::write(dir.join("conf/rules/10.conf"), "SecMarker TEN\n").unwrap();
    std::fs::write(dir.join("conf/rules/02.conf"), "SecMarker TWO\n").unwrap();
    let l = load(&FsSource::new(), &[dir.join("conf/main.conf")]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    assert_eq!(markers(&l), ["TWO", "TEN"]);
}

#[test]
fn remote_rules_are_not_downloaded() {
    let src = MemorySource::new().with_file(
        "r.conf",
        "SecRemoteRules k https://example.com/a.conf\nSecRemoteRulesFailAction Abort\nSecRemoteRules k https://example.com/b.conf\n",
    );
    let l = load(&src, &["r.conf"]);
    let got: Vec<(Level, u32)> = l
        .diagnostics
        .iter()
        .map(|d| (d.level, d.span.line))
        .collect();
    assert_eq!(got, [(Level::Warning, 1), (Level::Error, 3)]);
    assert_eq!(
        l.diagnostics[1].message,
        "SecRemoteRules https://example.com/b.conf: Palisade does not download rules (SecRemoteRulesFailAction is Abort)"
    );
}
