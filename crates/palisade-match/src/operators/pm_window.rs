//! Which 4-byte window of a `@pm` phrase the prefilter looks for ([`window`]).
//!
//! Any window is sound: a phrase that occurs in a value contains each of its windows, so the
//! prefilter never rejects a value in which the phrase occurs (ASCII case-insensitively: the
//! window is lower-cased and the prefilter folds case). The choice only decides how many values
//! get through to the full matcher, so it is made to be rare in ordinary request text, from
//! fixed tables built into the code (not from any benchmark corpus):
//!
//! - letter pairs are scored by how common they are in English prose and technical text (the
//!   tiers below are the 400 most frequent letter pairs in the Debian licence texts and manual
//!   pages, 100 per tier, most frequent first; any other pair is rare);
//! - a separator (`.`, `/`, `_`, `-`, …) between two word characters is rare (it joins a
//!   word's end to the next word's start: `in/b`), but a window that starts or ends with one is
//!   a word's prefix or suffix after or before a separator, which dotted argument names, paths
//!   and identifiers are full of (`.pro` in `json.products`, `ray_` in `array_0`), so
//!   it is penalised; a space between words is common;
//! - windows that occur in a few words found in almost every request (`json`, `.array_`,
//!   `http`, …) are avoided outright.

use crate::prefilter::dfa::MAX_LITERAL;

/// Letter pairs by frequency tier, most frequent first, each tier 100 pairs.
const PAIR_TIERS: [&[u8]; 4] = [
    b"thheinonerreatteesoranentiseisntstcoedouledeiotoroaletitarlondecfimecelitamangprilpeneriomfobectutcaaclluslaificranansurhiclofhasiiewitrveeaagunamaselgesssochspudidtspootvidinoaiulpaabolocncttciexvamp",
    b"emumkepllymmbloprsrtimupiggcmirgadapcrgugiflltefludatyscrclsmobuueibpuovjermptccnfoshoiarusugrauowryfackeplpojireerrrvtppinioowhbyogcuquodegivtudogsppshbaldipfurnyshtavaydsmubiphypwowaeyevsabordnuglsy",
    b"ferkizpsmbuinlghfrzeucddubobcyoknnxttlxptcdrtwffewyogooiweuaeqnvgnduxipdxaftmseinygaksfyskmyafrlixoaslaxzobssfrbrfyikudpcsgphrbrvomdkitfynakxejoymebrppczatbbjyttdnkwsnmdboycpwrrwdlnpugoeawwnxckaxfgghu",
    b"tmeueomlvmsdbclbufsnswpykmfsvpyrwlgtsmuxdgdnsqhmoxyajsyeqlaqfcybikdmdylvhyehtgpglfgmpvpnpksrklktycwwkfhsdcuobnhclrdteklcmnnrmttnjuylxylgtxfdbtmcdvkncmlwdkydsvjadfkcazgksgaedwkgtvpfkdbmxmlmbpzinhgbmfmw",
];

/// The score of a letter pair in each tier of [`PAIR_TIERS`] (higher: more common).
const TIER_SCORES: [u8; 4] = [10, 8, 6, 4];

/// The score of a letter pair in no tier.
const RARE_PAIR: u8 = 2;

/// Letter pair scores, indexed by `26 * first + second` (lower-case letters from 0).
static LETTER_PAIRS: [u8; 676] = letter_pairs();

const fn letter_pairs() -> [u8; 676] {
    let mut table = [RARE_PAIR; 676];
    let mut tier = PAIR_TIERS.len();
    // Fill from the rarest tier so that a pair listed twice keeps its most common tier.
    while tier > 0 {
        tier -= 1;
        let pairs = PAIR_TIERS[tier];
        let mut i = 0;
        while i + 1 < pairs.len() {
            let (a, b) = (pairs[i], pairs[i + 1]);
            if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
                table[(a - b'a') as usize * 26 + (b - b'a') as usize] = TIER_SCORES[tier];
            }
            i += 2;
        }
    }
    table
}

/// Bytes that separate words in argument names, paths and identifiers.
const SEPARATORS: &[u8] = b"./_-=,:&\\;";

/// Words found in almost every request's argument names or values; a window inside one of
/// them is never chosen while another exists.
const EVERYDAY_WORDS: &[&[u8]] = &[
    b"json",
    b".array_",
    b"http",
    b"www.",
    b".com",
    b"html",
    b"true",
    b"false",
    b"null",
    b"utf-8",
    b"application",
    b"content",
    b"size",
    b"name",
    b"type",
    b"value",
    b"mozilla",
    b"windows",
    b"image",
    b"text",
    b"string",
    b"data",
    b"user",
    b"email",
    b"index",
    b"version",
];

/// The penalty for a window that starts or ends with a separator or a space.
const EDGE_PENALTY: u32 = 12;

/// The penalty for a window inside one of [`EVERYDAY_WORDS`].
const EVERYDAY_PENALTY: u32 = 100;

fn is_separator(b: u8) -> bool {
    SEPARATORS.contains(&b)
}

