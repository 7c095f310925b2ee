//! Tests of the multipart processor. The `V3_CASES` expectations are libmodsecurity 3.0.9's
//! (Debian 12) own output for the same Content-Type and body, rendered in the same shape
//! (variables as `NAME:key:[value]`, bytes outside printable ASCII as `\xNN`), so each case
//! compares every variable v3 sets.

use super::*;

fn esc(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        if (0x20..0x7f).contains(&c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    s
}

/// Renders an outcome as the oracle rendered v3's variables.
fn render(ct: &[u8], body: &[u8], config: &BodyConfig) -> String {
    let mut sink = CollectMultipart::default();
    let o = parse(ct, body, config, &mut sink);
    let mut items: Vec<String> = Vec::new();
    for (k, v) in &sink.args {
        items.push(format!("ARGS:{}:[{}]", esc(k), esc(v)));
    }
    for f in &sink.files {
        items.push(format!("FILES:{}:[{}]", esc(&f.name), esc(&f.filename)));
    }
    for f in &sink.files {
        items.push(format!("FILES_NAMES:{}:[{}]", esc(&f.name), esc(&f.name)));
    }
    for f in &sink.files {
        items.push(format!("FILES_SIZES:{}:[{}]", esc(&f.name), f.size));
    }
    if sink.files.is_empty() {
        items.push("FILES_COMBINED_SIZE:[]".into());
    } else {
        items.push(format!("FILES_COMBINED_SIZE:[{}]", o.files_combined_size));
    }
    for f in &sink.files {
        items.push(format!(
            "FILES_TMP_CONTENT:{}:[{}]",
            esc(&f.name),
            esc(&f.content)
        ));
    }
    for (k, l) in &sink.part_headers {
        items.push(format!("MULTIPART_PART_HEADERS:{}:[{}]", esc(k), esc(l)));
    }
    for n in &sink.names {
        items.push(format!("MULTIPART_NAME:{}:[{}]", esc(n), esc(n)));
    }
    for n in &sink.filenames {
        items.push(format!("MULTIPART_FILENAME:{}:[{}]", esc(n), esc(n)));
    }
    let f = o.flags;
    let flags = [
        ("MULTIPART_STRICT_ERROR", f.strict_error()),
        ("MULTIPART_BOUNDARY_QUOTED", f.boundary_quoted),
        ("MULTIPART_BOUNDARY_WHITESPACE", f.boundary_whitespace),
        ("MULTIPART_DATA_BEFORE", f.data_before),
        ("MULTIPART_DATA_AFTER", f.data_after),
        ("MULTIPART_HEADER_FOLDING", f.header_folding),
        ("MULTIPART_LF_LINE", f.lf_line),
        ("MULTIPART_CRLF_LF_LINES", f.crlf_lf_lines()),
        ("MULTIPART_MISSING_SEMICOLON", f.missing_semicolon),
        ("MULTIPART_INVALID_QUOTING", f.invalid_quoting),
        ("MULTIPART_INVALID_PART", f.invalid_part),
        ("MULTIPART_INVALID_HEADER_FOLDING", f.invalid_header_folding),
    ];
    for (n, on) in flags {
        if on {
            items.push(format!("{n}:[1]"));
        }
    }
    // v3 never sets MULTIPART_FILE_LIMIT_EXCEEDED (the flag only feeds STRICT_ERROR).
    items.push("MULTIPART_FILE_LIMIT_EXCEEDED:[]".into());
    if f.unmatched_boundary != 0 {
        items.push(format!(
            "MULTIPART_UNMATCHED_BOUNDARY:[{}]",
            f.unmatched_boundary
        ));
    }
    match &o.error {
        Some(e) => {
            items.push("REQBODY_ERROR:[1]".into());
            items.push(format!(
                "REQBODY_ERROR_MSG:[{}]",
                esc(&e.reqbody_error_msg())
            ));
        }
        None => {
            items.push("REQBODY_ERROR:[0]".into());
            items.push("REQBODY_ERROR_MSG:[]".into());
        }
    }
    items.join(" | ")
}

fn v309() -> BodyConfig {
    BodyConfig {
        multipart_v3_0_9: true,
        ..BodyConfig::default()
    }
}

#[rustfmt::skip]
const V3_CASES: &[(&str, &[u8], &[u8], &str)] = &[
        (
            "lf_only",
            b"multipart/form-data; boundary=B",
            b"--B\nContent-Disposition: form-data; name=\"a\"\n\nx\n--B--\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_LF_LINE:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "mixed",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_LF_LINE:[1] | MULTIPART_CRLF_LF_LINES:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "data_before",
            b"multipart/form-data; boundary=B",
            b"junk\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_DATA_BEFORE:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "data_after",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\njunk",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_DATA_AFTER:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "folding",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_HEADER_FOLDING:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "bad_folding",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data;\r\n\x0b name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_HEADER_FOLDING:[1] | MULTIPART_INVALID_HEADER_FOLDING:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "quoted",
            b"multipart/form-data; boundary=\"B\"",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_BOUNDARY_QUOTED:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "ws",
            b"multipart/form-data; boundary = B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_BOUNDARY_WHITESPACE:[1] | MULTIPART_DATA_BEFORE:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[1] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: No boundaries found in payload.]",
        ),
        (
            "nosemi",
            b"multipart/form-data boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_MISSING_SEMICOLON:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "squote",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name='a'\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name='a'\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_QUOTING:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "noname",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nx\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_FILENAME:f:[f] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_PART:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "dup_ct",
            b"multipart/form-data; boundary=B; boundary=C",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Multiple boundary parameters in C-T.]",
        ),
        (
            "truncated",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "noboundary",
            b"multipart/form-data; boundary=B",
            b"hello\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_DATA_BEFORE:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: No boundaries found in payload.]",
        ),
        (
            "final_nocrlf",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "charsets",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"b\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ny\r\n--B--\r\n",
            "ARGS:a:[x] | ARGS:b:[y] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_PART_HEADERS:a:[Content-Type: text/plain; charset=utf-7\\x0d\\x0a] | MULTIPART_PART_HEADERS:b:[Content-Disposition: form-data; name=\"b\"\\x0d\\x0a] | MULTIPART_PART_HEADERS:b:[Content-Type: text/plain; charset=utf-8\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_NAME:b:[b] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "nocolon",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nbogus\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Invalid part header (colon missing): bogus\\x0d\\x0a]",
        ),
        (
            "unmatched",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--C\r\ny\r\n--B--\r\n",
            "ARGS:a:[x--Cy] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "invalid_b",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--x\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "nul",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-A: a\x00b\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Nul byte in part headers.]",
        ),
        (
            "dup_cd",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\ncontent-disposition: form-data; name=\"z\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "fstar",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%e2%82%ac.txt\r\n\r\nabc\r\n--B--\r\n",
            "FILES:f:[a.txt] | FILES_NAMES:f:[f] | FILES_SIZES:f:[3] | FILES_COMBINED_SIZE:[3] | FILES_TMP_CONTENT:f:[] | MULTIPART_PART_HEADERS:f:[Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%e2%82%ac.txt\\x0d\\x0a] | MULTIPART_NAME:f:[f] | MULTIPART_FILENAME:a.txt:[a.txt] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "fstar_only",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''x.txt\r\n\r\nabc\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:f:[f] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_PART:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "empty_file",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"e.txt\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n",
            "FILES:f:[e.txt] | FILES_NAMES:f:[f] | FILES_SIZES:f:[0] | FILES_COMBINED_SIZE:[0] | FILES_TMP_CONTENT:f:[] | MULTIPART_PART_HEADERS:f:[Content-Disposition: form-data; name=\"f\"; filename=\"e.txt\"\\x0d\\x0a] | MULTIPART_PART_HEADERS:f:[Content-Type: application/octet-stream\\x0d\\x0a] | MULTIPART_NAME:f:[f] | MULTIPART_FILENAME:e.txt:[e.txt] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "no_data_part",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_PART:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "charset_tolerated",
            b"multipart/form-data; boundary=B; charset=utf-8",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "b_charset",
            b"multipart/form-data; boundary=B;charset=utf-8",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "case",
            b"multipart/form-data; BOUNDARY=B",
            b"--B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Invalid boundary in C-T (case sensitivity).]",
        ),
        (
            "nob",
            b"multipart/form-data",
            b"--B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Boundary not found in C-T.]",
        ),
        (
            "badchars",
            b"multipart/form-data; boundary=B{}",
            b"--B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Invalid boundary in C-T (characters).]",
        ),
        (
            "badquote",
            b"multipart/form-data; boundary=\"B",
            b"--B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Invalid boundary in C-T (quote).]",
        ),
        (
            "emptyq",
            b"multipart/form-data; boundary=\"\"",
            b"--B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "cd_code",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data name=\"a\"\r\n\r\nx\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_PART:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "cd_tail",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"x\r\n\r\nx\r\n--B--\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_INVALID_QUOTING:[1] | MULTIPART_INVALID_PART:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "ws_boundary",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n-- B\r\n",
            "FILES_COMBINED_SIZE:[] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | REQBODY_ERROR:[1] | REQBODY_ERROR_MSG:[Multipart parsing error: Multipart: Final boundary missing.]",
        ),
        (
            "two_values",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ny\r\n--B--\r\n",
            "ARGS:a:[x] | ARGS:a:[y] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_NAME:a:[a] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),
        (
            "folded_names",
            b"multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data;\r\n\x09name=\"a\"\r\nX-Y: 1\r\n\r\nx\r\n--B--\r\n",
            "ARGS:a:[x] | FILES_COMBINED_SIZE:[] | MULTIPART_PART_HEADERS:a:[Content-Disposition: form-data; name=\"a\"] | MULTIPART_PART_HEADERS:a:[X-Y: 1\\x0d\\x0a] | MULTIPART_NAME:a:[a] | MULTIPART_STRICT_ERROR:[1] | MULTIPART_HEADER_FOLDING:[1] | MULTIPART_FILE_LIMIT_EXCEEDED:[] | MULTIPART_UNMATCHED_BOUNDARY:[2] | REQBODY_ERROR:[0] | REQBODY_ERROR_MSG:[]",
        ),];

#[test]
fn every_case_matches_libmodsecurity_3_0_9() {
    let mut failed = Vec::new();
    for (name, ct, body, want) in V3_CASES {
        let got = render(ct, body, &v309());
        if got != *want {
            failed.push(format!("{name}:\n  want {want}\n  got  {got}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn chunked_feeding_matches_one_call() {
    for (name, ct, body, _) in V3_CASES {
        let whole = render(ct, body, &v309());
        for step in [1usize, 2, 3, 7] {
            let mut sink = CollectMultipart::default();
            let mut m = Multipart::new(ct, &v309());
            for c in body.chunks(step) {
                m.feed(c, &mut sink);
            }
            let o = m.finish(&mut sink);
            let mut sink2 = CollectMultipart::default();
            let o2 = parse(ct, body, &v309(), &mut sink2);
            assert_eq!(o, o2, "{name} step {step}");
            assert_eq!(sink, sink2, "{name} step {step}");
        }
        assert!(!whole.is_empty());
    }
}

/// CVE-2026-21876 shape: a rule chained over MULTIPART_PART_HEADERS must see every part's
/// charset, so every part's Content-Type line is reported, in order, under its part's name.
#[test]
fn every_parts_headers_are_reported() {
    let body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"b\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ny\r\n--B--\r\n";
    let mut sink = CollectMultipart::default();
    let o = parse(
        b"multipart/form-data; boundary=B",
        body,
        &BodyConfig::default(),
        &mut sink,
    );
    assert_eq!(o.error, None);
    let lines: Vec<(&[u8], &[u8])> = sink
        .part_headers
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                &b"a"[..],
                &b"Content-Disposition: form-data; name=\"a\""[..]
            ),
            (b"a", b"Content-Type: text/plain; charset=utf-7"),
            (b"b", b"Content-Disposition: form-data; name=\"b\""),
            (b"b", b"Content-Type: text/plain; charset=utf-8"),
        ]
    );
}

#[test]
fn duplicate_boundary_in_content_type_is_an_error() {
    let o = parse(
        b"multipart/form-data; boundary=a; boundary=b",
        b"--a\r\n",
        &BodyConfig::default(),
        &mut CollectMultipart::default(),
    );
    assert_eq!(o.error, Some(MultipartError::MultipleBoundaries));
    assert!(o.flags.strict_error());
    let o = parse(
        b"multipart/form-data; boundary=a, BOUNDARY=b",
        b"",
        &BodyConfig::default(),
        &mut CollectMultipart::default(),
    );
    assert_eq!(o.error, Some(MultipartError::MultipleBoundaries));
}

#[test]
fn content_type_errors() {
    let cases: &[(&[u8], MultipartError)] = &[
        (b"", MultipartError::ContentTypeMissing),
        (
            b"multipart/mixed; boundary=x",
            MultipartError::InvalidMimeType,
        ),
        (
            b"multipart/form-data; x boundary=B",
            MultipartError::BoundaryMalformed,
        ),
        (
            b"multipart/form-data; boundary",
            MultipartError::BoundaryMalformed,
        ),
        (
            b"multipart/form-data; boundaryx=B",
            MultipartError::BoundaryParameterName,
        ),
        (
            b"multipart/form-data; boundary=B\"",
            MultipartError::BoundaryQuote,
        ),
        (
            b"multipart/form-data; boundary=B{",
            MultipartError::BoundaryCharacters,
        ),
        (
            b"multipart/form-data; boundary=;x",
            MultipartError::BoundaryEmpty,
        ),
        (
            b"multipart/form-data; BOUNDARY=B",
            MultipartError::BoundaryCaseSensitivity,
        ),
        (b"multipart/form-data", MultipartError::BoundaryNotFound),
    ];
    for (ct, e) in cases {
        let o = parse(
            ct,
            b"--B\r\n",
            &BodyConfig::default(),
            &mut CollectMultipart::default(),
        );
        assert_eq!(o.error.as_ref(), Some(e), "{}", String::from_utf8_lossy(ct));
        assert!(o.flags.error);
    }
    let long = [b"multipart/form-data; boundary=".as_slice(), &[b'x'; 1000]].concat();
    let o = parse(
        &long,
        b"",
        &BodyConfig::default(),
        &mut CollectMultipart::default(),
    );
    assert_eq!(o.error, Some(MultipartError::ContentTypeLength));
}

#[test]
fn master_header_lines_have_no_line_ending() {
    let body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n";
    let mut sink = CollectMultipart::default();
    parse(
        b"multipart/form-data; boundary=B",
        body,
        &BodyConfig::default(),
        &mut sink,
    );
    assert_eq!(
        sink.part_headers,
        vec![(
            b"a".to_vec(),
            b"Content-Disposition: form-data; name=\"a\"".to_vec()
        )]
    );
}

#[test]
fn header_name_with_invalid_character_is_an_error() {
    let body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX Y: 1\r\n\r\nx\r\n--B--\r\n";
    let o = parse(
        b"multipart/form-data; boundary=B",
        body,
        &BodyConfig::default(),
        &mut CollectMultipart::default(),
    );
    assert_eq!(o.error, Some(MultipartError::HeaderInvalidCharacter));
}

#[test]
fn multiline_text_values_lose_line_endings_files_keep_their_size() {
    let body = b"--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nl1\r\nl2\r\n--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nab\r\ncd\r\n--B--\r\n";
    let cfg = BodyConfig {
        multipart_keep_files: true,
        ..BodyConfig::default()
    };
    let mut sink = CollectMultipart::default();
    let o = parse(b"multipart/form-data; boundary=B", body, &cfg, &mut sink);
    assert_eq!(sink.args, vec![(b"t".to_vec(), b"l1l2".to_vec())]);
    assert_eq!(
        sink.files,
        vec![CollectedFile {
            name: b"f".to_vec(),
            filename: b"x.txt".to_vec(),
            size: 6,
            content: b"abcd".to_vec()
        }]
    );
    assert_eq!(o.files_combined_size, 6);
    // Header lines with their endings (42 + 2, 60 + 2) plus text data: `l1` (2) and `l2` with
    // the ending held back before it (2 + 2); the ending before the boundary is not counted.
    assert_eq!(o.no_files_length, 42 + 2 + 2 + 4 + 60 + 2);
}

/// libmodsecurity 3.0.9 with `SecTmpSaveUploadedFiles On` and `SecUploadFileLimit 2` gives, for
/// three file parts: FILES_TMP_CONTENT `abcd` (for `ab\r\ncd`), `data`, and `` for the third,
/// FILES_SIZES 6/4/4, STRICT_ERROR 1 and the "Upload file limit exceeded 2" message.
#[test]
fn file_limit() {
    let mut body = Vec::new();
    for i in 0..3 {
        body.extend_from_slice(format!("--B\r\nContent-Disposition: form-data; name=\"f{i}\"; filename=\"x{i}\"\r\n\r\ndata\r\n").as_bytes());
    }
    body.extend_from_slice(b"--B--\r\n");
    let cfg = BodyConfig {
        multipart_keep_files: true,
        multipart_file_limit: 2,
        ..BodyConfig::default()
    };
    let mut sink = CollectMultipart::default();
    let o = parse(b"multipart/form-data; boundary=B", &body, &cfg, &mut sink);
    assert!(o.flags.file_limit_exceeded);
    assert!(o.flags.strict_error());
    assert_eq!(o.error, Some(MultipartError::FileLimitExceeded(2)));
    assert_eq!(
        String::from_utf8_lossy(
            &o.error
                .as_ref()
                .map(MultipartError::reqbody_error_msg)
                .unwrap_or_default()
        ),
        "Multipart parsing error: Multipart: Upload file limit exceeded 2. Use SecUploadFileLimit to change the limit."
    );
    assert_eq!(sink.files.len(), 3);
    assert_eq!(sink.files[2].content, b"");
    // Without keeping files, v3 never counts them.
    let o = parse(
        b"multipart/form-data; boundary=B",
        &body,
        &BodyConfig {
            multipart_file_limit: 2,
            ..BodyConfig::default()
        },
        &mut CollectMultipart::default(),
    );
    assert!(!o.flags.file_limit_exceeded);
    assert_eq!(o.error, None);
}

#[test]
fn kept_file_content_is_bounded() {
    let mut body =
        b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'z', 10_000));
    body.extend_from_slice(b"\r\n--B--\r\n");
    let cfg = BodyConfig {
        multipart_keep_files: true,
        multipart_file_content: 100,
        ..BodyConfig::default()
    };
    let mut sink = CollectMultipart::default();
    let o = parse(b"multipart/form-data; boundary=B", &body, &cfg, &mut sink);
    assert_eq!(o.error, None);
    assert_eq!(sink.files[0].size, 10_000);
    assert_eq!(sink.files[0].content.len(), 100);
}

