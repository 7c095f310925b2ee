//! The JSON body processor: a JSON body into arguments named as ModSecurity v3 names them, with
//! v3's errors, byte for byte.
//!
//! v3 drives yajl 2.1 (strings validated as UTF-8, no comments, no trailing garbage, no partial
//! values) and builds names in `RequestBodyProcessor::JSON::addArgument`:
//!
//! - the top-level container is named `json`; an object member adds `.key`; an array element
//!   adds `.array_N` (N counts the array's elements from 0), so `{"a":[1,{"b":2}]}` gives
//!   `json.a.array_0 = 1` and `json.a.array_1.b = 2`; `[[1]]` gives `json.array_0.array_0`;
//! - a top-level scalar is the argument `json`; an empty key is `empty-key`;
//! - strings are unescaped (`\uXXXX` as UTF-8, surrogate pairs joined, a lone high surrogate
//!   becomes `?` as Debian's patched yajl does); numbers keep their text; `true`/`false` are
//!   `true`/`false`; `null` is the empty string; empty arrays and objects add nothing;
//! - arguments found before an error are kept (v3 adds them as yajl calls back).
//!
//! Errors are yajl's messages ([`JsonError::message`]); REQBODY_ERROR_MSG is
//! `JSON parsing error: ` + message ([`JsonError::reqbody_error_msg`]). Exceeding
//! `SecRequestBodyJsonDepthLimit` cancels the parse and appends `. Parsing depth limit exceeded`.
//! A sink refusing an argument (`SecArgumentsLimit`) cancels the parse the same way. An empty
//! body is no error (v3 only reports errors for a non-empty body).
//!
//! The parser is a loop over an explicit state stack (never recursion), whose depth is bounded
//! by the depth limit. Names are built in one reused buffer; string values without escapes are
//! passed straight from the body: no allocation per value.

use core::fmt;
use core::ops::ControlFlow;

use crate::ArgSink;

/// What went wrong, as yajl (and v3 around it) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// A lexical error (`lexical error: …`).
    Lexical(LexError),
    /// A grammar error (`parse error: …`).
    Parse(ParseError),
    /// The nesting went deeper than `SecRequestBodyJsonDepthLimit`.
    DepthLimitExceeded,
    /// The sink refused an argument (`SecArgumentsLimit`).
    ArgumentsLimit,
}

/// yajl's lexical errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexError {
    /// `invalid bytes in UTF8 string.`
    InvalidUtf8,
    /// `inside a string, '\' occurs before a character which it may not.`
    InvalidEscapedChar,
    /// `invalid character inside string.`
    InvalidJsonChar,
    /// `invalid (non-hex) character occurs after '\u' inside string.`
    InvalidHexChar,
    /// `invalid char in json text.`
    InvalidChar,
    /// `invalid string in json text.`
    InvalidString,
    /// `malformed number, a digit is required after the exponent.`
    MissingIntegerAfterExponent,
    /// `malformed number, a digit is required after the decimal point.`
    MissingIntegerAfterDecimal,
    /// `malformed number, a digit is required after the minus sign.`
    MissingIntegerAfterMinus,
    /// `probable comment found in input text, comments are not enabled.`
    UnallowedComment,
}

/// yajl's grammar errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// `premature EOF`
    PrematureEof,
    /// `trailing garbage`
    TrailingGarbage,
    /// `unallowed token at this point in JSON text`
    UnallowedToken,
    /// `invalid object key (must be a string)`
    InvalidObjectKey,
    /// `object key and value must be separated by a colon (':')`
    MissingColon,
    /// `after key and value, inside map, I expect ',' or '}'`
    AfterMapValue,
    /// `after array element, I expect ',' or ']'`
    AfterArrayElement,
}

impl LexError {
    /// yajl's text for this error.
    pub fn text(self) -> &'static str {
        match self {
            LexError::InvalidUtf8 => "invalid bytes in UTF8 string.",
            LexError::InvalidEscapedChar => {
                "inside a string, '\\' occurs before a character which it may not."
            }
            LexError::InvalidJsonChar => "invalid character inside string.",
            LexError::InvalidHexChar => {
                "invalid (non-hex) character occurs after '\\u' inside string."
            }
            LexError::InvalidChar => "invalid char in json text.",
            LexError::InvalidString => "invalid string in json text.",
            LexError::MissingIntegerAfterExponent => {
                "malformed number, a digit is required after the exponent."
            }
            LexError::MissingIntegerAfterDecimal => {
                "malformed number, a digit is required after the decimal point."
            }
            LexError::MissingIntegerAfterMinus => {
                "malformed number, a digit is required after the minus sign."
            }
            LexError::UnallowedComment => {
                "probable comment found in input text, comments are not enabled."
            }
        }
    }
}

