//! `t:normalisePathWin` (alias `t:normalizePathWin`): [`normalise_path`](super::normalise_path)
//! with every `\` turned into `/` first. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;
use super::normalise_path::{may_change, normalise_in_place};

/// Applies `t:normalisePathWin`.
pub fn normalise_path_win(input: &[u8]) -> Cow<'_, [u8]> {
    if !may_change(input, true) {
        return Cow::Borrowed(input);
    }
    let mut buf = input.to_vec();
    normalise_in_place(&mut buf, true);
    finish(input, buf)
}

/// `t:normalisePathWin` on an owned value, in place.
pub(crate) fn normalise_path_win_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if may_change(&buf, true) {
        normalise_in_place(&mut buf, true);
    }
    buf
}

/// `t:normalisePathWin` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn normalise_path_win_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        may_change(input, true).then_some(0),
        out,
        |buf, _| {
            normalise_in_place(buf, true);
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_backslashes_as_slashes() {
        assert_eq!(&*normalise_path_win(b"C:\\foo\\..\\bar"), b"C:/bar");
        assert_eq!(&*normalise_path_win(b"\\\\srv\\.\\x"), b"/srv/x");
    }
}
