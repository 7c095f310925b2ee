//! An ad-hoc extractor of CRS operators for tests and benches (until the SecLang parser can be
//! used): joins continued lines, skips comments, and reads `SecRule VARIABLES "OPERATOR"
//! "ACTIONS"` with `\"` unescaped inside quotes. Also reads the values of the benchmark
//! corpus (../shared/bench/requests.jsonl): query and form arguments, JSON strings, header
//! values and cookies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use palisade_seclang::{MacroString, OperatorName};

/// One operator of a CRS rule.
#[derive(Clone, Debug)]
pub struct CrsOp {
    /// The rule file.
    pub file: PathBuf,
    /// Line of the `SecRule`.
    pub line: usize,
    /// The rule id, if the rule has one (chained rules do not).
    pub id: Option<String>,
    /// `!@…`.
    pub negated: bool,
    /// The operator.
    pub name: OperatorName,
    /// Its argument as written (after unescaping `\"`).
    pub arg: String,
    /// The `t:` transformations of the rule, in order.
    pub transforms: Vec<String>,
}

impl CrsOp {
    /// The argument as a macro string.
    pub fn argument(&self) -> MacroString {
        MacroString::parse(&self.arg)
    }

    /// True when the rule lowercases its values (`t:lowercase`).
    pub fn lowercases(&self) -> bool {
        self.transforms
            .iter()
            .any(|t| t.eq_ignore_ascii_case("lowercase"))
    }
}

fn tokens(s: &str, max: usize) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'"' {
            let mut t = Vec::new();
            let mut j = i + 1;
            while j < b.len() {
                if b[j] == b'\\' && b.get(j + 1) == Some(&b'"') {
                    t.push(b'"');
                    j += 2;
                    continue;
                }
                if b[j] == b'"' {
                    break;
                }
                t.push(b[j]);
                j += 1;
            }
            out.push(String::from_utf8(t).unwrap());
            i = j + 1;
        } else {
            let start = i;
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                i += 1;
            }
            out.push(s[start..i].to_string());
        }
    }
    out
}

/// Every `SecRule` operator of CRS, in file order.
pub fn crs_operators() -> Vec<CrsOp> {
    let mut ops = Vec::new();
    for file in palisade_testdata::crs_rule_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut logical: Vec<(usize, String)> = Vec::new();
        let mut buf = String::new();
        let mut start = 0;
        for (n, line) in text.lines().enumerate() {
            if buf.is_empty() {
                start = n + 1;
            }
            if let Some(stripped) = line.strip_suffix('\\') {
                buf.push_str(stripped);
                continue;
            }
            buf.push_str(line);
            logical.push((start, std::mem::take(&mut buf)));
        }
        for (line, l) in logical {
            let s = l.trim();
            let Some(rest) = s.strip_prefix("SecRule") else {
                continue;
            };
            if !rest.starts_with([' ', '\t']) {
                continue;
            }
            let toks = tokens(rest, 3);
            if toks.len() < 2 {
                continue;
            }
            let mut op = toks[1].as_str();
            let negated = op.starts_with('!');
            if negated {
                op = &op[1..];
            }
            let (name, arg) = match op.strip_prefix('@') {
                Some(r) => {
                    let (n, a) = r.split_once([' ', '\t']).unwrap_or((r, ""));
                    (
                        OperatorName::from_name(n).unwrap_or_else(|| panic!("unknown @{n}")),
                        a.to_string(),
                    )
                }
                None => (OperatorName::Rx, op.to_string()),
            };
            let actions = toks.get(2).cloned().unwrap_or_default();
            let id = actions
                .split(',')
                .find_map(|a| a.trim().strip_prefix("id:"))
                .map(|v| v.trim_matches('\'').to_string());
            let transforms = actions
                .split(',')
                .filter_map(|a| a.trim().strip_prefix("t:"))
                .map(str::to_string)
                .filter(|t| t != "none")
                .collect();
            ops.push(CrsOp {
                file: file.clone(),
                line,
                id,
                negated,
                name,
                arg,
                transforms,
            });
        }
    }
    ops
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Form-style URL decoding (`+` is a space; bad escapes stay as they are).
pub fn url_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(a), Some(b)) => {
                    out.push(a * 16 + b);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn form_values(s: &[u8], out: &mut Vec<Vec<u8>>) {
    for pair in s.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(p) => (&pair[..p], &pair[p + 1..]),
            None => (pair, &b""[..]),
        };
        out.push(url_decode(k));
        out.push(url_decode(v));
    }
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match v {
        serde_json::Value::String(s) => out.push(s.as_bytes().to_vec()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.as_bytes().to_vec());
            json_strings(x, out)
        }),
        other => out.push(other.to_string().into_bytes()),
    }
}

/// The values of one request of the corpus, with the request's kind (`benign`/`attack`).
pub fn bench_requests() -> Vec<(String, Vec<Vec<u8>>)> {
    let path = palisade_testdata::bench_dir().join("requests.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut values = Vec::new();
        let uri = r["uri"].as_str().unwrap().as_bytes();
        if let Some(q) = uri.iter().position(|&b| b == b'?') {
            form_values(&uri[q + 1..], &mut values);
            values.push(url_decode(&uri[..q]));
        } else {
            values.push(url_decode(uri));
        }
        let mut content_type = String::new();
        for h in r["headers"].as_array().unwrap() {
            let name = h[0].as_str().unwrap();
            let value = h[1].as_str().unwrap();
            if name.eq_ignore_ascii_case("content-type") {
                content_type = value.to_ascii_lowercase();
            }
            if name.eq_ignore_ascii_case("cookie") {
                for c in value.split(';') {
                    let c = c.trim();
                    match c.split_once('=') {
                        Some((k, v)) => {
                            values.push(k.as_bytes().to_vec());
                            values.push(v.as_bytes().to_vec());
                        }
                        None => values.push(c.as_bytes().to_vec()),
                    }
                }
            } else {
                values.push(value.as_bytes().to_vec());
            }
        }
        let body = r["body"].as_str().unwrap();
        if !body.is_empty() {
            if content_type.contains("json") {
                match serde_json::from_str::<serde_json::Value>(body) {
                    Ok(v) => json_strings(&v, &mut values),
                    Err(_) => values.push(body.as_bytes().to_vec()),
                }
            } else if content_type.contains("x-www-form-urlencoded") {
                form_values(body.as_bytes(), &mut values);
            } else {
                values.push(body.as_bytes().to_vec());
            }
        }
        out.push((r["kind"].as_str().unwrap().to_string(), values));
    }
    out
}
