//! A minimal MaxMind DB (format 2.0) writer for tests: an IPv6 search tree with 24-bit
//! records and GeoIP2-City-shaped entries, so `@geoLookup` runs against a real database file
//! without shipping one. IPv4 networks live under `::/96`, as libmaxminddb expects.

#![allow(dead_code)]

use std::net::IpAddr;

/// A value in the data section.
#[derive(Clone, Debug)]
pub enum Value {
    Str(String),
    Double(f64),
    U16(u16),
    U32(u32),
    U64(u64),
    Map(Vec<(String, Value)>),
    Array(Vec<Value>),
}

fn control(out: &mut Vec<u8>, ty: u8, size: usize) {
    let (first, extra): (u8, Vec<u8>) = if size < 29 {
        (size as u8, vec![])
    } else if size < 29 + 256 {
        (29, vec![(size - 29) as u8])
    } else if size < 285 + 65536 {
        let s = size - 285;
        (30, vec![(s >> 8) as u8, s as u8])
    } else {
        let s = size - 65821;
        (31, vec![(s >> 16) as u8, (s >> 8) as u8, s as u8])
    };
    if ty <= 7 {
        out.push((ty << 5) | first);
    } else {
        out.push(first);
        out.push(ty - 7);
    }
    out.extend(extra);
}

fn uint_bytes(v: u64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let skip = b.iter().take_while(|&&x| x == 0).count();
    b[skip..].to_vec()
}

impl Value {
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::Str(s) => {
                control(out, 2, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            Value::Double(d) => {
                control(out, 3, 8);
                out.extend_from_slice(&d.to_be_bytes());
            }
            Value::U16(v) => {
                let b = uint_bytes(u64::from(*v));
                control(out, 5, b.len());
                out.extend(b);
            }
            Value::U32(v) => {
                let b = uint_bytes(u64::from(*v));
                control(out, 6, b.len());
                out.extend(b);
            }
            Value::U64(v) => {
                let b = uint_bytes(*v);
                control(out, 9, b.len());
                out.extend(b);
            }
            Value::Map(pairs) => {
                control(out, 7, pairs.len());
                for (k, v) in pairs {
                    Value::Str(k.clone()).encode(out);
                    v.encode(out);
                }
            }
            Value::Array(items) => {
                control(out, 11, items.len());
                for v in items {
                    v.encode(out);
                }
            }
        }
    }
}

/// Builds a GeoIP2-City-shaped record.
pub fn city_record(
    iso: &str,
    country: &str,
    continent: &str,
    city: Option<&str>,
    postal: Option<&str>,
    lat_lon: Option<(f64, f64)>,
) -> Value {
    let names = |n: &str| Value::Map(vec![("en".into(), Value::Str(n.into()))]);
    let mut m = vec![
        (
            "continent".to_string(),
            Value::Map(vec![("names".into(), names(continent))]),
        ),
        (
            "country".to_string(),
            Value::Map(vec![
                ("iso_code".into(), Value::Str(iso.into())),
                ("names".into(), names(country)),
            ]),
        ),
    ];
    if let Some(c) = city {
        m.push(("city".into(), Value::Map(vec![("names".into(), names(c))])));
    }
    if let Some(p) = postal {
        m.push((
            "postal".into(),
            Value::Map(vec![("code".into(), Value::Str(p.into()))]),
        ));
    }
    if let Some((lat, lon)) = lat_lon {
        m.push((
            "location".into(),
            Value::Map(vec![
                ("latitude".into(), Value::Double(lat)),
                ("longitude".into(), Value::Double(lon)),
            ]),
        ));
    }
    Value::Map(m)
}

#[derive(Clone, Copy)]
enum Rec {
    Empty,
    Node(usize),
    Data(usize),
}

/// Writes a database holding `entries` (network, prefix length, record).
pub fn build(entries: &[(IpAddr, u8, Value)]) -> Vec<u8> {
    let mut nodes: Vec<[Rec; 2]> = vec![[Rec::Empty, Rec::Empty]];
    let mut data = Vec::new();
    for (addr, prefix, value) in entries {
        let (bits, len): (u128, u32) = match addr {
            IpAddr::V4(a) => (u128::from(u32::from(*a)), 96 + u32::from(*prefix)),
            IpAddr::V6(a) => (u128::from(*a), u32::from(*prefix)),
        };
        let offset = data.len();
        value.encode(&mut data);
        let mut node = 0usize;
        for depth in 0..len {
            let bit = ((bits >> (127 - depth)) & 1) as usize;
            if depth + 1 == len {
                nodes[node][bit] = Rec::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Rec::Node(n) => n,
                    _ => {
                        nodes.push([Rec::Empty, Rec::Empty]);
                        let n = nodes.len() - 1;
                        nodes[node][bit] = Rec::Node(n);
                        n
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for n in &nodes {
        for r in n {
            let v = match *r {
                Rec::Empty => count,
                Rec::Node(i) => i,
                Rec::Data(off) => count + 16 + off,
            } as u32;
            out.extend_from_slice(&v.to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(&[0u8; 16]);
    out.extend(data);
    out.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
    Value::Map(vec![
        ("binary_format_major_version".into(), Value::U16(2)),
        ("binary_format_minor_version".into(), Value::U16(0)),
        ("build_epoch".into(), Value::U64(1_700_000_000)),
        (
            "database_type".into(),
            Value::Str("Palisade-Test-City".into()),
        ),
        (
            "description".into(),
            Value::Map(vec![(
                "en".into(),
                Value::Str("Palisade test database".into()),
            )]),
        ),
        ("ip_version".into(), Value::U16(6)),
        (
            "languages".into(),
            Value::Array(vec![Value::Str("en".into())]),
        ),
        ("node_count".into(), Value::U32(count as u32)),
        ("record_size".into(), Value::U16(24)),
    ])
    .encode(&mut out);
    out
}

/// The database the tests use: a few IPv4 and IPv6 networks, none of which holds the
/// addresses of ModSecurity's geoLookup vectors (127.0.0.1, 216.75.21.122).
pub fn test_database() -> Vec<u8> {
    use std::net::{Ipv4Addr, Ipv6Addr};
    build(&[
        (
            IpAddr::V4(Ipv4Addr::new(81, 2, 69, 0)),
            24,
            city_record(
                "GB",
                "United Kingdom",
                "Europe",
                Some("London"),
                Some("SW1A"),
                Some((51.5142, -0.0931)),
            ),
        ),
        (
            IpAddr::V4(Ipv4Addr::new(2, 125, 160, 0)),
            19,
            city_record("FR", "France", "Europe", None, None, None),
        ),
        (
            IpAddr::V6(Ipv6Addr::new(0x2001, 0x0218, 0, 0, 0, 0, 0, 0)),
            32,
            city_record(
                "JP",
                "Japan",
                "Asia",
                Some("Tokyo"),
                None,
                Some((35.685, 139.7514)),
            ),
        ),
    ])
}
