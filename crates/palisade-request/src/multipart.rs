//! The MULTIPART body processor: `multipart/form-data` bodies as ModSecurity v3's
//! `RequestBodyProcessor::Multipart` parses them, quirks included, so that every `MULTIPART_*`
//! flag, every error message and every variable matches.
//!
//! Use: [`Multipart::new`] with the request's (first) `Content-Type` value checks the boundary
//! (v3's `init`), [`Multipart::feed`] takes the body in chunks, [`Multipart::finish`] ends it
//! (v3's `multipart_complete`) and returns a [`MultipartOutcome`]: the flags, the error (if
//! any) and the sizes. Variables go to a [`MultipartSink`] as they become known:
//!
//! | sink method | v3 variable | when |
//! |---|---|---|
//! | [`MultipartSink::name`] | MULTIPART_NAME | every `name=` of a Content-Disposition, duplicates included |
//! | [`MultipartSink::filename`] | MULTIPART_FILENAME | every `filename=` |
//! | [`MultipartSink::part_header`] | MULTIPART_PART_HEADERS | each part's header lines, in order, when its closing boundary is seen |
//! | [`MultipartSink::arg`] | ARGS, ARGS_POST | text parts, at [`Multipart::finish`] |
//! | [`MultipartSink::file`] | FILES, FILES_NAMES, FILES_SIZES, FILES_TMP_CONTENT | file parts, at [`Multipart::finish`] |
//!
//! FILES_COMBINED_SIZE is [`MultipartOutcome::files_combined_size`]. Like v3, text parts and
//! files are only reported when the body ends well (a missing final boundary reports none), and
//! text parts bypass `SecArgumentsLimit`.
//!
//! v3 behaviours kept on purpose (they decide what rules see):
//! - part data is read line by line (at most 4,096 bytes at a time); the line ending before
//!   each line is held back in case a boundary follows, and for text parts v3 then drops it, so
//!   a text value `a\r\nb` arrives as `ab` (file sizes do count it);
//! - errors inside part headers set the error message but parsing goes on (the part stays in
//!   its header state); the last message set wins, and "Final boundary missing." or "No
//!   boundaries found in payload." replace earlier ones when the body does not end well;
//! - a duplicate part header is ignored silently (no error, not in MULTIPART_PART_HEADERS).
//!
//! Version notes: a part header name with a byte outside `!`..`~` is an error (v3/master's fix;
//! 3.0.9 accepts it). MULTIPART_PART_HEADERS lines carry no line ending (master); set
//! [`BodyConfig::multipart_v3_0_9`] for 3.0.9's `\r\n`-terminated lines.
//!
//! Memory: the line buffer is 4,096 bytes; text values, names and kept file content live in one
//! arena that never holds more than the body fed so far (file content at most
//! [`BodyConfig::multipart_file_content`] per file, none unless kept), so the host's body limit
//! bounds it; file data that is not kept costs nothing, however large the upload.

use core::fmt;
use core::ops::Range;

use crate::BodyConfig;
use crate::cookies::is_c_space;

/// v3's MULTIPART_BUF_SIZE.
const BUF_SIZE: usize = 4096;

/// Receives what the multipart processor finds; every method has an empty default.
pub trait MultipartSink {
    /// MULTIPART_NAME: a `name=` value of a Content-Disposition header.
    fn name(&mut self, _name: &[u8]) {}
    /// MULTIPART_FILENAME: a `filename=` value of a Content-Disposition header.
    fn filename(&mut self, _filename: &[u8]) {}
    /// MULTIPART_PART_HEADERS: one header line of the part named `part_name`.
    fn part_header(&mut self, _part_name: &[u8], _line: &[u8]) {}
    /// ARGS / ARGS_POST: a text part.
    fn arg(&mut self, _name: &[u8], _value: &[u8]) {}
    /// FILES (name → filename), FILES_NAMES, FILES_SIZES, FILES_TMP_CONTENT: a file part.
    fn file(&mut self, _file: FilePart<'_>) {}
}

/// A file part, as v3 reports it at the end of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePart<'a> {
    /// The part's `name=` (the key of FILES, FILES_NAMES, FILES_SIZES).
    pub name: &'a [u8],
    /// The `filename=` (the value of FILES).
    pub filename: &'a [u8],
    /// FILES_SIZES: bytes of content.
    pub size: u64,
    /// FILES_TMP_CONTENT: the content as v3 keeps it when [`BodyConfig::multipart_keep_files`]
    /// is on (each line's ending dropped, as v3 does; at most
    /// [`BodyConfig::multipart_file_content`] bytes); empty otherwise, as in v3.
    pub content: &'a [u8],
}

/// The `MULTIPART_*` flags, as v3 sets them at the end of the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MultipartFlags {
    /// MULTIPART_BOUNDARY_QUOTED
    pub boundary_quoted: bool,
    /// MULTIPART_BOUNDARY_WHITESPACE
    pub boundary_whitespace: bool,
    /// MULTIPART_DATA_BEFORE
    pub data_before: bool,
    /// MULTIPART_DATA_AFTER
    pub data_after: bool,
    /// MULTIPART_HEADER_FOLDING
    pub header_folding: bool,
    /// MULTIPART_LF_LINE
    pub lf_line: bool,
    /// Lines ending in CRLF were seen (MULTIPART_CRLF_LF_LINES is this and `lf_line`).
    pub crlf_line: bool,
    /// MULTIPART_MISSING_SEMICOLON (alias MULTIPART_SEMICOLON_MISSING)
    pub missing_semicolon: bool,
    /// MULTIPART_INVALID_QUOTING
    pub invalid_quoting: bool,
    /// MULTIPART_INVALID_PART
    pub invalid_part: bool,
    /// MULTIPART_INVALID_HEADER_FOLDING
    pub invalid_header_folding: bool,
    /// The upload file limit was exceeded. Note: v3 never sets the variable
    /// MULTIPART_FILE_LIMIT_EXCEEDED itself (it stays empty, even in v3/master); the flag only
    /// feeds MULTIPART_STRICT_ERROR and the error message.
    pub file_limit_exceeded: bool,
    /// MULTIPART_UNMATCHED_BOUNDARY: 0, 1 (something like an unknown boundary was seen) or 2
    /// (a matching boundary after the first one; v3 sets 2 on every well-formed body with more
    /// than one boundary line).
    pub unmatched_boundary: u8,
    /// A fatal parsing error happened (part of MULTIPART_STRICT_ERROR).
    pub error: bool,
}

