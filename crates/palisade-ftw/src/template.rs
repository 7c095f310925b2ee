//! Rendering of a stage's `data` as go-ftw does: a Go `text/template` executed with nil data and
//! the sprig function map. go-ftw sends **no body at all** when parsing or executing the template
//! fails (e.g. a payload such as `{{7*7}}`), so [`render`] returns an error and the caller sends
//! nothing.
//!
//! Supported: text, actions with `{{- ` / ` -}}` trim markers, comments `{{/* … */}}`, pipelines
//! `a | f x`, parenthesised sub-pipelines, string literals (interpreted and raw), character and
//! decimal integer constants, `true` / `false`, `.` and field chains on the nil data (both print
//! `<no value>`), and these functions:
//! Go builtins `print`, `println`, `printf` (verbs `%s %d %v %q %%`), `len`, `urlquery`, `html`;
//! sprig `repeat`, `upper`, `lower`, `trim`, `trimAll`, `trimPrefix`, `trimSuffix`, `nospace`,
//! `quote`, `squote`, `cat`, `replace`, `trunc`, `b64enc`, `b64dec`, `contains`, `hasPrefix`,
//! `hasSuffix`.
//! Control structures (`if`, `range`, `with`, `define`, `template`, `block`), variables and any
//! other function are rejected as errors, which is what Go does for unknown functions; a template
//! that Go would accept through an unsupported construct is therefore sent without a body, and
//! the error says which construct.

use std::fmt;

use crate::base64;
use crate::form::query_escape;

/// Why a template was not rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template: {}", self.0)
    }
}

impl std::error::Error for TemplateError {}

fn err<T>(msg: impl Into<String>) -> Result<T, TemplateError> {
    Err(TemplateError(msg.into()))
}

/// A template value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(Vec<u8>),
    Int(i64),
    Bool(bool),
    /// The nil data (`.`) and missing fields: prints `<no value>`.
    Missing,
}

impl Value {
    fn print(&self, out: &mut Vec<u8>) {
        match self {
            Value::Str(s) => out.extend_from_slice(s),
            Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Missing => out.extend_from_slice(b"<no value>"),
        }
    }

