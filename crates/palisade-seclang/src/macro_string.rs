//! Strings with macros: `msg:'%{TX.anomaly_score} points'` split into literal and macro segments.

/// A reference to a variable inside `%{…}`: `%{TX.anomaly_score}` is collection `TX`, key
/// `anomaly_score`; `%{MATCHED_VAR}` has no key.
///
/// The collection name keeps the spelling of the rule file; compare it case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MacroRef {
    /// The variable or collection name (`TX`, `MATCHED_VAR`, `REQUEST_HEADERS`, `rule`, …).
    pub collection: String,
    /// The key after the first `.`, if any (`anomaly_score`, `0`, `host`).
    pub key: Option<String>,
}

/// One piece of a [`MacroString`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MacroSegment {
    /// Text taken as it is.
    Literal(String),
    /// A `%{…}` macro, expanded when the rule runs.
    Macro(MacroRef),
}

/// A string that may hold `%{…}` macros, split into segments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MacroString {
    /// The segments in order; adjacent literals are merged.
    pub segments: Vec<MacroSegment>,
}

impl MacroString {
    /// A string made of one literal segment (none when `text` is empty).
    pub fn literal(text: &str) -> Self {
        let segments = if text.is_empty() {
            Vec::new()
        } else {
            vec![MacroSegment::Literal(text.to_owned())]
        };
        MacroString { segments }
    }

    /// Splits `text` into literal and macro segments, leniently (for values built in code).
    ///
    /// A macro is `%{NAME}` or `%{NAME.KEY}` where NAME is made of ASCII letters, digits and
    /// `_`; anything else (an unterminated `%{`, an empty name) stays literal text. Rule files
    /// are read by the parser instead, with ModSecurity v3's rules: escapes (`\%{` is not a
    /// macro), known variable names only, errors for malformed macros.
    pub fn parse(text: &str) -> Self {
        let mut out = MacroString::default();
        let mut rest = text;
        while let Some(start) = rest.find("%{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let inner = &after[..end];
            let (name, key) = match inner.split_once('.') {
                Some((n, k)) => (n, Some(k)),
                None => (inner, None),
            };
            let valid_name =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if valid_name {
                out.push_literal(&rest[..start]);
                out.segments.push(MacroSegment::Macro(MacroRef {
                    collection: name.to_owned(),
                    key: key.map(str::to_owned),
                }));
            } else {
                out.push_literal(&rest[..start + 2 + end + 1]);
            }
            rest = &after[end + 1..];
        }
        out.push_literal(rest);
        out
    }

    /// True when the string holds at least one macro.
    pub fn has_macros(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, MacroSegment::Macro(_)))
    }

    /// The text when the string holds no macro.
    pub fn as_literal(&self) -> Option<String> {
        let mut s = String::new();
        for seg in &self.segments {
            match seg {
                MacroSegment::Literal(l) => s.push_str(l),
                MacroSegment::Macro(_) => return None,
            }
        }
        Some(s)
    }

    fn push_literal(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(MacroSegment::Literal(last)) = self.segments.last_mut() {
            last.push_str(text);
        } else {
            self.segments.push(MacroSegment::Literal(text.to_owned()));
        }
    }
}

impl core::fmt::Display for MacroString {
    /// Writes the string back in SecLang form (`%{TX.score}`).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for seg in &self.segments {
            match seg {
                MacroSegment::Literal(l) => f.write_str(l)?,
                MacroSegment::Macro(m) => match &m.key {
                    Some(k) => write!(f, "%{{{}.{}}}", m.collection, k)?,
                    None => write!(f, "%{{{}}}", m.collection)?,
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_macros() {
        let m = MacroString::parse("score %{TX.anomaly_score} from %{MATCHED_VAR}!");
        assert_eq!(
            m.segments,
            vec![
                MacroSegment::Literal("score ".into()),
                MacroSegment::Macro(MacroRef {
                    collection: "TX".into(),
                    key: Some("anomaly_score".into())
                }),
                MacroSegment::Literal(" from ".into()),
                MacroSegment::Macro(MacroRef {
                    collection: "MATCHED_VAR".into(),
                    key: None
                }),
                MacroSegment::Literal("!".into()),
            ]
        );
        assert_eq!(
            m.to_string(),
            "score %{TX.anomaly_score} from %{MATCHED_VAR}!"
        );
    }

    #[test]
    fn malformed_macros_stay_literal() {
        for text in ["%{", "%{}", "a %{TX.x", "%{a b}", "100%"] {
            let m = MacroString::parse(text);
            assert!(!m.has_macros(), "{text}");
            assert_eq!(m.as_literal().as_deref(), Some(text));
        }
    }
}
