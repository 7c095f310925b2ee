//! Parser, AST and printer for ModSecurity's SecLang rule language, as ModSecurity v3
//! (libmodsecurity 3.0.x) reads it.
//!
//! The primary types are:
//! - [`parse_str`]: one file's text → [`ParseOutput`] (directives and diagnostics); an `Include`
//!   stays a directive.
//! - [`load`]: rule files through a [`RuleSource`] → [`Loaded`] (a [`FileTable`], the
//!   directives of every file in load order with `Include` expanded, diagnostics). It also runs
//!   [`check`], ModSecurity's cross-directive checks (ids, chains, `SecDefaultAction`).
//! - [`ast::Directive`]: one directive, typed ([`ast::DirectiveKind`]); a `SecRule` is an
//!   [`ast::Rule`] of [`ast::Variable`]s, an [`ast::Operator`] and [`ast::Action`]s. Its
//!   `Display` is the printer: canonical SecLang that parses back to the same AST.
//! - [`Diagnostic`]: an error or warning with its [`Span`], rendered like rustc's
//!   (`file:line:col: error: …`, the line, a caret).
//! - [`RuleSource`]: where rule files come from ([`FsSource`] for a filesystem,
//!   [`MemorySource`] for rules embedded in a program).
//! - [`MacroString`]: a string with `%{VAR.key}` macros, split into literal and macro segments.
//!
//! ```
//! use palisade_seclang::{FileId, parse_str};
//! use palisade_seclang::ast::DirectiveKind;
//!
//! let out = parse_str(
//!     "SecRule REQUEST_METHOD \"!@within GET POST\" \"id:1,phase:1,deny,msg:'%{MATCHED_VAR}'\"\n\
//!      SecRuleEngine Maybe\n",
//!     FileId(0),
//! );
//! assert!(matches!(out.directives[0].kind, DirectiveKind::SecRule(_)));
//! assert_eq!(
//!     out.diagnostics[0].to_string(),
//!     "2:15: error: expected On, Off or DetectionOnly after `SecRuleEngine`, found `Maybe`"
//! );
//! ```
//!
//! # The parser
//!
//! The parser is built from [nom](https://docs.rs/nom) 8 combinators over `&str`: the
//! logical-line layer (blank lines, comments, continuations), directive names and their
//! arguments, variable lists, operators, action lists with `setvar`, `ctl` and the typed values,
//! and the `%{…}` macros inside values are each a nom parser, composed with `alt`, `opt`,
//! `preceded`, `separated_list1`, `fold_many0`, `recognize`, `cut`, … The grammar has no
//! recursion.
//!
//! Errors are a custom nom error type that carries the position (the input where the error
//! is, a slice of the file's text) and the message, usually "expected …, found …" where the
//! "found" part describes what is at the position. nom's `Error` means "this alternative does
//! not apply" and costs nothing; `Failure` commits to a message for the rule author. The file
//! loop above the directive parser reports a failure as a [`Diagnostic`], skips the rest of the
//! logical line (and indented lines that look like the rest of the broken directive), and goes
//! on with the next directive.
//!
//! ModSecurity's grammar is a flex scanner, whose choices nom does not make by itself; they
//! are reproduced as follows:
//! - *Longest match.* flex takes the pattern that matches the most text. Where two forms
//!   compete (a selector: a key or a `/regex/`), a `longest` combinator runs both on the same
//!   input and keeps the longer, the earlier on a tie.
//! - *Backtracking inside a pattern.* `\/[^ |]+\/` matches up to the *last* `/` of the run:
//!   the parser takes the run, then cuts it at its last delimiter.
//! - *Escapes.* `\"` protects a quote only after another character of the same token, and in
//!   values with macros only when the backslash run is odd (a token restarts after each
//!   `%{…}`). The grammar says so directly: a value is `chunk (macro chunk)*`, a chunk starts
//!   with backslashes that escape nothing, then plain text, escapes (an odd backslash run and
//!   the protected character) and other backslash runs.
//! - *Scanner states.* Which characters end a value depends on the scanner state it was read
//!   in (`"…"`, `'…'`, an unquoted operator, a `setvar` key, …): one text parser, configured
//!   by a mode per state. A commented-out `# SecRule … \` enters the `COMMENT` state, which
//!   runs over the following lines that end with `\`.
//!
//! Three of the most frequent steps are written out by hand, for speed, where a combinator
//! would cost a dispatch per byte: inline whitespace (`(blank+ | continuation)*`, a loop over
//! the bytes, tested equal to the combinator form), plain text inside a value (a search for
//! the next character that may end it, with `memchr` in quoted values, which also steps over
//! backslash runs that escape nothing), and the choice among the pieces of a value, which the
//! first byte decides (`%`, `\` or plain text: the grammar is LL(1) there). With a few leaves
//! that are plain byte tests (the end of a line, the rest of a line), these are the only
//! hand-written parsers; the grammar above them is combinators.
//!
//! # How text is read
//!
//! The parser follows ModSecurity v3's scanner (`seclang-scanner.ll`) and grammar
//! (`seclang-parser.yy`): the same quoting, the same escapes, the same errors for what
//! ModSecurity rejects. In particular:
//! - A directive may span lines with a `\` at the end of a line; a `#` starts a comment at the
//!   start of a line or after a directive. A commented-out `# SecRule … \` goes on over the
//!   following lines that end with `\`, as in ModSecurity.
//! - Escapes are kept verbatim (`\"`, `\'`, `\%{` stay in the text, backslash included), and
//!   count only after another character of the same value: ModSecurity passes them on as they
//!   are. A `%` that does not start a `%{…}` macro is refused in `'…'` values and unquoted
//!   operators, as ModSecurity refuses it; macros must name a known variable. A `%` right
//!   after a macro's `}` is dropped, as ModSecurity's scanner drops it (`%{tx.score}%`).
//! - Quoted and unquoted forms: variables (`ARGS|ARGS_NAMES` or `"ARGS|ARGS_NAMES"`), operators
//!   (exactly one space between `@op` and its argument), one unquoted action or a quoted list,
//!   `msg:'…'`, `msg:"…"` or `msg:…` (up to the next `,`).
//! - Selectors: `ARGS:key`, `ARGS:/regex/`, `ARGS:'/re|gex/'` (read by longest match, as
//!   ModSecurity does: `ARGS:/a/b` is the key `/a/b`), `XML:/xpath` (`XML:/x/` is the XPath
//!   `x`, `ENV:/x/` the key `x`, as in ModSecurity).
//! - An action list left without its closing `"` ends at the end of the line, as in
//!   ModSecurity (with a warning).
//! - A `SecRule` without actions takes the next line as its actions unless that line is blank
//!   or the end of the file: ModSecurity does the same, so a rule without actions directly
//!   followed by another directive is an error.
//!
//! # Where Palisade differs from libmodsecurity 3.0.9
//!
//! Checked against the real library. Palisade refuses, with a message, inputs that ModSecurity
//! accepts but reads in a way no rule author means:
//! - `@name` with an unknown name, and `@detectSQLi x` (an operator without argument given
//!   one): ModSecurity reads the whole text as a regular expression.
//! - `phase:'request'` and `phase:'phase'`: ModSecurity's scanner reads them as
//!   `allow:request` and `allow:phase`.
//! - A directive's value on the next line without a `\`, the operator on the line after the
//!   variables without a `\`, and a second directive on the same line.
//! - `id:0` (ModSecurity reads it as no id), `SecCookieFormat` other than 0, numbers beyond 64
//!   bits, and a rule id that is not a plain number in `SecRuleUpdateTargetById` /
//!   `SecRuleUpdateActionById` (ModSecurity silently takes the leading digits of `1-5`).
//! - An unquoted operator ends at a tab, the end of the line or a continuation (ModSecurity's
//!   runs on to the next space, across lines); an unquoted `msg:…` ends at the end of the line.
//!
//! Palisade accepts a few inputs that ModSecurity refuses, where ModSecurity's refusal is an
//! accident of its scanner: whitespace before the closing `"` of an action list, a continuation
//! between `SecRule` and its variables, a range such as `9-10` in `SecRuleRemoveById`
//! (ModSecurity compares the ends as strings), and a `%` right before a closing `"`.
//!
//! Warnings (not errors) point at things ModSecurity accepts but misreads: an unquoted
//! `accuracy`/`maturity` followed by more actions (ModSecurity reads up to the next `'`), an
//! unquoted `rev` at the end of the list, configuration actions in `SecRuleUpdateActionById`
//! (ignored), a chain no rule completes, a `skipAfter` naming no `SecMarker`.
//!
//! Operator arguments are not checked here (regular expressions, IP lists, data files): that is
//! the compiler's job.
//!
//! # Limits
//!
//! Every resource is bounded ([`Limits`], with these defaults); going over a limit gives an
//! error diagnostic where it happened and nothing else:
//! - a file: 64 MiB (and 4 GiB whatever the setting); [`FsSource`] refuses larger files too;
//! - a directive (a logical line with its continuations): 1 MiB — a 100,000-line continuation
//!   of short lines is refused with "this directive is N bytes long, over the limit of 1048576
//!   bytes" (raise the limit to parse it);
//! - errors per file: 1,000, then the rest of the file is skipped;
//! - `Include` nesting: 32; files per load: 10,000; bytes per load: 512 MiB.
//!
//! The parser keeps no recursion the input controls: the grammar is not recursive, and
//! `Include` is followed with an explicit stack. Memory is proportional to the input: the line
//! table (4 bytes a line) and the AST (about 9 times the size of CRS-like rules, measured on a
//! 10 MB file).
//!
//! # The printer
//!
//! `Display` on the AST writes canonical SecLang: one directive per line, directive and action
//! names in their reference spelling, phases as numbers, severities by name, the operator and
//! the action list in double quotes, values in the first quoting that reads back as the same
//! value. `parse(print(ast)) == ast` for every AST the parser produces (spans aside: a [`Span`]
//! equals any other). A few values cannot be written in SecLang at all — a literal `%{` outside
//! a macro, a `msg` holding both `"` and `'` and `,`, two `'/…|…/'` selectors in one list
//! (ModSecurity reads them as one) — and are not produced by the parser.

pub mod ast;
mod check;
mod diagnostic;
mod load;
mod macro_string;
mod operator_name;
mod parse;
mod print;
mod source;
mod span;

pub use check::check;
pub use diagnostic::{Diagnostic, FileTable, Level, SourceFile};
pub use load::{Loaded, load, load_str, load_with};
pub use macro_string::{MacroRef, MacroSegment, MacroString};
pub use operator_name::{OperatorName, OperatorSupport};
pub use parse::{Limits, ParseOutput, parse_str, parse_str_with};
pub use source::{FsSource, MemorySource, RuleSource, SourceError, resolve_relative};
pub use span::{FileId, Span};
