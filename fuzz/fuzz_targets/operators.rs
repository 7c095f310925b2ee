//! Fuzzes every operator: the first byte picks the operator, the next bytes up to a NUL are
//! its argument (compiled through a memory source that also holds a data file), the rest is
//! the input, evaluated with and without captures, and scanned by a prefilter holding the
//! operator, which must list it whenever it matches.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_match::prefilter::{CandidateSet, PrefilterBuilder};
use palisade_match::{Captures, CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{MacroString, MemorySource, OperatorName};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let names: Vec<OperatorName> = OperatorName::all().collect();
    let name = names[usize::from(which) % names.len()];
    let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let arg = String::from_utf8_lossy(&rest[..split]);
    let input = rest.get(split + 1..).unwrap_or(&[]);
    let source = MemorySource::new().with_file("data.txt", input.to_vec());
    let ctx = CompileContext::new(&source);
    let Ok(op) = Operator::compile(name, &MacroString::parse(&arg), &ctx) else { return };
    let plain = op.evaluate(input, &mut EvalContext::new(&NoMacros));
    let mut caps = Captures::new();
    let captured = op.evaluate(input, &mut EvalContext::new(&NoMacros).with_captures(&mut caps));
    assert_eq!(plain, captured);
    let mut b = PrefilterBuilder::new();
    let slot = b.add_operator(&op);
    let pf = b.build();
    let mut set = CandidateSet::new();
    pf.scan(input, &mut set);
    assert!(!plain || set.contains(slot), "prefilter dropped a match");
});
