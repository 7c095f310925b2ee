//! Trigger bytes: for every transformation, the bytes without which it leaves a value as it is
//! (up to ASCII case), so that an engine can tell from one pass over a value that a whole chain
//! cannot change it and skip computing the chain.
//!
//! # The property
//!
//! For every [`TransformId`] `t` that is not *always* (see below), [`Triggers::of`] gives a set
//! `T(t)` of bytes such that for every input `x` containing no byte of `T(t)`,
//! `apply(t, x)` has the length of `x` and equals it byte for byte ignoring ASCII case. Every
//! `T(t)` is closed under ASCII case folding (it holds `b'a'` exactly when it holds `b'A'`), so
//! the property composes along a chain `t1, …, tn` whose set is the union `T`: if `x` has no
//! byte of `T`, then `x1 = apply(t1, x)` equals `x` up to case, hence (by closure) `x1` has no
//! byte of `T` either, and by induction every step equals `x` up to case. The transformations
//! that rewrite arbitrary input, and those that change even the empty value, are *always*: no
//! set of bytes helps, and a chain holding one is never skipped.
//!
//! The sets are unions of a few byte *classes* (a bit each in a [`Triggers`] mask), so an engine
//! computes once per value the classes it holds ([`Triggers::present_in`], one table lookup per
//! byte) and tests a chain with one AND ([`Triggers::may_change`]).
//!
//! # Why each set is enough (read against each module in [`crate::transformations`])
//!
//! - `none`, `lowercase`, `uppercase`: empty. They change at most the case of ASCII letters.
//! - `cmdLine`: `" ' \ ^` (deleted), `space , ; \t \r \n` (collapsed to one space), as the
//!   whitespace class (which also holds `\v \f`). Every other byte is copied, upper-case letters
//!   lower-cased; `/` and `(` only remove a space written before them, which needs one of the
//!   bytes above. Without them the value is copied, lower-cased.
//! - `compressWhitespace`, `trim`, `trimLeft`, `trimRight`: C's `isspace` bytes
//!   `space \t \n \v \f \r`, the only bytes they replace or remove (NBSP 0xA0 is not one of them,
//!   as in libmodsecurity, whose `isspace` runs in the C locale).
//! - `removeWhitespace`: those, plus 0xA0 and 0xC2 (NBSP and the first byte of its UTF-8 form),
//!   which it also removes wherever they stand.
//! - `urlDecode`, `urlDecodeUni`: `%` and `+`. Every decoding starts at one of them (`+` becomes a
//!   space, `%XX` and `%uXXXX` a byte, with or without `SecUnicodeMapFile`); without either the
//!   value is returned borrowed.
//! - `htmlEntityDecode`: `&`, where every entity starts.
//! - `jsDecode`, `cssDecode`, `escapeSeqDecode`: `\`, where every escape starts (`cssDecode`
//!   also drops a `\` at the end and a `\` before a newline, both needing a `\`).
//! - `utf8toUnicode`: bytes 0x80–0xFF (the start and continuation of multi-byte sequences) and
//!   NUL (a NUL before the last byte is dropped). ASCII bytes other than NUL are copied.
//! - `removeNulls`, `replaceNulls`: NUL.
//! - `normalisePath`: `/` and `.`; `normalisePathWin`: also `\` (turned into `/`). The
//!   algorithm only ever removes or rewrites at a separator or a dot; without them it is not run.
//! - `removeComments`: `/` (for `/*`), `-` (for `--` and the `<!--` opener) and `#`. A `<` acts
//!   only when `!--` follows, which holds a `-`; `*/` and `-->` only close a comment opened
//!   before; the trailing space only follows an unclosed comment.
//! - `removeCommentsChar`: `/` (`/*`), `*` (`*/`), `-` (`<!--`, `-->`, `--`) and `#`.
//! - `replaceComments`: `/`, which every `/*` opener holds; `*/` alone is copied.
//! - `sqlHexDecode`: `0`, which every literal `0xHH…` it decodes starts with.
//! - Always: `base64Decode`, `base64DecodeExt`, `hexDecode` (they decode arbitrary text: `QQ`
//!   and `41` have no special byte), `base64Encode`, `hexEncode`, `urlEncode`, `md5`, `sha1`,
//!   `length` (they rewrite every value, the empty one included), and the `parity*7bit`
//!   transformations (they set or clear bit 7 of ordinary ASCII letters).
//!
//! # Exact sets: no change at all
//!
//! Every transformation above but three returns, on an input without its trigger bytes, the
//! input itself byte for byte (each of them only ever rewrites at a trigger byte, and copies
//! every other byte as it is): only `lowercase`, `uppercase` and `cmdLine` (which lower-cases)
//! change ASCII case. [`Triggers::exact`] adds to those three the letters they change (`A`-`Z`,
//! `a`-`z`, `A`-`Z`), so that for every transformation `t` that is not *always* and every input
//! `x` with no byte of `exact(t)`, `apply(t, x) == x`. By induction the same holds for a chain
//! and the union of its exact sets ([`Triggers::exact_chain`]): its result *is* the value, so
//! an engine can use the value itself (and anything it computed from it, such as a prefilter
//! scan) in place of the chain's result, and, at any step of a chain, skip the rest of the chain
//! when the value reached there holds none of the rest's exact classes.
//!
//! The crate's `triggers` test checks the property with proptest for every transformation
//! (inputs drawn from the complement of its set, rich in punctuation), for every chain of CRS v4
//! and on every value of the benchmark corpus.