    fn printed(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.print(&mut v);
        v
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "int",
            Value::Bool(_) => "bool",
            Value::Missing => "nil",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Literal(Value),
    Dot,
    Field,
    Ident(String),
    Paren(Vec<Command>),
}

type Command = Vec<Operand>;

/// Renders a Go template with nil data.
pub fn render(template: &[u8]) -> Result<Vec<u8>, TemplateError> {
    let mut out = Vec::with_capacity(template.len());
    let mut rest = template;
    let mut trim_next = false;
    while !rest.is_empty() {
        let Some(open) = find(rest, b"{{") else {
            push_text(&mut out, rest, trim_next, false);
            break;
        };
        let text = &rest[..open];
        let after = &rest[open + 2..];
        let trim_left = after.len() >= 2
            && after[0] == b'-'
            && matches!(after[1], b' ' | b'\t' | b'\r' | b'\n');
        push_text(&mut out, text, trim_next, trim_left);
        let body_start = if trim_left { &after[1..] } else { after };
        let (action, remainder, trim_right) = split_action(body_start)?;
        rest = remainder;
        trim_next = trim_right;
        let trimmed = trim_ws(action);
        if trimmed.starts_with(b"/*") {
            if !trimmed.ends_with(b"*/") || trimmed.len() < 4 {
                return err("unclosed comment");
            }
            continue;
        }
        let tokens = lex(action)?;
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
        };
        let pipeline = p.pipeline()?;
        if p.pos != tokens.len() {
            return err("unexpected token in action");
        }
        if pipeline.is_empty() {
            return err("missing value for command");
        }
        let v = exec_pipeline(&pipeline)?;
        v.print(&mut out);
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn trim_ws(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_space(*b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !is_space(*b))
        .map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

fn push_text(out: &mut Vec<u8>, text: &[u8], trim_start: bool, trim_end: bool) {
    let mut t = text;
    if trim_start {
        let s = t.iter().position(|b| !is_space(*b)).unwrap_or(t.len());
        t = &t[s..];
    }
    if trim_end {
        let e = t.iter().rposition(|b| !is_space(*b)).map_or(0, |e| e + 1);
        t = &t[..e];
    }
    out.extend_from_slice(t);
}

/// Splits at the closing `}}` (outside quotes). Returns (action text, rest, right-trim flag).
fn split_action(s: &[u8]) -> Result<(&[u8], &[u8], bool), TemplateError> {
    let mut i = 0;
    let trimmed = trim_ws(s);
    if trimmed.starts_with(b"/*") {
        // Comments end at "*/" followed by optional " -" and "}}".
        let Some(end) = find(s, b"*/") else {
            return err("unclosed comment");
        };
        let mut j = end + 2;
        let mut trim_right = false;
        if s.len() >= j + 4 && is_space(s[j]) && s[j + 1] == b'-' && &s[j + 2..j + 4] == b"}}" {
            trim_right = true;
            j += 2;
        }
        if s.len() < j + 2 || &s[j..j + 2] != b"}}" {
            return err("comment ends before closing delimiter");
        }
        return Ok((&s[..end + 2], &s[j + 2..], trim_right));
    }
    while i < s.len() {
        match s[i] {
            b'"' | b'\'' => {
                let q = s[i];
                i += 1;
                while i < s.len() && s[i] != q {
                    if s[i] == b'\\' {
                        i += 1;
                    }
                    if i < s.len() && s[i] == b'\n' {
                        return err("unterminated quoted string");
                    }
                    i += 1;
                }
                if i >= s.len() {
                    return err("unterminated quoted string");
                }
                i += 1;
            }
            b'`' => {
                i += 1;
                while i < s.len() && s[i] != b'`' {
                    i += 1;
                }
                if i >= s.len() {
                    return err("unterminated raw quoted string");
                }
                i += 1;
            }
            b'}' if s.get(i + 1) == Some(&b'}') => {
                let trim_right = i >= 2 && s[i - 1] == b'-' && is_space(s[i - 2]);
                let end = if trim_right { i - 1 } else { i };
                return Ok((&s[..end], &s[i + 2..], trim_right));
            }
            _ => i += 1,
        }
    }
    err("unclosed action")
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Pipe,
    Open,
    Close,
    Operand(Operand),
}

fn lex(s: &[u8]) -> Result<Vec<Token>, TemplateError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            _ if is_space(c) => i += 1,
            b'|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            b'(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            b')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            b'"' => {
                let (v, n) = unquote_interpreted(&s[i..])?;
                tokens.push(Token::Operand(Operand::Literal(Value::Str(v))));
                i += n;
            }
            b'`' => {
                let end = s[i + 1..]
                    .iter()
                    .position(|b| *b == b'`')
                    .ok_or_else(|| TemplateError("unterminated raw string".into()))?;
                let raw: Vec<u8> = s[i + 1..i + 1 + end]
                    .iter()
                    .copied()
                    .filter(|b| *b != b'\r')
                    .collect();
                tokens.push(Token::Operand(Operand::Literal(Value::Str(raw))));
                i += end + 2;
            }
            b'\'' => {
                let (v, n) = unquote_char(&s[i..])?;
                tokens.push(Token::Operand(Operand::Literal(Value::Int(v))));
                i += n;
            }
            b'.' => {
                let start = i;
                i += 1;
                while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_' || s[i] == b'.')
                {
                    i += 1;
                }
                let op = if i - start == 1 {
                    Operand::Dot
                } else {
                    Operand::Field
                };
                tokens.push(Token::Operand(op));
            }
            b'$' => return err("variables are not supported"),
            b'-' | b'+' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_' || s[i] == b'.')
                {
                    i += 1;
                }
                let text = std::str::from_utf8(&s[start..i]).unwrap_or("");
                let n: i64 = text
                    .parse()
                    .map_err(|_| TemplateError(format!("bad number syntax: {text:?}")))?;
                tokens.push(Token::Operand(Operand::Literal(Value::Int(n))));
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
                    i += 1;
                }
                let word = String::from_utf8_lossy(&s[start..i]).into_owned();
                let op = match word.as_str() {
                    "true" => Operand::Literal(Value::Bool(true)),
                    "false" => Operand::Literal(Value::Bool(false)),
                    "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                    | "break" | "continue" | "nil" => {
                        return err(format!("{word:?} is not supported"));
                    }
                    _ => Operand::Ident(word),
                };
                tokens.push(Token::Operand(op));
            }
            _ => return err(format!("unexpected {:?} in action", c as char)),
        }
    }
    Ok(tokens)
}

