//! Word lookup in libinjection's keyword table: SQL words, operators and fingerprints.
//!
//! libinjection compares an all-upper-case table word with input bytes whose ASCII lower-case
//! letters are upper-cased (and nothing else). The table is strictly sorted by bytes and holds
//! only printable ASCII, so a binary search on the upper-cased key finds exactly what the C
//! binary search finds (a key with a NUL or a byte ≥ 0x80 never matches any entry).

use core::cmp::Ordering;

use super::keywords_data::KEYWORDS;

/// The longest word in the table; longer keys cannot match.
const MAX_WORD: usize = 29;

/// The token type of `key` (`b'k'`, `b'f'`, `b'F'` for fingerprints, ...), or 0 when the
/// key is not in the table.
pub(crate) fn lookup(key: &[u8]) -> u8 {
    if key.is_empty() || key.len() > MAX_WORD {
        return 0;
    }
    match KEYWORDS.binary_search_by(|(word, _)| compare_upper(word, key)) {
        Ok(i) => KEYWORDS.get(i).map_or(0, |&(_, kind)| kind),
        Err(_) => 0,
    }
}

/// Orders a table word against `key` with the key's ASCII lower-case letters upper-cased.
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
    fn misses() {
        assert_eq!(lookup(b""), 0);
        assert_eq!(lookup(b"SELECT\0"), 0);
        assert_eq!(lookup(b"SELEC"), 0);
        assert_eq!(lookup(b"UNION\xa0"), 0);
        assert_eq!(lookup(b"select"), b'E');
        assert_eq!(lookup(b"0s&1"), b'F');
    }
}
