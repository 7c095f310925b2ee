//! Criterion benches: every transformation on 64 B, 1 KiB and 64 KiB values, typical and
//! adversarial, reported as throughput (bytes of input per second); plus a CRS-style chain.
//!
//! "Typical" is form data and header text as requests carry it (letters, digits, spaces,
//! punctuation, a few `%XX` and `+`), on which most transformations find nothing to do.
//! "Adversarial" is, for each transformation, the densest input it acts on (every byte part of
//! an escape, an entity, a comment marker, a multi-byte sequence, ...).
//!
//! Run: `cargo bench -p palisade-transform --bench transformations`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use palisade_transform::{Chain, TransformContext, TransformId, apply};

const SIZES: [(usize, &str); 3] = [(64, "64B"), (1024, "1KiB"), (64 * 1024, "64KiB")];

const TYPICAL: &[u8] = b"name=John+Smith&email=john.smith%40example.com&comment=Great product, \
arrived on time. Would buy again!&rating=5&page=2&sort=price_asc&utm_source=newsletter \
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ";

/// The densest input each transformation acts on.
fn adversarial_unit(id: TransformId) -> &'static [u8] {
    use TransformId as T;
    match id {
        T::None | T::Length | T::Md5 | T::Sha1 | T::HexEncode | T::Base64Encode | T::UrlEncode => {
            b"\x00\xff<>\"' %&"
        }
        T::Base64Decode | T::Base64DecodeExt => b"PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n",
        T::CmdLine => b"C^\"M'D, /C ;(",
        T::CompressWhitespace | T::Trim | T::TrimLeft | T::TrimRight | T::RemoveWhitespace => {
            b" \t\r\n\x0b\x0c\xa0\xc2"
        }
        T::CssDecode => b"\\3c \\0000ff1c\\a\\\n\\z",
        T::EscapeSeqDecode => b"\\x41\\101\\n\\q\\777",
        T::HexDecode => b"3c7363726970743e",
        T::HtmlEntityDecode => b"&#x3c;&#00000060;&lt;&quot&foo;&#",
        T::JsDecode => b"\\u003c\\x3e\\101\\n\\u",
        T::Lowercase | T::ParityEven7bit | T::ParityOdd7bit | T::ParityZero7bit => {
            b"ABCDEFGH\xc1\xc2\xc3\xc4"
        }
        T::Uppercase => b"abcdefgh\xe1\xe2\xe3\xe4",
        T::NormalisePath | T::NormalisePathWin => b"/./a/../b//c\\..\\",
        T::RemoveComments | T::ReplaceComments | T::RemoveCommentsChar => b"/**/<!---->/*x*/",
        T::RemoveNulls | T::ReplaceNulls => b"\0a\0b",
        T::SqlHexDecode => b"0x41424344 0X61",
        T::UrlDecode => b"%3c%3E+%2",
        T::UrlDecodeUni => b"%u003c%uFF1E%41+%u",
        T::Utf8ToUnicode => "é€😀\u{80}".as_bytes(),
    }
}

/// The remaining ids to build a unit for `length` and friends whose work does not depend on bytes.
fn fill(unit: &[u8], len: usize) -> Vec<u8> {
    unit.iter().copied().cycle().take(len).collect()
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(700))
        .sample_size(20)
}

fn transformations(c: &mut Criterion) {
    let ctx = TransformContext::default();
    for id in TransformId::ALL {
        if id == TransformId::None {
            continue;
        }
        let mut group = c.benchmark_group(id.name());
        for (len, size) in SIZES {
            for (kind, input) in [
                ("typical", fill(TYPICAL, len)),
                ("adversarial", fill(adversarial_unit(id), len)),
            ] {
                group.throughput(Throughput::Bytes(len as u64));
                group.bench_with_input(BenchmarkId::new(kind, size), &input, |b, input| {
                    b.iter(|| apply(id, black_box(input), &ctx).len());
                });
            }
        }
        group.finish();
    }
}

/// CRS's most common chain (rules 941xxx) on a typical and an XSS-laden value.
fn crs_chain(c: &mut Criterion) {
    let ctx = TransformContext::default();
    let chain = Chain::parse(
        "t:none,t:utf8toUnicode,t:urlDecodeUni,t:htmlEntityDecode,t:jsDecode,t:cssDecode,t:removeNulls",
    )
    .unwrap();
    let mut group = c.benchmark_group("crs_xss_chain");
    for (len, size) in SIZES {
        for (kind, input) in [
            ("typical", fill(TYPICAL, len)),
            (
                "adversarial",
                fill(
                    b"%3Cscript%3E&#x61;lert\\u0028document.cookie)%00</script>\xc3\xa9",
                    len,
                ),
            ),
        ] {
            group.throughput(Throughput::Bytes(len as u64));
            group.bench_with_input(BenchmarkId::new(kind, size), &input, |b, input| {
                b.iter(|| chain.apply(black_box(input), &ctx).len());
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = transformations, crs_chain
}
criterion_main!(benches);
