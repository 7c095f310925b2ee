//! `@ipMatch` and `@ipMatchFromFile` (alias `@ipMatchF`): whether the input is an IPv4 or
//! IPv6 address inside one of a set of networks.
//!
//! Entries are read as ModSecurity v3's `msc_tree` reads them: comma-separated (empty items
//! skipped, no white space allowed), an address with `:` is IPv6, an optional `/bits` suffix
//! (`/0` and a mask outside 1..32 or 1..128 are errors, and, as in v3, an explicit `/128` on
//! an IPv6 address is an error). The data file of `@ipMatchFromFile` holds one such list per
//! line, `#` starting a comment; an `https://` URL is a load-time error here (no network).
//! The input is parsed with `inet_pton`; anything else does not match.

use std::collections::BTreeSet;

use palisade_seclang::{MacroString, resolve_relative};

use super::inet::{pton4, pton6};
use crate::context::{CompileContext, EvalContext, literal_text};
use crate::error::OperatorErrorKind;
use crate::operator::Evaluate;

/// A set of networks, looked up by prefix length.
#[derive(Debug, Default)]
pub(crate) struct IpSet {
    /// For each IPv4 prefix length present, the masked networks.
    v4: Vec<(u32, BTreeSet<u32>)>,
    v6: Vec<(u32, BTreeSet<u128>)>,
}

fn mask4(bits: u32) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    }
}

fn mask6(bits: u32) -> u128 {
    if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    }
}

/// C's `atoi`: leading white space, a sign, digits; junk after them ignored.
fn atoi(s: &[u8]) -> i64 {
    super::numeric::atoll(s)
}

impl IpSet {
    fn add4(&mut self, addr: u32, bits: u32) {
        let net = addr & mask4(bits);
        match self.v4.iter_mut().find(|(b, _)| *b == bits) {
            Some((_, set)) => {
                set.insert(net);
            }
            None => self.v4.push((bits, BTreeSet::from([net]))),
        }
    }

    fn add6(&mut self, addr: u128, bits: u32) {
        let net = addr & mask6(bits);
        match self.v6.iter_mut().find(|(b, _)| *b == bits) {
            Some((_, set)) => {
                set.insert(net);
            }
            None => self.v6.push((bits, BTreeSet::from([net]))),
        }
    }

    /// Adds one list of entries (`add_ip_from_param`).
    fn add_list(&mut self, list: &[u8]) -> Result<(), String> {
        for item in list.split(|&b| b == b',').filter(|i| !i.is_empty()) {
            self.add_entry(item).ok_or_else(|| {
                format!("cannot add IP entry `{}`", String::from_utf8_lossy(item))
            })?;
        }
        Ok(())
    }

    /// `TreeAddIP`, with its fixed-size buffers and mask rules.
    fn add_entry(&mut self, item: &[u8]) -> Option<()> {
        let v6 = item.contains(&b':');
        let (cap, max) = if v6 { (127, 128) } else { (31, 32) };
        // strncpy into a fixed buffer: longer entries are cut.
        let buf = &item[..item.len().min(cap)];
        let slash = buf.iter().position(|&b| b == b'/');
        let bits = match slash {
            Some(p) => {
                let mask = &buf[p + 1..];
                if mask.contains(if v6 { &b':' } else { &b'.' }) {
                    return None;
                }
                let cidr = atoi(mask);
                if cidr <= 0 || cidr > max {
                    return None;
                }
                cidr as u32
            }
            None => max as u32,
        };
        // The address ends at the `/`, except that v3 keeps `/128` on IPv6 (which then
        // fails to parse).
        let addr_part = match slash {
            Some(p) if !(v6 && bits == 128) => &buf[..p],
            _ => buf,
        };
        if v6 {
            let a = pton6(addr_part)?;
            self.add6(u128::from_be_bytes(a), bits);
        } else {
            let a = pton4(addr_part)?;
            self.add4(u32::from_be_bytes(a), bits);
        }
        Some(())
    }

    /// `tree_contains_ip`.
    fn contains(&self, input: &[u8]) -> bool {
        let input = &input[..memchr::memchr(0, input).unwrap_or(input.len())];
        if input.contains(&b':') {
            let Some(a) = pton6(input) else { return false };
            let a = u128::from_be_bytes(a);
            self.v6
                .iter()
                .any(|(bits, set)| set.contains(&(a & mask6(*bits))))
        } else {
            let Some(a) = pton4(input) else { return false };
            let a = u32::from_be_bytes(a);
            self.v4
                .iter()
                .any(|(bits, set)| set.contains(&(a & mask4(*bits))))
        }
    }
}

#[derive(Debug)]
pub(crate) struct IpMatch {
    set: IpSet,
}

impl IpMatch {
    /// `@ipMatch LIST`.
    pub(crate) fn from_list(arg: &MacroString) -> Result<Self, OperatorErrorKind> {
        let mut set = IpSet::default();
        let text = literal_text(arg);
        // IpTree::addFromBuffer reads the argument line by line too.
        for line in text.as_bytes().split(|&b| b == b'\n') {
            let line = &line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())];
            set.add_list(line)
                .map_err(OperatorErrorKind::InvalidArgument)?;
        }
        Ok(IpMatch { set })
    }

    /// `@ipMatchFromFile PATH`.
    pub(crate) fn from_file(
        arg: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<Self, OperatorErrorKind> {
        let param = literal_text(arg);
        if param.starts_with("https://") {
            return Err(OperatorErrorKind::NeedsNetwork(format!(
                "downloads {param}"
            )));
        }
        let path = resolve_relative(ctx.rule_file(), &param);
        let data = ctx
            .source()
            .read(&path)
            .map_err(|error| OperatorErrorKind::File {
                path: path.clone(),
                error,
            })?;
        let mut set = IpSet::default();
        for (n, line) in data.split(|&b| b == b'\n').enumerate() {
            let line = &line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())];
            set.add_list(line).map_err(|e| {
                OperatorErrorKind::InvalidArgument(format!("{}:{}: {e}", path.display(), n + 1))
            })?;
        }
        Ok(IpMatch { set })
    }
}

impl Evaluate for IpMatch {
    fn evaluate(&self, input: &[u8], _ctx: &mut EvalContext<'_>) -> bool {
        self.set.contains(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &str) -> Option<IpSet> {
        let mut s = IpSet::default();
        s.add_list(list.as_bytes()).ok().map(|()| s)
    }

    #[test]
    fn cidr_rules_follow_msc_tree() {
        let s = set("192.168.0.0/16,10.1.2.3,::1,2001:db8::/32").unwrap_or_default();
        assert!(s.contains(b"192.168.7.9"));
        assert!(s.contains(b"10.1.2.3"));
        assert!(!s.contains(b"10.1.2.4"));
        assert!(s.contains(b"::1"));
        assert!(s.contains(b"2001:db8:1::5"));
        assert!(!s.contains(b"2001:db9::"));
        assert!(!s.contains(b"not an ip"));
        assert!(set("1.2.3.4/0").is_none());
        assert!(set("::1/128").is_none());
        assert!(set("1.2.3.4/33").is_none());
        assert!(set("1.2.3.4, 5.6.7.8").is_none());
        assert!(set(",,1.2.3.4,").is_some());
    }
}