use crate::id::TransformId;

/// A set of trigger classes: the bytes a transformation (or chain) reacts to, or the bytes a
/// value holds, as a small bitmask; see the [module documentation](self).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Triggers(u32);

/// `%` `+`.
const URL: u32 = 1 << 0;
/// `&`.
const AMP: u32 = 1 << 1;
/// `\`.
const BACKSLASH: u32 = 1 << 2;
/// NUL.
const NUL: u32 = 1 << 3;
/// 0x80–0xFF.
const HIGH: u32 = 1 << 4;
/// `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
const SPACE: u32 = 1 << 5;
/// 0xA0, 0xC2 (removeWhitespace's NBSP bytes).
const NBSP: u32 = 1 << 6;
/// `/`.
const SLASH: u32 = 1 << 7;
/// `.`.
const DOT: u32 = 1 << 8;
/// `-`.
const DASH: u32 = 1 << 9;
/// `#`.
const HASH: u32 = 1 << 10;
/// `*`.
const STAR: u32 = 1 << 11;
/// cmdLine's other bytes: `"` `'` `^` `,` `;`.
const CMD: u32 = 1 << 12;
/// `0`.
const ZERO: u32 = 1 << 13;
/// `A`-`Z` (only in exact sets: see [`Triggers::exact`]).
const UPPER: u32 = 1 << 14;
/// `a`-`z` (only in exact sets: see [`Triggers::exact`]).
const LOWER: u32 = 1 << 15;
/// Set in every value's mask: a transformation with this class always runs.
const ALWAYS: u32 = 1 << 31;