impl MultipartFlags {
    /// MULTIPART_CRLF_LF_LINES: both CRLF and LF line endings were seen.
    pub fn crlf_lf_lines(&self) -> bool {
        self.crlf_line && self.lf_line
    }

    /// MULTIPART_STRICT_ERROR: any of the strict flags (MULTIPART_UNMATCHED_BOUNDARY is not
    /// one of them in v3).
    pub fn strict_error(&self) -> bool {
        self.error
            || self.boundary_quoted
            || self.boundary_whitespace
            || self.data_before
            || self.data_after
            || self.header_folding
            || self.lf_line
            || self.missing_semicolon
            || self.invalid_quoting
            || self.invalid_part
            || self.invalid_header_folding
            || self.file_limit_exceeded
    }
}

/// The multipart errors, worded as v3 words them ([`MultipartError::message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartError {
    /// `Multipart: Content-Type header not available.`
    ContentTypeMissing,
    /// `Multipart: Invalid boundary in C-T (length).`
    ContentTypeLength,
    /// `Multipart: Invalid MIME type.`
    InvalidMimeType,
    /// `Multipart: Multiple boundary parameters in C-T.`
    MultipleBoundaries,
    /// `Multipart: Invalid boundary in C-T (malformed).`
    BoundaryMalformed,
    /// `Multipart: Invalid boundary in C-T (parameter name).`
    BoundaryParameterName,
    /// `Multipart: Invalid boundary in C-T (quote).`
    BoundaryQuote,
    /// `Multipart: Invalid boundary in C-T (content).`
    BoundaryContent,
    /// `Multipart: Invalid boundary in C-T (characters).`
    BoundaryCharacters,
    /// `Multipart: Invalid boundary in C-T (empty).`
    BoundaryEmpty,
    /// `Multipart: Invalid boundary in C-T (case sensitivity).`
    BoundaryCaseSensitivity,
    /// `Multipart: Boundary not found in C-T.`
    BoundaryNotFound,
    /// `Multipart: Invalid boundary (final duplicate).`
    FinalDuplicate,
    /// `Multipart: Invalid boundary: <line>`
    InvalidBoundary(Vec<u8>),
    /// `Multipart: Invalid boundary (quotes).`
    BoundaryQuotes,
    /// `Multipart: Invalid boundary (whitespace).`
    BoundaryWhitespace,
    /// `Multipart: Part header line over 4096 bytes long`
    HeaderLineTooLong,
    /// `Multipart: Nul byte in part headers.`
    NulInHeaders,
    /// `Multipart: Part missing Content-Disposition header.`
    MissingContentDisposition,
    /// `Multipart: Invalid Content-Disposition header (<code>): <value>`
    InvalidContentDisposition(i32, Vec<u8>),
    /// `Multipart: Content-Disposition header missing name field.`
    MissingName,
    /// `Multipart: Invalid Content-Disposition header (filename).`
    InvalidFilename,
    /// `Multipart: Invalid part header (folding error).`
    FoldingError,
    /// `Multipart: Part header too long.`
    HeaderTooLong,
    /// `Multipart: Invalid part header (colon missing): <line>`
    ColonMissing(Vec<u8>),
    /// `Multipart: Invalid part header (header name missing).`
    HeaderNameMissing,
    /// `Multipart: Invalid part header (contains invalid character).`
    HeaderInvalidCharacter,
    /// `Multipart: Upload file limit exceeded <n>. Use SecUploadFileLimit to change the limit.`
    FileLimitExceeded(u32),
    /// `Multipart: Final boundary missing.`
    FinalBoundaryMissing,
    /// `Multipart: No boundaries found in payload.`
    NoBoundaries,
}

