//! Macro strings compiled for run time: `%{TX.anomaly_score}`, `%{MATCHED_VAR}`,
//! `%{REQUEST_HEADERS.host}`, `%{rule.id}` resolved to variables and interned keys, so that
//! expansion looks nothing up by name.

use palisade_seclang::{MacroSegment, MacroString};

use crate::collection::keys::{KeyId, KeyInterner};
use crate::var::{Collection, Scalar, Var};

/// A field of the `RULE` collection (`%{rule.id}`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleField {
    /// `rule.id`.
    Id,
    /// `rule.rev`.
    Rev,
    /// `rule.severity`.
    Severity,
    /// `rule.logdata`.
    LogData,
    /// `rule.msg`.
    Msg,
    /// `rule.ver`.
    Ver,
    /// `rule.phase`.
    Phase,
}

/// What a macro reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacroVar {
    /// A scalar (`%{MATCHED_VAR}`, `%{REQUEST_LINE}`).
    Scalar(Scalar),
    /// One member of a collection (`%{TX.score}`): its first value.
    Member(Collection, KeyId, Box<[u8]>),
    /// A whole collection (`%{ARGS}`): its first value.
    All(Collection),
    /// A field of the current rule.
    Rule(RuleField),
}

/// One piece of a compiled macro string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacroPart {
    /// Text.
    Lit(Box<[u8]>),
    /// A variable reference.
    Var(MacroVar),
}

/// A compiled macro string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Macro {
    /// The pieces, in order.
    pub parts: Vec<MacroPart>,
    /// The source text, for messages.
    pub source: String,
}

impl Macro {
    /// Compiles `s`, interning the keys it names. A macro naming an unknown variable stays
    /// literal text.
    pub fn compile(s: &MacroString, keys: &mut KeyInterner) -> Macro {
        let mut parts: Vec<MacroPart> = Vec::new();
        let push_lit = |parts: &mut Vec<MacroPart>, text: &str| {
            if text.is_empty() {
                return;
            }
            if let Some(MacroPart::Lit(prev)) = parts.last_mut() {
                let mut v = prev.to_vec();
                v.extend_from_slice(text.as_bytes());
                *prev = v.into_boxed_slice();
            } else {
                parts.push(MacroPart::Lit(text.as_bytes().into()));
            }
        };
        for seg in &s.segments {
            match seg {
                MacroSegment::Literal(l) => push_lit(&mut parts, l),
                MacroSegment::Macro(m) => match resolve(&m.collection, m.key.as_deref(), keys) {
                    Some(v) => parts.push(MacroPart::Var(v)),
                    None => {
                        let text = match &m.key {
                            Some(k) => format!("%{{{}.{}}}", m.collection, k),
                            None => format!("%{{{}}}", m.collection),
                        };
                        push_lit(&mut parts, &text);
                    }
                },
            }
        }
        Macro {
            parts,
            source: s.to_string(),
        }
    }

    /// A macro that is just `text`.
    pub fn literal(text: &str) -> Macro {
        Macro {
            parts: if text.is_empty() {
                Vec::new()
            } else {
                vec![MacroPart::Lit(text.as_bytes().into())]
            },
            source: text.to_owned(),
        }
    }

    /// The text when the macro holds no variable.
    pub fn as_literal(&self) -> Option<&[u8]> {
        match self.parts.as_slice() {
            [] => Some(&[]),
            [MacroPart::Lit(l)] => Some(l),
            _ => None,
        }
    }

    /// True when the macro reads a variable.
    pub fn has_vars(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, MacroPart::Var(_)))
    }
}

fn resolve(collection: &str, key: Option<&str>, keys: &mut KeyInterner) -> Option<MacroVar> {
    if collection.eq_ignore_ascii_case("rule") {
        let f = match key?.to_ascii_lowercase().as_str() {
            "id" => RuleField::Id,
            "rev" => RuleField::Rev,
            "severity" => RuleField::Severity,
            "logdata" => RuleField::LogData,
            "msg" => RuleField::Msg,
            "ver" => RuleField::Ver,
            "phase" => RuleField::Phase,
            _ => return None,
        };
        return Some(MacroVar::Rule(f));
    }
    match Var::from_name(collection)? {
        Var::Scalar(s) => Some(MacroVar::Scalar(s)),
        Var::Collection(c) => Some(match key {
            Some(k) => MacroVar::Member(c, keys.intern(k.as_bytes()), k.as_bytes().into()),
            None => MacroVar::All(c),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_vars_and_keeps_unknown_literal() {
        let mut keys = KeyInterner::default();
        let m = Macro::compile(
            &MacroString::parse("a %{TX.Score} b %{MATCHED_VAR} %{nope.x}%{rule.id}"),
            &mut keys,
        );
        let score = keys.lookup(b"score");
        assert_eq!(
            m.parts,
            vec![
                MacroPart::Lit(b"a "[..].into()),
                MacroPart::Var(MacroVar::Member(Collection::Tx, score, b"Score"[..].into())),
                MacroPart::Lit(b" b "[..].into()),
                MacroPart::Var(MacroVar::Scalar(Scalar::MatchedVar)),
                MacroPart::Lit(b" %{nope.x}"[..].into()),
                MacroPart::Var(MacroVar::Rule(RuleField::Id)),
            ]
        );
        assert!(
            Macro::compile(&MacroString::parse("plain"), &mut keys)
                .as_literal()
                .is_some()
        );
    }
}
