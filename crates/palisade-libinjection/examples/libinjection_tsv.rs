//! Runs both detectors over a file of hex-encoded inputs (one per line) and prints
//! `<index>\t<sqli 0|1>\t<fingerprint or ->\t<xss 0|1>`, the libinjection oracle's format,
//! so the two outputs can be compared with `diff`.
//!
//! Usage: `cargo run --release -p palisade-libinjection --example libinjection_tsv -- INPUTS.hex`

use std::io::{BufRead, Write};

fn unhex(line: &str) -> Option<Vec<u8>> {
    let b = line.trim_end().as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: libinjection_tsv INPUTS.hex");
        std::process::exit(2);
    };
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for (i, line) in file.lines().enumerate() {
        let line = line?;
        let Some(input) = unhex(&line) else {
            eprintln!("line {}: bad hex", i + 1);
            std::process::exit(2);
        };
        let fp = palisade_libinjection::sqli(&input);
        writeln!(
            out,
            "{i}\t{}\t{}\t{}",
            u8::from(fp.is_some()),
            fp.map_or_else(|| "-".to_string(), |f| f.to_string()),
            u8::from(palisade_libinjection::xss(&input))
        )?;
    }
    out.flush()
}
