//! IP address parsing as glibc does it: `inet_pton` (strict dotted quads and RFC 4291 IPv6,
//! used by `@ipMatch`) and `inet_aton` (the lenient IPv4 forms that `getaddrinfo` accepts with
//! `AI_NUMERICHOST`, used by `@geoLookup` through libmaxminddb).

/// `inet_pton(AF_INET, …)`: four decimal octets, no leading zeros, nothing else.
pub(crate) fn pton4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut octets = 0usize;
    let mut saw_digit = false;
    let mut cur: u32 = 0;
    for &c in s {
        if c.is_ascii_digit() {
            if saw_digit && cur == 0 {
                return None;
            }
            cur = cur * 10 + u32::from(c - b'0');
            if cur > 255 {
                return None;
            }
            if !saw_digit {
                octets += 1;
                if octets > 4 {
                    return None;
                }
                saw_digit = true;
            }
        } else if c == b'.' && saw_digit {
            if octets == 4 {
                return None;
            }
            out[octets - 1] = cur as u8;
            cur = 0;
            saw_digit = false;
        } else {
            return None;
        }
    }
    if octets < 4 || !saw_digit {
        return None;
    }
    out[3] = cur as u8;
    Some(out)
}

/// `inet_pton(AF_INET6, …)` following glibc's algorithm.
pub(crate) fn pton6(s: &[u8]) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut tp = 0usize;
    let mut colonp: Option<usize> = None;
    let mut i = 0usize;
    if s.first() == Some(&b':') {
        if s.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut curtok = i;
    let mut saw_xdigit = false;
    let mut val: u32 = 0;
    let mut digits = 0;
    while i < s.len() {
        let ch = s[i];
        i += 1;
        if let Some(d) = (ch as char).to_digit(16) {
            digits += 1;
            if digits > 4 {
                return None;
            }
            val = (val << 4) | d;
            saw_xdigit = true;
            continue;
        }
        if ch == b':' {
            curtok = i;
            if !saw_xdigit {
                if colonp.is_some() {
                    return None;
                }
                colonp = Some(tp);
                continue;
            } else if i >= s.len() {
                return None;
            }
            if tp + 2 > 16 {
                return None;
            }
            out[tp] = (val >> 8) as u8;
            out[tp + 1] = val as u8;
            tp += 2;
            saw_xdigit = false;
            digits = 0;
            val = 0;
            continue;
        }
        if ch == b'.' && tp + 4 <= 16 {
            let v4 = pton4(&s[curtok..])?;
            out[tp..tp + 4].copy_from_slice(&v4);
            tp += 4;
            saw_xdigit = false;
            break;
        }
        return None;
    }
    if saw_xdigit {
        if tp + 2 > 16 {
            return None;
        }
        out[tp] = (val >> 8) as u8;
        out[tp + 1] = val as u8;
        tp += 2;
    }
    if let Some(cp) = colonp {
        if tp == 16 {
            return None;
        }
        let n = tp - cp;
        for k in 1..=n {
            out[16 - k] = out[cp + n - k];
            out[cp + n - k] = 0;
        }
        tp = 16;
    }
    (tp == 16).then_some(out)
}

/// `inet_aton` as glibc's `getaddrinfo(AI_NUMERICHOST)` uses it (`__inet_aton_exact`):
/// 1 to 4 parts, each decimal, octal (`0…`) or hex (`0x…`); the last part fills the
/// remaining bytes (`127.1` is 127.0.0.1); nothing may follow.
pub(crate) fn aton4(s: &[u8]) -> Option<[u8; 4]> {
    let mut parts: Vec<u64> = Vec::with_capacity(4);
    let mut i = 0usize;
    loop {
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let (base, start) = if s[i] == b'0' {
            if matches!(s.get(i + 1), Some(b'x' | b'X')) {
                (16, i + 2)
            } else {
                (8, i)
            }
        } else {
            (10, i)
        };
        i = start;
        let mut v: u64 = 0;
        while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(base)) {
            v = v
                .saturating_mul(u64::from(base))
                .saturating_add(u64::from(d));
            i += 1;
        }
        if base == 8 {
            // 08 and 09 are not octal: glibc stops there and fails on the leftover digit.
            if s.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
        parts.push(v);
        match s.get(i) {
            Some(b'.') => {
                if parts.len() == 4 {
                    return None;
                }
                i += 1;
            }
            None => break,
            Some(_) => return None,
        }
    }
    let last = *parts.last()?;
    let n = parts.len();
    for p in &parts[..n - 1] {
        if *p > 0xff {
            return None;
        }
    }
    let max_last: u64 = match n {
        1 => 0xffff_ffff,
        2 => 0x00ff_ffff,
        3 => 0xffff,
        _ => 0xff,
    };
    if last > max_last {
        return None;
    }
    let mut v: u32 = last as u32;
    for (k, p) in parts[..n - 1].iter().enumerate() {
        v |= (*p as u32) << (24 - 8 * k);
    }
    Some(v.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pton4_is_strict() {
        assert_eq!(pton4(b"1.2.3.4"), Some([1, 2, 3, 4]));
        assert_eq!(pton4(b"255.255.255.255"), Some([255; 4]));
        for bad in [
            &b"01.2.3.4"[..],
            b"1.2.3",
            b"1.2.3.4.",
            b"256.1.1.1",
            b" 1.2.3.4",
            b"1..2.3",
            b"",
        ] {
            assert_eq!(pton4(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn pton6_follows_rfc4291() {
        assert_eq!(pton6(b"::"), Some([0; 16]));
        let mut one = [0u8; 16];
        one[15] = 1;
        assert_eq!(pton6(b"::1"), Some(one));
        assert!(pton6(b"1:2:3:4:5:6:7::").is_some());
        assert!(pton6(b"::ffff:1.2.3.4").is_some());
        for bad in [
            &b":::"[..],
            b"1::2::3",
            b"12345::",
            b"1:2:3:4:5:6:7:8:9",
            b":1",
            b"1:",
            b"::g",
        ] {
            assert_eq!(pton6(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn aton4_accepts_short_and_radix_forms() {
        assert_eq!(aton4(b"127.1"), Some([127, 0, 0, 1]));
        assert_eq!(aton4(b"0x7f.0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(aton4(b"017.0.0.1"), Some([15, 0, 0, 1]));
        assert_eq!(aton4(b"2130706433"), Some([127, 0, 0, 1]));
        assert_eq!(aton4(b"1.2.3.4 "), None);
        assert_eq!(aton4(b"09.1.1.1"), None);
        assert_eq!(aton4(b"www.example.org"), None);
    }
}
