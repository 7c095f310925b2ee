//! Folding: reduces the token stream to at most five tokens, the fingerprint's.
//!
//! libinjection reads tokens into `tokens[pos]`, looks at the pair or triple starting at
//! `left`, and rewrites them (drops, merges, retypes) until five tokens are settled or
//! the input ends. Most rewrites drop the *last* token read (`pos -= 1`), which is not
//! always the one the rule looked at; this is reproduced exactly, since fingerprints
//! must be byte-identical with the C library's.

use super::keywords::{eq_upper, lookup, may_be_phrase};
use super::token::{Token, VAL_SIZE, kind};
use super::tokenizer::State;

/// The fingerprint holds at most this many tokens.
pub(crate) const MAX_TOKENS: usize = 5;

/// Types that may start a multi-word phrase (`UNION` + `ALL`).
fn mergeable_left(t: u8) -> bool {
    matches!(
        t,
        kind::KEYWORD
            | kind::BAREWORD
            | kind::OPERATOR
            | kind::UNION
            | kind::FUNCTION
            | kind::EXPRESSION
            | kind::TSQL
            | kind::SQLTYPE
    )
}

/// Types that may continue a multi-word phrase.
fn mergeable_right(t: u8) -> bool {
    mergeable_left(t) || t == kind::LOGIC_OPERATOR
}

/// Words that are functions when followed by `(` though they lex as barewords/variables.
const CALLABLE_WORDS: [&[u8]; 11] = [
    b"USER_ID",
    b"USER_NAME",
    b"DATABASE",
    b"PASSWORD",
    b"USER",
    b"CURRENT_USER",
    b"CURRENT_DATE",
    b"CURRENT_TIME",
    b"CURRENT_TIMESTAMP",
    b"LOCALTIME",
    b"LOCALTIMESTAMP",
];

/// Merges `a` and `b` into `a` when "a b" is a known phrase (`UNION ALL`, `IN BOOLEAN MODE`).
fn merge_words(a: &mut Token, b: &Token) -> bool {
    if !mergeable_left(a.kind) || !mergeable_right(b.kind) {
        return false;
    }
    let total = a.len + b.len + 1;
    if total >= VAL_SIZE {
        return false;
    }
    // The key "a b" can be in the table only if some table word starts with its first byte
    // and has a space where a's text ends (cheap, and false for nearly every pair).
    let first = if a.len > 0 { a.val[0] } else { b' ' };
    if !may_be_phrase(first, a.len) {
        return false;
    }
    let mut tmp = [0u8; VAL_SIZE];
    tmp[..a.len].copy_from_slice(a.text());
    tmp[a.len] = b' ';
    tmp[a.len + 1..total].copy_from_slice(b.text());
    let ch = lookup(&tmp[..total]);
    if ch == kind::NONE {
        return false;
    }
    let pos = a.pos;
    a.assign(ch, pos, &tmp[..total]);
    true
}