fn hex_val(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Decodes one escape after a backslash; returns (bytes, consumed including the backslash).
fn unescape(s: &[u8], quote: u8) -> Result<(Vec<u8>, usize), TemplateError> {
    let Some(&c) = s.get(1) else {
        return err("unterminated escape");
    };
    let simple = |b: u8| Ok((vec![b], 2));
    match c {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        _ if c == quote => simple(c),
        b'x' => {
            let h = s
                .get(2..4)
                .ok_or_else(|| TemplateError("bad \\x escape".into()))?;
            let v = hex_val(h[0])
                .zip(hex_val(h[1]))
                .ok_or_else(|| TemplateError("bad \\x escape".into()))?;
            Ok((vec![(v.0 * 16 + v.1) as u8], 4))
        }
        b'0'..=b'7' => {
            let o = s
                .get(1..4)
                .ok_or_else(|| TemplateError("bad octal escape".into()))?;
            let mut v: u32 = 0;
            for d in o {
                if !(b'0'..=b'7').contains(d) {
                    return err("bad octal escape");
                }
                v = v * 8 + u32::from(d - b'0');
            }
            if v > 255 {
                return err("octal escape out of range");
            }
            Ok((vec![v as u8], 4))
        }
        b'u' | b'U' => {
            let n = if c == b'u' { 4 } else { 8 };
            let h = s
                .get(2..2 + n)
                .ok_or_else(|| TemplateError("bad unicode escape".into()))?;
            let mut v: u32 = 0;
            for d in h {
                v = v * 16
                    + hex_val(*d).ok_or_else(|| TemplateError("bad unicode escape".into()))?;
            }
            let ch = char::from_u32(v).ok_or_else(|| TemplateError("bad unicode escape".into()))?;
            let mut buf = [0u8; 4];
            Ok((ch.encode_utf8(&mut buf).as_bytes().to_vec(), 2 + n))
        }
        _ => err("unknown escape sequence"),
    }
}

/// An interpreted string literal at the start of `s`; returns (value, bytes consumed).
fn unquote_interpreted(s: &[u8]) -> Result<(Vec<u8>, usize), TemplateError> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Ok((out, i + 1)),
            b'\\' => {
                let (v, n) = unescape(&s[i..], b'"')?;
                out.extend(v);
                i += n;
            }
            b'\n' => return err("newline in string"),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    err("unterminated quoted string")
}

/// A character constant at the start of `s`; returns (code point, bytes consumed).
fn unquote_char(s: &[u8]) -> Result<(i64, usize), TemplateError> {
    let end = s[1..]
        .iter()
        .position(|b| *b == b'\'')
        .map(|p| p + 1)
        .ok_or_else(|| TemplateError("unterminated character constant".into()))?;
    let inner = &s[1..end];
    let bytes = if inner.first() == Some(&b'\\') {
        let (v, n) = unescape(inner, b'\'')?;
        if n != inner.len() {
            return err("bad character constant");
        }
        v
    } else {
        inner.to_vec()
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| TemplateError("bad character".into()))?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok((i64::from(u32::from(c)), end + 1)),
        _ => err("bad character constant"),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
}

