//! Evaluates `OP<TAB>PARAM_HEX<TAB>INPUT_HEX` lines from standard input and prints
//! `RET<TAB>n=HEX,…` (the TX values captured) or `ERR<TAB>reason`, the format of the
//! libmodsecurity oracle in `tests/oracle/msc_op.cc`, for differential runs. An optional first
//! argument is the rule file data files resolve against; a second, a MaxMind database.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use palisade_match::{Captures, CompileContext, EvalContext, GeoDatabase, NoMacros, Operator};
use palisade_seclang::{FsSource, MacroString, OperatorName};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rule_file = PathBuf::from(args.get(1).map_or("./x.conf", String::as_str));
    let geo = args
        .get(2)
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| GeoDatabase::from_bytes(b).ok())
        .map(Arc::new);
    let source = FsSource::new();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let mut parts = line.split('\t');
        let (Some(op), Some(param), Some(input)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let param = String::from_utf8_lossy(&unhex(param)).into_owned();
        let input = unhex(input);
        let Some(name) = OperatorName::from_name(op) else {
            let _ = writeln!(out, "ERR\tunknown operator");
            continue;
        };
        let mut ctx = CompileContext::new(&source).with_rule_file(&rule_file);
        if let Some(g) = &geo {
            ctx = ctx.with_geo_database(Arc::clone(g));
        }
        // Rule arguments go through the macro parser; the oracle instantiates operators
        // with plain text, so keep the parameter literal.
        let compiled = match Operator::compile(name, &MacroString::literal(&param), &ctx) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(out, "ERR\t{e}");
                continue;
            }
        };
        let mut caps = Captures::new();
        let matched = compiled.evaluate(
            &input,
            &mut EvalContext::new(&NoMacros).with_captures(&mut caps),
        );
        let tx: Vec<String> = caps
            .tx()
            .map(|(i, v)| {
                format!(
                    "{i}={}",
                    v.iter().map(|b| format!("{b:02x}")).collect::<String>()
                )
            })
            .collect();
        let _ = writeln!(out, "{}\t{}", u8::from(matched), tx.join(","));
    }
}