impl State<'_> {
    /// Reads the next token into slot `pos`, remembering (not keeping) comments.
    /// Returns the new `pos`.
    fn read_into(&mut self, pos: usize, more: &mut bool, last_comment: &mut Token) -> usize {
        self.current = pos;
        *more = self.tokenize();
        if *more {
            if self.tokens[pos].kind == kind::COMMENT {
                *last_comment = self.tokens[pos];
            } else {
                last_comment.kind = kind::NONE;
                return pos + 1;
            }
        }
        pos
    }

    /// Folds the token stream; returns how many tokens the fingerprint has.
    pub(crate) fn fold(&mut self) -> usize {
        let mut last_comment = Token::default();
        let mut pos: usize = 0;
        let mut left: usize = 0;
        let mut more;

        // Skip leading comments, '(', SQL types and unary operators.
        self.current = 0;
        loop {
            more = self.tokenize();
            let t = &self.tokens[0];
            if !(t.kind == kind::COMMENT
                || t.kind == kind::LEFTPARENS
                || t.kind == kind::SQLTYPE
                || t.is_unary_op())
            {
                break;
            }
        }
        if !more {
            return 0;
        }
        pos += 1;

        loop {
            if pos >= MAX_TOKENS && self.five_token_special_case() {
                if pos > MAX_TOKENS {
                    self.tokens[1] = self.tokens[MAX_TOKENS];
                    pos = 2;
                } else {
                    pos = 1;
                }
                left = 0;
            }

            if !more || left >= MAX_TOKENS {
                left = pos;
                break;
            }

            // Get up to two tokens.
            while more && pos <= MAX_TOKENS && pos - left < 2 {
                pos = self.read_into(pos, &mut more, &mut last_comment);
            }
            if pos - left < 2 {
                left = pos;
                continue;
            }

            match self.fold_two(&mut pos, &mut left) {
                Two::Continue => continue,
                Two::Return(n) => return n,
                Two::Next => {}
            }

            // Get one more token.
            while more && pos <= MAX_TOKENS && pos - left < 3 {
                pos = self.read_into(pos, &mut more, &mut last_comment);
            }
            if pos - left < 3 {
                left = pos;
                continue;
            }

            if self.fold_three(&mut pos, &mut left) {
                continue;
            }
            left += 1;
        }

        // Re-add a trailing comment when there is room.
        if left < MAX_TOKENS && last_comment.kind == kind::COMMENT {
            self.tokens[left] = last_comment;
            left += 1;
        }
        left.min(MAX_TOKENS)
    }

    /// Five tokens like `1,(1)` or `n)o(n` restart folding after the first one or two.
    fn five_token_special_case(&self) -> bool {
        let t = |i: usize| self.tokens[i].kind;
        use kind::*;
        (t(0) == NUMBER
            && (t(1) == OPERATOR || t(1) == COMMA)
            && t(2) == LEFTPARENS
            && t(3) == NUMBER
            && t(4) == RIGHTPARENS)
            || (t(0) == BAREWORD
                && t(1) == OPERATOR
                && t(2) == LEFTPARENS
                && (t(3) == BAREWORD || t(3) == NUMBER)
                && t(4) == RIGHTPARENS)
            || (t(0) == NUMBER
                && t(1) == RIGHTPARENS
                && t(2) == COMMA
                && t(3) == LEFTPARENS
                && t(4) == NUMBER)
            || (t(0) == BAREWORD
                && t(1) == RIGHTPARENS
                && t(2) == OPERATOR
                && t(3) == LEFTPARENS
                && t(4) == BAREWORD)
    }

    /// The two-token rules, at `left` and `left + 1`.
    fn fold_two(&mut self, pos: &mut usize, left: &mut usize) -> Two {
        use kind::*;
        let l = *left;
        // The pair is read in place (no copies): every rule below that changes a token
        // returns at once, so the reads after a rule that did not apply see the pair as it was.
        let (a, b) = (&self.tokens[l], &self.tokens[l + 1]);

        if a.kind == STRING && b.kind == STRING {
            // "foo" "bar" is one string.
            *pos -= 1;
            return Two::Continue;
        }
        if a.kind == SEMICOLON && b.kind == SEMICOLON {
            *pos -= 1;
            return Two::Continue;
        }
        if (a.kind == OPERATOR || a.kind == LOGIC_OPERATOR)
            && (b.is_unary_op() || b.kind == SQLTYPE)
        {
            *pos -= 1;
            *left = 0;
            return Two::Continue;
        }
        if a.kind == LEFTPARENS && b.is_unary_op() {
            *pos -= 1;
            *left = left.saturating_sub(1);
            return Two::Continue;
        }
        {
            let (head, tail) = self.tokens.split_at_mut(l + 1);
            if merge_words(&mut head[l], &tail[0]) {
                *pos -= 1;
                *left = left.saturating_sub(1);
                return Two::Continue;
            }
        }
        let (a, b) = (&self.tokens[l], &self.tokens[l + 1]);
        if a.kind == SEMICOLON
            && b.kind == FUNCTION
            && matches!(b.val[0], b'I' | b'i')
            && matches!(b.val[1], b'F' | b'f')
        {
            // T-SQL's IF statement after ';'.
            self.tokens[l + 1].kind = TSQL;
            return Two::Continue;
        }
        if (a.kind == BAREWORD || a.kind == VARIABLE)
            && b.kind == LEFTPARENS
            && CALLABLE_WORDS.iter().any(|w| eq_upper(w, a.text()))
        {
            self.tokens[l].kind = FUNCTION;
            return Two::Continue;
        }
        if a.kind == KEYWORD && (eq_upper(b"IN", a.text()) || eq_upper(b"NOT IN", a.text())) {
            self.tokens[l].kind = if b.kind == LEFTPARENS {
                OPERATOR
            } else {
                BAREWORD
            };
            return Two::Continue;
        }
        if a.kind == OPERATOR && (eq_upper(b"LIKE", a.text()) || eq_upper(b"NOT LIKE", a.text())) {
            if b.kind == LEFTPARENS {
                self.tokens[l].kind = FUNCTION;
            }
            return Two::Next;
        }
        if a.kind == SQLTYPE
            && matches!(
                b.kind,
                BAREWORD | NUMBER | SQLTYPE | LEFTPARENS | FUNCTION | VARIABLE | STRING
            )
        {
            self.tokens[l] = self.tokens[l + 1];
            *pos -= 1;
            *left = 0;
            return Two::Continue;
        }
        if a.kind == COLLATE && b.kind == BAREWORD {
            // strchr on the C string: stops at the first NUL of the kept text.
            let before_nul = b.val.split(|&c| c == 0).next().unwrap_or(&[]);
            if before_nul.contains(&b'_') {
                self.tokens[l + 1].kind = SQLTYPE;
                *left = 0;
            }
            return Two::Next;
        }
        if a.kind == BACKSLASH {
            if b.is_arithmetic_op() {
                self.tokens[l].kind = NUMBER;
            } else {
                self.tokens[l] = self.tokens[l + 1];
                *pos -= 1;
            }
            *left = 0;
            return Two::Continue;
        }
        if a.kind == LEFTPARENS && b.kind == LEFTPARENS {
            *pos -= 1;
            *left = 0;
            return Two::Continue;
        }
        if a.kind == RIGHTPARENS && b.kind == RIGHTPARENS {
            *pos -= 1;
            *left = 0;
            return Two::Continue;
        }
        if a.kind == LEFTBRACE && b.kind == BAREWORD {
            if b.len == 0 {
                self.tokens[l + 1].kind = EVIL;
                return Two::Return(l + 2);
            }
            // ODBC {foo expr}: drop "{ foo".
            *left = 0;
            *pos -= 2;
            return Two::Continue;
        }
        if b.kind == RIGHTBRACE {
            *pos -= 1;
            *left = 0;
            return Two::Continue;
        }
        Two::Next
    }

    /// The three-token rules, at `left`, `left + 1`, `left + 2`; true when one applied.
    fn fold_three(&mut self, pos: &mut usize, left: &mut usize) -> bool {
        use kind::*;
        let l = *left;
        let (ta, tb, tc) = (
            self.tokens[l].kind,
            self.tokens[l + 1].kind,
            self.tokens[l + 2].kind,
        );
        let b_unary = self.tokens[l + 1].is_unary_op();

        if ta == NUMBER && tb == OPERATOR && tc == NUMBER {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if ta == OPERATOR && tb != LEFTPARENS && tc == OPERATOR {
            *left = 0;
            *pos -= 2;
            return true;
        }
        if ta == LOGIC_OPERATOR && tc == LOGIC_OPERATOR {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if ta == VARIABLE && tb == OPERATOR && matches!(tc, VARIABLE | NUMBER | BAREWORD) {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if matches!(ta, BAREWORD | NUMBER) && tb == OPERATOR && matches!(tc, NUMBER | BAREWORD) {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if matches!(ta, BAREWORD | NUMBER | VARIABLE | STRING)
            && tb == OPERATOR
            && self.tokens[l + 1].text() == b"::"
            && tc == SQLTYPE
        {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if matches!(ta, BAREWORD | NUMBER | STRING | VARIABLE)
            && tb == COMMA
            && matches!(tc, NUMBER | BAREWORD | STRING | VARIABLE)
        {
            *pos -= 2;
            *left = 0;
            return true;
        }
        if matches!(ta, EXPRESSION | GROUP | COMMA) && b_unary && tc == LEFTPARENS {
            // SELECT + ( → SELECT (
            self.tokens[l + 1] = self.tokens[l + 2];
            *pos -= 1;
            *left = 0;
            return true;
        }
        if matches!(ta, KEYWORD | EXPRESSION | GROUP)
            && b_unary
            && matches!(tc, NUMBER | BAREWORD | VARIABLE | STRING | FUNCTION)
        {
            // SELECT - 1 → SELECT 1
            self.tokens[l + 1] = self.tokens[l + 2];
            *pos -= 1;
            *left = 0;
            return true;
        }
        if ta == COMMA && b_unary && matches!(tc, NUMBER | BAREWORD | VARIABLE | STRING) {
            // 1,-1 → 1, and back up.
            self.tokens[l + 1] = self.tokens[l + 2];
            *left = 0;
            *pos = pos.saturating_sub(3);
            return true;
        }
        if ta == COMMA && b_unary && tc == FUNCTION {
            self.tokens[l + 1] = self.tokens[l + 2];
            *pos -= 1;
            *left = 0;
            return true;
        }
        if ta == BAREWORD && tb == DOT && tc == BAREWORD {
            // database.table
            *pos -= 2;
            *left = 0;
            return true;
        }
        if ta == EXPRESSION && tb == DOT && tc == BAREWORD {
            self.tokens[l + 1] = self.tokens[l + 2];
            *pos -= 1;
            *left = 0;
            return true;
        }
        if ta == FUNCTION && tb == LEFTPARENS && tc != RIGHTPARENS {
            // USER(x): not the zero-argument function.
            if eq_upper(b"USER", self.tokens[l].text()) {
                self.tokens[l].kind = BAREWORD;
            }
        }
        false
    }
}

/// What the two-token stage decided.
enum Two {
    /// A rule applied: start over.
    Continue,
    /// No rule applied (or one that does not restart): look at three tokens.
    Next,
    /// Stop folding with this many tokens (`{` + empty name: evil).
    Return(usize),
}
