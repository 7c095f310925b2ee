//! [`LitStr`] and [`LitSet`]: the byte strings and string sets the regex literal analysis
//! (`prefilter::literals`) builds by the thousand while it loads a ruleset. Strings of up to
//! [`INLINE`] bytes (nearly all: the analysis cuts its sets' strings to 32 bytes) are kept
//! inline, so building, copying and dropping them costs no allocation; they compare as byte
//! strings. A set is one sorted vector without duplicates (one allocation, where a B-tree
//! set has a node per 11 strings), iterated in byte order as a `BTreeSet` would be.

use std::cmp::Ordering;
use std::ops::Deref;

/// Longest string kept inline.
pub(crate) const INLINE: usize = 30;

/// A byte string, inline when short.
#[derive(Clone)]
pub(crate) enum LitStr {
    /// `len` bytes of `buf`.
    Inline { len: u8, buf: [u8; INLINE] },
    /// A longer string.
    Heap(Box<[u8]>),
}

impl LitStr {
    /// The empty string.
    pub(crate) fn empty() -> Self {
        LitStr::Inline {
            len: 0,
            buf: [0; INLINE],
        }
    }

    /// A copy of `bytes`.
    pub(crate) fn new(bytes: &[u8]) -> Self {
        Self::concat(bytes, &[])
    }

    /// `a` followed by `b`.
    pub(crate) fn concat(a: &[u8], b: &[u8]) -> Self {
        let len = a.len() + b.len();
        if len <= INLINE {
            let mut buf = [0; INLINE];
            buf[..a.len()].copy_from_slice(a);
            buf[a.len()..len].copy_from_slice(b);
            // len <= INLINE < 256.
            LitStr::Inline {
                len: len as u8,
                buf,
            }
        } else {
            let mut v = Vec::with_capacity(len);
            v.extend_from_slice(a);
            v.extend_from_slice(b);
            LitStr::Heap(v.into_boxed_slice())
        }
    }

    /// The bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            LitStr::Inline { len, buf } => &buf[..usize::from(*len)],
            LitStr::Heap(b) => b,
        }
    }
}

impl Deref for LitStr {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for LitStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for LitStr {}

impl PartialOrd for LitStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LitStr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl std::fmt::Debug for LitStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// A set of strings: sorted, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LitSet(Vec<LitStr>);

impl LitSet {
    /// The set of one string.
    pub(crate) fn one(s: LitStr) -> Self {
        LitSet(vec![s])
    }

    /// The set of `strings`, which the caller gives sorted and distinct.
    pub(crate) fn from_sorted(strings: Vec<LitStr>) -> Self {
        LitSet(strings)
    }

    /// The strings, in byte order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, LitStr> {
        self.0.iter()
    }

    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the set has no string.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The least string.
    pub(crate) fn first(&self) -> Option<&LitStr> {
        self.0.first()
    }

    /// Adds `s` (no change if present).
    pub(crate) fn insert(&mut self, s: LitStr) {
        if let Err(at) = self.0.binary_search(&s) {
            self.0.insert(at, s);
        }
    }
}

impl FromIterator<LitStr> for LitSet {
    fn from_iter<I: IntoIterator<Item = LitStr>>(iter: I) -> Self {
        let mut v: Vec<LitStr> = iter.into_iter().collect();
        // A stable sort merges sorted runs: the sets' own order survives in unions and
        // products, so most of this is merging.
        v.sort();
        v.dedup();
        LitSet(v)
    }
}

impl IntoIterator for LitSet {
    type Item = LitStr;
    type IntoIter = std::vec::IntoIter<LitStr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a LitSet {
    type Item = &'a LitStr;
    type IntoIter = std::slice::Iter<'a, LitStr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_without_duplicates() {
        let mut set: LitSet = [b"b".as_slice(), b"a", b"b", b"ab"]
            .into_iter()
            .map(LitStr::new)
            .collect();
        set.insert(LitStr::empty());
        set.insert(LitStr::new(b"a"));
        let strings: Vec<&[u8]> = set.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(strings, [b"".as_slice(), b"a", b"ab", b"b"]);
        assert_eq!(set.first().map(|s| s.as_bytes()), Some(b"".as_slice()));
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn inline_and_heap_strings_compare_as_bytes() {
        let long = [b'x'; INLINE + 1];
        let strings = [
            LitStr::empty(),
            LitStr::new(b"a"),
            LitStr::concat(b"ab", b"c"),
            LitStr::new(&long),
            LitStr::concat(&long[..INLINE], b"y"),
            LitStr::concat(&long[..INLINE], b""),
        ];
        assert!(matches!(strings[3], LitStr::Heap(_)));
        assert!(matches!(strings[5], LitStr::Inline { .. }));
        assert_eq!(strings[2].as_bytes(), b"abc");
        for a in &strings {
            for b in &strings {
                assert_eq!(a.cmp(b), a.as_bytes().cmp(b.as_bytes()));
                assert_eq!(a == b, a.as_bytes() == b.as_bytes());
            }
        }
    }
}