impl MultipartError {
    /// The message v3 stores (bytes: some messages quote request data).
    pub fn message(&self) -> Vec<u8> {
        let fixed = |s: &str| s.as_bytes().to_vec();
        let with = |s: &str, d: &[u8]| {
            let mut v = s.as_bytes().to_vec();
            v.extend_from_slice(d);
            v
        };
        match self {
            MultipartError::ContentTypeMissing => {
                fixed("Multipart: Content-Type header not available.")
            }
            MultipartError::ContentTypeLength => {
                fixed("Multipart: Invalid boundary in C-T (length).")
            }
            MultipartError::InvalidMimeType => fixed("Multipart: Invalid MIME type."),
            MultipartError::MultipleBoundaries => {
                fixed("Multipart: Multiple boundary parameters in C-T.")
            }
            MultipartError::BoundaryMalformed => {
                fixed("Multipart: Invalid boundary in C-T (malformed).")
            }
            MultipartError::BoundaryParameterName => {
                fixed("Multipart: Invalid boundary in C-T (parameter name).")
            }
            MultipartError::BoundaryQuote => fixed("Multipart: Invalid boundary in C-T (quote)."),
            MultipartError::BoundaryContent => {
                fixed("Multipart: Invalid boundary in C-T (content).")
            }
            MultipartError::BoundaryCharacters => {
                fixed("Multipart: Invalid boundary in C-T (characters).")
            }
            MultipartError::BoundaryEmpty => fixed("Multipart: Invalid boundary in C-T (empty)."),
            MultipartError::BoundaryCaseSensitivity => {
                fixed("Multipart: Invalid boundary in C-T (case sensitivity).")
            }
            MultipartError::BoundaryNotFound => fixed("Multipart: Boundary not found in C-T."),
            MultipartError::FinalDuplicate => {
                fixed("Multipart: Invalid boundary (final duplicate).")
            }
            MultipartError::InvalidBoundary(line) => with("Multipart: Invalid boundary: ", line),
            MultipartError::BoundaryQuotes => fixed("Multipart: Invalid boundary (quotes)."),
            MultipartError::BoundaryWhitespace => {
                fixed("Multipart: Invalid boundary (whitespace).")
            }
            MultipartError::HeaderLineTooLong => {
                fixed("Multipart: Part header line over 4096 bytes long")
            }
            MultipartError::NulInHeaders => fixed("Multipart: Nul byte in part headers."),
            MultipartError::MissingContentDisposition => {
                fixed("Multipart: Part missing Content-Disposition header.")
            }
            MultipartError::InvalidContentDisposition(rc, value) => with(
                &format!("Multipart: Invalid Content-Disposition header ({rc}): "),
                value,
            ),
            MultipartError::MissingName => {
                fixed("Multipart: Content-Disposition header missing name field.")
            }
            MultipartError::InvalidFilename => {
                fixed("Multipart: Invalid Content-Disposition header (filename).")
            }
            MultipartError::FoldingError => {
                fixed("Multipart: Invalid part header (folding error).")
            }
            MultipartError::HeaderTooLong => fixed("Multipart: Part header too long."),
            MultipartError::ColonMissing(line) => {
                with("Multipart: Invalid part header (colon missing): ", line)
            }
            MultipartError::HeaderNameMissing => {
                fixed("Multipart: Invalid part header (header name missing).")
            }
            MultipartError::HeaderInvalidCharacter => {
                fixed("Multipart: Invalid part header (contains invalid character).")
            }
            MultipartError::FileLimitExceeded(n) => fixed(&format!(
                "Multipart: Upload file limit exceeded {n}. Use SecUploadFileLimit to change the limit."
            )),
            MultipartError::FinalBoundaryMissing => fixed("Multipart: Final boundary missing."),
            MultipartError::NoBoundaries => fixed("Multipart: No boundaries found in payload."),
        }
    }

    /// REQBODY_ERROR_MSG / REQBODY_PROCESSOR_ERROR_MSG: `Multipart parsing error: ` + message.
    pub fn reqbody_error_msg(&self) -> Vec<u8> {
        let mut v = b"Multipart parsing error: ".to_vec();
        v.extend_from_slice(&self.message());
        v
    }
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

impl std::error::Error for MultipartError {}

/// What the processor reports at the end of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartOutcome {
    /// The `MULTIPART_*` flags.
    pub flags: MultipartFlags,
    /// The last error message set (REQBODY_ERROR is 1 when there is one).
    pub error: Option<MultipartError>,
    /// FILES_COMBINED_SIZE: the sum of the file parts' sizes (0 when none were reported).
    pub files_combined_size: u64,
    /// Bytes of part headers and text-part data: what v3 compares with
    /// `SecRequestBodyNoFilesLimit` after a body without errors.
    pub no_files_length: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    FormData,
    File,
}

/// The part being built (v3's `MultipartPart`).
#[derive(Debug)]
struct Part {
    kind: PartKind,
    /// Arena position where this part's bytes start (to drop them when the part is dropped).
    arena_start: usize,
    name: Option<Range<usize>>,
    filename: Option<Range<usize>>,
    /// Text value, or kept file content, as one arena range (grown as data arrives).
    value: Option<Range<usize>>,
    size: u64,
    has_tmp_file: bool,
    /// Headers: (name, value) ranges in `hdr`.
    headers: Vec<(Range<usize>, Range<usize>)>,
    hdr: Vec<u8>,
    last_header_name: Option<usize>,
    last_header_line: Vec<u8>,
    /// Completed header lines, ranges into `lines`.
    header_lines: Vec<Range<usize>>,
    lines: Vec<u8>,
}

