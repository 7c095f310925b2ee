//! Differential suite: Palisade's libinjection against ModSecurity's own `@detectSQLi` and
//! `@detectXSS` (libmodsecurity 3.0.9, which embeds C libinjection 3.9.2).
//!
//! Builds the oracle program of `shared/tools/libinjection-oracle` in a temporary folder,
//! generates a deterministic set of inputs (see `libinjection_oracle/inputs.rs`), runs the
//! oracle once over all of them, and asserts exact agreement of both verdicts and of every
//! SQLi fingerprint. Prints the set's make-up and one closing line:
//! `libinjection oracle: N inputs, S sqli disagreements, F fingerprint disagreements, X xss disagreements`.
//! Set `PALISADE_LIBINJECTION_ORACLE_KEEP=1` to keep the temporary folder with `inputs.hex`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "libinjection_oracle/inputs.rs"]
mod inputs;
#[path = "libinjection_oracle/seeds.rs"]
mod seeds;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use inputs::Origin;

/// Copies the oracle sources to a fresh temporary folder and builds them there.
fn build_oracle() -> (PathBuf, PathBuf) {
    let src = palisade_testdata::oracle_dir();
    let dir = std::env::temp_dir().join(format!(
        "palisade-libinjection-oracle-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let to = dir.join(entry.file_name());
            std::fs::copy(entry.path(), &to).unwrap();
            let mut perm = std::fs::metadata(&to).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&to, perm).unwrap();
        }
    }
    let out = Command::new("sh")
        .arg("build.sh")
        .current_dir(&dir)
        .output()
        .expect("run sh build.sh");
    assert!(
        out.status.success(),
        "\n\n*** building the libinjection oracle failed (needs build-essential, pkg-config, \
         libmodsecurity-dev):\n{}{}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = dir.join("build/modsec_libinjection");
    assert!(exe.is_file(), "oracle binary missing at {}", exe.display());
    (dir, exe)
}

struct Verdict {
    sqli: bool,
    fingerprint: String,
    xss: bool,
}

fn run_oracle(exe: &Path, dir: &Path, inputs: &[Vec<u8>]) -> Vec<Verdict> {
    let mut hex = String::with_capacity(inputs.iter().map(|i| i.len() * 2 + 1).sum());
    for input in inputs {
        for b in input {
            write!(hex, "{b:02x}").unwrap();
        }
        hex.push('\n');
    }
    let path = dir.join("inputs.hex");
    std::fs::write(&path, hex).unwrap();
    let out = Command::new(exe)
        .arg(&path)
        .output()
        .expect("run the oracle");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(" 0 with unexpected log messages"),
        "oracle reported unexpected log messages: {stderr}"
    );
    let text = String::from_utf8(out.stdout).expect("oracle output is text");
    let verdicts: Vec<Verdict> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "bad oracle line {line:?}");
            assert_eq!(
                f[0].parse::<usize>().unwrap(),
                i,
                "oracle line out of order"
            );
            Verdict {
                sqli: f[1] == "1",
                fingerprint: f[2].to_string(),
                xss: f[3] == "1",
            }
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        inputs.len(),
        "oracle answered a different number of inputs"
    );
    verdicts
}

/// Printable form of an input for failure messages.
fn show(input: &[u8]) -> String {
    let s: String = input
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    if s.len() > 200 {
        format!("{}…", &s[..200])
    } else {
        s
    }
}

/// Runs every input through the `@detectSQLi` and `@detectXSS` operators of palisade-match with
/// `capture` on, as the engine does, and counts inputs where the verdict or `TX:0` (the SQLi
/// fingerprint; the whole input for XSS, as ModSecurity v3 stores them) differs from the
/// detector's answer in `ours`, which is compared with ModSecurity below.
fn operators_disagree(inputs: &[Vec<u8>], ours: &[(Option<String>, bool)]) -> usize {
    use palisade_match::{Captures, CompileContext, EvalContext, NoMacros, Operator};
    use palisade_seclang::{MacroString, MemorySource, OperatorName};
    let source = MemorySource::new();
    let ctx = CompileContext::new(&source);
    let compile = |name| Operator::compile(name, &MacroString::default(), &ctx).unwrap();
    let (sqli, xss) = (
        compile(OperatorName::DetectSqli),
        compile(OperatorName::DetectXss),
    );
    let mut bad = 0;
    let mut caps = Captures::new();
    for (input, (fp, is_xss)) in inputs.iter().zip(ours) {
        let mut run = |op: &Operator| {
            caps.clear();
            let hit = op.evaluate(
                input,
                &mut EvalContext::new(&NoMacros).with_captures(&mut caps),
            );
            (hit, caps.get(0).map(<[u8]>::to_vec))
        };
        let want_sqli = (fp.is_some(), fp.as_ref().map(|f| f.as_bytes().to_vec()));
        let want_xss = (*is_xss, is_xss.then(|| input.clone()));
        bad += usize::from(run(&sqli) != want_sqli || run(&xss) != want_xss);
    }
    bad
}