impl Parser<'_> {
    fn pipeline(&mut self) -> Result<Vec<Command>, TemplateError> {
        let mut commands = Vec::new();
        loop {
            let mut cmd = Vec::new();
            while let Some(t) = self.tokens.get(self.pos) {
                match t {
                    Token::Operand(o) => {
                        cmd.push(o.clone());
                        self.pos += 1;
                    }
                    Token::Open => {
                        self.pos += 1;
                        let inner = self.pipeline()?;
                        if self.tokens.get(self.pos) != Some(&Token::Close) {
                            return err("unclosed left paren");
                        }
                        self.pos += 1;
                        if inner.is_empty() {
                            return err("missing value in parenthesized pipeline");
                        }
                        cmd.push(Operand::Paren(inner));
                    }
                    Token::Pipe | Token::Close => break,
                }
            }
            match self.tokens.get(self.pos) {
                Some(Token::Pipe) => {
                    if cmd.is_empty() {
                        return err("missing command before |");
                    }
                    commands.push(cmd);
                    self.pos += 1;
                }
                _ => {
                    if !cmd.is_empty() {
                        commands.push(cmd);
                    } else if !commands.is_empty() {
                        return err("missing command after |");
                    }
                    return Ok(commands);
                }
            }
        }
    }
}

fn exec_pipeline(pipeline: &[Command]) -> Result<Value, TemplateError> {
    let mut prev: Option<Value> = None;
    for cmd in pipeline {
        prev = Some(exec_command(cmd, prev.take())?);
    }
    prev.ok_or_else(|| TemplateError("empty pipeline".into()))
}

fn eval_operand(op: &Operand) -> Result<Value, TemplateError> {
    match op {
        Operand::Literal(v) => Ok(v.clone()),
        Operand::Dot | Operand::Field => Ok(Value::Missing),
        Operand::Paren(p) => exec_pipeline(p),
        Operand::Ident(name) => call(name, Vec::new()),
    }
}

fn exec_command(cmd: &[Operand], piped: Option<Value>) -> Result<Value, TemplateError> {
    let Some(first) = cmd.first() else {
        return err("empty command");
    };
    if let Operand::Ident(name) = first {
        let mut args = cmd[1..]
            .iter()
            .map(eval_operand)
            .collect::<Result<Vec<_>, _>>()?;
        args.extend(piped);
        return call(name, args);
    }
    if cmd.len() > 1 || piped.is_some() {
        return err("can't give argument to non-function");
    }
    eval_operand(first)
}

fn want_str(v: &Value, f: &str) -> Result<Vec<u8>, TemplateError> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => err(format!(
            "{f}: wrong type for value; expected string; got {}",
            other.kind()
        )),
    }
}

fn want_int(v: &Value, f: &str) -> Result<i64, TemplateError> {
    match v {
        Value::Int(i) => Ok(*i),
        other => err(format!(
            "{f}: wrong type for value; expected int; got {}",
            other.kind()
        )),
    }
}

fn arity(f: &str, args: &[Value], n: usize) -> Result<(), TemplateError> {
    if args.len() == n {
        Ok(())
    } else {
        err(format!(
            "wrong number of args for {f}: want {n} got {}",
            args.len()
        ))
    }
}

