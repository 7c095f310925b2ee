//! The differential input set: deterministic, built from CRS's regression tests, the
//! SecLang detectSQLi/detectXSS vectors, hand-written seeds, their mutants, random token
//! soups, and the values of the benchmark corpus.

use std::collections::HashSet;
use std::path::Path;

use super::seeds;

/// Where an input came from (for the printed make-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    CrsPayload,
    Vector,
    HandSeed,
    BenchBenign,
    BenchAttack,
    MutantCase,
    MutantSpaceComment,
    MutantQuote,
    MutantTruncation,
    MutantEncoding,
    MutantNulControl,
    MutantNoise,
    SqlSoup,
    PlainSoup,
    HtmlSoup,
}

impl Origin {
    pub const ALL: [Origin; 15] = [
        Origin::CrsPayload,
        Origin::Vector,
        Origin::HandSeed,
        Origin::BenchBenign,
        Origin::BenchAttack,
        Origin::MutantCase,
        Origin::MutantSpaceComment,
        Origin::MutantQuote,
        Origin::MutantTruncation,
        Origin::MutantEncoding,
        Origin::MutantNulControl,
        Origin::MutantNoise,
        Origin::SqlSoup,
        Origin::PlainSoup,
        Origin::HtmlSoup,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Origin::CrsPayload => "CRS regression-test payloads (decoded args, bodies, headers)",
            Origin::Vector => "SecLang detectSQLi/detectXSS vectors",
            Origin::HandSeed => "hand-written SQL/HTML seeds",
            Origin::BenchBenign => "benign values of bench/requests.jsonl",
            Origin::BenchAttack => "attack values of bench/requests.jsonl",
            Origin::MutantCase => "mutants: case flips",
            Origin::MutantSpaceComment => "mutants: white space / comment insertions",
            Origin::MutantQuote => "mutants: quotes and terminators",
            Origin::MutantTruncation => "mutants: truncations",
            Origin::MutantEncoding => "mutants: URL/HTML-entity encodings",
            Origin::MutantNulControl => "mutants: NUL, control and high bytes",
            Origin::MutantNoise => "mutants: random byte edits",
            Origin::SqlSoup => "random SQL token sequences",
            Origin::PlainSoup => {
                "SQL words and number forms glued (`[A-Za-z0-9_]` or one other byte)"
            }
            Origin::HtmlSoup => "random HTML token sequences",
        }
    }
}

/// The input set, deduplicated, in generation order.
#[derive(Default)]
pub struct InputSet {
    pub inputs: Vec<Vec<u8>>,
    pub origins: Vec<Origin>,
    seen: HashSet<Vec<u8>>,
}

impl InputSet {
    fn add(&mut self, origin: Origin, input: Vec<u8>) {
        if self.seen.insert(input.clone()) {
            self.inputs.push(input);
            self.origins.push(origin);
        }
    }

    pub fn count(&self, origin: Origin) -> usize {
        self.origins.iter().filter(|&&o| o == origin).count()
    }
}

/// splitmix64: a tiny deterministic generator (no OS randomness, same set every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Names and values of an `a=b&c=d` string, decoded.
fn form_pairs(s: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for part in s.split(|&b| b == b'&') {
        let mut kv = part.splitn(2, |&b| b == b'=');
        let name = kv.next().unwrap_or(&[]);
        if let Some(value) = kv.next() {
            out.push(palisade_testdata::form_url_decode(value));
        }
        out.push(palisade_testdata::form_url_decode(name));
    }
    out
}

/// Every string (and number, as text) inside a JSON document.
fn json_strings(v: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match v {
        serde_json::Value::String(s) => out.push(s.as_bytes().to_vec()),
        serde_json::Value::Number(n) => out.push(n.to_string().into_bytes()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                out.push(k.as_bytes().to_vec());
                json_strings(x, out);
            }
        }
        _ => {}
    }
}

