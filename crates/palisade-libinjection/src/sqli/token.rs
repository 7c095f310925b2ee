//! SQLi tokens and their types.
//!
//! A token's type is one ASCII character, the same that appears in the fingerprint
//! (`s` string, `1` number, `&` logic operator, ...). Tokens keep at most 31 bytes of
//! their text, as libinjection does; comparisons that libinjection makes on that
//! truncated copy are made on it here too.

/// Token types (the fingerprint characters).
pub(crate) mod kind {
    pub const NONE: u8 = 0;
    pub const KEYWORD: u8 = b'k';
    pub const UNION: u8 = b'U';
    pub const GROUP: u8 = b'B';
    pub const EXPRESSION: u8 = b'E';
    pub const SQLTYPE: u8 = b't';
    pub const FUNCTION: u8 = b'f';
    pub const BAREWORD: u8 = b'n';
    pub const NUMBER: u8 = b'1';
    pub const VARIABLE: u8 = b'v';
    pub const STRING: u8 = b's';
    pub const OPERATOR: u8 = b'o';
    pub const LOGIC_OPERATOR: u8 = b'&';
    pub const COMMENT: u8 = b'c';
    pub const COLLATE: u8 = b'A';
    pub const LEFTPARENS: u8 = b'(';
    pub const RIGHTPARENS: u8 = b')';
    pub const LEFTBRACE: u8 = b'{';
    pub const RIGHTBRACE: u8 = b'}';
    pub const DOT: u8 = b'.';
    pub const COMMA: u8 = b',';
    pub const COLON: u8 = b':';
    pub const SEMICOLON: u8 = b';';
    pub const TSQL: u8 = b'T';
    pub const UNKNOWN: u8 = b'?';
    pub const EVIL: u8 = b'X';
    pub const BACKSLASH: u8 = b'\\';
}

/// How many bytes of text a token keeps, plus one (libinjection's `val[32]`).
pub(crate) const VAL_SIZE: usize = 32;

/// One token: its type, where it starts, its (possibly truncated) text and its quotes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// Where the token starts in the input.
    pub pos: usize,
    /// Length of `val` in use (at most 31).
    pub len: usize,
    /// The token type (see [`kind`]).
    pub kind: u8,
    /// The opening quote of a string, or 0 when the string was not opened by a quote.
    pub str_open: u8,
    /// The closing quote of a string, or 0 when the string ran to the end of the input.
    pub str_close: u8,
    /// The text, zero-filled after `len`.
    pub val: [u8; VAL_SIZE],
}

impl Default for Token {
    fn default() -> Self {
        Self {
            pos: 0,
            len: 0,
            kind: kind::NONE,
            str_open: 0,
            str_close: 0,
            val: [0; VAL_SIZE],
        }
    }
}

impl Token {
    /// Sets type, position and text (truncated to 31 bytes).
    pub fn assign(&mut self, kind: u8, pos: usize, text: &[u8]) {
        let last = text.len().min(VAL_SIZE - 1);
        self.kind = kind;
        self.pos = pos;
        self.len = last;
        self.val[..last].copy_from_slice(&text[..last]);
        self.val[last] = 0;
    }

    /// Sets a one-character token.
    pub fn assign_char(&mut self, kind: u8, pos: usize, ch: u8) {
        self.kind = kind;
        self.pos = pos;
        self.len = 1;
        self.val[0] = ch;
        self.val[1] = 0;
    }

    /// The token's kept text.
    pub fn text(&self) -> &[u8] {
        &self.val[..self.len]
    }

    /// `+ - * / %` as a one-character operator.
    pub fn is_arithmetic_op(&self) -> bool {
        self.kind == kind::OPERATOR
            && self.len == 1
            && matches!(self.val[0], b'*' | b'/' | b'-' | b'+' | b'%')
    }

    /// A unary operator: `+ - ! ~`, `!!` or `NOT`.
    pub fn is_unary_op(&self) -> bool {
        if self.kind != kind::OPERATOR {
            return false;
        }
        match self.len {
            1 => matches!(self.val[0], b'+' | b'-' | b'!' | b'~'),
            2 => self.val[0] == b'!' && self.val[1] == b'!',
            3 => super::keywords::eq_upper(b"NOT", self.text()),
            _ => false,
        }
    }
}