impl ParseError {
    /// yajl's text for this error.
    pub fn text(self) -> &'static str {
        match self {
            ParseError::PrematureEof => "premature EOF",
            ParseError::TrailingGarbage => "trailing garbage",
            ParseError::UnallowedToken => "unallowed token at this point in JSON text",
            ParseError::InvalidObjectKey => "invalid object key (must be a string)",
            ParseError::MissingColon => "object key and value must be separated by a colon (':')",
            ParseError::AfterMapValue => "after key and value, inside map, I expect ',' or '}'",
            ParseError::AfterArrayElement => "after array element, I expect ',' or ']'",
        }
    }
}

const CANCELLED: &str = "client cancelled parse via callback return value";

impl JsonError {
    /// The error as v3's JSON processor reports it (yajl's non-verbose message, with its
    /// trailing newline, plus v3's depth-limit suffix).
    pub fn message(self) -> String {
        match self {
            JsonError::Lexical(e) => format!("lexical error: {}\n", e.text()),
            JsonError::Parse(e) => format!("parse error: {}\n", e.text()),
            JsonError::DepthLimitExceeded => {
                format!("parse error: {CANCELLED}\n. Parsing depth limit exceeded")
            }
            JsonError::ArgumentsLimit => format!("parse error: {CANCELLED}\n"),
        }
    }