/// The values a WAF would inspect in a request: query and form args, JSON strings,
/// multipart lines, header values and cookies.
fn request_values(uri: &[u8], headers: &[(Vec<u8>, Vec<u8>)], body: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Some(q) = uri.iter().position(|&b| b == b'?') {
        let query = &uri[q + 1..];
        out.extend(form_pairs(query));
        out.push(palisade_testdata::form_url_decode(query));
        out.push(palisade_testdata::form_url_decode(&uri[..q]));
    } else {
        out.push(palisade_testdata::form_url_decode(uri));
    }
    for (name, value) in headers {
        if name.eq_ignore_ascii_case(b"cookie") {
            for c in value.split(|&b| b == b';') {
                let c = c.trim_ascii();
                let mut kv = c.splitn(2, |&b| b == b'=');
                let n = kv.next().unwrap_or(&[]);
                if let Some(v) = kv.next() {
                    out.push(v.to_vec());
                }
                out.push(n.to_vec());
            }
        }
        out.push(value.clone());
    }
    if !body.is_empty() {
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
            json_strings(&json, &mut out);
        } else if body.contains(&b'\n') {
            for line in body.split(|&b| b == b'\n') {
                out.push(line.strip_suffix(b"\r").unwrap_or(line).to_vec());
            }
        } else {
            out.extend(form_pairs(body));
        }
        out.push(body.to_vec());
    }
    out.retain(|v| !v.is_empty());
    out
}

fn yaml_str(v: &serde_yaml::Value) -> Option<Vec<u8>> {
    match v {
        serde_yaml::Value::String(s) => Some(s.as_bytes().to_vec()),
        serde_yaml::Value::Number(n) => Some(n.to_string().into_bytes()),
        serde_yaml::Value::Bool(b) => Some(b.to_string().into_bytes()),
        _ => None,
    }
}

/// Finds every `input:` mapping of a go-ftw test file.
fn collect_ftw_inputs(v: &serde_yaml::Value, out: &mut Vec<serde_yaml::Value>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, x) in m {
                if k.as_str() == Some("input") && x.is_mapping() {
                    out.push(x.clone());
                } else {
                    collect_ftw_inputs(x, out);
                }
            }
        }
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|x| collect_ftw_inputs(x, out)),
        _ => {}
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// Payload values from CRS's regression tests.
fn crs_payloads(crs: &Path) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    yaml_files(&crs.join("tests/regression/tests"), &mut files);
    assert!(
        files.len() > 100,
        "CRS regression tests not found under {}",
        crs.display()
    );
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read CRS test");
        let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(&text) else {
            panic!("CRS test {} does not parse as YAML", f.display());
        };
        let mut inputs = Vec::new();
        collect_ftw_inputs(&doc, &mut inputs);
        for input in inputs {
            let uri = input.get("uri").and_then(yaml_str).unwrap_or_default();
            let body = input.get("data").and_then(yaml_str).unwrap_or_default();
            let mut headers = Vec::new();
            if let Some(serde_yaml::Value::Mapping(h)) = input.get("headers") {
                for (k, v) in h {
                    if let (Some(k), Some(v)) = (yaml_str(k), yaml_str(v)) {
                        headers.push((k, v));
                    }
                }
            }
            out.extend(request_values(&uri, &headers, &body));
        }
    }
    out
}

