//! `libinjection_sqli_not_whitelist`: rules that clear short fingerprints which the table
//! lists but which ordinary input often produces (`1c`, `sos`, `n&1`, …).

use memchr::memmem;

use super::Pass;
use super::keywords::eq_upper;
use super::token::kind;

/// True when the (listed) fingerprint of `pass` stands as SQLi.
pub(super) fn not_whitelisted(pass: &Pass<'_>) -> bool {
    let fp = pass.fingerprint.as_bytes();
    let st = &pass.state;
    let s = st.s;
    let tok = &st.tokens;
    // The C string's terminator reads as 0.
    let at = |i: usize| s.get(i).copied().unwrap_or(0);

    if fp.len() > 1
        && fp.last() == Some(&kind::COMMENT)
        && memmem::find(s, b"sp_password").is_some()
    {
        // SQL Server's audit log hides statements that mention sp_password.
        return true;
    }

    match fp.len() {
        2 => {
            if fp[1] == kind::UNION {
                // "1 union" alone is common; with folding or comments it is not.
                return st.stats_tokens != 2;
            }
            if tok[1].val[0] == b'#' {
                return false;
            }
            if tok[0].kind == kind::BAREWORD
                && tok[1].kind == kind::COMMENT
                && tok[1].val[0] != b'/'
            {
                return false;
            }
            if tok[0].kind == kind::NUMBER && tok[1].kind == kind::COMMENT && tok[1].val[0] == b'/'
            {
                return true;
            }
            if tok[0].kind == kind::NUMBER && tok[1].kind == kind::COMMENT {
                if st.stats_tokens > 2 {
                    return true;
                }
                // Indexes the input by the number's length, from the input's start,
                // and compares as a signed char (bytes >= 0x80 count as white space).
                let n = tok[0].len;
                let ch = at(n);
                if (ch as i8) <= 32 {
                    return true;
                }
                if ch == b'/' && at(n + 1) == b'*' {
                    return true;
                }
                if ch == b'-' && at(n + 1) == b'-' {
                    return true;
                }
                return false;
            }
            if tok[1].len > 2 && tok[1].val[0] == b'-' {
                return false;
            }
            true
        }
        3 => {
            if fp == b"sos" || fp == b"s&s" {
                // ...foo' + 'bar... is SQLi only when both ends are open.
                return tok[0].str_open == 0
                    && tok[2].str_close == 0
                    && tok[0].str_close == tok[2].str_open;
            }
            if matches!(fp, b"s&n" | b"n&1" | b"1&1" | b"1&v" | b"1&s") {
                // 'sexy and 17' is not SQLi; 'sexy and 17<18' is.
                return st.stats_tokens != 3;
            }
            if tok[1].kind == kind::KEYWORD {
                // Only INTO OUTFILE / INTO DUMPFILE (any case) stay SQLi.
                return tok[1].len >= 5 && eq_upper(b"INTO", &tok[1].val[..4]);
            }
            true
        }
        _ => true,
    }
}