    /// REQBODY_ERROR_MSG / REQBODY_PROCESSOR_ERROR_MSG: `JSON parsing error: ` + [`message`].
    ///
    /// [`message`]: JsonError::message
    pub fn reqbody_error_msg(self) -> String {
        format!("JSON parsing error: {}", self.message())
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for JsonError {}

/// Parses a JSON body, sending every argument to `sink`. `depth_limit` is
/// `SecRequestBodyJsonDepthLimit` (see [`crate::BodyConfig::json_depth`]). Returns the number of
/// arguments accepted, or the error that ended parsing (arguments before it were already sent).
pub fn parse<S: ArgSink + ?Sized>(
    body: &[u8],
    depth_limit: u32,
    sink: &mut S,
) -> Result<usize, JsonError> {
    if body.is_empty() {
        return Ok(0);
    }
    let mut p = Parser {
        text: body,
        pos: 0,
        states: vec![State::Start],
        names: Names::default(),
        decoded: Vec::new(),
        depth: 0,
        depth_limit,
        args: 0,
    };
    p.run(sink)?;
    Ok(p.args)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    ParseComplete,
    MapStart,
    MapNeedKey,
    MapSep,
    MapNeedVal,
    MapGotVal,
    ArrayStart,
    ArrayNeedVal,
    ArrayGotVal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Eof,
    LeftBrace,    // {
    RightBrace,   // }
    LeftBracket,  // [
    RightBracket, // ]
    Comma,
    Colon,
    True,
    False,
    Null,
    /// A string; the range excludes the quotes; `escaped` when it holds a backslash.
    Str {
        start: usize,
        end: usize,
        escaped: bool,
    },
    Number {
        start: usize,
        end: usize,
    },
}

/// One open array or object: its name (a range of `Names::buf`) and, for arrays, the count of
/// elements seen.
#[derive(Debug, Clone, Copy)]
struct Container {
    name_start: usize,
    name_end: usize,
    array: Option<usize>,
    /// Where this container's rendered segment starts in `Names::prefix` once it is no longer
    /// the innermost container.
    prefix_start: usize,
}

/// The naming state of v3's `JSON` class: the container stack and the current key.
#[derive(Debug, Default)]
struct Names {
    containers: Vec<Container>,
    /// Names of the open containers, back to back.
    buf: Vec<u8>,
    /// The rendered path of every container but the innermost (their counters cannot change
    /// while a child is open).
    prefix: Vec<u8>,
    /// v3's `m_current_key`.
    key: Vec<u8>,
    /// Scratch for the full argument name.
    full: Vec<u8>,
}

impl Names {
    /// v3's `getCurrentKey()`, appended to `out`.
    fn take_current_key(&mut self, out: &mut Vec<u8>) {
        if self.containers.is_empty() {
            out.extend_from_slice(b"json");
            return;
        }
        if self.key.is_empty() {
            if self.containers.last().is_some_and(|c| c.array.is_some()) {
                return;
            }
            out.extend_from_slice(b"empty-key");
            return;
        }
        out.extend_from_slice(&self.key);
        self.key.clear();
    }

    fn render(buf: &[u8], c: &Container, out: &mut Vec<u8>) {
        out.extend_from_slice(&buf[c.name_start..c.name_end]);
        match c.array {
            Some(n) => {
                out.extend_from_slice(b".array_");
                push_decimal(out, n);
            }
            None => out.push(b'.'),
        }
    }

    fn push_container(&mut self, array: bool) {
        // The current innermost container stops being innermost: freeze its segment.
        if let Some(last) = self.containers.last() {
            Self::render(&self.buf, last, &mut self.prefix);
        }
        let name_start = self.buf.len();
        let mut name = core::mem::take(&mut self.buf);
        self.take_current_key(&mut name);
        self.buf = name;
        let name_end = self.buf.len();
        let prefix_start = self.prefix.len();
        self.containers.push(Container {
            name_start,
            name_end,
            array: array.then_some(0),
            prefix_start,
        });
    }

    fn pop_container(&mut self) {
        if let Some(c) = self.containers.pop() {
            self.buf.truncate(c.name_start);
        }
        if let Some(last) = self.containers.last_mut() {
            if let Some(n) = last.array.as_mut() {
                *n += 1;
            }
            let start = last.prefix_start;
            self.prefix.truncate(start);
        }
    }

    /// v3's `addArgument` name: the rendered path, then the key (or nothing in an array).
    fn build_arg_name(&mut self) {
        let mut full = core::mem::take(&mut self.full);
        full.clear();
        full.extend_from_slice(&self.prefix);
        if let Some(last) = self.containers.last() {
            Self::render(&self.buf, last, &mut full);
        }
        let in_array = match self.containers.last_mut() {
            Some(c) => match c.array.as_mut() {
                Some(n) => {
                    *n += 1;
                    true
                }
                None => false,
            },
            None => false,
        };
        if !in_array {
            self.take_current_key(&mut full);
        }
        self.full = full;
    }
}

fn push_decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

struct Parser<'a> {
    /// The body; the lexer reads one virtual space after it, as yajl's `complete` feeds one.
    text: &'a [u8],
    pos: usize,
    states: Vec<State>,
    names: Names,
    decoded: Vec<u8>,
    depth: u64,
    depth_limit: u32,
    args: usize,
}

enum Value<'t> {
    Bytes(&'t [u8]),
    Decoded,
}

impl<'a> Parser<'a> {
    #[inline]
    fn end(&self) -> usize {
        self.text.len() + 1
    }

    #[inline]
    fn byte(&self, i: usize) -> u8 {
        match self.text.get(i) {
            Some(&b) => b,
            None => b' ',
        }
    }

    fn set_state(&mut self, s: State) {
        if let Some(top) = self.states.last_mut() {
            *top = s;
        }
    }

