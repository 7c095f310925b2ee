//! The reference for the regex byte condition: `required` as it was on `integ` 1dba2ad
//! (one vector per HIR node), kept verbatim but for the names and `commonness`, which is
//! private to the crate and restated here from its definition.

use palisade_match::prefilter::{ByteClass, ByteCondition};

/// Classes tried per alternation (`ALT_CLASSES`).
const ALT_CLASSES: usize = 3;

/// `ByteClass::commonness`: 64 per letter, digit or space, 16 per frequent separator, 1 per
/// other byte.
fn commonness(c: &ByteClass) -> u32 {
    c.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b' ' {
                64
            } else if b"-./,:+%_".contains(&b) {
                16
            } else {
                1
            }
        })
        .sum()
}

/// The reference condition of a regex HIR.
pub fn regex_condition_ref(hir: &regex_syntax::hir::Hir) -> ByteCondition {
    ByteCondition::new(required_ref(hir))
}

/// The classes every match of `hir` holds a byte of.
pub fn required_ref(hir: &regex_syntax::hir::Hir) -> Vec<ByteClass> {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Vec::new(),
        HirKind::Literal(lit) => lit.0.iter().map(|&b| ByteClass::of(&[b])).collect(),
        HirKind::Class(Class::Bytes(c)) => {
            let mut class = ByteClass::EMPTY;
            for r in c.iter() {
                for b in r.start()..=r.end() {
                    class.insert(b);
                }
            }
            vec![class]
        }
        // regex-syntax turns an alternation of single ASCII bytes into a Unicode class. A
        // character at or above U+0080 is matched as its UTF-8 encoding, whose first byte
        // is at least 0xC2: all lead bytes stand in for such characters.
        HirKind::Class(Class::Unicode(c)) => {
            let mut class = ByteClass::EMPTY;
            for r in c.iter() {
                for ch in u32::from(r.start())..=u32::from(r.end()).min(0x7f) {
                    class.insert(ch as u8);
                }
                if u32::from(r.end()) >= 0x80 {
                    for b in 0xc2..=0xffu8 {
                        class.insert(b);
                    }
                }
            }
            vec![class]
        }
        HirKind::Capture(cap) => required_ref(&cap.sub),
        HirKind::Repetition(rep) if rep.min == 0 => Vec::new(),
        HirKind::Repetition(rep) => required_ref(&rep.sub),
        HirKind::Concat(items) => {
            let all: Vec<ByteClass> = items.iter().flat_map(required_ref).collect();
            ByteCondition::new(all).classes().to_vec()
        }
        HirKind::Alternation(alts) => {
            let mut branches = Vec::with_capacity(alts.len());
            for a in alts {
                let c = ByteCondition::new(required_ref(a)).classes().to_vec();
                if c.is_empty() {
                    // This branch needs nothing, so neither does the alternation.
                    return Vec::new();
                }
                branches.push(c);
            }
            // Round k picks one class per branch (greedily, the one that keeps the union
            // rarest), avoiding the classes earlier rounds picked when the branch has others.
            let mut used: Vec<Vec<usize>> = vec![Vec::new(); branches.len()];
            (0..ALT_CLASSES)
                .map(|_| {
                    let mut acc = ByteClass::EMPTY;
                    for (b, u) in branches.iter().zip(used.iter_mut()) {
                        let fresh = (0..b.len()).filter(|i| !u.contains(i));
                        let pick = |it: &mut dyn Iterator<Item = usize>| {
                            it.min_by_key(|&i| (commonness(&acc.union(&b[i])), i))
                        };
                        let i = pick(&mut fresh.into_iter())
                            .or_else(|| pick(&mut (0..b.len())))
                            .unwrap_or(0);
                        u.push(i);
                        if let Some(c) = b.get(i) {
                            acc = acc.union(c);
                        }
                    }
                    acc
                })
                .collect()
        }
    }
}