fn trim_set(s: &[u8], set: &[u8]) -> Vec<u8> {
    let start = s.iter().position(|b| !set.contains(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(start, |e| e + 1);
    s[start..end.max(start)].to_vec()
}

fn replace_all(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Go's `%q` for a byte string (ASCII escapes; non-ASCII bytes as `\x..`).
fn go_quote(s: &[u8]) -> Vec<u8> {
    let mut out = vec![b'"'];
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
    out
}

fn printf(args: &[Value]) -> Result<Vec<u8>, TemplateError> {
    let Some(fmt) = args.first() else {
        return err("wrong number of args for printf");
    };
    let fmt = want_str(fmt, "printf")?;
    let mut rest = args[1..].iter();
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        let Some(&verb) = fmt.get(i + 1) else {
            out.extend_from_slice(b"%!(NOVERB)");
            break;
        };
        i += 2;
        if verb == b'%' {
            out.push(b'%');
            continue;
        }
        let Some(arg) = rest.next() else {
            out.extend_from_slice(format!("%!{}(MISSING)", verb as char).as_bytes());
            continue;
        };
        match (verb, arg) {
            (b's' | b'v', a) => a.print(&mut out),
            (b'd', Value::Int(n)) => out.extend_from_slice(n.to_string().as_bytes()),
            (b'q', Value::Str(s)) => out.extend(go_quote(s)),
            _ => return err(format!("printf verb %{} is not supported", verb as char)),
        }
    }
    Ok(out)
}

fn html_escape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            0 => out.extend_from_slice("\u{FFFD}".as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

/// Go's `fmt.Sprint` spacing: a space between operands when neither is a string.
fn sprint(args: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let is_str = matches!(a, Value::Str(_));
        let prev_str = i > 0 && matches!(args[i - 1], Value::Str(_));
        if i > 0 && !is_str && !prev_str {
            out.push(b' ');
        }
        a.print(&mut out);
    }
    out
}

fn call(name: &str, args: Vec<Value>) -> Result<Value, TemplateError> {
    let s = |v: Vec<u8>| Ok(Value::Str(v));
    match name {
        "print" => s(sprint(&args)),
        "println" => {
            let mut out = Vec::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                a.print(&mut out);
            }
            out.push(b'\n');
            s(out)
        }
        "printf" => s(printf(&args)?),
        "len" => {
            arity(name, &args, 1)?;
            let v = want_str(&args[0], name)?;
            Ok(Value::Int(v.len() as i64))
        }
        "urlquery" => {
            let joined = sprint(&args);
            s(query_escape(&joined).into_bytes())
        }
        "html" => s(html_escape(&sprint(&args))),
        "repeat" => {
            arity(name, &args, 2)?;
            let n = want_int(&args[0], name)?;
            let v = want_str(&args[1], name)?;
            if n < 0 {
                return err("repeat: negative Repeat count");
            }
            let n = usize::try_from(n).unwrap_or(0);
            if v.len().saturating_mul(n) > 64 << 20 {
                return err("repeat: result larger than 64 MiB");
            }
            s(v.repeat(n))
        }
        "upper" | "lower" | "trim" | "nospace" | "b64enc" | "b64dec" => {
            arity(name, &args, 1)?;
            let v = want_str(&args[0], name)?;
            s(match name {
                "upper" => v.to_ascii_uppercase(),
                "lower" => v.to_ascii_lowercase(),
                "trim" => trim_set(&v, b" \t\n\r\x0b\x0c"),
                "nospace" => v.into_iter().filter(|b| !b.is_ascii_whitespace()).collect(),
                "b64enc" => base64::encode(&v).into_bytes(),
                _ => match base64::decode(&v) {
                    Ok(d) => d,
                    Err(e) => e.to_string().into_bytes(),
                },
            })
        }
        "trimAll" | "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix" => {
            arity(name, &args, 2)?;
            let a = want_str(&args[0], name)?;
            let b = want_str(&args[1], name)?;
            match name {
                "trimAll" => s(trim_set(&b, &a)),
                "trimPrefix" => s(b.strip_prefix(a.as_slice()).unwrap_or(&b).to_vec()),
                "trimSuffix" => s(b.strip_suffix(a.as_slice()).unwrap_or(&b).to_vec()),
                "contains" => Ok(Value::Bool(a.is_empty() || find(&b, &a).is_some())),
                "hasPrefix" => Ok(Value::Bool(b.starts_with(&a))),
                _ => Ok(Value::Bool(b.ends_with(&a))),
            }
        }
        "quote" | "squote" => {
            let mut parts = Vec::new();
            for a in &args {
                if *a == Value::Missing {
                    continue;
                }
                let p = a.printed();
                parts.push(if name == "quote" {
                    go_quote(&p)
                } else {
                    let mut q = vec![b'\''];
                    q.extend(p);
                    q.push(b'\'');
                    q
                });
            }
            s(parts.join(&b' '))
        }
        "cat" => {
            let parts: Vec<Vec<u8>> = args
                .iter()
                .filter(|a| **a != Value::Missing)
                .map(Value::printed)
                .collect();
            s(parts.join(&b' '))
        }
        "replace" => {
            arity(name, &args, 3)?;
            let from = want_str(&args[0], name)?;
            let to = want_str(&args[1], name)?;
            let v = want_str(&args[2], name)?;
            s(replace_all(&v, &from, &to))
        }
        "trunc" => {
            arity(name, &args, 2)?;
            let n = want_int(&args[0], name)?;
            let v = want_str(&args[1], name)?;
            let len = v.len() as i64;
            s(if n < 0 {
                let start = usize::try_from((len + n).max(0)).unwrap_or(0);
                v[start..].to_vec()
            } else {
                v[..usize::try_from(n.min(len)).unwrap_or(0)].to_vec()
            })
        }
        _ => err(format!("function {name:?} not defined")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Result<String, TemplateError> {
        render(s.as_bytes()).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn plain_text_is_verbatim() {
        assert_eq!(r("a=b&c={d}").unwrap(), "a=b&c={d}");
        assert_eq!(r("").unwrap(), "");
    }

    #[test]
    fn crs_920400_repeat() {
        let out = r("x\n{{ \"1\" | repeat 5 }}\ny\n").unwrap();
        assert_eq!(out, "x\n11111\ny\n");
        assert_eq!(r("{{ repeat 3 \"ab\" }}").unwrap(), "ababab");
    }

    #[test]
    fn payloads_go_cannot_parse_are_errors() {
        assert!(r("{{7*7}}").is_err());
        assert!(r("/login?user={{constructor.constructor('alert(1)')()}}").is_err());
        assert!(r("{{ nosuchfunc }}").is_err());
        assert!(r("{{ if true }}x{{ end }}").is_err());
        assert!(r("{{ \"a\" ").is_err());
    }

    #[test]
    fn dot_and_fields_print_no_value() {
        assert_eq!(r("{{.}}|{{ .Foo.Bar }}").unwrap(), "<no value>|<no value>");
    }

    #[test]
    fn trim_markers_and_comments() {
        assert_eq!(r("a  \n{{- \"b\" -}}\n  c").unwrap(), "abc");
        assert_eq!(r("a{{/* hidden */}}b").unwrap(), "ab");
        assert_eq!(r("a {{- /* hidden */ -}} b").unwrap(), "ab");
        assert_eq!(r("{{-3}}").unwrap(), "-3");
    }

    #[test]
    fn string_escapes_and_functions() {
        assert_eq!(r(r#"{{ "a\tb\x41\u00e9" }}"#).unwrap(), "a\tbAé");
        assert_eq!(r("{{ `raw\\n` }}").unwrap(), "raw\\n");
        assert_eq!(r(r#"{{ "abc" | upper }}"#).unwrap(), "ABC");
        assert_eq!(r(r#"{{ printf "%s-%d" "x" 4 }}"#).unwrap(), "x-4");
        assert_eq!(r(r#"{{ "a b&" | urlquery }}"#).unwrap(), "a+b%26");
        assert_eq!(r(r#"{{ "hi" | b64enc }}"#).unwrap(), "aGk=");
        assert_eq!(r(r#"{{ replace "a" "b" "banana" }}"#).unwrap(), "bbnbnb");
        assert_eq!(r(r#"{{ ("x" | repeat 2) | quote }}"#).unwrap(), "\"xx\"");
        assert_eq!(r("{{ 'a' }}").unwrap(), "97");
        assert_eq!(r(r#"{{ "}}" }}"#).unwrap(), "}}");
    }

    #[test]
    fn type_errors_are_errors() {
        assert!(r(r#"{{ repeat "2" "a" }}"#).is_err());
        assert!(r(r#"{{ "a" | repeat }}"#).is_err());
        assert!(r(r#"{{ "a" "b" }}"#).is_err());
    }
}
