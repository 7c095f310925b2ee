//! libinjection's HTML5 tokenizer (a simplified WHATWG tokenizer with IE quirks).
//!
//! The C version is a set of state functions that call each other in tail position. Here
//! each state returns [`Step`]: a token, the end, or "continue in state X *now*" — which,
//! like the C tail call, does not change the stored state; only an explicit assignment
//! does. A driver loop runs the steps, so input never controls recursion depth.
//!
//! Quirks kept for agreement: NUL is white space between attributes and ends an
//! attribute name (C `strchr` finds the terminator), but is skipped inside tag names;
//! `h5_skip_white` returns a signed char, so a 0xFF byte reads as end of input there.

use crate::find::find_byte;

/// Token types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenType {
    /// Text between tags.
    DataText,
    /// `<name`.
    TagNameOpen,
    /// `>` ending an opening tag.
    TagNameClose,
    /// `/>`.
    TagNameSelfClose,
    /// `</name>`.
    TagClose,
    /// An attribute name.
    AttrName,
    /// An attribute value.
    AttrValue,
    /// A comment (`<!-- -->`, `<? >`, `<% %>`, bogus).
    TagComment,
    /// `<!DOCTYPE …>`.
    Doctype,
}

/// Where tokenizing starts (libinjection's `html5_flags`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// Ordinary HTML text.
    Data,
    /// Inside a tag, after an unquoted attribute value.
    ValueNoQuote,
    /// Inside a `'`-quoted attribute value.
    ValueSingleQuote,
    /// Inside a `"`-quoted attribute value.
    ValueDoubleQuote,
    /// Inside a `` ` ``-quoted attribute value (IE).
    ValueBackQuote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Eof,
    Data,
    TagOpen,
    EndTagOpen,
    TagNameClose,
    TagName,
    BeforeAttributeName,
    AttributeName,
    AfterAttributeName,
    BeforeAttributeValue,
    ValueQuote(u8),
    ValueNoQuote,
    AfterValueQuoted,
    SelfClosingStartTag,
    BogusComment,
    BogusComment2,
    MarkupDeclarationOpen,
    Comment,
    Cdata,
    Doctype,
}

enum Step {
    Token,
    End,
    Goto(St),
}

/// `h5_skip_white`'s end-of-input value; a 0xFF byte (signed -1) reads the same.
const EOF: i32 = -1;

/// The HTML5 tokenizer over one input.
pub(crate) struct Html5<'a> {
    s: &'a [u8],
    pos: usize,
    is_close: bool,
    state: St,
    /// Start of the current token.
    pub token_start: usize,
    /// Length of the current token.
    pub token_len: usize,
    /// Type of the current token.
    pub token_type: TokenType,
}

/// `h5_is_white`: `strchr(" \t\n\v\f\r", ch)`, which also finds NUL.
fn is_white(ch: u8) -> bool {
    matches!(ch, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0)
}

impl<'a> Html5<'a> {
    /// A tokenizer over `s` starting in `start`.
    pub fn new(s: &'a [u8], start: Start) -> Self {
        let state = match start {
            Start::Data => St::Data,
            Start::ValueNoQuote => St::BeforeAttributeName,
            Start::ValueSingleQuote => St::ValueQuote(b'\''),
            Start::ValueDoubleQuote => St::ValueQuote(b'"'),
            Start::ValueBackQuote => St::ValueQuote(b'`'),
        };
        Self {
            s,
            pos: 0,
            is_close: false,
            state,
            token_start: 0,
            token_len: 0,
            token_type: TokenType::DataText,
        }
    }

