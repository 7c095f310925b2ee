//! `palisade match OPERATOR [INPUT]` and `palisade match OPERATOR --lines FILE [--hex]`:
//! evaluates one operator, like grep.
//!
//! - `OPERATOR` is written as in a rule: `@rx (?i)union\s+select`, `@pm a b c`,
//!   `!@ipMatch 10.0.0.0/8`, or a bare pattern (which is `@rx`). Macros expand to nothing
//!   (there is no transaction).
//! - With `INPUT` (or, without it, standard input read whole), prints `match` or `no match`,
//!   then one line per capture (`TX:n<TAB>value`, and `GEO:NAME<TAB>value` for `@geoLookup`).
//! - With `--lines FILE` (`-` for standard input), every line of FILE is one input (without
//!   its `\n`; with `--hex`, hex-encoded bytes) and one line is printed per input: `1` or `0`,
//!   then the captures as `n=value`, tab-separated.
//!
//! Values are printed with bytes outside printable ASCII, `\` and TAB escaped as `\xHH`
//! (with `--hex`, as hex). The exit code is 0 when something matched, 1 when nothing did, 2 on
//! errors.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use palisade_match::{Captures, CompileContext, EvalContext, GeoDatabase, NoMacros, Operator};
use palisade_seclang::{FsSource, MacroString, OperatorName, RuleSource};

/// Arguments of `palisade match`.
#[derive(clap::Args)]
pub struct Args {
    /// The operator as written in a rule, e.g. '@rx (?i)union\s+select' or '!@pm a b'.
    pub operator: String,
    /// The input (standard input when absent and --lines is not given).
    pub input: Option<String>,
    /// Evaluate every line of FILE ('-' for standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    pub lines: Option<PathBuf>,
    /// Inputs (with --lines) are hex-encoded, and captures are printed as hex.
    #[arg(long)]
    pub hex: bool,
    /// Resolve data files (@pmFromFile, @ipMatchFromFile) relative to this rule file.
    #[arg(long, value_name = "PATH")]
    pub rule_file: Option<PathBuf>,
    /// MaxMind database for @geoLookup (SecGeoLookupDb).
    #[arg(long, value_name = "PATH")]
    pub geo_db: Option<PathBuf>,
}

/// Splits `[!]@name argument` (or a bare pattern, which is `@rx`).
fn parse_operator(text: &str) -> Result<(bool, OperatorName, String), String> {
    let (negated, rest) = match text.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let Some(rest) = rest.strip_prefix('@') else {
        return Ok((negated, OperatorName::Rx, rest.to_string()));
    };
    let (name, arg) = match rest.find([' ', '\t']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let op = OperatorName::from_name(name).ok_or_else(|| format!("unknown operator @{name}"))?;
    Ok((negated, op, arg.to_string()))
}

fn escape(v: &[u8], hex: bool, out: &mut String) {
    use std::fmt::Write as _;
    for &b in v {
        if hex {
            let _ = write!(out, "{b:02x}");
        } else if (0x20..0x7f).contains(&b) && b != b'\\' {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

fn unhex(line: &[u8]) -> Result<Vec<u8>, String> {
    let line: Vec<u8> = line
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !line.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    line.chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).map_err(|_| "not hex".to_string())?;
            u8::from_str_radix(s, 16).map_err(|_| format!("not hex: {s}"))
        })
        .collect()
}

struct Matcher {
    op: Operator,
    negated: bool,
}

impl Matcher {
    fn run(&self, input: &[u8], caps: &mut Captures) -> bool {
        caps.clear();
        let mut ctx = EvalContext::new(&NoMacros).with_captures(caps);
        self.op.evaluate(input, &mut ctx) != self.negated
    }
}

fn build(args: &Args) -> Result<Matcher, String> {
    let (negated, name, arg) = parse_operator(&args.operator)?;
    let source = FsSource::new();
    let mut ctx = CompileContext::new(&source);
    if let Some(f) = &args.rule_file {
        ctx = ctx.with_rule_file(f);
    }
    if let Some(db) = &args.geo_db {
        let bytes = source.read(db).map_err(|e| e.to_string())?;
        let db = GeoDatabase::from_bytes(bytes).map_err(|e| e.to_string())?;
        ctx = ctx.with_geo_database(Arc::new(db));
    }
    let op = Operator::compile(name, &MacroString::parse(&arg), &ctx).map_err(|e| e.to_string())?;
    Ok(Matcher { op, negated })
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("palisade match: {e}");
            ExitCode::from(2)
        }
    }
}

fn read_all(path: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| e.to_string())?;
            Ok(buf)
        }
    }
}

fn run_inner(args: &Args) -> Result<bool, String> {
    let matcher = build(args)?;
    let mut caps = Captures::new();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| e.to_string();
    if let Some(path) = &args.lines {
        let data = read_all(Some(path))?;
        let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        if data.last() == Some(&b'\n') || data.is_empty() {
            lines.pop();
        }
        let mut any = false;
        let mut text = String::new();
        for (n, line) in lines.into_iter().enumerate() {
            let input = if args.hex {
                unhex(line).map_err(|e| format!("line {}: {e}", n + 1))?
            } else {
                line.to_vec()
            };
            let matched = matcher.run(&input, &mut caps);
            any |= matched;
            text.clear();
            text.push(if matched { '1' } else { '0' });
            for (i, v) in caps.tx() {
                text.push('\t');
                text.push_str(&i.to_string());
                text.push('=');
                escape(v, args.hex, &mut text);
            }
            if let Some(geo) = caps.geo() {
                for (k, v) in geo.fields() {
                    text.push('\t');
                    text.push_str(k);
                    text.push('=');
                    escape(v.as_bytes(), args.hex, &mut text);
                }
            }
            writeln!(out, "{text}").map_err(io)?;
        }
        out.flush().map_err(io)?;
        return Ok(any);
    }
    let input = match &args.input {
        Some(i) => i.as_bytes().to_vec(),
        None => read_all(None)?,
    };
    let matched = matcher.run(&input, &mut caps);
    writeln!(out, "{}", if matched { "match" } else { "no match" }).map_err(io)?;
    let mut text = String::new();
    for (i, v) in caps.tx() {
        text.clear();
        escape(v, args.hex, &mut text);
        writeln!(out, "TX:{i}\t{text}").map_err(io)?;
    }
    if let Some(geo) = caps.geo() {
        for (k, v) in geo.fields() {
            text.clear();
            escape(v.as_bytes(), args.hex, &mut text);
            writeln!(out, "GEO:{k}\t{text}").map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_operators_as_rules_write_them() {
        assert_eq!(
            parse_operator("@rx (?i)a b").ok(),
            Some((false, OperatorName::Rx, "(?i)a b".to_string()))
        );
        assert_eq!(
            parse_operator("!@pm a b").ok(),
            Some((true, OperatorName::Pm, "a b".to_string()))
        );
        assert_eq!(
            parse_operator("^abc$").ok(),
            Some((false, OperatorName::Rx, "^abc$".to_string()))
        );
        assert_eq!(
            parse_operator("@detectSQLi").ok(),
            Some((false, OperatorName::DetectSqli, String::new()))
        );
        assert!(parse_operator("@bogus x").is_err());
    }

    #[test]
    fn escapes_and_unhexes() {
        let mut s = String::new();
        escape(b"a\tb\\\xff", false, &mut s);
        assert_eq!(s, "a\\x09b\\x5c\\xff");
        assert_eq!(unhex(b"61 ff").ok(), Some(vec![0x61, 0xff]));
        assert!(unhex(b"6").is_err());
    }
}
