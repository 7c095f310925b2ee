//! Word lookup in libinjection's keyword table: SQL words, operators and fingerprints.
//!
//! libinjection compares an all-upper-case table word with input bytes whose ASCII lower-case
//! letters are upper-cased (and nothing else). The table is strictly sorted by bytes and holds
//! only printable ASCII, so a binary search on the upper-cased key finds exactly what the C
//! binary search finds (a key with a NUL or a byte ≥ 0x80 never matches any entry).

#[cfg(test)]
use core::cmp::Ordering;

use super::keywords_data::KEYWORDS;

/// The longest word in the table; longer keys cannot match.
const MAX_WORD: usize = 29;

/// Slots of the open-addressing hash index over [`KEYWORDS`] (a power of two, load < 0.6).
const SLOTS: usize = 1 << 14;

/// The FNV-1a state before any byte ([`hash_step`]).
pub(crate) const HASH_INIT: u32 = 0x811c_9dc5;

/// One byte of FNV-1a over the key with ASCII lower-case letters upper-cased: a caller that
/// scans a word anyway (`parse_word`) carries the hash of every prefix along
/// ([`lookup_hashed`]).
#[inline]
pub(crate) const fn hash_step(h: u32, b: u8) -> u32 {
    (h ^ b.to_ascii_uppercase() as u32).wrapping_mul(0x0100_0193)
}

/// FNV-1a over the key with ASCII lower-case letters upper-cased.
const fn hash_upper(key: &[u8]) -> usize {
    let mut h = HASH_INIT;
    let mut i = 0;
    while i < key.len() {
        h = hash_step(h, key[i]);
        i += 1;
    }
    h as usize
}

/// `INDEX[slot]` is 1 + the position in [`KEYWORDS`] of the word hashed there (0: empty),
/// with linear probing. Built at compile time.
///
/// Measured: the binary search over 9,352 words took 44% of `sqli` time on benign values;
/// this index replaces ~14 string comparisons by one hash and usually one comparison.
static INDEX: [u16; SLOTS] = {
    let mut index = [0u16; SLOTS];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let mut slot = hash_upper(KEYWORDS[i].0) & (SLOTS - 1);
        while index[slot] != 0 {
            slot = (slot + 1) & (SLOTS - 1);
        }
        index[slot] = (i + 1) as u16;
        i += 1;
    }
    index
};

