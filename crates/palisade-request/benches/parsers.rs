//! Criterion benches of the request parsers: the URI split, urlencoded arguments, cookies, and
//! each body processor over bodies of 1 to 64 KiB (throughput in bytes, so the cost per KiB
//! can be read off and checked for linear growth).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::ops::ControlFlow;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use palisade_request::multipart::{self, MultipartSink};
use palisade_request::xml::{self, XPath};
use palisade_request::{BodyConfig, cookies, json, uri, urlencoded};

const SIZES_KIB: [usize; 4] = [1, 4, 16, 64];

/// A sink that only counts bytes (the engine copies into its arena; this measures parsing).
#[derive(Default)]
struct Count(usize);

impl palisade_request::ArgSink for Count {
    fn arg(&mut self, name: &[u8], value: &[u8]) -> ControlFlow<()> {
        self.0 += name.len() + value.len();
        ControlFlow::Continue(())
    }
}

impl MultipartSink for Count {
    fn arg(&mut self, name: &[u8], value: &[u8]) {
        self.0 += name.len() + value.len();
    }
    fn part_header(&mut self, _: &[u8], line: &[u8]) {
        self.0 += line.len();
    }
}

fn urlencoded_body(kib: usize) -> Vec<u8> {
    let mut v = Vec::new();
    let mut i = 0;
    while v.len() < kib * 1024 {
        v.extend_from_slice(
            format!("field{i}=some+value%20with%2Fescapes&plain{i}=abcdef&").as_bytes(),
        );
        i += 1;
    }
    v.truncate(kib * 1024);
    v
}

/// A realistic JSON API body: objects with strings (some escaped), numbers, arrays, nesting.
fn json_body(kib: usize) -> Vec<u8> {
    let mut v = b"{\"items\":[".to_vec();
    let mut i = 0;
    while v.len() < kib * 1024 {
        if i > 0 {
            v.push(b',');
        }
        v.extend_from_slice(
            format!(
                "{{\"id\":{i},\"name\":\"user {i}\",\"email\":\"u{i}@example.com\",\"active\":true,\
                 \"score\":{}.5,\"tags\":[\"a\",\"b\\n\",\"\\u00e9t\\u00e9\"],\"address\":{{\"city\":\"Z\\u00fcrich\",\"zip\":\"80{i:02}\"}},\"note\":null}}",
                i * 3
            )
            .as_bytes(),
        );
        i += 1;
    }
    v.extend_from_slice(b"]}");
    v
}

fn multipart_body(kib: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..8 {
        v.extend_from_slice(format!("--XyZzy\r\nContent-Disposition: form-data; name=\"field{i}\"\r\n\r\nvalue number {i}\r\n").as_bytes());
    }
    v.extend_from_slice(b"--XyZzy\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"data.txt\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    let mut line = 0;
    while v.len() < kib * 1024 {
        v.extend_from_slice(
            format!("line {line} of the uploaded file, some text to read\r\n").as_bytes(),
        );
        line += 1;
    }
    v.extend_from_slice(b"--XyZzy--\r\n");
    v
}

fn xml_body(kib: usize) -> Vec<u8> {
    let mut v =
        b"<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"urn:s\"><soap:Body><list>".to_vec();
    let mut i = 0;
    while v.len() < kib * 1024 {
        v.extend_from_slice(format!("<item id=\"{i}\" kind=\"k&amp;{i}\"><name>Item {i}</name><desc><![CDATA[text <b>{i}</b>]]></desc></item>").as_bytes());
        i += 1;
    }
    v.extend_from_slice(b"</list></soap:Body></soap:Envelope>");
    v
}

fn bench_uri(c: &mut Criterion) {
    let target = b"/app/v1/users%2F42/profile.php?id=42&name=J%C3%BCrgen+M&redirect=%2Fhome#top";
    c.bench_function("uri/split", |b| {
        b.iter(|| black_box(uri::split(black_box(target))))
    });
    let cookie = b"session=abc123def456; theme=dark; lang=en-US; _ga=GA1.2.3.4; consent=yes";
    c.bench_function("cookies/parse", |b| {
        b.iter(|| {
            let mut n = 0;
            cookies::parse(black_box(cookie), |k, v| n += k.len() + v.len());
            n
        })
    });
}

fn bench_urlencoded(c: &mut Criterion) {
    let mut g = c.benchmark_group("urlencoded");
    for kib in SIZES_KIB {
        let body = urlencoded_body(kib);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut s = Count::default();
                    urlencoded::parse(black_box(body), b'&', &mut s);
                    s.0
                })
            },
        );
    }
    g.finish();
}

fn bench_json(c: &mut Criterion) {
    let mut g = c.benchmark_group("json");
    for kib in SIZES_KIB {
        let body = json_body(kib);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut s = Count::default();
                    json::parse(black_box(body), 10_000, &mut s).unwrap();
                    s.0
                })
            },
        );
    }
    g.finish();
}

fn bench_multipart(c: &mut Criterion) {
    let mut g = c.benchmark_group("multipart");
    let cfg = BodyConfig::default();
    for kib in SIZES_KIB {
        let body = multipart_body(kib);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut s = Count::default();
                    let o = multipart::parse(
                        b"multipart/form-data; boundary=XyZzy",
                        black_box(body),
                        &cfg,
                        &mut s,
                    );
                    assert!(o.error.is_none());
                    s.0
                })
            },
        );
    }
    g.finish();
}

fn bench_xml(c: &mut Criterion) {
    let mut g = c.benchmark_group("xml");
    let cfg = BodyConfig::default();
    let all = XPath::compile("/*").unwrap();
    let attrs = XPath::compile("//@*").unwrap();
    for kib in SIZES_KIB {
        let body = xml_body(kib);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &body,
            |b, body| {
                b.iter(|| {
                    let doc = xml::parse(black_box(body), &cfg).unwrap();
                    let mut n = 0;
                    all.eval(&doc, &[], |v| n += v.len());
                    attrs.eval(&doc, &[], |v| n += v.len());
                    n
                })
            },
        );
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_uri,
    bench_urlencoded,
    bench_json,
    bench_multipart,
    bench_xml
);
criterion_main!(benches);
