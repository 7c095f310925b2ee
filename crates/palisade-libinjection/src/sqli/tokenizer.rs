//! The SQLi tokenizer: one pass over the input that yields one token per call.
//!
//! Every input byte selects a parser (`PARSERS`), as in libinjection's `char_parse_map`.
//! Facts that matter for agreement with C libinjection 3.9.2 and are easy to miss:
//! - NUL is white space (`char_is_white`) and ends every word or variable, but counts as
//!   a member of every "span" set (`strlenspn`: digits of `$1,0`, `0x…`, `b'…'`, `x'…'`),
//!   because the C code looks bytes up with `strchr`, which finds the terminating NUL.
//! - `0xA0` is white space for the SQL tokenizer; bytes 1-31 and 127 are skipped as white
//!   space between tokens but are ordinary word characters inside a word.
//! - Bytes ≥ 0x80 compare as negative (`char` is signed on the reference platform) where
//!   the C code compares with `<`, e.g. in Oracle `q'…'` strings.

use memchr::{memchr, memmem};

use super::keywords::{HASH_INIT, hash_step, lookup, lookup_hashed};
use super::token::{Token, kind};

/// `FLAG_QUOTE_NONE`: parse the input as it is.
pub(crate) const FLAG_QUOTE_NONE: u8 = 1;
/// `FLAG_QUOTE_SINGLE`: parse as if the input started with `'`.
pub(crate) const FLAG_QUOTE_SINGLE: u8 = 2;
/// `FLAG_QUOTE_DOUBLE`: parse as if the input started with `"`.
pub(crate) const FLAG_QUOTE_DOUBLE: u8 = 4;
/// `FLAG_SQL_ANSI`: `--x` is a comment, `#` an operator.
pub(crate) const FLAG_SQL_ANSI: u8 = 8;
/// `FLAG_SQL_MYSQL`: `#` starts a comment.
pub(crate) const FLAG_SQL_MYSQL: u8 = 16;

/// Which parser handles a token that starts with a given byte.
#[derive(Clone, Copy)]
enum Parser {
    White,
    Operator1,
    Operator2,
    Other,
    Char,
    Hash,
    Dash,
    Slash,
    Backslash,
    String,
    Word,
    Var,
    Number,
    Tick,
    Money,
    UString,
    QString,
    NqString,
    XString,
    BString,
    EString,
    BWord,
}

const PARSERS: [Parser; 256] = {
    let mut map = [Parser::Word; 256];
    let mut i = 0;
    while i <= 32 {
        map[i] = Parser::White;
        i += 1;
    }
    map[127] = Parser::White;
    map[160] = Parser::White;
    let mut d = b'0';
    while d <= b'9' {
        map[d as usize] = Parser::Number;
        d += 1;
    }
    map[b'!' as usize] = Parser::Operator2;
    map[b'"' as usize] = Parser::String;
    map[b'#' as usize] = Parser::Hash;
    map[b'$' as usize] = Parser::Money;
    map[b'%' as usize] = Parser::Operator1;
    map[b'&' as usize] = Parser::Operator2;
    map[b'\'' as usize] = Parser::String;
    map[b'(' as usize] = Parser::Char;
    map[b')' as usize] = Parser::Char;
    map[b'*' as usize] = Parser::Operator2;
    map[b'+' as usize] = Parser::Operator1;
    map[b',' as usize] = Parser::Char;
    map[b'-' as usize] = Parser::Dash;
    map[b'.' as usize] = Parser::Number;
    map[b'/' as usize] = Parser::Slash;
    map[b':' as usize] = Parser::Operator2;
    map[b';' as usize] = Parser::Char;
    map[b'<' as usize] = Parser::Operator2;
    map[b'=' as usize] = Parser::Operator2;
    map[b'>' as usize] = Parser::Operator2;
    map[b'?' as usize] = Parser::Other;
    map[b'@' as usize] = Parser::Var;
    map[b'B' as usize] = Parser::BString;
    map[b'b' as usize] = Parser::BString;
    map[b'E' as usize] = Parser::EString;
    map[b'e' as usize] = Parser::EString;
    map[b'N' as usize] = Parser::NqString;
    map[b'n' as usize] = Parser::NqString;
    map[b'Q' as usize] = Parser::QString;
    map[b'q' as usize] = Parser::QString;
    map[b'U' as usize] = Parser::UString;
    map[b'u' as usize] = Parser::UString;
    map[b'X' as usize] = Parser::XString;
    map[b'x' as usize] = Parser::XString;
    map[b'[' as usize] = Parser::BWord;
    map[b'\\' as usize] = Parser::Backslash;
    map[b']' as usize] = Parser::Other;
    map[b'^' as usize] = Parser::Operator1;
    map[b'`' as usize] = Parser::Tick;
    map[b'{' as usize] = Parser::Char;
    map[b'|' as usize] = Parser::Operator2;
    map[b'}' as usize] = Parser::Char;
    map[b'~' as usize] = Parser::Operator1;
    map
};