/// `SPACES[c]` has bit `i` set when some table word starts with byte `c` and has a space at
/// index `i` (all table words are shorter than 32 bytes). Built at compile time.
static SPACES: [u32; 256] = {
    let mut spaces = [0u32; 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let word = KEYWORDS[i].0;
        let mut j = 0;
        while j < word.len() {
            if word[j] == b' ' {
                spaces[word[0] as usize] |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    spaces
};

/// False when no key that starts with `first` and has a space at index `at` can be in the
/// table (a necessary condition for [`lookup`] to find a phrase such as `UNION ALL`:
/// the table word equals the key upper-cased, so it starts with `first` upper-cased and has
/// its space at `at`).
pub(crate) fn may_be_phrase(first: u8, at: usize) -> bool {
    at < 32 && SPACES[usize::from(first.to_ascii_uppercase())] & (1 << at) != 0
}

/// `DOTS[c]` has bit `i` set when some table word starts with byte `c` and has a `.` at
/// index `i` (`SYS.STRAGG`, `DBMS_LOCK.SLEEP`, ...). Built at compile time.
static DOTS: [u32; 256] = {
    let mut dots = [0u32; 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let word = KEYWORDS[i].0;
        let mut j = 0;
        while j < word.len() {
            if word[j] == b'.' {
                dots[word[0] as usize] |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    dots
};

/// False when no key that starts with `first` and has a `.` at index `at` can be in the
/// table (the table word would equal the key upper-cased, so start with `first`
/// upper-cased and have its `.` at `at`; all table words are shorter than 32 bytes).
pub(crate) fn may_be_dotted(first: u8, at: usize) -> bool {
    at < 32 && DOTS[usize::from(first.to_ascii_uppercase())] & (1 << at) != 0
}

/// The token type of `key` (`b'k'`, `b'f'`, `b'F'` for fingerprints, ...), or 0 when the
/// key is not in the table.
pub(crate) fn lookup(key: &[u8]) -> u8 {
    lookup_hashed(key, hash_upper(key) as u32)
}

/// [`lookup`] given `hash`, the [`hash_step`] fold of `key` from [`HASH_INIT`].
#[inline]
pub(crate) fn lookup_hashed(key: &[u8], hash: u32) -> u8 {
    if key.is_empty() || key.len() > MAX_WORD {
        return 0;
    }
    let mut slot = hash as usize & (SLOTS - 1);
    loop {
        let entry = usize::from(INDEX[slot]);
        let Some(&(word, kind)) = entry.checked_sub(1).and_then(|i| KEYWORDS.get(i)) else {
            return 0;
        };
        if eq_upper(word, key) {
            return kind;
        }
        slot = (slot + 1) & (SLOTS - 1);
    }
}

/// The same answer by binary search, as C libinjection finds it (kept to check the index).
#[cfg(test)]
fn lookup_by_search(key: &[u8]) -> u8 {
    match KEYWORDS.binary_search_by(|(word, _)| compare_upper(word, key)) {
        Ok(i) => KEYWORDS.get(i).map_or(0, |&(_, kind)| kind),
        Err(_) => 0,
    }
}

/// Orders a table word against `key` with the key's ASCII lower-case letters upper-cased.
#[cfg(test)]
fn compare_upper(word: &[u8], key: &[u8]) -> Ordering {
    let n = word.len().min(key.len());
    for (&w, &k) in word[..n].iter().zip(&key[..n]) {
        let k = k.to_ascii_uppercase();
        if w != k {
            return w.cmp(&k);
        }
    }
    word.len().cmp(&key.len())
}

/// True when `val` upper-cased (ASCII letters only) equals `upper`, which is upper case.
pub(crate) fn eq_upper(upper: &[u8], val: &[u8]) -> bool {
    upper.len() == val.len()
        && upper
            .iter()
            .zip(val)
            .all(|(&a, &b)| a == b.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_strictly_sorted_upper_ascii() {
        for pair in KEYWORDS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?}", pair[0].0);
        }
        for (word, _) in KEYWORDS.iter() {
            assert!(word.len() <= MAX_WORD);
            assert!(
                word.iter()
                    .all(|b| (0x20..0x7f).contains(b) && !b.is_ascii_lowercase())
            );
        }
    }

    #[test]
    fn every_entry_is_found_in_any_case() {
        for &(word, kind) in KEYWORDS.iter() {
            assert_eq!(lookup(word), kind);
            let lower = word.to_ascii_lowercase();
            assert_eq!(lookup(&lower), kind);
        }
    }

    #[test]
    fn index_agrees_with_binary_search() {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for &(word, _) in KEYWORDS.iter() {
            keys.push(word.to_vec());
            keys.push(word[..word.len() - 1].to_vec());
            let mut longer = word.to_ascii_lowercase();
            longer.push(b'X');
            keys.push(longer);
        }
        for key in keys {
            assert_eq!(lookup(&key), lookup_by_search(&key), "{key:?}");
        }
    }

    #[test]
    fn may_be_phrase_holds_for_every_phrase_key() {
        let mut phrases = 0;
        for &(word, _) in KEYWORDS.iter() {
            for (at, _) in word.iter().enumerate().filter(|(_, b)| **b == b' ') {
                phrases += 1;
                assert!(may_be_phrase(word[0], at), "{word:?}");
                assert!(may_be_phrase(word[0].to_ascii_lowercase(), at), "{word:?}");
            }
        }
        assert!(phrases > 100);
        assert!(!may_be_phrase(b'X', 5));
        assert!(!may_be_phrase(b'U', 3));
        assert!(may_be_phrase(b'u', 5));
        assert!(!may_be_phrase(b' ', 0));
        assert!(!may_be_phrase(b'U', 40));
    }

    #[test]
    fn may_be_dotted_holds_for_every_dotted_key() {
        let mut dotted = 0;
        for &(word, _) in KEYWORDS.iter() {
            for (at, _) in word.iter().enumerate().filter(|(_, b)| **b == b'.') {
                dotted += 1;
                assert!(may_be_dotted(word[0], at), "{word:?}");
                assert!(may_be_dotted(word[0].to_ascii_lowercase(), at), "{word:?}");
            }
        }
        assert!(dotted >= 13);
        assert!(may_be_dotted(b's', 3));
        assert!(!may_be_dotted(b'J', 4));
        assert!(!may_be_dotted(b's', 4));
        assert!(!may_be_dotted(b'S', 40));
    }

    #[test]
    fn misses() {
        assert_eq!(lookup(b""), 0);
        assert_eq!(lookup(b"SELECT\0"), 0);
        assert_eq!(lookup(b"SELEC"), 0);
        assert_eq!(lookup(b"UNION\xa0"), 0);
        assert_eq!(lookup(b"select"), b'E');
        assert_eq!(lookup(b"0s&1"), b'F');
    }
}