    /// The current token's bytes.
    pub fn token(&self) -> &'a [u8] {
        let rest = self.s.get(self.token_start..).unwrap_or(&[]);
        &rest[..self.token_len.min(rest.len())]
    }

    /// The input from the current token's start to the end (for look-ahead past a token,
    /// which the C code does).
    pub fn rest_at_token(&self) -> &'a [u8] {
        self.s.get(self.token_start..).unwrap_or(&[])
    }

    /// Advances to the next token; false at the end.
    pub fn next_token(&mut self) -> bool {
        let mut st = self.state;
        loop {
            match self.step(st) {
                Step::Token => return true,
                Step::End => return false,
                Step::Goto(next) => st = next,
            }
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn len(&self) -> usize {
        self.s.len()
    }

    fn emit(&mut self, ty: TokenType, start: usize, len: usize) -> Step {
        self.token_type = ty;
        self.token_start = start;
        self.token_len = len;
        Step::Token
    }

    fn skip_white(&mut self) -> i32 {
        while self.pos < self.len() {
            let ch = self.at(self.pos);
            match ch {
                0x00 | 0x20 | 0x09 | 0x0a | 0x0b | 0x0c | 0x0d => self.pos += 1,
                _ => return i32::from(ch as i8),
            }
        }
        EOF
    }

    fn step(&mut self, st: St) -> Step {
        match st {
            St::Eof => Step::End,
            St::Data => self.data(),
            St::TagOpen => self.tag_open(),
            St::EndTagOpen => self.end_tag_open(),
            St::TagNameClose => self.tag_name_close(),
            St::TagName => self.tag_name(),
            St::BeforeAttributeName => self.before_attribute_name(),
            St::AttributeName => self.attribute_name(),
            St::AfterAttributeName => self.after_attribute_name(),
            St::BeforeAttributeValue => self.before_attribute_value(),
            St::ValueQuote(q) => self.value_quote(q),
            St::ValueNoQuote => self.value_no_quote(),
            St::AfterValueQuoted => self.after_value_quoted(),
            St::SelfClosingStartTag => self.self_closing_start_tag(),
            St::BogusComment => self.bogus_comment(),
            St::BogusComment2 => self.bogus_comment2(),
            St::MarkupDeclarationOpen => self.markup_declaration_open(),
            St::Comment => self.comment(),
            St::Cdata => self.cdata(),
            St::Doctype => self.doctype(),
        }
    }

    fn data(&mut self) -> Step {
        let pos = self.pos;
        match find_byte(b'<', self.s.get(pos..).unwrap_or(&[])) {
            None => {
                let len = self.len().saturating_sub(pos);
                self.state = St::Eof;
                if len == 0 {
                    return Step::End;
                }
                self.emit(TokenType::DataText, pos, len)
            }
            Some(off) => {
                self.pos = pos + off + 1;
                self.state = St::TagOpen;
                if off == 0 {
                    self.token_type = TokenType::DataText;
                    self.token_start = pos;
                    self.token_len = 0;
                    return Step::Goto(St::TagOpen);
                }
                self.emit(TokenType::DataText, pos, off)
            }
        }
    }

    fn tag_open(&mut self) -> Step {
        if self.pos >= self.len() {
            return Step::End;
        }
        let ch = self.at(self.pos);
        match ch {
            b'!' => {
                self.pos += 1;
                Step::Goto(St::MarkupDeclarationOpen)
            }
            b'/' => {
                self.pos += 1;
                self.is_close = true;
                Step::Goto(St::EndTagOpen)
            }
            b'?' => {
                self.pos += 1;
                Step::Goto(St::BogusComment)
            }
            b'%' => {
                self.pos += 1;
                Step::Goto(St::BogusComment2)
            }
            b'a'..=b'z' | b'A'..=b'Z' | 0 => Step::Goto(St::TagName),
            _ => {
                if self.pos == 0 {
                    return Step::Goto(St::Data);
                }
                self.state = St::Data;
                self.emit(TokenType::DataText, self.pos - 1, 1)
            }
        }
    }

    fn end_tag_open(&mut self) -> Step {
        if self.pos >= self.len() {
            return Step::End;
        }
        match self.at(self.pos) {
            b'>' => Step::Goto(St::Data),
            b'a'..=b'z' | b'A'..=b'Z' => Step::Goto(St::TagName),
            _ => {
                self.is_close = false;
                Step::Goto(St::BogusComment)
            }
        }
    }

    fn tag_name_close(&mut self) -> Step {
        self.is_close = false;
        let at = self.pos;
        self.pos += 1;
        self.state = if self.pos < self.len() {
            St::Data
        } else {
            St::Eof
        };
        self.emit(TokenType::TagNameClose, at, 1)
    }

    fn tag_name(&mut self) -> Step {
        let start = self.pos;
        let mut pos = start;
        while pos < self.len() {
            let ch = self.at(pos);
            if ch == 0 {
                pos += 1;
            } else if is_white(ch) {
                self.pos = pos + 1;
                self.state = St::BeforeAttributeName;
                return self.emit(TokenType::TagNameOpen, start, pos - start);
            } else if ch == b'/' {
                self.pos = pos + 1;
                self.state = St::SelfClosingStartTag;
                return self.emit(TokenType::TagNameOpen, start, pos - start);
            } else if ch == b'>' {
                if self.is_close {
                    self.pos = pos + 1;
                    self.is_close = false;
                    self.state = St::Data;
                    return self.emit(TokenType::TagClose, start, pos - start);
                }
                self.pos = pos;
                self.state = St::TagNameClose;
                return self.emit(TokenType::TagNameOpen, start, pos - start);
            } else {
                pos += 1;
            }
        }
        self.state = St::Eof;
        self.emit(TokenType::TagNameOpen, start, self.len() - start)
    }

    fn before_attribute_name(&mut self) -> Step {
        match self.skip_white() {
            EOF => Step::End,
            c if c == i32::from(b'/') => {
                self.pos += 1;
                Step::Goto(St::SelfClosingStartTag)
            }
            c if c == i32::from(b'>') => {
                self.state = St::Data;
                let at = self.pos;
                self.pos += 1;
                self.emit(TokenType::TagNameClose, at, 1)
            }
            _ => Step::Goto(St::AttributeName),
        }
    }

    fn attribute_name(&mut self) -> Step {
        let start = self.pos;
        let mut pos = start + 1;
        while pos < self.len() {
            let ch = self.at(pos);
            let (next_state, next_pos) = if is_white(ch) {
                (St::AfterAttributeName, pos + 1)
            } else if ch == b'/' {
                (St::SelfClosingStartTag, pos + 1)
            } else if ch == b'=' {
                (St::BeforeAttributeValue, pos + 1)
            } else if ch == b'>' {
                (St::TagNameClose, pos)
            } else {
                pos += 1;
                continue;
            };
            self.state = next_state;
            self.pos = next_pos;
            return self.emit(TokenType::AttrName, start, pos - start);
        }
        self.state = St::Eof;
        self.pos = self.len();
        self.emit(TokenType::AttrName, start, self.len().saturating_sub(start))
    }

    fn after_attribute_name(&mut self) -> Step {
        match self.skip_white() {
            EOF => Step::End,
            c if c == i32::from(b'/') => {
                self.pos += 1;
                Step::Goto(St::SelfClosingStartTag)
            }
            c if c == i32::from(b'=') => {
                self.pos += 1;
                Step::Goto(St::BeforeAttributeValue)
            }
            c if c == i32::from(b'>') => Step::Goto(St::TagNameClose),
            _ => Step::Goto(St::AttributeName),
        }
    }

    fn before_attribute_value(&mut self) -> Step {
        match self.skip_white() {
            EOF => {
                self.state = St::Eof;
                Step::End
            }
            c if c == i32::from(b'"') => Step::Goto(St::ValueQuote(b'"')),
            c if c == i32::from(b'\'') => Step::Goto(St::ValueQuote(b'\'')),
            c if c == i32::from(b'`') => Step::Goto(St::ValueQuote(b'`')),
            _ => Step::Goto(St::ValueNoQuote),
        }
    }

    fn value_quote(&mut self, quote: u8) -> Step {
        // Skip the opening quote, except when the input starts inside the value.
        if self.pos > 0 {
            self.pos += 1;
        }
        let start = self.pos;
        match find_byte(quote, self.s.get(start..).unwrap_or(&[])) {
            None => {
                self.state = St::Eof;
                self.emit(
                    TokenType::AttrValue,
                    start,
                    self.len().saturating_sub(start),
                )
            }
            Some(off) => {
                self.state = St::AfterValueQuoted;
                self.pos = start + off + 1;
                self.emit(TokenType::AttrValue, start, off)
            }
        }
    }

    fn value_no_quote(&mut self) -> Step {
        let start = self.pos;
        let mut pos = start;
        while pos < self.len() {
            let ch = self.at(pos);
            if is_white(ch) {
                self.pos = pos + 1;
                self.state = St::BeforeAttributeName;
                return self.emit(TokenType::AttrValue, start, pos - start);
            } else if ch == b'>' {
                self.pos = pos;
                self.state = St::TagNameClose;
                return self.emit(TokenType::AttrValue, start, pos - start);
            }
            pos += 1;
        }
        self.state = St::Eof;
        self.emit(
            TokenType::AttrValue,
            start,
            self.len().saturating_sub(start),
        )
    }

    fn after_value_quoted(&mut self) -> Step {
        if self.pos >= self.len() {
            return Step::End;
        }
        let ch = self.at(self.pos);
        if is_white(ch) {
            self.pos += 1;
            Step::Goto(St::BeforeAttributeName)
        } else if ch == b'/' {
            self.pos += 1;
            Step::Goto(St::SelfClosingStartTag)
        } else if ch == b'>' {
            let at = self.pos;
            self.pos += 1;
            self.state = St::Data;
            self.emit(TokenType::TagNameClose, at, 1)
        } else {
            Step::Goto(St::BeforeAttributeName)
        }
    }

    fn self_closing_start_tag(&mut self) -> Step {
        if self.pos >= self.len() {
            return Step::End;
        }
        if self.at(self.pos) == b'>' {
            let at = self.pos.saturating_sub(1);
            self.state = St::Data;
            self.pos += 1;
            self.emit(TokenType::TagNameSelfClose, at, 2)
        } else {
            Step::Goto(St::BeforeAttributeName)
        }
    }

    fn bogus_comment(&mut self) -> Step {
        let start = self.pos;
        match find_byte(b'>', self.s.get(start..).unwrap_or(&[])) {
            None => {
                self.pos = self.len();
                self.state = St::Eof;
                self.emit(
                    TokenType::TagComment,
                    start,
                    self.len().saturating_sub(start),
                )
            }
            Some(off) => {
                self.pos = start + off + 1;
                self.state = St::Data;
                self.emit(TokenType::TagComment, start, off)
            }
        }
    }

    /// `<% … %>` (IE ≤ 9, old Safari).
    fn bogus_comment2(&mut self) -> Step {
        let start = self.pos;
        let mut pos = start;
        loop {
            let idx = find_byte(b'%', self.s.get(pos..).unwrap_or(&[])).map(|off| pos + off);
            match idx {
                Some(i) if i + 1 < self.len() => {
                    if self.at(i + 1) != b'>' {
                        pos = i + 1;
                        continue;
                    }
                    self.pos = i + 2;
                    self.state = St::Data;
                    return self.emit(TokenType::TagComment, start, i - start);
                }
                _ => {
                    self.pos = self.len();
                    self.state = St::Eof;
                    return self.emit(
                        TokenType::TagComment,
                        start,
                        self.len().saturating_sub(start),
                    );
                }
            }
        }
    }

    fn markup_declaration_open(&mut self) -> Step {
        let rest = self.s.get(self.pos..).unwrap_or(&[]);
        if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"DOCTYPE") {
            Step::Goto(St::Doctype)
        } else if rest.len() >= 7 && &rest[..7] == b"[CDATA[" {
            self.pos += 7;
            Step::Goto(St::Cdata)
        } else if rest.len() >= 2 && &rest[..2] == b"--" {
            self.pos += 2;
            Step::Goto(St::Comment)
        } else {
            Step::Goto(St::BogusComment)
        }
    }

    /// Comments end at EOF, `-->` or `-!>` (NULs between the first two are skipped).
    fn comment(&mut self) -> Step {
        let start = self.pos;
        let len = self.len();
        let mut pos = start;
        loop {
            let idx = find_byte(b'-', self.s.get(pos..).unwrap_or(&[])).map(|off| pos + off);
            let Some(idx) = idx.filter(|&i| i + 3 <= len) else {
                self.state = St::Eof;
                return self.emit(TokenType::TagComment, start, len.saturating_sub(start));
            };
            let mut offset = 1;
            while idx + offset < len && self.at(idx + offset) == 0 {
                offset += 1;
            }
            if idx + offset == len {
                self.state = St::Eof;
                return self.emit(TokenType::TagComment, start, len - start);
            }
            let ch = self.at(idx + offset);
            if ch != b'-' && ch != b'!' {
                pos = idx + 1;
                continue;
            }
            offset += 1;
            if idx + offset == len {
                self.state = St::Eof;
                return self.emit(TokenType::TagComment, start, len - start);
            }
            if self.at(idx + offset) != b'>' {
                pos = idx + 1;
                continue;
            }
            offset += 1;
            self.pos = idx + offset;
            self.state = St::Data;
            return self.emit(TokenType::TagComment, start, idx - start);
        }
    }

    fn cdata(&mut self) -> Step {
        let start = self.pos;
        let len = self.len();
        let mut pos = start;
        loop {
            let idx = find_byte(b']', self.s.get(pos..).unwrap_or(&[])).map(|off| pos + off);
            match idx {
                Some(i) if i + 3 <= len => {
                    if self.at(i + 1) == b']' && self.at(i + 2) == b'>' {
                        self.state = St::Data;
                        self.pos = i + 3;
                        return self.emit(TokenType::DataText, start, i - start);
                    }
                    pos = i + 1;
                }
                _ => {
                    self.state = St::Eof;
                    return self.emit(TokenType::DataText, start, len.saturating_sub(start));
                }
            }
        }
    }

    fn doctype(&mut self) -> Step {
        let start = self.pos;
        match find_byte(b'>', self.s.get(start..).unwrap_or(&[])) {
            None => {
                self.state = St::Eof;
                self.emit(TokenType::Doctype, start, self.len().saturating_sub(start))
            }
            Some(off) => {
                self.state = St::Data;
                self.pos = start + off + 1;
                self.emit(TokenType::Doctype, start, off)
            }
        }
    }
}