/// Byte → the classes holding it.
const CLASS_OF: [u32; 256] = {
    let mut t = [0u32; 256];
    t[b'%' as usize] = URL;
    t[b'+' as usize] = URL;
    t[b'&' as usize] = AMP;
    t[b'\\' as usize] = BACKSLASH;
    t[0] = NUL;
    let mut b = 0x80;
    while b < 0x100 {
        t[b] = HIGH;
        b += 1;
    }
    t[0xa0] |= NBSP;
    t[0xc2] |= NBSP;
    let spaces = [b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r'];
    let mut i = 0;
    while i < spaces.len() {
        t[spaces[i] as usize] = SPACE;
        i += 1;
    }
    t[b'/' as usize] = SLASH;
    t[b'.' as usize] = DOT;
    t[b'-' as usize] = DASH;
    t[b'#' as usize] = HASH;
    t[b'*' as usize] = STAR;
    let cmd = [b'"', b'\'', b'^', b',', b';'];
    let mut i = 0;
    while i < cmd.len() {
        t[cmd[i] as usize] = CMD;
        i += 1;
    }
    t[b'0' as usize] = ZERO;
    let mut b = b'A';
    while b <= b'Z' {
        t[b as usize] = UPPER;
        t[(b | 0x20) as usize] = LOWER;
        b += 1;
    }
    t
};

impl Triggers {
    /// No class: a chain with this set never changes a value beyond ASCII case.
    pub const NONE: Triggers = Triggers(0);

    /// The classes transformation `id` reacts to.
    pub const fn of(id: TransformId) -> Triggers {
        use TransformId as T;
        Triggers(match id {
            T::None | T::Lowercase | T::Uppercase => 0,
            T::CmdLine => CMD | BACKSLASH | SPACE,
            T::CompressWhitespace | T::Trim | T::TrimLeft | T::TrimRight => SPACE,
            T::RemoveWhitespace => SPACE | NBSP,
            T::UrlDecode | T::UrlDecodeUni => URL,
            T::HtmlEntityDecode => AMP,
            T::JsDecode | T::CssDecode | T::EscapeSeqDecode => BACKSLASH,
            T::Utf8ToUnicode => HIGH | NUL,
            T::RemoveNulls | T::ReplaceNulls => NUL,
            T::NormalisePath => SLASH | DOT,
            T::NormalisePathWin => SLASH | DOT | BACKSLASH,
            T::RemoveComments => SLASH | DASH | HASH,
            T::RemoveCommentsChar => SLASH | STAR | DASH | HASH,
            T::ReplaceComments => SLASH,
            T::SqlHexDecode => ZERO,
            T::Base64Decode
            | T::Base64DecodeExt
            | T::Base64Encode
            | T::HexDecode
            | T::HexEncode
            | T::UrlEncode
            | T::Md5
            | T::Sha1
            | T::Length
            | T::ParityEven7bit
            | T::ParityOdd7bit
            | T::ParityZero7bit => ALWAYS,
        })
    }

    /// The classes without which transformation `id` returns its input *exactly*, byte for
    /// byte: [`Triggers::of`], plus the letters it changes the case of for the three
    /// transformations that do (`lowercase`: `A`-`Z`; `uppercase`: `a`-`z`; `cmdLine`: `A`-`Z`).
    /// These sets are not closed under ASCII case, and need not be: for an input without any
    /// byte of the set, the output *is* the input, so it has none either and the property
    /// composes along a chain ([`Triggers::exact_chain`]) by plain induction.
    pub const fn exact(id: TransformId) -> Triggers {
        use TransformId as T;
        let case = match id {
            T::Lowercase | T::CmdLine => UPPER,
            T::Uppercase => LOWER,
            _ => 0,
        };
        Triggers(Triggers::of(id).0 | case)
    }

    /// The union of the exact sets ([`Triggers::exact`]) of a chain's transformations: a value
    /// holding none of them is the chain's result, byte for byte.
    pub fn exact_chain(ids: &[TransformId]) -> Triggers {
        ids.iter()
            .fold(Triggers::NONE, |acc, &id| acc.union(Triggers::exact(id)))
    }

    /// The union of the classes of a chain's transformations.
    pub fn of_chain(ids: &[TransformId]) -> Triggers {
        ids.iter()
            .fold(Triggers::NONE, |acc, &id| acc.union(Triggers::of(id)))
    }

    /// The union of two sets.
    #[must_use]
    pub const fn union(self, other: Triggers) -> Triggers {
        Triggers(self.0 | other.0)
    }

    /// The classes `value` holds (with the class that *always* transformations react to, so
    /// that [`Triggers::may_change`] is true for them on every value, the empty one included).
    pub fn present_in(value: &[u8]) -> Triggers {
        Triggers(
            value
                .iter()
                .fold(ALWAYS, |acc, &b| acc | CLASS_OF[usize::from(b)]),
        )
    }

    /// Whether a chain with these triggers may change (beyond ASCII case) a value holding the
    /// classes `value` ([`Triggers::present_in`]). `false` proves that every step of the chain
    /// equals the value up to ASCII case.
    pub const fn may_change(self, value: Triggers) -> bool {
        self.0 & value.0 != 0
    }

    /// Whether the set holds a transformation that always runs (no byte set describes it).
    pub const fn is_always(self) -> bool {
        self.0 & ALWAYS != 0
    }

    /// The bytes of the set, as a table (every byte when [`Triggers::is_always`]).
    pub fn bytes(self) -> [bool; 256] {
        let mut out = [self.is_always(); 256];
        for (b, slot) in out.iter_mut().enumerate() {
            *slot |= CLASS_OF[b] & self.0 != 0;
        }
        out
    }

    /// The raw bitmask (for storing in compact tables).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The set of a raw bitmask from [`Triggers::bits`].
    pub const fn from_bits(bits: u32) -> Triggers {
        Triggers(bits)
    }
}

impl TransformId {
    /// The classes of bytes this transformation reacts to: see [`Triggers`].
    pub const fn triggers(self) -> Triggers {
        Triggers::of(self)
    }

    /// The classes without which this transformation returns its input byte for byte: see
    /// [`Triggers::exact`].
    pub const fn exact_triggers(self) -> Triggers {
        Triggers::exact(self)
    }

    /// Another transformation that gives this one's result, byte for byte, on every input
    /// holding none of the returned classes (`None` when there is none): `normalisePathWin` and
    /// `normalisePath` on an input without `\` (`normalisePathWin` is `normalisePath` with `\`
    /// read as `/`: without one, its only difference is gone). An engine that has one's result
    /// for some bytes can use it for the other's.
    pub const fn same_result_as(self) -> Option<(TransformId, Triggers)> {
        match self {
            TransformId::NormalisePathWin => {
                Some((TransformId::NormalisePath, Triggers(BACKSLASH)))
            }
            TransformId::NormalisePath => {
                Some((TransformId::NormalisePathWin, Triggers(BACKSLASH)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_closed_under_ascii_case() {
        for id in TransformId::ALL {
            let bytes = Triggers::of(id).bytes();
            for b in 0..=255u8 {
                assert_eq!(
                    bytes[usize::from(b)],
                    bytes[usize::from(b.to_ascii_lowercase())],
                    "{id}: {b:#x}"
                );
            }
        }
    }

    #[test]
    fn masks_answer_as_the_byte_sets_do() {
        for id in TransformId::ALL {
            let t = Triggers::of(id);
            let bytes = t.bytes();
            for b in 0..=255u8 {
                assert_eq!(
                    t.may_change(Triggers::present_in(&[b])),
                    bytes[usize::from(b)]
                );
            }
            assert_eq!(t.may_change(Triggers::present_in(b"")), t.is_always());
        }
        assert!(Triggers::of(TransformId::UrlDecodeUni).bytes()[usize::from(b'+')]);
        assert!(!Triggers::of(TransformId::CompressWhitespace).bytes()[0xa0]);
        assert!(Triggers::of(TransformId::RemoveWhitespace).bytes()[0xa0]);
        assert!(Triggers::of(TransformId::Length).is_always());
        assert_eq!(Triggers::of(TransformId::Lowercase), Triggers::NONE);
    }
}
