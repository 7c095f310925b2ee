//! The values of the benchmark corpus (`requests.jsonl` in [`crate::bench_dir`]) as a WAF
//! inspects them: the URI path, query and form argument names and values (URL-decoded), header
//! values, cookie names and values, JSON keys and scalars, whole (none dropped or capped). Tests
//! and benches that check or measure something over every value a request carries (the
//! prefilter's soundness, the libinjection detectors) read them from here.

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Form-style URL decoding, as a query or form parser does (`+` is a space; bad escapes stay
/// as they are).
pub fn form_url_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(a), Some(b)) => {
                    out.push(a * 16 + b);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn form_values(s: &[u8], out: &mut Vec<Vec<u8>>) {
    for pair in s.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(p) => (&pair[..p], &pair[p + 1..]),
            None => (pair, &b""[..]),
        };
        out.push(form_url_decode(k));
        out.push(form_url_decode(v));
    }
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match v {
        serde_json::Value::String(s) => out.push(s.as_bytes().to_vec()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.as_bytes().to_vec());
            json_strings(x, out)
        }),
        other => out.push(other.to_string().into_bytes()),
    }
}

/// The values of each request of the corpus, in corpus order, with the request's kind
/// (`benign`/`attack`). Panics, naming the problem, when the corpus is missing or malformed.
pub fn bench_request_values() -> Vec<(String, Vec<Vec<u8>>)> {
    let path = crate::bench_dir().join("requests.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text.lines() {
        let r: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("corpus line: {e}"));
        let mut values = Vec::new();
        let uri = r["uri"].as_str().unwrap_or_default().as_bytes();
        if let Some(q) = uri.iter().position(|&b| b == b'?') {
            form_values(&uri[q + 1..], &mut values);
            values.push(form_url_decode(&uri[..q]));
        } else {
            values.push(form_url_decode(uri));
        }
        let mut content_type = String::new();
        for h in r["headers"].as_array().into_iter().flatten() {
            let name = h[0].as_str().unwrap_or_default();
            let value = h[1].as_str().unwrap_or_default();
            if name.eq_ignore_ascii_case("content-type") {
                content_type = value.to_ascii_lowercase();
            }
            if name.eq_ignore_ascii_case("cookie") {
                for c in value.split(';') {
                    let c = c.trim();
                    match c.split_once('=') {
                        Some((k, v)) => {
                            values.push(k.as_bytes().to_vec());
                            values.push(v.as_bytes().to_vec());
                        }
                        None => values.push(c.as_bytes().to_vec()),
                    }
                }
            } else {
                values.push(value.as_bytes().to_vec());
            }
        }
        let body = r["body"].as_str().unwrap_or_default();
        if !body.is_empty() {
            if content_type.contains("json") {
                match serde_json::from_str::<serde_json::Value>(body) {
                    Ok(v) => json_strings(&v, &mut values),
                    Err(_) => values.push(body.as_bytes().to_vec()),
                }
            } else if content_type.contains("x-www-form-urlencoded") {
                form_values(body.as_bytes(), &mut values);
            } else {
                values.push(body.as_bytes().to_vec());
            }
        }
        out.push((r["kind"].as_str().unwrap_or_default().to_string(), values));
    }
    out
}
