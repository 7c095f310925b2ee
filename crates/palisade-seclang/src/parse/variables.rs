//! Target lists: `ARGS|!ARGS:foo|&REQUEST_HEADERS|ARGS:/^id_/|XML:/*`, quoted or not.
//!
//! A selector after `:` (or `.`) is read as ModSecurity's scanner reads it: the longest of a key
//! (up to `"`, `|`, `,`, `}` or whitespace; `\"` allowed inside) and a `/regex/` (no space, `=`,
//! `|`, tab or `"` inside; `'/regex/'` allows `|`), the regular expression winning a tie.

use crate::Diagnostic;
use crate::ast::{Selector, Variable, VariableName, VariableSupport};
use crate::parse::src::Src;

/// How a list of variables ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListEnd {
    /// Unquoted: at whitespace or the end of the line.
    Whitespace,
    /// Quoted: at `"`.
    Quote,
}

/// Reads a `|`- (or `,`-) separated list of variables starting at `pos`. Returns the list and
/// the offset where it ends (at the whitespace or at the closing `"`, not consumed).
pub(crate) fn parse_variable_list(
    src: &Src<'_>,
    mut pos: usize,
    end: ListEnd,
) -> Result<(Vec<Variable>, usize), Diagnostic> {
    let mut vars = Vec::new();
    loop {
        let (var, after) = parse_variable(src, pos)?;
        vars.push(var);
        pos = after;
        match src.at(pos) {
            Some(b'|' | b',') => pos += 1,
            Some(b'"') if end == ListEnd::Quote => return Ok((vars, pos)),
            Some(b' ' | b'\t') if end == ListEnd::Whitespace => return Ok((vars, pos)),
            Some(b'\\') if end == ListEnd::Whitespace && src.continuation_at(pos).is_some() => {
                return Ok((vars, pos));
            }
            _ if end == ListEnd::Whitespace && src.at_line_end(pos) => return Ok((vars, pos)),
            _ => {
                let expected = match end {
                    ListEnd::Quote => "`|` or the closing `\"`",
                    ListEnd::Whitespace => "`|` or whitespace",
                };
                return Err(src.error(
                    pos,
                    format!(
                        "expected {expected} after the variable, found {}",
                        src.describe(pos)
                    ),
                ));
            }
        }
    }
}

/// Reads one variable (`!` or `&` prefix, name, optional selector) starting at `pos`.
pub(crate) fn parse_variable(src: &Src<'_>, pos: usize) -> Result<(Variable, usize), Diagnostic> {
    let start = pos;
    let mut p = pos;
    let mut negated = false;
    let mut count = false;
    match src.at(p) {
        Some(b'!') => {
            negated = true;
            p += 1;
        }
        Some(b'&') => {
            count = true;
            p += 1;
        }
        _ => {}
    }
    if (negated || count) && matches!(src.at(p), Some(b'!' | b'&')) {
        return Err(src.error(
            p,
            "a variable can be excluded (`!`) or counted (`&`), not both",
        ));
    }
    let name_end = src.word_end(p);
    let name = src.slice(p, name_end);
    if name.is_empty() {
        return Err(src.error(p, format!("expected a variable, found {}", src.describe(p))));
    }
    let Some(var) = VariableName::from_name(name) else {
        return Err(src.error(p, format!("unknown variable `{name}`")));
    };
    if let VariableSupport::Rejected(why) = var.support() {
        return Err(src.error(p, why));
    }
    let mut selector = None;
    let mut after = name_end;
    if matches!(src.at(name_end), Some(b':' | b'.')) {
        if !var.is_collection() {
            return Err(src.error(
                name_end,
                format!("`{name}` is not a collection: it takes no `:key`"),
            ));
        }
        let (sel, end) = parse_selector(src, name_end + 1, var, name)?;
        selector = Some(sel);
        after = end;
    }
    Ok((
        Variable {
            span: src.span(start),
            negated,
            count,
            name: var,
            selector,
        },
        after,
    ))
}

/// The length of a key (ModSecurity's `DICT_ELEMENT_WITH_EQUALS`) starting at `pos`.
fn key_len(src: &Src<'_>, pos: usize) -> usize {
    let mut p = pos;
    while let Some(c) = src.at(p) {
        match c {
            b'"' => {
                // `X\"` (X not a backslash) belongs to the key.
                let escaped =
                    p >= pos + 2 && src.at(p - 1) == Some(b'\\') && src.at(p - 2) != Some(b'\\');
                if !escaped {
                    break;
                }
            }
            b'|' | b',' | b'\n' | b'\r' | b' ' | b'\t' | b'}' => break,
            _ => {}
        }
        p += 1;
    }
    p - pos
}