    fn run<S: ArgSink + ?Sized>(&mut self, sink: &mut S) -> Result<(), JsonError> {
        loop {
            let state = match self.states.last() {
                Some(&s) => s,
                None => State::ParseComplete,
            };
            match state {
                State::ParseComplete => {
                    if self.pos >= self.end() {
                        return Ok(());
                    }
                    // Anything but the end, a lexical error included, is trailing garbage.
                    match self.lex() {
                        Ok(Tok::Eof) => return Ok(()),
                        _ => return Err(JsonError::Parse(ParseError::TrailingGarbage)),
                    }
                }
                State::Start | State::MapNeedVal | State::ArrayNeedVal | State::ArrayStart => {
                    let tok = self.lex()?;
                    let mut push = None;
                    match tok {
                        Tok::Eof => return self.finish(),
                        Tok::Str {
                            start,
                            end,
                            escaped,
                        } => {
                            let v = self.string_value(start, end, escaped);
                            self.add_argument(sink, v)?;
                        }
                        Tok::True => self.add_argument(sink, Value::Bytes(b"true"))?,
                        Tok::False => self.add_argument(sink, Value::Bytes(b"false"))?,
                        Tok::Null => self.add_argument(sink, Value::Bytes(b""))?,
                        Tok::Number { start, end } => {
                            let text = self.text;
                            self.add_argument(sink, Value::Bytes(&text[start..end]))?;
                        }
                        Tok::LeftBrace => {
                            self.start_container(false)?;
                            push = Some(State::MapStart);
                        }
                        Tok::LeftBracket => {
                            self.start_container(true)?;
                            push = Some(State::ArrayStart);
                        }
                        Tok::RightBracket if state == State::ArrayStart => {
                            self.end_container();
                            continue;
                        }
                        Tok::RightBracket | Tok::Colon | Tok::Comma | Tok::RightBrace => {
                            return Err(JsonError::Parse(ParseError::UnallowedToken));
                        }
                    }
                    let next = match state {
                        State::Start => State::ParseComplete,
                        State::MapNeedVal => State::MapGotVal,
                        _ => State::ArrayGotVal,
                    };
                    self.set_state(next);
                    if let Some(s) = push {
                        self.states.push(s);
                    }
                }
                State::MapStart | State::MapNeedKey => match self.lex()? {
                    Tok::Eof => return self.finish(),
                    Tok::Str {
                        start,
                        end,
                        escaped,
                    } => {
                        self.names.key.clear();
                        if escaped {
                            let mut key = core::mem::take(&mut self.names.key);
                            decode_string(&self.text[start..end], &mut key);
                            self.names.key = key;
                        } else {
                            self.names.key.extend_from_slice(&self.text[start..end]);
                        }
                        self.set_state(State::MapSep);
                    }
                    Tok::RightBrace if state == State::MapStart => self.end_container(),
                    _ => return Err(JsonError::Parse(ParseError::InvalidObjectKey)),
                },
                State::MapSep => match self.lex()? {
                    Tok::Colon => self.set_state(State::MapNeedVal),
                    Tok::Eof => return self.finish(),
                    _ => return Err(JsonError::Parse(ParseError::MissingColon)),
                },
                State::MapGotVal => match self.lex()? {
                    Tok::RightBrace => self.end_container(),
                    Tok::Comma => self.set_state(State::MapNeedKey),
                    Tok::Eof => return self.finish(),
                    _ => return Err(JsonError::Parse(ParseError::AfterMapValue)),
                },
                State::ArrayGotVal => match self.lex()? {
                    Tok::RightBracket => self.end_container(),
                    Tok::Comma => self.set_state(State::ArrayNeedVal),
                    Tok::Eof => return self.finish(),
                    _ => return Err(JsonError::Parse(ParseError::AfterArrayElement)),
                },
            }
        }
    }

    /// End of input in a state that still needs more: yajl's `premature EOF` (partial values
    /// are not allowed in v3).
    fn finish(&self) -> Result<(), JsonError> {
        match self.states.last() {
            Some(State::ParseComplete) | None => Ok(()),
            _ => Err(JsonError::Parse(ParseError::PrematureEof)),
        }
    }

    fn end_container(&mut self) {
        self.names.pop_container();
        self.depth = self.depth.saturating_sub(1);
        self.states.pop();
    }

    fn start_container(&mut self, array: bool) -> Result<(), JsonError> {
        self.names.push_container(array);
        self.depth += 1;
        if self.depth > u64::from(self.depth_limit) {
            return Err(JsonError::DepthLimitExceeded);
        }
        Ok(())
    }

    fn string_value(&mut self, start: usize, end: usize, escaped: bool) -> Value<'a> {
        let text = self.text;
        if escaped {
            decode_string(&text[start..end], &mut self.decoded);
            Value::Decoded
        } else {
            Value::Bytes(&text[start..end])
        }
    }

    fn add_argument<S: ArgSink + ?Sized>(
        &mut self,
        sink: &mut S,
        value: Value<'_>,
    ) -> Result<(), JsonError> {
        self.names.build_arg_name();
        let v: &[u8] = match value {
            Value::Bytes(b) => b,
            Value::Decoded => &self.decoded,
        };
        match sink.arg(&self.names.full, v) {
            ControlFlow::Continue(()) => {
                self.args += 1;
                Ok(())
            }
            ControlFlow::Break(()) => Err(JsonError::ArgumentsLimit),
        }
    }