impl Part {
    fn new(arena_start: usize) -> Self {
        Part {
            kind: PartKind::FormData,
            arena_start,
            name: None,
            filename: None,
            value: None,
            size: 0,
            has_tmp_file: false,
            headers: Vec::new(),
            hdr: Vec::new(),
            last_header_name: None,
            last_header_line: Vec::new(),
            header_lines: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn header(&self, name: &[u8]) -> Option<usize> {
        self.headers
            .iter()
            .position(|(n, _)| self.hdr[n.clone()].eq_ignore_ascii_case(name))
    }

    fn record_last_header_line(&mut self) {
        if !self.last_header_line.is_empty() {
            let s = self.lines.len();
            self.lines.extend_from_slice(&self.last_header_line);
            self.header_lines.push(s..self.lines.len());
            self.last_header_line.clear();
        }
    }
}

/// A finished part kept for [`Multipart::finish`].
#[derive(Debug, Clone)]
struct DonePart {
    kind: PartKind,
    name: Range<usize>,
    filename: Range<usize>,
    value: Range<usize>,
    size: u64,
    content_kept: bool,
}

/// The multipart processor for one body.
#[derive(Debug)]
pub struct Multipart {
    config: BodyConfig,
    boundary: Vec<u8>,
    /// `init` failed: nothing more is parsed.
    init_failed: bool,
    /// `process` returned false: the rest of the body is ignored.
    stopped: bool,
    flags: MultipartFlags,
    error: Option<MultipartError>,
    buf: Vec<u8>,
    buf_contains_line: bool,
    crlf_state: u8,
    crlf_state_buf_end: u8,
    boundary_count: u32,
    seen_data: bool,
    is_complete: bool,
    mpp: Option<Part>,
    /// 0: part headers, 1: part data.
    mpp_state: u8,
    mpp_substate_part_data_read: bool,
    reserve: u8,
    nfiles: u32,
    no_files_length: u64,
    arena: Vec<u8>,
    parts: Vec<DonePart>,
}

/// C's `strlen` over a buffer: the bytes before the first NUL.
fn cstr(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// `std::string::chomp`: removes every trailing `\n` and `\r`.
fn chomp(mut b: &[u8]) -> &[u8] {
    while let Some((&l, rest)) = b.split_last() {
        if l == b'\n' || l == b'\r' {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// v3's `count_boundary_params`: occurrences of `boundary` (any case) followed somewhere later
/// by a `=`.
fn count_boundary_params(v: &[u8]) -> usize {
    let lower: Vec<u8> = v.iter().map(u8::to_ascii_lowercase).collect();
    let mut count = 0;
    let mut s = 0;
    while let Some(i) = find(&lower[s..], b"boundary") {
        s += i + 8;
        if lower[s..].contains(&b'=') {
            count += 1;
        }
    }
    count
}

/// RFC 2046 boundary characters, as v3 checks them (a space is allowed but not last).
fn boundary_characters_valid(b: &[u8]) -> bool {
    b.iter().enumerate().all(|(i, &c)| {
        c.is_ascii_alphanumeric()
            || (c == b' ' && i + 1 < b.len())
            || matches!(
                c,
                b'\'' | b'(' | b')' | b'+' | b'_' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
            )
    })
}

fn is_token_char(c: u8) -> bool {
    if c <= 32 || c >= 127 {
        return false;
    }
    !matches!(
        c,
        b'(' | b')'
            | b'<'
            | b'>'
            | b'@'
            | b','
            | b';'
            | b':'
            | b'\\'
            | b'"'
            | b'/'
            | b'['
            | b']'
            | b'?'
            | b'='
    )
}

impl Multipart {
    /// Starts a body with the request's `Content-Type` value (v3 uses the first Content-Type
    /// header). A bad Content-Type is reported by [`Multipart::finish`]; the body is then
    /// ignored, as in v3.
    pub fn new(content_type: &[u8], config: &BodyConfig) -> Self {
        let mut m = Multipart {
            config: config.clone(),
            boundary: Vec::new(),
            init_failed: false,
            stopped: false,
            flags: MultipartFlags::default(),
            error: None,
            buf: Vec::with_capacity(BUF_SIZE + 2),
            buf_contains_line: true,
            crlf_state: 0,
            crlf_state_buf_end: 0,
            boundary_count: 0,
            seen_data: false,
            is_complete: false,
            mpp: None,
            mpp_state: 0,
            mpp_substate_part_data_read: false,
            reserve: 0,
            nfiles: 0,
            no_files_length: 0,
            arena: Vec::new(),
            parts: Vec::new(),
        };
        if let Err(e) = m.init(content_type) {
            m.init_failed = true;
            if let Some(e) = e {
                m.flags.error = true;
                m.error = Some(e);
            }
        }
        m
    }

    /// Bytes of part headers and text-part data so far (see
    /// [`MultipartOutcome::no_files_length`]); a host may stop feeding once it passes
    /// `SecRequestBodyNoFilesLimit`.
    pub fn no_files_length(&self) -> u64 {
        self.no_files_length
    }

    /// Bytes the processor holds now (kept values and names, part headers, the line buffer):
    /// what a host can account against its memory budget.
    pub fn retained_bytes(&self) -> usize {
        let part = self.mpp.as_ref().map_or(0, |p| {
            p.hdr.len() + p.lines.len() + p.last_header_line.len()
        });
        self.arena.len() + self.buf.len() + part + self.parts.len() * size_of::<DonePart>()
    }

    /// The boundary found in the Content-Type (empty when it was not usable).
    pub fn boundary(&self) -> &[u8] {
        &self.boundary
    }

    /// v3's `init`. `Err(None)` is v3's silent failure (an empty boundary value).
    fn init(&mut self, header: &[u8]) -> Result<(), Option<MultipartError>> {
        if header.is_empty() {
            return Err(Some(MultipartError::ContentTypeMissing));
        }
        if header.len() > 1024 {
            return Err(Some(MultipartError::ContentTypeLength));
        }
        // From here v3 works on the C string.
        let header = cstr(header);
        if header.len() < 19 || !header[..19].eq_ignore_ascii_case(b"multipart/form-data") {
            return Err(Some(MultipartError::InvalidMimeType));
        }
        if count_boundary_params(header) > 1 {
            return Err(Some(MultipartError::MultipleBoundaries));
        }
        let Some(bpos) = find(header, b"boundary") else {
            if count_boundary_params(header) > 0 {
                return Err(Some(MultipartError::BoundaryCaseSensitivity));
            }
            return Err(Some(MultipartError::BoundaryNotFound));
        };
        let mut seen_semicolon = false;
        for &c in header.get(19..bpos).unwrap_or(&[]) {
            if !is_c_space(c) {
                if !seen_semicolon && c == b';' {
                    seen_semicolon = true;
                } else {
                    return Err(Some(MultipartError::BoundaryMalformed));
                }
            }
        }
        if !seen_semicolon {
            self.flags.missing_semicolon = true;
        }
        let after = bpos + 8;
        let Some(eq) = header[after..]
            .iter()
            .position(|&c| c == b'=')
            .map(|p| after + p)
        else {
            return Err(Some(MultipartError::BoundaryMalformed));
        };
        for &c in &header[after..eq] {
            if is_c_space(c) {
                self.flags.boundary_whitespace = true;
            } else {
                return Err(Some(MultipartError::BoundaryParameterName));
            }
        }
        let b = &header[eq + 1..];
        if b.first().is_some_and(|&c| is_c_space(c)) {
            self.flags.boundary_whitespace = true;
        }
        let len = b.len();
        let mut boundary: Vec<u8>;
        if len >= 2 && b[0] == b'"' && b[len - 1] == b'"' {
            boundary = b[1..len - 1].to_vec();
            if boundary.is_empty() {
                return Err(None);
            }
            self.flags.boundary_quoted = true;
        } else {
            if b.first() == Some(&b'"') || (len >= 2 && b[len - 1] == b'"') {
                return Err(Some(MultipartError::BoundaryQuote));
            }
            boundary = b.to_vec();
            if boundary.is_empty() {
                return Err(None);
            }
        }
        if count_boundary_params(&boundary) != 0 {
            return Err(Some(MultipartError::BoundaryContent));
        }
        // Tolerated: a parameter after the boundary (`boundary=x; charset=utf-8`).
        if !boundary_characters_valid(&boundary)
            && let Some(semi) = boundary.iter().position(|&c| c == b';')
        {
            boundary.truncate(semi);
        }
        if !boundary_characters_valid(&boundary) {
            return Err(Some(MultipartError::BoundaryCharacters));
        }
        if boundary.is_empty() {
            return Err(Some(MultipartError::BoundaryEmpty));
        }
        self.boundary = boundary;
        Ok(())
    }

    fn fail(&mut self, e: MultipartError) {
        self.flags.error = true;
        self.error = Some(e);
        self.stopped = true;
    }

    /// Byte `i` of the line buffer as C sees it: the terminating NUL at the end.
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.buf.get(i).copied().unwrap_or(0)
    }

    /// `strncmp(buf + i, boundary, len(boundary)) == 0`.
    fn boundary_at(&self, i: usize) -> bool {
        self.boundary
            .iter()
            .enumerate()
            .all(|(k, &b)| self.at(i + k) == b)
    }

    /// Feeds the next chunk of the body.
    pub fn feed<S: MultipartSink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) {
        if self.init_failed || self.stopped || chunk.is_empty() {
            return;
        }
        self.seen_data = true;
        if self.is_complete {
            // v3 gets the whole body at once; data after the final boundary is "data after".
            self.flags.data_after = true;
            return;
        }
        let mut i = 0;
        while i < chunk.len() {
            let c = chunk[i];
            let bufleft = BUF_SIZE - self.buf.len();
            let mut process_buffer = false;
            if c == b'\r' && bufleft == 1 {
                // v3 does not take `\r` as the last byte of the buffer.
                process_buffer = true;
            } else {
                i += 1;
                self.buf.push(c);
            }
            if c == b'\n' || self.buf.len() == BUF_SIZE || process_buffer {
                if !self.process_line(process_buffer, sink) {
                    self.stopped = true;
                    return;
                }
                self.buf.clear();
                self.buf_contains_line = c == b'\n';
                if c == b'\n' {
                    self.crlf_state = if self.crlf_state == 1 { 3 } else { 2 };
                }
                self.crlf_state_buf_end = self.crlf_state;
            }
            if c == b'\r' {
                self.crlf_state = 1;
            } else if c != b'\n' {
                self.crlf_state = 0;
            }
            if self.is_complete && i < chunk.len() {
                self.flags.data_after = true;
                return;
            }
        }
    }

    /// One buffered line (or 4,096-byte piece): v3's body of the `process` loop. Returns false
    /// where v3's `process` returns false.
    fn process_line<S: MultipartSink + ?Sized>(
        &mut self,
        process_buffer: bool,
        sink: &mut S,
    ) -> bool {
        let mut processed_as_boundary = false;
        let slen = cstr(&self.buf).len();
        let blen = self.boundary.len();
        if self.buf_contains_line && slen > 3 && self.buf[0] == b'-' && self.buf[1] == b'-' {
            if slen >= blen + 2 && self.boundary_at(2) {
                if self.crlf_state_buf_end == 2 {
                    self.flags.lf_line = true;
                }
                if !self.mpp_substate_part_data_read && self.boundary_count > 0 {
                    // It matches the boundary, but it is where part data should begin.
                    self.flags.invalid_part = true;
                } else {
                    let mut be = 2 + blen;
                    if self.boundary_count > 0 {
                        self.flags.unmatched_boundary = 2;
                    }
                    let mut is_final = false;
                    if self.at(be) == b'-' && self.at(be + 1) == b'-' {
                        is_final = true;
                        be += 2;
                        if self.is_complete {
                            self.fail(MultipartError::FinalDuplicate);
                            return false;
                        }
                    }
                    let crlf =
                        self.at(be) == b'\r' && self.at(be + 1) == b'\n' && self.at(be + 2) == 0;
                    let lf = self.at(be) == b'\n' && self.at(be + 1) == 0;
                    if crlf || lf {
                        if lf {
                            self.flags.lf_line = true;
                        } else {
                            self.flags.crlf_line = true;
                        }
                        self.process_boundary(is_final, sink);
                        if is_final {
                            self.is_complete = true;
                        }
                        processed_as_boundary = true;
                        self.boundary_count += 1;
                    } else {
                        let line = cstr(&self.buf).to_vec();
                        self.fail(MultipartError::InvalidBoundary(line));
                        return false;
                    }
                }
            } else {
                // It looks like a boundary but does not match ours.
                if self.flags.boundary_quoted
                    && slen >= blen + 3
                    && self.buf[2] == b'"'
                    && self.boundary_at(3)
                {
                    self.fail(MultipartError::BoundaryQuotes);
                    return false;
                }
                let mut p = 2;
                while is_c_space(self.at(p)) {
                    p += 1;
                }
                if p != 2 && self.boundary_at(p) {
                    self.fail(MultipartError::BoundaryWhitespace);
                    return false;
                }
                self.flags.unmatched_boundary = 1;
            }
        } else if self.buf_contains_line {
            // Anything that resembles a boundary inside the line?
            let len = self.buf.len();
            for i in 0..len {
                if self.buf[i] == b'-'
                    && i + 1 < len
                    && self.buf[i + 1] == b'-'
                    && self.boundary_at(i + 2)
                {
                    self.flags.unmatched_boundary = 1;
                    break;
                }
            }
        }

        if !processed_as_boundary {
            if self.mpp.is_none() {
                self.flags.data_before = true;
            } else if self.mpp_state == 0 {
                if self.buf.len() == BUF_SIZE || process_buffer {
                    self.fail(MultipartError::HeaderLineTooLong);
                    return false;
                }
                self.process_part_header(sink);
            } else {
                self.process_part_data();
            }
        }
        true
    }

    fn set_error(&mut self, e: MultipartError) {
        self.error = Some(e);
    }

    /// v3's `process_part_header` for the line in the buffer. Errors set the message only.
    fn process_part_header<S: MultipartSink + ?Sized>(&mut self, sink: &mut S) {
        let len = self.buf.len();
        if self.buf.contains(&0) {
            self.set_error(MultipartError::NulInHeaders);
            return;
        }
        self.no_files_length += len as u64;
        let mut lwt = len.saturating_sub(1);
        if len > 1 {
            if self.buf[len - 2] == b'\r' {
                self.flags.crlf_line = true;
                lwt = len - 2;
            } else {
                self.flags.lf_line = true;
            }
        } else {
            self.flags.lf_line = true;
        }
        let line_endings = self.config.multipart_v3_0_9;
        let check_names = !self.config.multipart_v3_0_9;
        let Some(mut part) = self.mpp.take() else {
            return;
        };
        let line: &[u8] = &self.buf;
        if line == b"\r\n" || line == b"\n" {
            // The empty line: headers are over.
            part.record_last_header_line();
            let result = self.end_of_headers(&mut part, sink);
            self.mpp = Some(part);
            if let Err(e) = result {
                self.set_error(e);
            }
            return;
        }
        let result = if is_c_space(line[0]) {
            // Header folding.
            self.flags.header_folding = true;
            if line[0] != b'\t' && line[0] != b' ' {
                self.flags.invalid_header_folding = true;
            }
            match part.last_header_name {
                None => Err(MultipartError::FoldingError),
                Some(h) => {
                    let mut d = 0;
                    while d < line.len() && is_c_space(line[d]) {
                        if line[d] != b'\t' && line[d] != b' ' {
                            self.flags.invalid_header_folding = true;
                        }
                        d += 1;
                    }
                    let addition = chomp(&line[d..]);
                    let (name_r, value_r) = part.headers[h].clone();
                    let mut new_value = part.hdr[value_r].to_vec();
                    new_value.push(b' ');
                    new_value.extend_from_slice(addition);
                    let vs = part.hdr.len();
                    part.hdr.extend_from_slice(&new_value);
                    part.headers[h].1 = vs..part.hdr.len();
                    if new_value.len() > BUF_SIZE {
                        Err(MultipartError::HeaderTooLong)
                    } else {
                        part.last_header_line.clear();
                        part.last_header_line.extend_from_slice(&part.hdr[name_r]);
                        part.last_header_line.extend_from_slice(b": ");
                        // A folded line has no line ending here, in 3.0.9 too.
                        part.last_header_line.extend_from_slice(&new_value);
                        Ok(())
                    }
                }
            }
        } else {
            part.record_last_header_line();
            match line.iter().position(|&c| c == b':') {
                None => Err(MultipartError::ColonMissing(line.to_vec())),
                Some(0) => Err(MultipartError::HeaderNameMissing),
                Some(colon) => {
                    let name = &line[..colon];
                    if check_names && name.iter().any(|&c| !(33..=126).contains(&c)) {
                        Err(MultipartError::HeaderInvalidCharacter)
                    } else {
                        let mut v = colon + 1;
                        while v < line.len() && (line[v] == b'\t' || line[v] == b' ') {
                            v += 1;
                        }
                        let value = chomp(&line[v..]);
                        if part.header(name).is_none() {
                            let ns = part.hdr.len();
                            part.hdr.extend_from_slice(name);
                            let vs = part.hdr.len();
                            part.hdr.extend_from_slice(value);
                            part.headers.push((ns..vs, vs..part.hdr.len()));
                            part.last_header_name = Some(part.headers.len() - 1);
                            part.last_header_line.clear();
                            if lwt > 0 {
                                let keep = if line_endings { len } else { lwt };
                                part.last_header_line.extend_from_slice(&line[..keep]);
                            }
                        }
                        // A duplicate header is ignored without an error, as in v3.
                        Ok(())
                    }
                }
            }
        };
        self.mpp = Some(part);
        if let Err(e) = result {
            self.set_error(e);
        }
    }

    /// The empty line after a part's headers: parse the Content-Disposition.
    fn end_of_headers<S: MultipartSink + ?Sized>(
        &mut self,
        part: &mut Part,
        sink: &mut S,
    ) -> Result<(), MultipartError> {
        let Some(h) = part.header(b"Content-Disposition") else {
            return Err(MultipartError::MissingContentDisposition);
        };
        let value = part.hdr[part.headers[h].1.clone()].to_vec();
        let rc = self.parse_content_disposition(part, cstr(&value), sink);
        if rc < 0 {
            return Err(MultipartError::InvalidContentDisposition(rc, value));
        }
        if part.name.as_ref().is_none_or(|r| r.is_empty()) {
            return Err(MultipartError::MissingName);
        }
        if part.filename.as_ref().is_some_and(|r| !r.is_empty()) {
            if !contains(&value, b"filename=") {
                return Err(MultipartError::InvalidFilename);
            }
            part.kind = PartKind::File;
        } else {
            part.kind = PartKind::FormData;
        }
        self.mpp_state = 1;
        self.mpp_substate_part_data_read = false;
        part.last_header_name = None;
        Ok(())
    }

    /// v3's `parse_content_disposition`; returns v3's code (1 or a negative error code).
    fn parse_content_disposition<S: MultipartSink + ?Sized>(
        &mut self,
        part: &mut Part,
        v: &[u8],
        sink: &mut S,
    ) -> i32 {
        const MIME_CHARSET_SPECIAL: &[u8] = b"!#$%&+-^_`{}~";
        const ATTR_CHAR_SPECIAL: &[u8] = b"!#$&+-.^_`~";
        // Reads as C reads a NUL-terminated string: 0 at and past the end.
        let at = |i: usize| v.get(i).copied().unwrap_or(0);
        if !v.starts_with(b"form-data") {
            return -1;
        }
        let mut p = 9;
        while at(p) == b'\t' || at(p) == b' ' {
            p += 1;
        }
        if at(p) == 0 {
            return 1;
        }
        if at(p) != b';' {
            return -2;
        }
        p += 1;
        let mut filename_star: Vec<u8> = Vec::new();
        while at(p) != 0 {
            while at(p) == b'\t' || at(p) == b' ' {
                p += 1;
            }
            if at(p) == 0 {
                return -3;
            }
            let start = p;
            while at(p) != 0 && at(p) != b'=' && at(p) != b'\t' && at(p) != b' ' {
                p += 1;
            }
            if at(p) == 0 {
                return -4;
            }
            let name = &v[start..p];
            while at(p) == b'\t' || at(p) == b' ' {
                p += 1;
            }
            if at(p) == 0 {
                return -5;
            }
            if at(p) != b'=' {
                return -13;
            }
            p += 1;
            while at(p) == b'\t' || at(p) == b' ' {
                p += 1;
            }
            if at(p) == 0 {
                return -6;
            }
            let mut quote = 0u8;
            let mut unterminated = false;
            let mut value: Vec<u8> = Vec::new();
            if name == b"filename*" {
                let cs = p;
                while at(p) != 0
                    && (at(p).is_ascii_alphanumeric() || MIME_CHARSET_SPECIAL.contains(&at(p)))
                {
                    p += 1;
                }
                if at(p) != b'\'' || p == cs {
                    return -16;
                }
                p += 1;
                while at(p) != 0 && at(p) != b'\'' {
                    p += 1;
                }
                if at(p) != b'\'' {
                    return -17;
                }
                p += 1;
                let fs = p;
                while at(p) != 0 && at(p) != b';' {
                    if at(p) == b'%' {
                        if at(p + 1) == 0
                            || !at(p + 1).is_ascii_hexdigit()
                            || !at(p + 2).is_ascii_hexdigit()
                        {
                            return -18;
                        }
                        p += 3;
                    } else if at(p).is_ascii_alphanumeric() || ATTR_CHAR_SPECIAL.contains(&at(p)) {
                        p += 1;
                    } else {
                        return -19;
                    }
                }
                value.extend_from_slice(&v[fs..p.min(v.len())]);
            } else if at(p) == b'"' || at(p) == b'\'' {
                quote = at(p);
                if quote == b'\'' {
                    self.flags.invalid_quoting = true;
                }
                p += 1;
                if at(p) == 0 {
                    return -7;
                }
                while at(p) != 0 {
                    if at(p) == b'\\' {
                        if at(p + 1) == 0 {
                            return -8;
                        }
                        if at(p + 1) == quote || at(p + 1) == b'\\' {
                            p += 1;
                        }
                        // Other escapes are kept as they are (v3 tolerates IE's).
                    } else if at(p) == quote {
                        break;
                    }
                    value.push(at(p));
                    p += 1;
                }
                // Over the closing quote. Without one, v3 steps over the string's terminator
                // and reads the heap byte after it, in practice not NUL: the value is still
                // used, then the header fails with -12 (matches libmodsecurity 3.0.9).
                unterminated = at(p) == 0;
                p += 1;
            } else {
                let s = p;
                while at(p) != 0 && is_token_char(at(p)) {
                    p += 1;
                }
                value.extend_from_slice(&v[s..p]);
            }

            if name == b"name" {
                self.validate_quotes(&value, quote);
                sink.name(&value);
                if part.name.as_ref().is_some_and(|r| !r.is_empty()) {
                    return -14;
                }
                let s = self.arena.len();
                self.arena.extend_from_slice(&value);
                part.name = Some(s..self.arena.len());
            } else if name == b"filename" {
                self.validate_quotes(&value, quote);
                sink.filename(&value);
                if part.filename.as_ref().is_some_and(|r| !r.is_empty()) {
                    return -15;
                }
                let s = self.arena.len();
                self.arena.extend_from_slice(&value);
                part.filename = Some(s..self.arena.len());
            } else if name == b"filename*" {
                if !filename_star.is_empty() {
                    return -20;
                }
                filename_star = value;
            } else {
                return -11;
            }

            if unterminated {
                return -12;
            }
            if at(p) != 0 {
                while at(p) == b'\t' || at(p) == b' ' {
                    p += 1;
                }
                if at(p) != 0 {
                    if at(p) != b';' {
                        let prev = at(p.wrapping_sub(1));
                        if prev == b'\'' || prev == b'"' {
                            self.flags.invalid_quoting = true;
                        }
                        return -12;
                    }
                    p += 1;
                }
            }
        }
        if !filename_star.is_empty() && part.filename.as_ref().is_none_or(|r| r.is_empty()) {
            return -21;
        }
        1
    }

    fn validate_quotes(&mut self, value: &[u8], quote: u8) {
        if quote != b'"' && value.contains(&b'\'') {
            self.flags.invalid_quoting = true;
        }
    }

    /// v3's `process_part_data` for the buffer.
    fn process_part_data(&mut self) {
        self.mpp_substate_part_data_read = true;
        let mut len = self.buf.len();
        let mut reserved = 0u8;
        if len >= 1 && self.buf[len - 1] == b'\n' {
            if len >= 2 && self.buf[len - 2] == b'\r' {
                reserved = 2;
            } else {
                reserved = 1;
            }
            len -= reserved as usize;
        }
        let keep_files = self.config.multipart_keep_files;
        let file_limit = self.config.multipart_file_limit;
        let content_limit = self.config.multipart_file_content;
        let prev_reserve = u64::from(self.reserve);
        let Some(part) = self.mpp.as_mut() else {
            return;
        };
        match part.kind {
            PartKind::File => {
                let mut extract = keep_files;
                if extract && file_limit != 0 && self.nfiles >= file_limit {
                    if !self.flags.file_limit_exceeded {
                        self.error = Some(MultipartError::FileLimitExceeded(file_limit));
                        self.flags.file_limit_exceeded = true;
                    }
                    extract = false;
                }
                if extract && !part.has_tmp_file {
                    part.has_tmp_file = true;
                    self.nfiles += 1;
                }
                part.size += len as u64 + prev_reserve;
                if extract {
                    // v3 keeps the buffer without the held-back line ending as the content.
                    let range = part.value.get_or_insert(self.arena.len()..self.arena.len());
                    let room = content_limit.saturating_sub(range.len());
                    let take = len.min(room);
                    if range.end == self.arena.len() {
                        self.arena.extend_from_slice(&self.buf[..take]);
                        range.end += take;
                    }
                }
            }
            PartKind::FormData => {
                self.no_files_length += len as u64 + prev_reserve;
                // v3 overwrites the held-back line ending with the new data: it is lost.
                let range = part.value.get_or_insert(self.arena.len()..self.arena.len());
                if range.end == self.arena.len() {
                    self.arena.extend_from_slice(&self.buf[..len]);
                    range.end += len;
                }
            }
        }
        self.reserve = reserved;
    }

    /// v3's `process_boundary`: close the current part and, unless `last`, open a new one.
    fn process_boundary<S: MultipartSink + ?Sized>(&mut self, last: bool, sink: &mut S) {
        if let Some(part) = self.mpp.take() {
            let pname: &[u8] = match &part.name {
                Some(r) => &self.arena[r.clone()],
                None => b"",
            };
            for r in &part.header_lines {
                sink.part_header(pname, &part.lines[r.clone()]);
            }
            match &part.name {
                Some(n) if !n.is_empty() => {
                    let empty = part.arena_start..part.arena_start;
                    self.parts.push(DonePart {
                        kind: part.kind,
                        name: n.clone(),
                        filename: part.filename.clone().unwrap_or(empty.clone()),
                        value: part.value.clone().unwrap_or(empty),
                        size: part.size,
                        content_kept: part.has_tmp_file,
                    });
                }
                _ => {
                    self.flags.invalid_part = true;
                    self.arena.truncate(part.arena_start);
                }
            }
        }
        if !last {
            self.mpp = Some(Part::new(self.arena.len()));
            self.mpp_state = 0;
            self.mpp_substate_part_data_read = false;
            self.reserve = 0;
        }
    }

    /// Ends the body (v3's `multipart_complete`): checks the final boundary, reports the
    /// parts to `sink` and returns the flags and the error.
    pub fn finish<S: MultipartSink + ?Sized>(mut self, sink: &mut S) -> MultipartOutcome {
        let mut files_combined_size = 0u64;
        let ok = self.complete(sink);
        if ok {
            for p in &self.parts {
                let name = &self.arena[p.name.clone()];
                match p.kind {
                    PartKind::File => {
                        files_combined_size += p.size;
                        sink.file(FilePart {
                            name,
                            filename: &self.arena[p.filename.clone()],
                            size: p.size,
                            content: if p.content_kept {
                                &self.arena[p.value.clone()]
                            } else {
                                &[]
                            },
                        });
                    }
                    PartKind::FormData => sink.arg(name, &self.arena[p.value.clone()]),
                }
            }
        }
        MultipartOutcome {
            flags: self.flags,
            error: self.error,
            files_combined_size,
            no_files_length: self.no_files_length,
        }
    }

    fn complete<S: MultipartSink + ?Sized>(&mut self, sink: &mut S) -> bool {
        if self.seen_data && !self.is_complete {
            if self.boundary_count == 0 {
                self.error = Some(MultipartError::NoBoundaries);
                return false;
            }
            // Is the final boundary, without its line ending, still in the buffer?
            let blen = self.boundary.len();
            if self.buf_contains_line
                && self.buf.len() == 4 + blen
                && self.buf.starts_with(b"--")
                && self.boundary_at(2)
                && self.buf.ends_with(b"--")
            {
                if self.crlf_state_buf_end == 2 {
                    self.flags.lf_line = true;
                }
                if !self.mpp_substate_part_data_read {
                    self.flags.invalid_part = true;
                }
                self.process_boundary(true, sink);
                self.is_complete = true;
            }
            if !self.is_complete {
                self.error = Some(MultipartError::FinalBoundaryMissing);
                return false;
            }
        }
        true
    }
}

/// Parses a whole multipart body in one call: [`Multipart::new`], [`Multipart::feed`],
/// [`Multipart::finish`].
pub fn parse<S: MultipartSink + ?Sized>(
    content_type: &[u8],
    body: &[u8],
    config: &BodyConfig,
    sink: &mut S,
) -> MultipartOutcome {
    let mut m = Multipart::new(content_type, config);
    m.feed(body, sink);
    m.finish(sink)
}

/// A sink that keeps everything, for tests and simple hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectMultipart {
    /// MULTIPART_NAME values.
    pub names: Vec<Vec<u8>>,
    /// MULTIPART_FILENAME values.
    pub filenames: Vec<Vec<u8>>,
    /// MULTIPART_PART_HEADERS: (part name, line).
    pub part_headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// ARGS_POST: (name, value).
    pub args: Vec<(Vec<u8>, Vec<u8>)>,
    /// File parts.
    pub files: Vec<CollectedFile>,
}

/// An owned [`FilePart`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectedFile {
    /// The part's name.
    pub name: Vec<u8>,
    /// The `filename=` value.
    pub filename: Vec<u8>,
    /// FILES_SIZES.
    pub size: u64,
    /// FILES_TMP_CONTENT.
    pub content: Vec<u8>,
}

impl MultipartSink for CollectMultipart {
    fn name(&mut self, name: &[u8]) {
        self.names.push(name.to_vec());
    }
    fn filename(&mut self, filename: &[u8]) {
        self.filenames.push(filename.to_vec());
    }
    fn part_header(&mut self, part_name: &[u8], line: &[u8]) {
        self.part_headers.push((part_name.to_vec(), line.to_vec()));
    }
    fn arg(&mut self, name: &[u8], value: &[u8]) {
        self.args.push((name.to_vec(), value.to_vec()));
    }
    fn file(&mut self, f: FilePart<'_>) {
        self.files.push(CollectedFile {
            name: f.name.to_vec(),
            filename: f.filename.to_vec(),
            size: f.size,
            content: f.content.to_vec(),
        });
    }
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
