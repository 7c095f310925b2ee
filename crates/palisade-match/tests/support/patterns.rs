//! Random regex patterns for the reference tests (literals, byte conditions): literals in
//! mixed case, classes small and large, anchors, groups, alternations and repetitions.

use proptest::prelude::*;

/// Random pattern pieces: literals (mixed case), classes small and large, anchors, groups,
/// alternations and repetitions, nested a few levels.
pub fn pattern() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-dA-D0-2<>'/ ]{1,6}",
        Just(r"\s".to_string()),
        Just(r"\d".to_string()),
        Just(r"\w".to_string()),
        Just("[ab]".to_string()),
        Just("[^x]".to_string()),
        Just("[a-z]".to_string()),
        Just(".".to_string()),
        Just("^".to_string()),
        Just("$".to_string()),
        Just(r"\b".to_string()),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..6).prop_map(|v| v.concat()),
            prop::collection::vec(inner.clone(), 1..6).prop_map(|v| format!("(?:{})", v.join("|"))),
            (inner.clone(), 0u32..4, prop::option::of(0u32..5)).prop_map(|(p, min, extra)| {
                match extra {
                    Some(e) => format!("(?:{p}){{{min},{}}}", min + e),
                    None => format!("(?:{p}){{{min},}}"),
                }
            }),
            inner.clone().prop_map(|p| format!("(?:{p})?")),
            inner.clone().prop_map(|p| format!("(?:{p})*")),
            inner.clone().prop_map(|p| format!("(?:{p})+")),
            inner.prop_map(|p| format!("(?i:{p})")),
        ]
    })
}