    // ---- the lexer (yajl_lex.c) ----

    fn lex(&mut self) -> Result<Tok, JsonError> {
        let end = self.end();
        loop {
            if self.pos >= end {
                return Ok(Tok::Eof);
            }
            let c = self.byte(self.pos);
            self.pos += 1;
            let tok = match c {
                b'{' => Tok::LeftBrace,
                b'}' => Tok::RightBrace,
                b'[' => Tok::LeftBracket,
                b']' => Tok::RightBracket,
                b',' => Tok::Comma,
                b':' => Tok::Colon,
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => continue,
                b't' => return self.lex_literal(b"rue", Tok::True),
                b'f' => return self.lex_literal(b"alse", Tok::False),
                b'n' => return self.lex_literal(b"ull", Tok::Null),
                b'"' => return self.lex_string(),
                b'-' | b'0'..=b'9' => {
                    self.pos -= 1;
                    return self.lex_number();
                }
                b'/' => return Err(JsonError::Lexical(LexError::UnallowedComment)),
                _ => return Err(JsonError::Lexical(LexError::InvalidChar)),
            };
            return Ok(tok);
        }
    }

    fn lex_literal(&mut self, want: &[u8], tok: Tok) -> Result<Tok, JsonError> {
        for &w in want {
            if self.pos >= self.end() {
                return Ok(Tok::Eof);
            }
            let c = self.byte(self.pos);
            self.pos += 1;
            if c != w {
                return Err(JsonError::Lexical(LexError::InvalidString));
            }
        }
        Ok(tok)
    }

    fn lex_string(&mut self) -> Result<Tok, JsonError> {
        let start = self.pos;
        let end = self.end();
        let mut escaped = false;
        loop {
            // Fast skip over bytes that need no attention.
            while self.pos < self.text.len() {
                let b = self.text[self.pos];
                if b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80 {
                    break;
                }
                self.pos += 1;
            }
            if self.pos >= end {
                return Ok(Tok::Eof);
            }
            let c = self.byte(self.pos);
            self.pos += 1;
            if c == b'"' {
                return Ok(Tok::Str {
                    start,
                    end: self.pos - 1,
                    escaped,
                });
            } else if c == b'\\' {
                escaped = true;
                if self.pos >= end {
                    return Ok(Tok::Eof);
                }
                let e = self.byte(self.pos);
                self.pos += 1;
                if e == b'u' {
                    for _ in 0..4 {
                        if self.pos >= end {
                            return Ok(Tok::Eof);
                        }
                        let h = self.byte(self.pos);
                        self.pos += 1;
                        if !h.is_ascii_hexdigit() {
                            return Err(JsonError::Lexical(LexError::InvalidHexChar));
                        }
                    }
                } else if !matches!(e, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') {
                    return Err(JsonError::Lexical(LexError::InvalidEscapedChar));
                }
            } else if c < 0x20 {
                return Err(JsonError::Lexical(LexError::InvalidJsonChar));
            } else if c >= 0x80 {
                // yajl_lex_utf8_char: checks lead and continuation bit patterns only.
                let extra = if c >> 5 == 0x6 {
                    1
                } else if c >> 4 == 0x0e {
                    2
                } else if c >> 3 == 0x1e {
                    3
                } else {
                    return Err(JsonError::Lexical(LexError::InvalidUtf8));
                };
                for _ in 0..extra {
                    if self.pos >= end {
                        return Ok(Tok::Eof);
                    }
                    let cc = self.byte(self.pos);
                    self.pos += 1;
                    if cc >> 6 != 0x2 {
                        return Err(JsonError::Lexical(LexError::InvalidUtf8));
                    }
                }
            }
        }
    }

