//! `t:normalisePath` (alias `t:normalizePath`): removes `./` self references, `dir/../` back
//! references and repeated slashes, like ModSecurity's `normalize_path_inplace`.
//!
//! A relative path never climbs above its start (`../` that cannot be resolved stays); an absolute
//! one stops at `/`; a trailing slash is removed unless the input had one. The same in v3.0.9 and
//! v3/master. [`normalise_path_win`](super::normalise_path_win) is the same with `\` read as `/`.

use std::borrow::Cow;

use super::finish;

/// Applies `t:normalisePath`.
pub fn normalise_path(input: &[u8]) -> Cow<'_, [u8]> {
    if !may_change(input, false) {
        return Cow::Borrowed(input);
    }
    let mut buf = input.to_vec();
    normalise_in_place(&mut buf, false);
    finish(input, buf)
}

/// `t:normalisePath` on an owned value, in place.
pub(crate) fn normalise_path_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if may_change(&buf, false) {
        normalise_in_place(&mut buf, false);
    }
    buf
}

/// Whether normalisation can change the value (`false` is exact: the value is then unchanged).
///
/// Why this is sound: while [`normalise_in_place`] has changed nothing, its write index equals
/// its read index and the buffer equals the input. A step departs from a plain copy only (a) on
/// a `\` (Windows form: turned into `/`), (b) on a `/` followed by another separator (slashes
/// collapsed), or (c) on a `.` that ends a segment (followed by `/` or last: a self or back
/// reference); a relative path never starts with `/`, so the "no leading slash" case needs the
/// write index to have fallen behind, which only (a)–(c) cause; and the final trailing-slash cut
/// applies only when the input's last byte is no separator while the output's is, which again
/// needs a change first. So a value with none of (a)–(c) is returned as it is. The property
/// test `may_change_false_means_unchanged` checks this against the algorithm itself.
pub(crate) fn may_change(input: &[u8], win: bool) -> bool {
    if input.len() <= SHORT {
        may_change_short(input, win)
    } else {
        may_change_long(input, win)
    }
}

/// Up to this length [`may_change`] reads the bytes one by one: on short values (most of what
/// `normalisePathWin` meets: names, numbers, host names, versions) setting up a SIMD search per
/// `.` or `/` costs more than the bytes.
const SHORT: usize = 64;

/// Bytes [`may_change_short`] looks at.
const SEPARATORS: [bool; 256] = super::byte_set(b"/.\\");

/// [`may_change`] in one pass over the bytes (the test `short_and_long_scans_agree` compares it
/// with [`may_change_long`] on every length).
fn may_change_short(input: &[u8], win: bool) -> bool {
    for (i, &b) in input.iter().enumerate() {
        if !SEPARATORS[usize::from(b)] {
            continue;
        }
        let next = input.get(i + 1).copied();
        let acts = match b {
            b'\\' => win,
            b'/' => next == Some(b'/'),
            _ => next.is_none() || next == Some(b'/'),
        };
        if acts {
            return true;
        }
    }
    false
}

/// [`may_change`] with SIMD searches (`memchr`), for long values.
fn may_change_long(input: &[u8], win: bool) -> bool {
    if win && memchr::memchr(b'\\', input).is_some() {
        return true;
    }
    memchr::memchr2_iter(b'/', b'.', input).any(|i| {
        let next = input.get(i + 1).copied();
        match input[i] {
            b'/' => next == Some(b'/'),
            _ => next.is_none() || next == Some(b'/'),
        }
    })
}

