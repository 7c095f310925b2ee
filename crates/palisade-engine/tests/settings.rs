//! Engine settings at compile time: directives that mean nothing inside a library reach the
//! host's logger (never dropped silently), and `SecUnicodeMapFile` is read through the
//! ruleset's `RuleSource` and used by `t:urlDecodeUni`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use std::path::Path;
use std::sync::{Arc, Mutex};

use palisade_engine::host::{HostLog, LogLevel};
use palisade_engine::ruleset::Ruleset;
use palisade_engine::ruleset::compile::{CompileInput, compile};

#[derive(Default)]
struct Recorder(Mutex<Vec<(LogLevel, String)>>);

impl HostLog for Recorder {
    fn log(&self, level: LogLevel, message: &str) {
        self.0.lock().unwrap().push((level, message.to_owned()));
    }
}

fn compile_with(src: &palisade_seclang::MemorySource, text: &str, log: &Recorder) -> Arc<Ruleset> {
    let loaded = palisade_seclang::load_str(src, Path::new("/rules/test.conf"), text);
    assert!(loaded.is_ok(), "parse errors: {:?}", loaded.diagnostics);
    let input = CompileInput {
        directives: &loaded.directives,
        files: &loaded.files,
        log,
        source: src,
    };
    Arc::new(compile(&input).unwrap_or_else(|e| panic!("compile errors: {e:?}")))
}

#[test]
fn library_meaningless_directives_reach_the_host_log() {
    let log = Recorder::default();
    let src = palisade_seclang::MemorySource::new();
    compile_with(
        &src,
        "SecDebugLog /var/log/modsec_debug.log\nSecDebugLogLevel 9\nSecAuditLog /var/log/audit.log\nSecRule ARGS \"@rx x\" \"id:1,phase:1,pass\"\n",
        &log,
    );
    let notes = log.0.lock().unwrap();
    for name in ["SecDebugLog", "SecDebugLogLevel", "SecAuditLog"] {
        assert!(
            notes
                .iter()
                .any(|(l, m)| *l == LogLevel::Info
                    && m.starts_with(&format!("{name} has no effect"))),
            "{name}: {notes:?}"
        );
    }
}

#[test]
fn unicode_map_file_is_read_through_the_rule_source() {
    // Code page 20127 maps U+0100 to `A`; 1252 maps it to `B`. Without the map, `%u0100` is
    // its low byte (0x00).
    let map = "1252 (ANSI - Latin I)\n0100:42\n\n20127 (US-ASCII)\n0100:41 0101:61\n";
    let rules = |page: u32| {
        format!(
            "SecUnicodeMapFile unicode.mapping {page}\nSecRule ARGS:v \"@rx .\" \"id:1,phase:1,pass,log,t:none,t:urlDecodeUni,msg:'%{{MATCHED_VAR}}'\"\n"
        )
    };
    let src = palisade_seclang::MemorySource::new().with_file("/rules/unicode.mapping", map);
    let log = Recorder::default();
    for (page, want) in [(20127, "xAy"), (1252, "xBy")] {
        let rs = compile_with(&src, &rules(page), &log);
        let t = run(&rs, &Req::get("/?v=x%u0100y"));
        assert_eq!(t.messages()[0].message.msg(), want, "code page {page}");
    }
    let rs = ruleset(
        "SecRule ARGS:v \"@rx .\" \"id:1,phase:1,pass,log,t:none,t:urlDecodeUni,msg:'%{MATCHED_VAR}'\"\n",
    );
    let t = run(&rs, &Req::get("/?v=x%u0100y"));
    assert_eq!(t.messages()[0].message.msg(), "x\0y");
}