    fn lex_number(&mut self) -> Result<Tok, JsonError> {
        let start = self.pos;
        let end = self.end();
        macro_rules! next {
            () => {{
                if self.pos >= end {
                    return Ok(Tok::Eof);
                }
                let c = self.byte(self.pos);
                self.pos += 1;
                c
            }};
        }
        let mut c = next!();
        if c == b'-' {
            c = next!();
        }
        if c == b'0' {
            c = next!();
        } else if c.is_ascii_digit() {
            loop {
                c = next!();
                if !c.is_ascii_digit() {
                    break;
                }
            }
        } else {
            self.pos -= 1;
            return Err(JsonError::Lexical(LexError::MissingIntegerAfterMinus));
        }
        if c == b'.' {
            let mut digits = 0;
            c = next!();
            while c.is_ascii_digit() {
                digits += 1;
                c = next!();
            }
            if digits == 0 {
                self.pos -= 1;
                return Err(JsonError::Lexical(LexError::MissingIntegerAfterDecimal));
            }
        }
        if c == b'e' || c == b'E' {
            c = next!();
            if c == b'+' || c == b'-' {
                c = next!();
            }
            if c.is_ascii_digit() {
                loop {
                    c = next!();
                    if !c.is_ascii_digit() {
                        break;
                    }
                }
            } else {
                self.pos -= 1;
                return Err(JsonError::Lexical(LexError::MissingIntegerAfterExponent));
            }
        }
        // One byte too far, always.
        self.pos -= 1;
        Ok(Tok::Number {
            start,
            end: self.pos,
        })
    }
}

fn hex4(s: &[u8]) -> u32 {
    s.iter().take(4).fold(0u32, |acc, &c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        };
        acc << 4 | u32::from(d)
    })
}

fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.push((cp >> 6) as u8 | 0xC0);
        out.push((cp & 0x3F) as u8 | 0x80);
    } else if cp < 0x10000 {
        out.push((cp >> 12) as u8 | 0xE0);
        out.push(((cp >> 6) & 0x3F) as u8 | 0x80);
        out.push((cp & 0x3F) as u8 | 0x80);
    } else if cp < 0x200000 {
        out.push((cp >> 18) as u8 | 0xF0);
        out.push(((cp >> 12) & 0x3F) as u8 | 0x80);
        out.push(((cp >> 6) & 0x3F) as u8 | 0x80);
        out.push((cp & 0x3F) as u8 | 0x80);
    } else {
        out.push(b'?');
    }
}