#[test]
fn long_header_line_is_an_error() {
    let mut body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: ".to_vec();
    body.extend(std::iter::repeat_n(b'a', 5000));
    body.extend_from_slice(b"\r\n\r\nx\r\n--B--\r\n");
    let o = parse(
        b"multipart/form-data; boundary=B",
        &body,
        &BodyConfig::default(),
        &mut CollectMultipart::default(),
    );
    // The header error stops parsing; the final boundary is then missing (v3's last word).
    assert_eq!(o.error, Some(MultipartError::FinalBoundaryMissing));
    assert!(o.flags.error);
    assert!(o.flags.strict_error());
}

#[test]
fn long_data_lines_are_split_not_lost() {
    let mut body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'v', 10_000));
    body.extend_from_slice(b"\r\n--B--\r\n");
    let mut sink = CollectMultipart::default();
    let o = parse(
        b"multipart/form-data; boundary=B",
        &body,
        &BodyConfig::default(),
        &mut sink,
    );
    assert_eq!(o.error, None);
    assert_eq!(sink.args[0].1.len(), 10_000);
}

#[test]
fn a_large_streamed_upload_stays_in_bounded_memory() {
    let cfg = BodyConfig::default();
    let mut m = Multipart::new(b"multipart/form-data; boundary=B", &cfg);
    let mut sink = CollectMultipart::default();
    m.feed(
        b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n",
        &mut sink,
    );
    let chunk: Vec<u8> = (0..65_536u32)
        .map(|i| if i % 100 == 99 { b'\n' } else { b'x' })
        .collect();
    let mut peak = 0;
    for _ in 0..512 {
        // 32 MiB in all.
        m.feed(&chunk, &mut sink);
        peak = peak.max(m.retained_bytes());
    }
    m.feed(b"\r\n--B--\r\n", &mut sink);
    let o = m.finish(&mut sink);
    assert_eq!(o.error, None);
    assert_eq!(sink.files[0].size, 32 * 1024 * 1024);
    assert!(peak < 8 * 1024, "peak {peak}");
}