/// The algorithm of ModSecurity's `normalize_path_inplace`, on indices: `src` reads, `dst`
/// writes (never ahead of `src`), both in `buf`.
pub(crate) fn normalise_in_place(buf: &mut Vec<u8>, win: bool) {
    let len = buf.len();
    if len == 0 {
        return;
    }
    let is_sep = |b: u8| b == b'/' || (win && b == b'\\');
    let end = len - 1;
    let relative = !is_sep(buf[0]);
    let trailing = is_sep(buf[end]);
    let mut hitroot = false;
    let mut done = false;
    let mut src: usize = 0;
    // Signed: stepping back over a back reference may go below the start before it is clamped.
    let mut dst: isize = 0;
    let end_i = end as isize;

    while !done && src <= end && dst <= end_i {
        if win {
            if buf[src] == b'\\' {
                buf[src] = b'/';
            }
            if src < end && buf[src + 1] == b'\\' {
                buf[src + 1] = b'/';
            }
        }

        let mut normalise = true;
        if src == end {
            done = true;
        } else if buf[src + 1] != b'/' {
            // Not the end of a path segment.
            normalise = false;
        }

        let mut skip_copy = false;
        if normalise {
            if src != end && buf[src] == b'/' {
                // An empty segment: the copy below collapses the slashes.
            } else if buf[src] == b'.' {
                if dst > 0 && buf[(dst - 1) as usize] == b'.' {
                    // A back reference.
                    if relative && (hitroot || dst - 2 <= 0) {
                        // Nothing to go back to: keep it.
                        hitroot = true;
                    } else {
                        dst -= 3;
                        while dst > 0 && buf[dst as usize] != b'/' {
                            dst -= 1;
                        }
                        if dst <= 0 {
                            hitroot = true;
                            dst = 0;
                            if !relative && src == end {
                                dst += 1;
                            }
                        }
                        if done {
                            skip_copy = true;
                        } else {
                            src += 1;
                        }
                    }
                } else if dst == 0 {
                    // A relative self reference at the start.
                    if done {
                        skip_copy = true;
                    } else {
                        src += 1;
                    }
                } else if buf[(dst - 1) as usize] == b'/' {
                    // A self reference.
                    if done {
                        skip_copy = true;
                    } else {
                        dst -= 1;
                        src += 1;
                    }
                }
            } else if dst > 0 {
                hitroot = false;
            }
        }

        if skip_copy {
            continue;
        }
        if buf[src] == b'/' {
            // Skip to the last of several slashes.
            while src < end && is_sep(buf[src + 1]) {
                src += 1;
            }
            if relative && dst == 0 {
                // No leading slash for a relative path.
                src += 1;
                continue;
            }
        }
        buf[dst as usize] = buf[src];
        dst += 1;
        src += 1;
    }

    let mut dst = dst.max(0) as usize;
    if !trailing && dst > 0 && buf[dst - 1] == b'/' {
        dst -= 1;
    }
    buf.truncate(dst);
}

/// `t:normalisePath` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn normalise_path_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        may_change(input, false).then_some(0),
        out,
        |buf, _| {
            normalise_in_place(buf, false);
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &[u8]) -> Vec<u8> {
        normalise_path(s).into_owned()
    }

    #[test]
    fn resolves_references() {
        assert_eq!(n(b"/foo/bar/../baz"), b"/foo/baz");
        assert_eq!(n(b"/foo/./bar"), b"/foo/bar");
        assert_eq!(n(b"//foo///bar//"), b"/foo/bar/");
        assert_eq!(n(b"/../../etc/passwd"), b"/etc/passwd");
        assert_eq!(n(b"../../etc/passwd"), b"../../etc/passwd");
        assert_eq!(n(b"foo/../../bar"), b"../bar");
        assert_eq!(n(b"./foo"), b"foo");
        assert_eq!(n(b"/foo/.."), b"");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn may_change_false_means_unchanged(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'/', b'.', b'\\', b'a', b'x']),
                0..24,
            ),
            win: bool,
        ) {
            if !may_change(&bytes, win) {
                let mut buf = bytes.clone();
                normalise_in_place(&mut buf, win);
                proptest::prop_assert_eq!(buf, bytes);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn short_and_long_scans_agree(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'/', b'.', b'\\', b'a', b'x']),
                0..80,
            ),
            win: bool,
        ) {
            proptest::prop_assert_eq!(
                may_change_short(&bytes, win),
                may_change_long(&bytes, win)
            );
        }
    }

    #[test]
    fn may_change_flags_only_acting_sequences() {
        assert!(!may_change(b"/index.html", false));
        assert!(!may_change(b"text/html; q=0.5", false));
        assert!(!may_change(b"a\\b", false));
        assert!(may_change(b"a\\b", true));
        assert!(may_change(b"/a//b", false));
        assert!(may_change(b"/a/./b", false));
        assert!(may_change(b"a.", false));
        assert!(may_change(b"../x", false));
    }

    #[test]
    fn untouched_values_are_borrowed() {
        assert!(matches!(normalise_path(b"index"), Cow::Borrowed(_)));
        assert!(matches!(normalise_path(b"/a/b.html"), Cow::Borrowed(_)));
    }
}