/// A 256-entry membership table built from a byte list; NUL is always a member (see the
/// module notes).
const fn byte_set(members: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    set[0] = true;
    let mut i = 0;
    while i < members.len() {
        set[members[i] as usize] = true;
        i += 1;
    }
    set
}

/// Bytes that end a word.
const WORD_END: [bool; 256] = byte_set(b" []{}<>:\\?=@!#~+-*/&|^%(),';\t\n\x0b\x0c\r\"\xa0");
/// [`WORD_CLASS`] bit: the byte ends a word (a member of [`WORD_END`]).
const ENDS_WORD: u8 = 1;
/// [`WORD_CLASS`] bit: the byte may split a word after a known prefix (`.` and `` ` ``).
const SPLITS_WORD: u8 = 2;
/// [`ENDS_WORD`] and [`SPLITS_WORD`] of each byte, for `parse_word`'s single scan.
static WORD_CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if WORD_END[b] {
            class[b] |= ENDS_WORD;
        }
        b += 1;
    }
    class[b'.' as usize] |= SPLITS_WORD;
    class[b'`' as usize] |= SPLITS_WORD;
    class
};
/// Bytes that end a variable name.
static VAR_END: [bool; 256] = byte_set(b" <>:\\?=@!#~+-*/&|^%(),';\t\n\x0b\x0c\r'`\"");
/// `$` amounts.
static MONEY_DIGITS: [bool; 256] = byte_set(b"0123456789.,");
/// `$tag$` names.
static LETTERS: [bool; 256] = byte_set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
/// Hex digits.
static HEX_DIGITS: [bool; 256] = byte_set(b"0123456789ABCDEFabcdef");
/// Binary digits.
static BIN_DIGITS: [bool; 256] = byte_set(b"01");

/// Length of the prefix of `s` made of members of `set` (NUL included).
fn span(s: &[u8], set: &[bool; 256]) -> usize {
    s.iter()
        .position(|&b| !set[usize::from(b)])
        .unwrap_or(s.len())
}

/// Length of the prefix of `s` made of non-members of `set` (NUL is always a member).
fn cspan(s: &[u8], set: &[bool; 256]) -> usize {
    s.iter()
        .position(|&b| set[usize::from(b)])
        .unwrap_or(s.len())
}

/// libinjection's `char_is_white`: space, `\t\n\v\f\r`, 0xA0 and NUL.
pub(crate) fn is_white(ch: u8) -> bool {
    matches!(ch, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0 | 0)
}

/// The position of the two-byte sequence `c0 c1` in `s`.
fn find2(s: &[u8], c0: u8, c1: u8) -> Option<usize> {
    memmem::find(s, &[c0, c1])
}

/// The tokenizing and folding state of one fingerprinting pass.
pub(crate) struct State<'a> {
    /// The input.
    pub s: &'a [u8],
    /// `FLAG_*` bits of this pass.
    pub flags: u8,
    /// Where the next token starts.
    pub pos: usize,
    /// Token slots (five for the fingerprint, plus look-ahead).
    pub tokens: [Token; 8],
    /// The slot the tokenizer writes next.
    pub current: usize,
    /// `--x` comments seen in ANSI mode.
    pub stats_comment_ddx: u32,
    /// `#` seen.
    pub stats_comment_hash: u32,
    /// Tokens produced.
    pub stats_tokens: u32,
}