/// Values of the benchmark corpus, split by its benign/attack label.
fn bench_values(bench: &Path) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let text = std::fs::read_to_string(bench.join("requests.jsonl")).expect("read requests.jsonl");
    let (mut benign, mut attack) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let r: serde_json::Value = serde_json::from_str(line).expect("bench line is JSON");
        let uri = r["uri"].as_str().unwrap_or_default().as_bytes();
        let body = r["body"].as_str().unwrap_or_default().as_bytes();
        let headers: Vec<(Vec<u8>, Vec<u8>)> = r["headers"]
            .as_array()
            .map(|hs| {
                hs.iter()
                    .filter_map(|h| {
                        Some((
                            h.get(0)?.as_str()?.as_bytes().to_vec(),
                            h.get(1)?.as_str()?.as_bytes().to_vec(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let values = request_values(uri, &headers, body);
        if r["kind"] == "attack" {
            attack.extend(values)
        } else {
            benign.extend(values)
        }
    }
    (benign, attack)
}

/// detectSQLi/detectXSS inputs of the SecLang operator vectors.
fn vectors(seclang: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for name in ["detectSQLi.json", "detectXSS.json"] {
        let text =
            std::fs::read_to_string(seclang.join("operators").join(name)).expect("read vectors");
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("vectors are JSON");
        for c in cases {
            if let Some(s) = c["input"].as_str() {
                out.push(s.as_bytes().to_vec());
            }
        }
    }
    out
}

const SPACE_SUBSTITUTES: &[&[u8]] = &[
    b"/**/",
    b"\t",
    b"\n",
    b"\x0b",
    b"\x0c",
    b"\r",
    b"\xa0",
    b"\0",
    b"+",
    b"  ",
    b"/*x*/",
    b"--\n",
    b"#\n",
    b"\x00\x00",
    b"%20",
    b"/*!*/",
    b"()",
];
const INSERTIONS: &[&[u8]] = &[
    b"/*", b"*/", b"/**/", b"-- ", b"--", b"#", b"/*!", b"'", b"\"", b"`", b"(", b")", b";", b"\\",
    b"<", b">", b"=", b"&#", b"&#x", b"%", b"$$", b"{", b"}", b"[", b"]", b"@", b"\0", b"\n",
];
const PREFIXES: &[&[u8]] = &[
    b"'", b"\"", b"`", b"1'", b"1\"", b"')", b"\")", b"1)", b"x' ", b"\" ", b"><", b"'>", b"\">",
    b"-1 ", b"0x", b"@", b"\0",
];
const SUFFIXES: &[&[u8]] = &[
    b"'",
    b"\"",
    b"-- -",
    b"#",
    b";--",
    b"--",
    b"/*",
    b"')",
    b"\")",
    b"`",
    b";",
    b" or 1=1",
    b" and '1'='1",
    b">",
    b"\0",
    b"%00",
];

fn mutate_case(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    set.add(Origin::MutantCase, seed.to_ascii_uppercase());
    set.add(Origin::MutantCase, seed.to_ascii_lowercase());
    let flipped: Vec<u8> = seed
        .iter()
        .map(|&b| {
            if rng.below(2) == 0 {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            }
        })
        .collect();
    set.add(Origin::MutantCase, flipped);
}

fn mutate_space_comment(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    for _ in 0..2 {
        let sub = *rng.pick(SPACE_SUBSTITUTES);
        let mut out = Vec::new();
        for &b in seed {
            if b == b' ' {
                out.extend_from_slice(sub)
            } else {
                out.push(b)
            }
        }
        set.add(Origin::MutantSpaceComment, out);
    }
    for _ in 0..2 {
        let at = rng.below(seed.len() + 1);
        let ins = *rng.pick(INSERTIONS);
        let mut out = seed[..at].to_vec();
        out.extend_from_slice(ins);
        out.extend_from_slice(&seed[at..]);
        set.add(Origin::MutantSpaceComment, out);
    }
}

fn mutate_quote(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    let mut a = rng.pick(PREFIXES).to_vec();
    a.extend_from_slice(seed);
    set.add(Origin::MutantQuote, a);
    let mut b = seed.to_vec();
    let suffix: &[u8] = SUFFIXES[rng.below(SUFFIXES.len())];
    b.extend_from_slice(suffix);
    set.add(Origin::MutantQuote, b);
}

fn mutate_truncate(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    let n = seed.len();
    if n < 2 {
        return;
    }
    set.add(Origin::MutantTruncation, seed[..n - 1].to_vec());
    set.add(Origin::MutantTruncation, seed[..n / 2].to_vec());
    set.add(
        Origin::MutantTruncation,
        seed[1 + rng.below(n - 1)..].to_vec(),
    );
    set.add(
        Origin::MutantTruncation,
        seed[..1 + rng.below(n - 1)].to_vec(),
    );
}

fn mutate_encode(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    // Literal percent-encoding of every non-alphanumeric byte (undecoded, as a WAF
    // sees a value whose transformation chain lacks urlDecode).
    let mut url = Vec::new();
    for &b in seed {
        if b.is_ascii_alphanumeric() {
            url.push(b)
        } else {
            url.extend_from_slice(format!("%{b:02X}").as_bytes())
        }
    }
    set.add(Origin::MutantEncoding, url);
    // HTML character references for some bytes, in varied forms.
    let mut html = Vec::new();
    for &b in seed {
        match rng.below(6) {
            0 => html.extend_from_slice(format!("&#x{b:x};").as_bytes()),
            1 => html.extend_from_slice(format!("&#{b};").as_bytes()),
            2 => html.extend_from_slice(format!("&#x{b:04X}").as_bytes()),
            3 => html.extend_from_slice(format!("&#000{b}").as_bytes()),
            _ => html.push(b),
        }
    }
    set.add(Origin::MutantEncoding, html);
}

fn mutate_nul_control(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    let special: &[u8] = &[
        0, 1, 8, 9, 0x0b, 0x0c, 0x0d, 0x1f, 0x7f, 0x80, 0xa0, 0xc2, 0xfe, 0xff,
    ];
    let at = rng.below(seed.len() + 1);
    let mut a = seed[..at].to_vec();
    a.push(0);
    a.extend_from_slice(&seed[at..]);
    set.add(Origin::MutantNulControl, a);
    if !seed.is_empty() {
        let mut b = seed.to_vec();
        let i = rng.below(b.len());
        b[i] = *rng.pick(special);
        set.add(Origin::MutantNulControl, b);
        let mut c = seed.to_vec();
        let j = rng.below(c.len());
        c.insert(j, *rng.pick(special));
        set.add(Origin::MutantNulControl, c);
    }
}

fn mutate_noise(seed: &[u8], rng: &mut Rng, set: &mut InputSet) {
    if seed.is_empty() {
        return;
    }
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        let i = rng.below(out.len());
        match rng.below(3) {
            0 => out[i] = rng.next() as u8,
            1 => {
                out.remove(i);
                if out.is_empty() {
                    break;
                }
            }
            _ => {
                let j = rng.below(out.len());
                out.swap(i, j);
            }
        }
    }
    set.add(Origin::MutantNoise, out);
}

const SQL_WORDS: &[&str] = &[
    "select",
    "union",
    "all",
    "distinct",
    "from",
    "where",
    "or",
    "and",
    "not",
    "xor",
    "in",
    "like",
    "is",
    "null",
    "into",
    "outfile",
    "dumpfile",
    "if",
    "exists",
    "boolean",
    "mode",
    "lock",
    "share",
    "order",
    "by",
    "group",
    "having",
    "limit",
    "sleep",
    "benchmark",
    "user",
    "database",
    "password",
    "version",
    "collate",
    "utf8_bin",
    "cast",
    "as",
    "char",
    "int",
    "case",
    "when",
    "then",
    "else",
    "end",
    "exec",
    "waitfor",
    "delay",
    "declare",
    "drop",
    "table",
    "insert",
    "values",
    "update",
    "set",
    "delete",
    "procedure",
    "analyse",
    "current_user",
    "localtime",
    "ifnull",
    "concat",
    "substring",
    "ascii",
    "true",
    "false",
    "regexp",
    "sounds",
    "between",
    "div",
    "mod",
    "t",
    "id",
    "foo",
    "x",
    "@@version",
    "@a",
    "@`x`",
    "`x`",
    "``",
    "[x]",
    "\\N",
    "\\",
    "N'x'",
    "q'[x]'",
    "E'x'",
    "U&'x'",
    "x'41'",
    "b'01'",
    "0x41",
    "0b1",
    "$$x$$",
    "$a$x$a$",
    "$1",
    "1",
    "0",
    "1.5",
    ".5",
    "1e5",
    "1e",
    "1f",
    "'a'",
    "'",
    "\"b\"",
    "\"",
    "'a''b'",
    "'\\''",
    "(",
    ")",
    "((",
    "))",
    ",",
    ";",
    ".",
    "{",
    "}",
    ":",
    "::",
    "=",
    "<>",
    "!=",
    "<=>",
    "||",
    "&&",
    "|",
    "&",
    "^",
    "~",
    "!",
    "!!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "<",
    ">",
    "--",
    "-- x",
    "#",
    "#x",
    "/*",
    "*/",
    "/**/",
    "/*!",
    "/* /* */",
    "?",
    "sp_password",
    "into outfile",
    "in boolean mode",
    "lock in share mode",
    "if not",
    "not in",
    "not like",
];
const SQL_SEPARATORS: &[&[u8]] = &[
    b" ", b"", b"\t", b"\n", b"/**/", b"\0", b"\xa0", b"  ", b"+", b"\x0b",
];

fn sql_soup(rng: &mut Rng, set: &mut InputSet, n: usize) {
    for _ in 0..n {
        let mut out = Vec::new();
        for k in 0..1 + rng.below(8) {
            if k > 0 {
                let sep: &[u8] = SQL_SEPARATORS[rng.below(SQL_SEPARATORS.len())];
                out.extend_from_slice(sep);
            }
            out.extend_from_slice(rng.pick(SQL_WORDS).as_bytes());
        }
        set.add(Origin::SqlSoup, out);
    }
}

/// Number forms (hex, binary, exponent, `d`/`f` suffix, and their bareword cut-offs) and
/// words of `[A-Za-z0-9_]`, for the shapes of the `[A-Za-z0-9_]` fast path of `@detectSQLi`.
const PLAIN_PIECES: &[&str] = &[
    "0x",
    "0X",
    "0b",
    "0B",
    "0x1f",
    "0b1",
    "0b12",
    "1e",
    "1E",
    "2e5",
    "1e5f",
    "3f",
    "3fu",
    "4d",
    "4D",
    "9",
    "1",
    "0",
    "01",
    "00",
    "union",
    "UNION",
    "select",
    "SeLeCt",
    "or",
    "and",
    "xor",
    "not",
    "null",
    "int",
    "char",
    "varchar",
    "sleep",
    "benchmark",
    "user",
    "in",
    "like",
    "collate",
    "case",
    "when",
    "from",
    "into",
    "outfile",
    "version",
    "database",
    "u",
    "n",
    "q",
    "x",
    "b",
    "e",
    "f",
    "d",
    "N",
    "_",
    "a",
    "Z",
    "abc_123",
];
/// What glues the pieces: mostly nothing (inputs of the fast path's alphabet), else one byte
/// that leaves it.
const PLAIN_GLUE: &[&[u8]] = &[
    b"", b"", b"", b"", b".", b",", b"-", b"=", b"@", b" ", b"(", b";", b"'", b"`", b"\\", b"$",
    b"\0",
];

fn plain_soup(rng: &mut Rng, set: &mut InputSet, n: usize) {
    for _ in 0..n {
        let glue = *rng.pick(PLAIN_GLUE);
        let mut out = Vec::new();
        for k in 0..1 + rng.below(5) {
            if k > 0 && rng.below(2) == 0 {
                out.extend_from_slice(glue);
            }
            out.extend_from_slice(rng.pick(PLAIN_PIECES).as_bytes());
        }
        set.add(Origin::PlainSoup, out);
    }
    // Every word-glue-number-word, number-glue-word, number-word-glue-number and
    // number-glue-number-word over a few pieces, for each glue byte: the shapes that become
    // SQLi one byte outside `[A-Za-z0-9_]` (`int.1union`, `9=null`, `2e5,0xunion`, `0xor@0x`).
    let words = [
        "union", "select", "null", "or", "and", "not", "int", "case", "like", "into",
    ];
    let nums = ["1", "01", "0x", "0b", "1e", "2e5", "4d", "0x1f"];
    for glue in PLAIN_GLUE.iter().filter(|g| !g.is_empty()) {
        let glued = |parts: &[&str], at: usize| {
            let mut out = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                if i == at {
                    out.extend_from_slice(glue);
                }
                out.extend_from_slice(p.as_bytes());
            }
            out
        };
        for w in words {
            for n in nums {
                set.add(Origin::PlainSoup, glued(&[n, w], 1));
                for w2 in words {
                    set.add(Origin::PlainSoup, glued(&[w, n, w2], 1));
                }
                for n2 in nums {
                    set.add(Origin::PlainSoup, glued(&[n, w, n2], 2));
                    set.add(Origin::PlainSoup, glued(&[n, n2, w], 1));
                }
            }
        }
    }
}

const HTML_PIECES: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "<!",
    "<!--",
    "-->",
    "--!>",
    "<?",
    "<%",
    "%>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE",
    "script",
    "img",
    "a",
    "svg",
    "xsl",
    "iframe",
    "style",
    "div",
    "p",
    "b",
    "x",
    "xss",
    "xml",
    " ",
    "\t",
    "\n",
    "\0",
    "\x0b",
    "/",
    "=",
    "\"",
    "'",
    "`",
    "src",
    "href",
    "onerror",
    "onload",
    "on",
    "onab",
    "onabc",
    "style",
    "attributeName",
    "xmlns",
    "xlink:href",
    "values",
    "to",
    "data:",
    "javascript:",
    "vbscript:",
    "view-source:",
    "java",
    "&#",
    "&#x",
    "&#106;",
    "&#x6a;",
    "&#x6A",
    "&#0106",
    "&amp;",
    "alert(1)",
    "[if",
    "import",
    "entity",
    "hello",
    "1",
    "ENTITY",
];

fn html_soup(rng: &mut Rng, set: &mut InputSet, n: usize) {
    for _ in 0..n {
        let mut out = Vec::new();
        for _ in 0..1 + rng.below(10) {
            out.extend_from_slice(rng.pick(HTML_PIECES).as_bytes());
        }
        set.add(Origin::HtmlSoup, out);
    }
}

/// Builds the whole set.
pub fn build(crs: &Path, seclang: &Path, bench: &Path) -> InputSet {
    let mut set = InputSet::default();
    let mut rng = Rng(0x5EED_11B1_2026_0001);

    let crs_values = crs_payloads(crs);
    for v in &crs_values {
        set.add(Origin::CrsPayload, v.clone());
    }
    for v in vectors(seclang) {
        set.add(Origin::Vector, v);
    }
    for s in seeds::SQLI.iter().chain(seeds::XSS) {
        set.add(Origin::HandSeed, s.to_vec());
    }
    let (benign, attack) = bench_values(bench);
    for v in benign {
        set.add(Origin::BenchBenign, v);
    }
    for v in attack {
        set.add(Origin::BenchAttack, v);
    }

    // Mutate the attack-like seeds: CRS payloads, vectors, hand seeds, bench attacks
    // (long values are mutated on their first 512 bytes only, to keep the set small).
    let mutable: Vec<Vec<u8>> = set
        .inputs
        .iter()
        .zip(&set.origins)
        .filter(|(_, o)| **o != Origin::BenchBenign)
        .map(|(v, _)| v[..v.len().min(512)].to_vec())
        .collect();
    for seed in &mutable {
        mutate_case(seed, &mut rng, &mut set);
        mutate_space_comment(seed, &mut rng, &mut set);
        mutate_quote(seed, &mut rng, &mut set);
        mutate_truncate(seed, &mut rng, &mut set);
        mutate_encode(seed, &mut rng, &mut set);
        mutate_nul_control(seed, &mut rng, &mut set);
        mutate_noise(seed, &mut rng, &mut set);
    }
    sql_soup(&mut rng, &mut set, 8000);
    html_soup(&mut rng, &mut set, 4000);
    // Last, so that the inputs before it stay what they were.
    plain_soup(&mut rng, &mut set, 8000);
    set
}