/// How common the pair `a`, `b` is in ordinary request text (higher: more common).
fn pair_score(a: u8, b: u8) -> u32 {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    let score = if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
        LETTER_PAIRS[usize::from(a - b'a') * 26 + usize::from(b - b'a')]
    } else if a.is_ascii_digit() && b.is_ascii_digit() {
        8
    } else if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
        5
    } else if a == b' ' || b == b' ' {
        9
    } else if (is_separator(a) && b.is_ascii_alphanumeric())
        || (is_separator(b) && a.is_ascii_alphanumeric())
    {
        4
    } else {
        2
    };
    u32::from(score)
}

/// Whether `w` occurs (ASCII case-insensitively) in one of [`EVERYDAY_WORDS`]. A full-length
/// window is one lookup among [`EVERYDAY_WINDOWS`] (this runs for every candidate window of
/// every phrase at load); a shorter one (a whole short phrase) searches the words.
fn in_everyday_word(w: &[u8]) -> bool {
    if let Ok(full) = <[u8; MAX_LITERAL]>::try_from(w) {
        let key = u32::from_le_bytes(full.map(|b| b.to_ascii_lowercase()));
        return EVERYDAY_WINDOWS.contains(&key);
    }
    EVERYDAY_WORDS
        .iter()
        .any(|word| word.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}

/// How many full-length windows [`EVERYDAY_WORDS`] hold.
const EVERYDAY_WINDOW_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < EVERYDAY_WORDS.len() {
        if EVERYDAY_WORDS[i].len() >= MAX_LITERAL {
            n += EVERYDAY_WORDS[i].len() + 1 - MAX_LITERAL;
        }
        i += 1;
    }
    n
};

/// Every full-length window of [`EVERYDAY_WORDS`], lower-cased, as little-endian `u32`s.
static EVERYDAY_WINDOWS: [u32; EVERYDAY_WINDOW_COUNT] = {
    let mut out = [0u32; EVERYDAY_WINDOW_COUNT];
    let (mut n, mut i) = (0, 0);
    while i < EVERYDAY_WORDS.len() {
        let word = EVERYDAY_WORDS[i];
        let mut at = 0;
        while at + MAX_LITERAL <= word.len() {
            out[n] = u32::from_le_bytes([
                word[at].to_ascii_lowercase(),
                word[at + 1].to_ascii_lowercase(),
                word[at + 2].to_ascii_lowercase(),
                word[at + 3].to_ascii_lowercase(),
            ]);
            n += 1;
            at += 1;
        }
        i += 1;
    }
    out
};

/// How common window `w` is, before the everyday-word penalty (higher: more common).
fn base_score(w: &[u8]) -> u32 {
    let pairs: u32 = w.windows(2).map(|p| pair_score(p[0], p[1])).sum();
    let edge = |b: &u8| is_separator(*b) || *b == b' ';
    let edged =
        w.len() == MAX_LITERAL && (w.first().is_some_and(edge) || w.last().is_some_and(edge));
    pairs + if edged { EDGE_PENALTY } else { 0 }
}

/// The part of a phrase the prefilter looks for: its rarest window of [`MAX_LITERAL`] bytes
/// (or the whole phrase when shorter), the first on ties, lower-cased. See the module comment.
pub(super) fn window(phrase: &[u8]) -> Vec<u8> {
    let n = MAX_LITERAL.min(phrase.len());
    let mut best: Option<(u32, &[u8])> = None;
    for w in phrase.windows(n.max(1)) {
        let mut score = base_score(w);
        // The everyday-word check costs more: only make it for a window that could win.
        if best.is_none_or(|(s, _)| score < s) && in_everyday_word(w) {
            score += EVERYDAY_PENALTY;
        }
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, w));
        }
    }
    best.map_or_else(Vec::new, |(_, w)| w.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avoids_word_edges_and_everyday_words() {
        assert_eq!(window(b".proclog"), b"clog");
        assert_eq!(window(b"array_walk"), b"ay_w");
        assert_eq!(window(b"json_decode"), b"on_d");
        assert_eq!(window(b"bin/batch"), b"n/ba");
        assert_eq!(window(b"ab"), b"ab");
        assert_eq!(window(b""), b"");
    }

    #[test]
    fn everyday_windows_are_the_words_windows() {
        for word in EVERYDAY_WORDS {
            for w in word.windows(MAX_LITERAL) {
                assert!(in_everyday_word(w), "{w:?}");
                assert!(in_everyday_word(&w.to_ascii_uppercase()), "{w:?}");
            }
        }
        assert!(!in_everyday_word(b"jsox"));
        assert!(in_everyday_word(b"so"));
        assert!(!in_everyday_word(b"qz"));
    }

    proptest::proptest! {
        /// The full-length lookup answers as a search of the words does.
        #[test]
        fn everyday_lookup_equals_search(w in proptest::collection::vec(proptest::prelude::any::<u8>(), MAX_LITERAL)) {
            let searched = EVERYDAY_WORDS
                .iter()
                .any(|word| word.windows(w.len()).any(|x| x.eq_ignore_ascii_case(&w)));
            proptest::prop_assert_eq!(in_everyday_word(&w), searched);
        }

        /// Sound: the window is a piece of the phrase (case folded), of the prefilter's length.
        #[test]
        fn window_is_part_of_phrase(phrase in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let w = window(&phrase);
            proptest::prop_assert_eq!(w.len(), MAX_LITERAL.min(phrase.len()));
            let lower = phrase.to_ascii_lowercase();
            proptest::prop_assert!(w.is_empty() || lower.windows(w.len()).any(|x| x == w.as_slice()));
        }
    }
}