/// yajl_string_decode over a lexed (so well-formed) string body, into `out` (cleared first).
fn decode_string(s: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c != b'\\' {
            let next = s[i..]
                .iter()
                .position(|&b| b == b'\\')
                .map_or(s.len(), |p| i + p);
            out.extend_from_slice(&s[i..next]);
            i = next;
            continue;
        }
        let e = s.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        match e {
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b'\\' => out.push(b'\\'),
            b'/' => out.push(b'/'),
            b'"' => out.push(b'"'),
            b'f' => out.push(0x0c),
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'u' => {
                let mut cp = hex4(s.get(i..).unwrap_or(&[]));
                i += 4;
                if cp & 0xFC00 == 0xD800 {
                    if s.get(i) == Some(&b'\\') && s.get(i + 1) == Some(&b'u') {
                        let low = hex4(s.get(i + 2..).unwrap_or(&[]));
                        cp = ((cp & 0x3F) << 10) | ((((cp >> 6) & 0xF) + 1) << 16) | (low & 0x3FF);
                        i += 6;
                    } else {
                        // Debian's yajl 2.1.0-3+deb12u2: a lone high surrogate is `?` and the
                        // next character is kept.
                        out.push(b'?');
                        continue;
                    }
                }
                push_utf8(out, cp);
            }
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArgLimit, CollectArgs};

    fn run(body: &[u8]) -> (Vec<(String, String)>, Result<usize, JsonError>) {
        run_depth(body, 10_000)
    }

    fn run_depth(body: &[u8], depth: u32) -> (Vec<(String, String)>, Result<usize, JsonError>) {
        let mut sink = CollectArgs::default();
        let r = parse(body, depth, &mut sink);
        let v = sink
            .0
            .into_iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(&k).into_owned(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
            .collect();
        (v, r)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn err_msg(body: &[u8]) -> String {
        match run(body).1 {
            Err(e) => e.reqbody_error_msg(),
            Ok(_) => String::from("OK"),
        }
    }

    // Expected names, values and messages below were produced by libmodsecurity 3.0.9 with
    // yajl 2.1.0-3+deb12u2 (Debian 12).
    #[test]
    fn v3_names() {
        let (a, r) = run(br#"{"a":1,"b":[1,{"c":true}],"":null,"d":[[1,2],[]],"e":{}}"#);
        assert_eq!(r, Ok(6));
        assert_eq!(
            a,
            pairs(&[
                ("json.a", "1"),
                ("json.b.array_0", "1"),
                ("json.b.array_1.c", "true"),
                ("json.empty-key", ""),
                ("json.d.array_0.array_0", "1"),
                ("json.d.array_0.array_1", "2"),
            ])
        );
    }

    #[test]
    fn top_level_shapes() {
        assert_eq!(run(b"1").0, pairs(&[("json", "1")]));
        assert_eq!(run(br#""abc""#).0, pairs(&[("json", "abc")]));
        assert_eq!(run(b"[[1]]").0, pairs(&[("json.array_0.array_0", "1")]));
        assert_eq!(
            run(br#"[{"a":1},2,false]"#).0,
            pairs(&[
                ("json.array_0.a", "1"),
                ("json.array_1", "2"),
                ("json.array_2", "false")
            ])
        );
        assert_eq!(
            run(br#"{"":{"b":-1.5e+3}}"#).0,
            pairs(&[("json.empty-key.b", "-1.5e+3")])
        );
        assert_eq!(
            run(br#"{"a":{"b":{"c":1},"d":2},"e":3}"#).0,
            pairs(&[("json.a.b.c", "1"), ("json.a.d", "2"), ("json.e", "3")])
        );
    }

    #[test]
    fn string_unescaping_matches_debian_yajl() {
        let v = |b: &[u8]| run(b).0.into_iter().next().map(|p| p.1.into_bytes());
        let raw = |b: &[u8]| {
            let mut s = CollectArgs::default();
            let _ = parse(b, 100, &mut s);
            s.0.into_iter().next().map(|p| p.1)
        };
        assert_eq!(raw(br#"{"a":"\ud800z"}"#), Some(b"?z".to_vec()));
        assert_eq!(raw(br#"{"a":"\ud800\n"}"#), Some(b"?\n".to_vec()));
        assert_eq!(raw(br#"{"a":"x\ud800"}"#), Some(b"x?".to_vec()));
        assert_eq!(
            raw(br#"{"a":"\ud83d\ude00"}"#),
            Some(b"\xf0\x9f\x98\x80".to_vec())
        );
        assert_eq!(
            raw(br#"{"a":"\ud800\u0041"}"#),
            Some(b"\xf0\x90\x81\x81".to_vec())
        );
        assert_eq!(raw(br#"{"a":"\udc00"}"#), Some(b"\xed\xb0\x80".to_vec()));
        assert_eq!(raw(br#"{"a":"a\u0000b"}"#), Some(b"a\0b".to_vec()));
        assert_eq!(
            raw(br#"{"a":"\"\\\/\b\f\n\r\t\u00e9"}"#),
            Some(b"\"\\/\x08\x0c\n\r\t\xc3\xa9".to_vec())
        );
        assert_eq!(v(br#"{"k\u0041":"v"}"#), Some(b"v".to_vec()));
        assert_eq!(run(br#"{"k\u0041":"v"}"#).0[0].0, "json.kA");
    }

    #[test]
    fn v3_error_messages() {
        let cases: &[(&[u8], &str)] = &[
            (b"  ", "parse error: premature EOF\n"),
            (
                b"[1,]",
                "parse error: unallowed token at this point in JSON text\n",
            ),
            (
                b"{\"a\":1,}",
                "parse error: invalid object key (must be a string)\n",
            ),
            (
                b"{\"a\" 1}",
                "parse error: object key and value must be separated by a colon (':')\n",
            ),
            (
                b"{\"a\":1 \"b\":2}",
                "parse error: after key and value, inside map, I expect ',' or '}'\n",
            ),
            (
                b"[1 2]",
                "parse error: after array element, I expect ',' or ']'\n",
            ),
            (
                b"{1:2}",
                "parse error: invalid object key (must be a string)\n",
            ),
            (b"01", "parse error: trailing garbage\n"),
            (b"1 2", "parse error: trailing garbage\n"),
            (b"1 @", "parse error: trailing garbage\n"),
            (
                b"-",
                "lexical error: malformed number, a digit is required after the minus sign.\n",
            ),
            (
                b"1.",
                "lexical error: malformed number, a digit is required after the decimal point.\n",
            ),
            (
                b"1e",
                "lexical error: malformed number, a digit is required after the exponent.\n",
            ),
            (b"tru", "lexical error: invalid string in json text.\n"),
            (b"nul", "lexical error: invalid string in json text.\n"),
            (
                b"/",
                "lexical error: probable comment found in input text, comments are not enabled.\n",
            ),
            (
                b"{\"a\":\"\\q\"}",
                "lexical error: inside a string, '\\' occurs before a character which it may not.\n",
            ),
            (
                b"{\"a\":\"\\u12g4\"}",
                "lexical error: invalid (non-hex) character occurs after '\\u' inside string.\n",
            ),
            (
                b"{\"a\":\"\xff\"}",
                "lexical error: invalid bytes in UTF8 string.\n",
            ),
            (
                b"{\"a\":\"\xc3\"}",
                "lexical error: invalid bytes in UTF8 string.\n",
            ),
            (
                b"{\"k\":\"\xe9\"",
                "lexical error: invalid bytes in UTF8 string.\n",
            ),
            (
                b"{\"a\":\"\x01\"}",
                "lexical error: invalid character inside string.\n",
            ),
            (
                b"}",
                "parse error: unallowed token at this point in JSON text\n",
            ),
            (b"{\"a\":[1,2", "parse error: premature EOF\n"),
            (b"@", "lexical error: invalid char in json text.\n"),
        ];
        for (body, msg) in cases {
            assert_eq!(
                err_msg(body),
                format!("JSON parsing error: {msg}"),
                "body {:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn arguments_before_an_error_are_kept() {
        let (a, r) = run(b"{\"a\":[1,2");
        assert_eq!(
            a,
            pairs(&[("json.a.array_0", "1"), ("json.a.array_1", "2")])
        );
        assert!(r.is_err());
        let (a, _) = run(b"01");
        assert_eq!(a, pairs(&[("json", "0")]));
    }

    #[test]
    fn lenient_where_yajl_is() {
        // yajl accepts an unterminated string after a complete value.
        assert_eq!(run(b"1 \"abc").1, Ok(1));
        // Overlong UTF-8 and encoded surrogates pass yajl's bit-pattern check.
        assert_eq!(run(b"\"\xc0\x80\xed\xa0\x80\"").1, Ok(1));
        assert_eq!(run(b"").1, Ok(0));
        assert_eq!(run(b" [ ] ").1, Ok(0));
    }

    #[test]
    fn depth_limit() {
        let deep = |n: usize| {
            let mut v = vec![b'['; n];
            v.extend(std::iter::repeat_n(b']', n));
            v
        };
        assert_eq!(run_depth(&deep(3), 3).1, Ok(0));
        let e = run_depth(&deep(4), 3).1;
        assert_eq!(e, Err(JsonError::DepthLimitExceeded));
        assert_eq!(
            JsonError::DepthLimitExceeded.reqbody_error_msg(),
            "JSON parsing error: parse error: client cancelled parse via callback return value\n. \
             Parsing depth limit exceeded"
        );
        // 10,000 deep passes the default limit; 10,001 fails it; 1,000,000 fails fast, no
        // recursion.
        assert_eq!(run(&deep(10_000)).1, Ok(0));
        assert_eq!(run(&deep(10_001)).1, Err(JsonError::DepthLimitExceeded));
        let mut open = vec![b'['; 1_000_000];
        open.push(b'1');
        assert_eq!(run(&open).1, Err(JsonError::DepthLimitExceeded));
        assert_eq!(run_depth(&open, 512).1, Err(JsonError::DepthLimitExceeded));
    }

    #[test]
    fn arguments_limit_cancels() {
        let mut sink = ArgLimit::new(CollectArgs::default(), 0, 2);
        let r = parse(b"[1,2,3]", 100, &mut sink);
        assert_eq!(r, Err(JsonError::ArgumentsLimit));
        assert_eq!(sink.into_inner().0.len(), 2);
        assert_eq!(
            JsonError::ArgumentsLimit.reqbody_error_msg(),
            "JSON parsing error: parse error: client cancelled parse via callback return value\n"
        );
    }
}