/// The end of a run of characters allowed inside `/regex/` (`pipe` allows `|`, as `'/…/'`
/// does).
fn regex_run_end(src: &Src<'_>, pos: usize, pipe: bool) -> usize {
    let mut p = pos;
    while let Some(c) = src.at(p) {
        if matches!(c, b' ' | b'=' | b'\t' | b'"' | b'\n' | b'\r') || (c == b'|' && !pipe) {
            break;
        }
        p += 1;
    }
    p
}

/// Reads the selector after `NAME:` at `pos`.
fn parse_selector(
    src: &Src<'_>,
    pos: usize,
    var: VariableName,
    name: &str,
) -> Result<(Selector, usize), Diagnostic> {
    let klen = key_len(src, pos);
    // (inner start, inner end, token end) of a regular expression, if one is there.
    let mut regex: Option<(usize, usize, usize)> = None;
    if src.at(pos) == Some(b'\'') && src.at(pos + 1) == Some(b'/') {
        let run_end = regex_run_end(src, pos + 2, true);
        // The last `/'` inside the run, with at least one character before it.
        let mut q = run_end;
        while q >= pos + 4 {
            if src.at(q - 2) == Some(b'/') && src.at(q - 1) == Some(b'\'') && q - 2 > pos + 2 {
                regex = Some((pos + 2, q - 2, q));
                break;
            }
            q -= 1;
        }
    } else if src.at(pos) == Some(b'/') {
        let run_end = regex_run_end(src, pos + 1, false);
        let mut q = run_end;
        while q >= pos + 3 {
            if src.at(q - 1) == Some(b'/') && q - 1 > pos + 1 {
                regex = Some((pos + 1, q - 1, q));
                break;
            }
            q -= 1;
        }
    }
    if let Some((inner_start, inner_end, end)) = regex
        && end - pos >= klen
    {
        {
            let inner = src.slice(inner_start, inner_end).to_owned();
            let sel = match var {
                VariableName::Xml => Selector::XPath(inner),
                VariableName::Env => Selector::Key(inner),
                _ => Selector::Regex(inner),
            };
            return Ok((sel, end));
        }
    }
    if klen == 0 {
        return Err(src.error(
            pos,
            format!(
                "expected a key or `/regex/` after `{name}:`, found {}",
                src.describe(pos)
            ),
        ));
    }
    let key = src.slice(pos, pos + klen).to_owned();
    let sel = match var {
        VariableName::Xml => Selector::XPath(key),
        _ => Selector::Key(key),
    };
    Ok((sel, pos + klen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn list(text: &str) -> Result<Vec<Variable>, Diagnostic> {
        let src = Src::new(text, FileId(0));
        parse_variable_list(&src, 0, ListEnd::Whitespace).map(|(v, _)| v)
    }

    #[test]
    fn selectors_follow_modsecurity_longest_match() {
        let v =
            list("ARGS:/^id_/|!ARGS:foo|&TX|XML:/*|ARGS:/a/b|REQUEST_COOKIES:'/a|b/' x").unwrap();
        assert_eq!(v[0].selector, Some(Selector::Regex("^id_".into())));
        assert!(v[1].negated);
        assert_eq!(v[1].selector, Some(Selector::Key("foo".into())));
        assert!(v[2].count && v[2].selector.is_none());
        assert_eq!(v[3].selector, Some(Selector::XPath("/*".into())));
        assert_eq!(v[4].selector, Some(Selector::Key("/a/b".into())));
        assert_eq!(v[5].selector, Some(Selector::Regex("a|b".into())));
    }

    #[test]
    fn bad_variables_are_errors() {
        assert!(list("ARGS|").is_err());
        assert!(list("REQUEST_METHOD:foo").is_err());
        assert!(list("&!ARGS").is_err());
        assert!(list("FOO").is_err());
        assert!(list("WEBSERVER_ERROR_LOG").is_err());
        assert!(list("ARGS:").is_err());
        assert!(list("TX:%{tx.a}").is_err());
    }
}