#[test]
fn libinjection_agrees_with_modsecurity() {
    let set = inputs::build(
        &palisade_testdata::crs_dir(),
        &palisade_testdata::seclang_tests_dir(),
        &palisade_testdata::bench_dir(),
    );
    let n = set.inputs.len();
    println!("libinjection differential set: {n} distinct inputs");
    for origin in Origin::ALL {
        println!("  {:>7}  {}", set.count(origin), origin.describe());
    }
    let with_nul = set.inputs.iter().filter(|i| i.contains(&0)).count();
    let with_ctl = set
        .inputs
        .iter()
        .filter(|i| i.iter().any(|&b| b < 0x20 || b == 0x7f))
        .count();
    let with_high = set
        .inputs
        .iter()
        .filter(|i| i.iter().any(|&b| b >= 0x80))
        .count();
    println!(
        "  ({with_nul} hold a NUL byte, {with_ctl} a control byte, {with_high} a byte >= 0x80)"
    );
    assert!(
        n >= 30_000,
        "the differential set must hold at least 30,000 inputs, has {n}"
    );

    let (dir, exe) = build_oracle();
    let started = std::time::Instant::now();
    let oracle = run_oracle(&exe, &dir, &set.inputs);
    let oracle_time = started.elapsed();
    if std::env::var_os("PALISADE_LIBINJECTION_ORACLE_KEEP").is_some() {
        println!("  kept the oracle folder (inputs.hex): {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }

    let started = std::time::Instant::now();
    let ours: Vec<(Option<String>, bool)> = set
        .inputs
        .iter()
        .map(|i| {
            (
                palisade_libinjection::sqli(i).map(|f| f.to_string()),
                palisade_libinjection::xss(i),
            )
        })
        .collect();
    let our_time = started.elapsed();
    let operator_bad = operators_disagree(&set.inputs, &ours);
    println!(
        "  @detectSQLi/@detectXSS operators (palisade-match, capture on): {operator_bad} \
         disagreements with the detector (verdict, TX:0 = fingerprint or input)"
    );
    assert_eq!(
        operator_bad, 0,
        "the operators do not pass the detector through"
    );

    let (mut sqli_bad, mut fp_bad, mut xss_bad) = (0, 0, 0);
    let (mut sqli_yes, mut xss_yes) = (0, 0);
    let mut report = String::new();
    for (i, (want, (fp, xss))) in oracle.iter().zip(&ours).enumerate() {
        sqli_yes += usize::from(want.sqli);
        xss_yes += usize::from(want.xss);
        let mut problems = Vec::new();
        if want.sqli != fp.is_some() {
            sqli_bad += 1;
            problems.push(format!("sqli modsec={} ours={}", want.sqli, fp.is_some()));
        } else if let Some(fp) = fp
            && *fp != want.fingerprint
        {
            fp_bad += 1;
            problems.push(format!("fingerprint modsec={} ours={fp}", want.fingerprint));
        }
        if want.xss != *xss {
            xss_bad += 1;
            problems.push(format!("xss modsec={} ours={xss}", want.xss));
        }
        if !problems.is_empty() && report.lines().count() < 40 {
            let _ = writeln!(
                report,
                "  #{i} [{:?}] {}: {}",
                set.origins[i],
                problems.join(", "),
                show(&set.inputs[i])
            );
        }
    }
    println!(
        "  ModSecurity: {sqli_yes} SQLi, {xss_yes} XSS; oracle {oracle_time:.2?}, Palisade {our_time:.2?}"
    );
    if !report.is_empty() {
        println!("first disagreements:\n{report}");
    }
    println!(
        "libinjection oracle: {n} inputs, {sqli_bad} sqli disagreements, {fp_bad} fingerprint \
         disagreements, {xss_bad} xss disagreements"
    );
    assert_eq!(
        sqli_bad + fp_bad + xss_bad,
        0,
        "Palisade's libinjection disagrees with ModSecurity"
    );
}
