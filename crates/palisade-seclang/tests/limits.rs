//! Resource bounds: a 10 MB rule file parses in memory proportional to it; a 100,000-line
//! continuation is refused at the documented directive limit (or parsed when the limit allows);
//! a file of garbage stops at the error limit. Peak heap use is measured with a counting
//! allocator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use palisade_seclang::ast::DirectiveKind;
use palisade_seclang::{FileId, Limits, parse_str, parse_str_with};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator and only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak heap growth (bytes) while running `f`.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const RULE: &str = "SecRule REQUEST_HEADERS:Content-Length \"!@rx ^\\d+$\" \\\n    \"id:{ID},\\\n    phase:1,\\\n    block,\\\n    t:none,\\\n    msg:'Content-Length HTTP header is not numeric',\\\n    logdata:'%{MATCHED_VAR}',\\\n    tag:'application-multi',\\\n    tag:'OWASP_CRS',\\\n    ver:'OWASP_CRS/4.28.0',\\\n    severity:'CRITICAL',\\\n    setvar:'tx.inbound_anomaly_score_pl1=+%{tx.critical_anomaly_score}'\"\n\n";

// One test function, so that the peak measurements do not overlap.
#[test]
fn large_inputs_are_bounded() {
    // A 10 MB file of CRS-like rules.
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 10 << 20 {
        n += 1;
        text.push_str(&RULE.replace("{ID}", &n.to_string()));
    }
    let (out, peak) = peak_during(|| parse_str(&text, FileId(0)));
    assert!(out.is_ok(), "{:?}", out.diagnostics.first());
    assert_eq!(out.directives.len(), n);
    let ratio = peak as f64 / text.len() as f64;
    println!(
        "10 MB file: {} bytes, {n} rules, peak heap {peak} bytes ({ratio:.1}x the input)",
        text.len()
    );
    assert!(ratio < 16.0, "peak heap {ratio:.1}x the input");
    drop(out);

    // A 100,000-line continuation: over the default directive limit (1 MiB), refused with a
    // clear error at its first line, and nothing kept.
    let mut cont = String::from("SecRule ARGS \"@rx a\" \"id:1,\\\n");
    for _ in 0..100_000 {
        cont.push_str("    tag:'x',\\\n");
    }
    cont.push_str("    pass\"\nSecMarker AFTER\n");
    let (out, peak) = peak_during(|| parse_str(&cont, FileId(0)));
    let errors: Vec<_> = out.errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].span.line, errors[0].span.column), (1, 1));
    assert_eq!(
        errors[0].message,
        format!(
            "this directive is {} bytes long, over the limit of 1048576 bytes",
            cont.len() - "SecMarker AFTER\n".len()
        )
    );
    assert!(
        matches!(out.directives[..], [ref d] if d.kind == DirectiveKind::SecMarker("AFTER".into()))
    );
    println!(
        "100,000-line continuation ({} bytes): refused, peak heap {peak} bytes",
        cont.len()
    );
    assert!(peak < 4 * cont.len());

    // With a higher limit it parses, in memory proportional to it.
    let limits = Limits {
        max_directive_bytes: 4 << 20,
        ..Limits::default()
    };
    let (out, peak) = peak_during(|| parse_str_with(&cont, FileId(0), &limits));
    assert!(out.is_ok());
    match &out.directives[0].kind {
        DirectiveKind::SecRule(r) => assert_eq!(r.actions.len(), 100_002),
        other => panic!("{other:?}"),
    }
    println!("100,000-line continuation under a 4 MiB limit: parsed, peak heap {peak} bytes");
    assert!(peak < 64 * cont.len());
    drop(out);

    // 100,000 bare continuation lines inside a directive.
    let mut bare = String::from("SecRuleEngine \\\n");
    for _ in 0..100_000 {
        bare.push_str("\\\n");
    }
    bare.push_str("On\n");
    let out = parse_str(&bare, FileId(0));
    assert!(out.is_ok(), "{:?}", out.diagnostics);
    assert_eq!(out.directives.len(), 1);

    // Garbage: the parser stops after the error limit.
    let garbage = "x\n".repeat(1 << 20);
    let (out, peak) = peak_during(|| parse_str(&garbage, FileId(0)));
    assert_eq!(out.diagnostics.len(), 1001);
    assert!(
        out.diagnostics[1000]
            .message
            .starts_with("too many errors (1000)")
    );
    assert!(peak < 2 * garbage.len() + (1 << 20), "{peak}");
}
