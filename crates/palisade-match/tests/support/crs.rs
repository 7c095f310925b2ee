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