impl<'a> State<'a> {
    /// A fresh pass over `s` with `flags` (0 means `QUOTE_NONE | SQL_ANSI`).
    pub fn new(s: &'a [u8], flags: u8) -> Self {
        let flags = if flags == 0 {
            FLAG_QUOTE_NONE | FLAG_SQL_ANSI
        } else {
            flags
        };
        Self {
            s,
            flags,
            pos: 0,
            tokens: [Token::default(); 8],
            current: 0,
            stats_comment_ddx: 0,
            stats_comment_hash: 0,
            stats_tokens: 0,
        }
    }

    /// The byte at `i`, or 0 past the end (the C string's terminator).
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    /// The input from `i` on (empty past the end).
    fn from(&self, i: usize) -> &'a [u8] {
        self.s.get(i..).unwrap_or(&[])
    }

    /// The input bytes `[i, i + len)`, clipped to the input.
    fn slice(&self, i: usize, len: usize) -> &'a [u8] {
        let rest = self.from(i);
        &rest[..len.min(rest.len())]
    }

    fn cur(&mut self) -> &mut Token {
        &mut self.tokens[self.current]
    }

    fn assign(&mut self, kind: u8, pos: usize, len: usize) {
        let text = self.slice(pos, len);
        self.cur().assign(kind, pos, text);
    }

    /// Reads the next token into the current slot; false when the input is exhausted.
    pub fn tokenize(&mut self) -> bool {
        if self.s.is_empty() {
            return false;
        }
        let slot = self.current;
        self.tokens[slot] = Token::default();

        if self.pos == 0 && self.flags & (FLAG_QUOTE_SINGLE | FLAG_QUOTE_DOUBLE) != 0 {
            let delim = if self.flags & FLAG_QUOTE_SINGLE != 0 {
                b'\''
            } else {
                b'"'
            };
            self.pos = self.parse_string_core(0, delim, 0);
            self.stats_tokens += 1;
            return true;
        }

        while self.pos < self.s.len() {
            let ch = self.s[self.pos];
            self.pos = self.dispatch(ch);
            if self.tokens[slot].kind != kind::NONE {
                self.stats_tokens += 1;
                return true;
            }
        }
        false
    }

    fn dispatch(&mut self, ch: u8) -> usize {
        match PARSERS[usize::from(ch)] {
            Parser::White => self.pos + 1,
            Parser::Operator1 => self.parse_operator1(),
            Parser::Operator2 => self.parse_operator2(),
            Parser::Other => {
                let pos = self.pos;
                self.cur().assign_char(kind::UNKNOWN, pos, ch);
                pos + 1
            }
            Parser::Char => {
                let pos = self.pos;
                self.cur().assign_char(ch, pos, ch);
                pos + 1
            }
            Parser::Hash => self.parse_hash(),
            Parser::Dash => self.parse_dash(),
            Parser::Slash => self.parse_slash(),
            Parser::Backslash => self.parse_backslash(),
            Parser::String => self.parse_string(),
            Parser::Word => self.parse_word(),
            Parser::Var => self.parse_var(),
            Parser::Number => self.parse_number(),
            Parser::Tick => self.parse_tick(),
            Parser::Money => self.parse_money(),
            Parser::UString => self.parse_ustring(),
            Parser::QString => self.parse_qstring_core(0),
            Parser::NqString => self.parse_nqstring(),
            Parser::XString => self.parse_radix_string(&HEX_DIGITS),
            Parser::BString => self.parse_radix_string(&BIN_DIGITS),
            Parser::EString => self.parse_estring(),
            Parser::BWord => self.parse_bword(),
        }
    }

    fn parse_operator1(&mut self) -> usize {
        let pos = self.pos;
        let ch = self.at(pos);
        self.cur().assign_char(kind::OPERATOR, pos, ch);
        pos + 1
    }

    /// A comment to the end of the line (the newline is consumed, not kept).
    fn parse_eol_comment(&mut self) -> usize {
        let pos = self.pos;
        match memchr(b'\n', self.from(pos)) {
            None => {
                let len = self.s.len() - pos;
                self.assign(kind::COMMENT, pos, len);
                self.s.len()
            }
            Some(off) => {
                self.assign(kind::COMMENT, pos, off);
                pos + off + 1
            }
        }
    }

    /// `#`: an operator in ANSI mode, a comment in MySQL mode.
    fn parse_hash(&mut self) -> usize {
        self.stats_comment_hash += 1;
        if self.flags & FLAG_SQL_MYSQL != 0 {
            self.stats_comment_hash += 1;
            self.parse_eol_comment()
        } else {
            let pos = self.pos;
            self.cur().assign_char(kind::OPERATOR, pos, b'#');
            pos + 1
        }
    }

    /// `-`: `--` + white space or end is a comment; `--x` is one in ANSI mode only.
    fn parse_dash(&mut self) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        let dash2 = self.at(pos + 1) == b'-';
        // `--` + white space, or `--` at the very end.
        let dash_dash_white =
            dash2 && (pos + 2 == slen || (pos + 2 < slen && is_white(self.at(pos + 2))));
        if dash_dash_white {
            self.parse_eol_comment()
        } else if pos + 1 < slen && dash2 && self.flags & FLAG_SQL_ANSI != 0 {
            self.stats_comment_ddx += 1;
            self.parse_eol_comment()
        } else {
            self.cur().assign_char(kind::OPERATOR, pos, b'-');
            pos + 1
        }
    }

    /// `/`: an operator, or a `/* … */` comment (evil when nested or MySQL's `/*!`).
    fn parse_slash(&mut self) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        if pos + 1 == slen || self.at(pos + 1) != b'*' {
            return self.parse_operator1();
        }
        let end = find2(self.from(pos + 2), b'*', b'/').map(|off| pos + 2 + off);
        let clen = match end {
            None => slen - pos,
            Some(star) => star + 2 - pos,
        };
        // A "/*" inside the comment, the pair ending at the closing '*' included.
        let nested = end
            .is_some_and(|star| find2(self.slice(pos + 2, star - pos - 1), b'/', b'*').is_some());
        let ctype = if nested || (pos + 2 < slen && self.at(pos + 2) == b'!') {
            kind::EVIL
        } else {
            kind::COMMENT
        };
        self.assign(ctype, pos, clen);
        pos + clen
    }

    /// `\`: MySQL's `\N` (NULL) is a number, otherwise a backslash token.
    fn parse_backslash(&mut self) -> usize {
        let pos = self.pos;
        if pos + 1 < self.s.len() && self.at(pos + 1) == b'N' {
            self.assign(kind::NUMBER, pos, 2);
            pos + 2
        } else {
            self.cur().assign_char(kind::BACKSLASH, pos, b'\\');
            pos + 1
        }
    }

    /// Two-character operators (`<=`, `||`, `!=`, …), `<=>`, or one character.
    fn parse_operator2(&mut self) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        if pos + 1 >= slen {
            return self.parse_operator1();
        }
        if pos + 2 < slen
            && self.at(pos) == b'<'
            && self.at(pos + 1) == b'='
            && self.at(pos + 2) == b'>'
        {
            self.assign(kind::OPERATOR, pos, 3);
            return pos + 3;
        }
        let ch = lookup(self.slice(pos, 2));
        if ch != 0 {
            self.assign(ch, pos, 2);
            return pos + 2;
        }
        if self.at(pos) == b':' {
            self.assign(kind::COLON, pos, 1);
            pos + 1
        } else {
            self.parse_operator1()
        }
    }

    /// A string that ends at an unescaped `delim` (backslash or doubled), or at the end.
    /// `offset` is how many opening bytes to skip (0 when the quote is only assumed).
    fn parse_string_core(&mut self, pos: usize, delim: u8, offset: usize) -> usize {
        let s = self.s;
        let slen = s.len();
        let start = pos + offset;
        self.cur().str_open = if offset > 0 { delim } else { 0 };
        let mut search = start;
        loop {
            let Some(q) = memchr(delim, self.from(search)).map(|off| search + off) else {
                self.assign(kind::STRING, start, slen.saturating_sub(start));
                self.cur().str_close = 0;
                return slen;
            };
            let backslashes = s[start.min(q)..q]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes & 1 == 1 {
                search = q + 1;
            } else if q + 1 < slen && s[q + 1] == delim {
                search = q + 2;
            } else {
                self.assign(kind::STRING, start, q - start);
                self.cur().str_close = delim;
                return q + 1;
            }
        }
    }

    fn parse_string(&mut self) -> usize {
        let pos = self.pos;
        let delim = self.at(pos);
        self.parse_string_core(pos, delim, 1)
    }

    /// `E'…'` / `N'…'` strings, else a word.
    fn parse_estring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 >= self.s.len() || self.at(pos + 1) != b'\'' {
            return self.parse_word();
        }
        self.parse_string_core(pos, b'\'', 2)
    }

    /// `U&'…'` strings, else a word.
    fn parse_ustring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 < self.s.len() && self.at(pos + 1) == b'&' && self.at(pos + 2) == b'\'' {
            self.pos += 2;
            let next = self.parse_string();
            let tok = self.cur();
            tok.str_open = b'u';
            if tok.str_close == b'\'' {
                tok.str_close = b'u';
            }
            next
        } else {
            self.parse_word()
        }
    }

    /// Oracle's `q'X…X'` strings (`offset` 1 for `nq'…'`), else a word.
    fn parse_qstring_core(&mut self, offset: usize) -> usize {
        let slen = self.s.len();
        let pos = self.pos + offset;
        if pos >= slen
            || !matches!(self.at(pos), b'q' | b'Q')
            || pos + 2 >= slen
            || self.at(pos + 1) != b'\''
        {
            return self.parse_word();
        }
        let ch = self.at(pos + 2);
        // Signed comparison: bytes >= 0x80 are negative, so below 33 too.
        if (ch as i8) < 33 {
            return self.parse_word();
        }
        let close = match ch {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            other => other,
        };
        let body = pos + 3;
        let tok_end = find2(self.from(body), close, b'\'');
        match tok_end {
            None => {
                self.assign(kind::STRING, body, slen - body);
                let tok = self.cur();
                tok.str_open = b'q';
                tok.str_close = 0;
                slen
            }
            Some(off) => {
                self.assign(kind::STRING, body, off);
                let tok = self.cur();
                tok.str_open = b'q';
                tok.str_close = b'q';
                body + off + 2
            }
        }
    }

    /// `N'…'` (MySQL national) or `nq'…'` (Oracle), else a word.
    fn parse_nqstring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 < self.s.len() && self.at(pos + 1) == b'\'' {
            return self.parse_estring();
        }
        self.parse_qstring_core(1)
    }

    /// `x'…'` hex or `b'…'` binary literals (numbers), else a word.
    fn parse_radix_string(&mut self, digits: &[bool; 256]) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        if pos + 2 >= slen || self.at(pos + 1) != b'\'' {
            return self.parse_word();
        }
        let wlen = span(self.from(pos + 2), digits);
        if pos + 2 + wlen >= slen || self.at(pos + 2 + wlen) != b'\'' {
            return self.parse_word();
        }
        self.assign(kind::NUMBER, pos, wlen + 3);
        pos + 2 + wlen + 1
    }

    /// SQL Server's `[bracketed words]`.
    fn parse_bword(&mut self) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        match memchr(b']', self.from(pos)) {
            None => {
                self.assign(kind::BAREWORD, pos, slen - pos);
                slen
            }
            Some(off) => {
                self.assign(kind::BAREWORD, pos, off + 1);
                pos + off + 1
            }
        }
    }

    /// A word: a keyword, function, … from the table, else a bareword. A `.` or `` ` ``
    /// after a known word ends the word there (`SELECT.1`, ``SELECT`col` ``).
    pub(crate) fn parse_word(&mut self) -> usize {
        let pos = self.pos;
        let rest = self.from(pos);
        // One scan finds the word's end, carries the keyword hash of the prefix read so far,
        // and tries the split points (`.` and `` ` `` in the kept text, at most VAL_SIZE - 1
        // bytes) as it meets them, in the same order a second scan over the kept text would:
        // the first prefix the table knows (as neither nothing nor a bareword) makes the token.
        let mut wlen = 0;
        let mut h = HASH_INIT;
        while let Some(&b) = rest.get(wlen) {
            let class = WORD_CLASS[usize::from(b)];
            if class & ENDS_WORD != 0 {
                break;
            }
            if class & SPLITS_WORD != 0 && wlen < super::token::VAL_SIZE - 1 {
                let ch = lookup_hashed(&rest[..wlen], h);
                if ch != kind::NONE && ch != kind::BAREWORD {
                    *self.cur() = Token::default();
                    self.assign(ch, pos, wlen);
                    return pos + wlen;
                }
            }
            h = hash_step(h, b);
            wlen += 1;
        }
        self.assign(kind::BAREWORD, pos, wlen);
        if wlen < super::token::VAL_SIZE {
            let ch = lookup_hashed(&rest[..wlen], h);
            self.cur().kind = if ch == kind::NONE { kind::BAREWORD } else { ch };
        }
        pos + wlen
    }

    /// MySQL's `` `quoted` `` names: a function when the table says so, else a bareword.
    fn parse_tick(&mut self) -> usize {
        let pos = self.pos;
        let next = self.parse_string_core(pos, b'`', 1);
        let tok = &self.tokens[self.current];
        let ch = lookup(tok.text());
        self.cur().kind = if ch == kind::FUNCTION {
            kind::FUNCTION
        } else {
            kind::BAREWORD
        };
        next
    }

    /// `@var`, `@@var`, ``@`var` ``, `@'var'`.
    fn parse_var(&mut self) -> usize {
        let slen = self.s.len();
        let mut pos = self.pos + 1;
        if pos < slen && self.at(pos) == b'@' {
            pos += 1;
        }
        if pos < slen {
            let ch = self.at(pos);
            if ch == b'`' {
                self.pos = pos;
                let next = self.parse_tick();
                self.cur().kind = kind::VARIABLE;
                return next;
            } else if ch == b'\'' || ch == b'"' {
                self.pos = pos;
                let next = self.parse_string();
                self.cur().kind = kind::VARIABLE;
                return next;
            }
        }
        let xlen = cspan(self.from(pos), &VAR_END);
        self.assign(kind::VARIABLE, pos, xlen);
        pos + xlen
    }

    /// `$`: money (`$1,000.00`), PostgreSQL `$$…$$` and `$tag$…$tag$` strings, or a word.
    fn parse_money(&mut self) -> usize {
        let (pos, slen) = (self.pos, self.s.len());
        if pos + 1 == slen {
            self.cur().assign_char(kind::BAREWORD, pos, b'$');
            return slen;
        }
        let xlen = span(self.from(pos + 1), &MONEY_DIGITS);
        if xlen == 0 {
            if self.at(pos + 1) == b'$' {
                let body = pos + 2;
                match find2(self.from(body), b'$', b'$') {
                    None => {
                        self.assign(kind::STRING, body, slen - body);
                        let tok = self.cur();
                        tok.str_open = b'$';
                        tok.str_close = 0;
                        slen
                    }
                    Some(off) => {
                        self.assign(kind::STRING, body, off);
                        let tok = self.cur();
                        tok.str_open = b'$';
                        tok.str_close = b'$';
                        body + off + 2
                    }
                }
            } else {
                let xlen = span(self.from(pos + 1), &LETTERS);
                if xlen == 0 || pos + xlen + 1 == slen || self.at(pos + xlen + 1) != b'$' {
                    self.cur().assign_char(kind::BAREWORD, pos, b'$');
                    return pos + 1;
                }
                // $tag$ … $tag$
                let body = pos + xlen + 2;
                let tag = self.slice(pos, xlen + 2);
                match memmem::find(self.from(body), tag) {
                    None => {
                        self.assign(kind::STRING, body, slen - body);
                        let tok = self.cur();
                        tok.str_open = b'$';
                        tok.str_close = 0;
                        slen
                    }
                    Some(off) => {
                        self.assign(kind::STRING, body, off);
                        let tok = self.cur();
                        tok.str_open = b'$';
                        tok.str_close = b'$';
                        body + off + xlen + 2
                    }
                }
            }
        } else if xlen == 1 && self.at(pos + 1) == b'.' {
            self.parse_word()
        } else {
            self.assign(kind::NUMBER, pos, 1 + xlen);
            pos + 1 + xlen
        }
    }

    /// Numbers: `0x…`, `0b…`, decimals with fraction and exponent, Oracle's `f`/`d` suffix;
    /// a lone `.` is a dot; `1e` without exponent digits is a bareword.
    fn parse_number(&mut self) -> usize {
        let slen = self.s.len();
        let start = self.pos;
        let mut pos = start;
        if self.at(pos) == b'0' && pos + 1 < slen {
            let digits = match self.at(pos + 1) {
                b'X' | b'x' => Some(&HEX_DIGITS),
                b'B' | b'b' => Some(&BIN_DIGITS),
                _ => None,
            };
            if let Some(digits) = digits {
                let xlen = span(self.from(pos + 2), digits);
                if xlen == 0 {
                    self.assign(kind::BAREWORD, pos, 2);
                    return pos + 2;
                }
                self.assign(kind::NUMBER, pos, 2 + xlen);
                return pos + 2 + xlen;
            }
        }
        while pos < slen && self.at(pos).is_ascii_digit() {
            pos += 1;
        }
        if pos < slen && self.at(pos) == b'.' {
            pos += 1;
            while pos < slen && self.at(pos).is_ascii_digit() {
                pos += 1;
            }
            if pos - start == 1 {
                self.cur().assign_char(kind::DOT, start, b'.');
                return pos;
            }
        }
        let mut have_e = false;
        let mut have_exp = false;
        if pos < slen && matches!(self.at(pos), b'E' | b'e') {
            have_e = true;
            pos += 1;
            if pos < slen && matches!(self.at(pos), b'+' | b'-') {
                pos += 1;
            }
            while pos < slen && self.at(pos).is_ascii_digit() {
                have_exp = true;
                pos += 1;
            }
        }
        if pos < slen && matches!(self.at(pos), b'd' | b'D' | b'f' | b'F') {
            if pos + 1 == slen {
                pos += 1;
            } else {
                let next = self.at(pos + 1);
                if is_white(next) || next == b';' || next == b'u' || next == b'U' {
                    pos += 1;
                }
            }
        }
        let kind = if have_e && !have_exp {
            kind::BAREWORD
        } else {
            kind::NUMBER
        };
        self.assign(kind, start, pos - start);
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::super::keywords_data::KEYWORDS;
    use super::*;
    use proptest::prelude::*;

    /// `parse_word` as it was written before the scan carried the hash: find the end, then
    /// try each split point of the kept text with a fresh lookup.
    fn parse_word_two_scans(st: &mut State<'_>) -> usize {
        let pos = st.pos;
        let rest = st.from(pos);
        let wlen = rest
            .iter()
            .position(|&b| WORD_CLASS[usize::from(b)] & ENDS_WORD != 0)
            .unwrap_or(rest.len());
        let word = &rest[..wlen];
        st.assign(kind::BAREWORD, pos, wlen);
        let kept = &word[..wlen.min(super::super::token::VAL_SIZE - 1)];
        for (i, &delim) in kept.iter().enumerate() {
            if delim == b'.' || delim == b'`' {
                let ch = lookup(&kept[..i]);
                if ch != kind::NONE && ch != kind::BAREWORD {
                    *st.cur() = Token::default();
                    st.assign(ch, pos, i);
                    return pos + i;
                }
            }
        }
        if wlen < super::super::token::VAL_SIZE {
            let ch = lookup(word);
            st.cur().kind = if ch == kind::NONE { kind::BAREWORD } else { ch };
        }
        pos + wlen
    }

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        let words: Vec<Vec<u8>> = KEYWORDS
            .iter()
            .filter(|(w, _)| !w.contains(&b' '))
            .map(|(w, _)| w.to_ascii_lowercase())
            .collect();
        prop_oneof![
            3 => proptest::sample::select(words),
            2 => proptest::collection::vec(
                proptest::sample::select(b"aZ_0.`.`x9 (\xa0\x00".to_vec()), 0..6),
            1 => proptest::collection::vec(any::<u8>(), 0..4),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The one-scan `parse_word` leaves the same token and returns the same position as
        /// the two-scan one, for words built from table words, split bytes and any bytes,
        /// long words (past the 31 kept bytes) included.
        #[test]
        fn one_scan_word_equals_two_scans(
            pieces in proptest::collection::vec(piece(), 1..8),
            sep in proptest::sample::select(b".`".to_vec()),
        ) {
            let input = pieces.join(&sep);
            let mut a = State::new(&input, 0);
            let mut b = State::new(&input, 0);
            let end_a = a.parse_word();
            let end_b = parse_word_two_scans(&mut b);
            prop_assert_eq!(end_a, end_b);
            let (ta, tb) = (a.tokens[a.current], b.tokens[b.current]);
            prop_assert_eq!(
                (ta.kind, ta.pos, ta.len, ta.str_open, ta.str_close, ta.val),
                (tb.kind, tb.pos, tb.len, tb.str_open, tb.str_close, tb.val)
            );
        }
    }
}
