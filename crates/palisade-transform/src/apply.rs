//! Dispatch from a [`TransformId`] to its transformation: [`apply`] on a borrowed value, and the
//! in-place [`apply_owned`] that [`Chain`](crate::Chain) uses once it owns a value, and
//! [`apply_into`], which writes a changed value into a buffer the caller reuses.

use std::borrow::Cow;

use crate::context::TransformContext;
use crate::id::TransformId;
use crate::transformations as t;

/// Applies one transformation to `input`.
///
/// Returns [`Cow::Borrowed`] (the very `input` slice) exactly when the result equals `input`;
/// [`Cow::Owned`] therefore always means the value changed. `t:none` returns `input` unchanged
/// (its clearing effect belongs to [`Chain`](crate::Chain)).
pub fn apply<'a>(id: TransformId, input: &'a [u8], ctx: &TransformContext) -> Cow<'a, [u8]> {
    use TransformId as T;
    match id {
        T::None => Cow::Borrowed(input),
        T::Base64Decode => t::base64_decode::base64_decode(input),
        T::Base64DecodeExt => t::base64_decode_ext::base64_decode_ext(input),
        T::Base64Encode => t::base64_encode::base64_encode(input),
        T::CmdLine => t::cmd_line::cmd_line(input),
        T::CompressWhitespace => t::compress_whitespace::compress_whitespace(input),
        T::CssDecode => t::css_decode::css_decode(input),
        T::EscapeSeqDecode => t::escape_seq_decode::escape_seq_decode(input),
        T::HexDecode => t::hex_decode::hex_decode(input),
        T::HexEncode => t::hex_encode::hex_encode(input),
        T::HtmlEntityDecode => t::html_entity_decode::html_entity_decode(input),
        T::JsDecode => t::js_decode::js_decode(input),
        T::Length => t::length::length(input),
        T::Lowercase => t::lowercase::lowercase(input),
        T::Md5 => t::md5::md5(input),
        T::NormalisePath => t::normalise_path::normalise_path(input),
        T::NormalisePathWin => t::normalise_path_win::normalise_path_win(input),
        T::ParityEven7bit => t::parity_even_7bit::parity_even_7bit(input),
        T::ParityOdd7bit => t::parity_odd_7bit::parity_odd_7bit(input),
        T::ParityZero7bit => t::parity_zero_7bit::parity_zero_7bit(input),
        T::RemoveComments => t::remove_comments::remove_comments(input),
        T::RemoveCommentsChar => t::remove_comments_char::remove_comments_char(input),
        T::RemoveNulls => t::remove_nulls::remove_nulls(input),
        T::RemoveWhitespace => t::remove_whitespace::remove_whitespace(input),
        T::ReplaceComments => t::replace_comments::replace_comments(input),
        T::ReplaceNulls => t::replace_nulls::replace_nulls(input),
        T::Sha1 => t::sha1::sha1(input),
        T::SqlHexDecode => t::sql_hex_decode::sql_hex_decode(input),
        T::Trim => t::trim::trim(input),
        T::TrimLeft => t::trim_left::trim_left(input),
        T::TrimRight => t::trim_right::trim_right(input),
        T::Uppercase => t::uppercase::uppercase(input),
        T::UrlDecode => t::url_decode::url_decode(input),
        T::UrlDecodeUni => t::url_decode_uni::url_decode_uni(input, ctx.unicode_map()),
        T::UrlEncode => t::url_encode::url_encode(input),
        T::Utf8ToUnicode => t::utf8_to_unicode::utf8_to_unicode(input),
    }
}

/// Applies one transformation to a value the caller owns, reusing its buffer where the
/// transformation can work in place (every transformation whose output is never longer than its
/// input, except the base64 decoders). The result equals `apply(id, &buf, ctx)`.
pub fn apply_owned(id: TransformId, buf: Vec<u8>, ctx: &TransformContext) -> Vec<u8> {
    use TransformId as T;
    match id {
        T::None => buf,
        T::CmdLine => t::cmd_line::cmd_line_owned(buf),
        T::CompressWhitespace => t::compress_whitespace::compress_whitespace_owned(buf),
        T::CssDecode => t::css_decode::css_decode_owned(buf),
        T::EscapeSeqDecode => t::escape_seq_decode::escape_seq_decode_owned(buf),
        T::HexDecode => t::hex_decode::hex_decode_owned(buf),
        T::HtmlEntityDecode => t::html_entity_decode::html_entity_decode_owned(buf),
        T::JsDecode => t::js_decode::js_decode_owned(buf),
        T::Lowercase => t::lowercase::lowercase_owned(buf),
        T::NormalisePath => t::normalise_path::normalise_path_owned(buf),
        T::NormalisePathWin => t::normalise_path_win::normalise_path_win_owned(buf),
        T::ParityEven7bit => t::parity_even_7bit::parity_even_7bit_owned(buf),
        T::ParityOdd7bit => t::parity_odd_7bit::parity_odd_7bit_owned(buf),
        T::ParityZero7bit => t::parity_zero_7bit::parity_zero_7bit_owned(buf),
        T::RemoveCommentsChar => t::remove_comments_char::remove_comments_char_owned(buf),
        T::RemoveNulls => t::remove_nulls::remove_nulls_owned(buf),
        T::RemoveWhitespace => t::remove_whitespace::remove_whitespace_owned(buf),
        T::ReplaceComments => t::replace_comments::replace_comments_owned(buf),
        T::ReplaceNulls => t::replace_nulls::replace_nulls_owned(buf),
        T::SqlHexDecode => t::sql_hex_decode::sql_hex_decode_owned(buf),
        T::Trim => t::trim::trim_owned(buf),
        T::TrimLeft => t::trim_left::trim_left_owned(buf),
        T::TrimRight => t::trim_right::trim_right_owned(buf),
        T::Uppercase => t::uppercase::uppercase_owned(buf),
        T::UrlDecode => t::url_decode::url_decode_owned(buf),
        T::UrlDecodeUni => t::url_decode_uni::url_decode_uni_owned(buf, ctx.unicode_map()),
        _ => match apply(id, &buf, ctx) {
            Cow::Owned(out) => out,
            Cow::Borrowed(_) => buf,
        },
    }
}

/// Applies one transformation to `input`, writing the result into `out` when it differs from
/// `input`.
///
/// Returns `true` when the value changed: `out` then holds exactly the result (whatever it held
/// before is replaced). Returns `false` when the result equals `input`: `out`'s contents are
/// then unspecified (usually untouched). A caller that keeps one `out` across calls allocates
/// nothing once its capacity suffices, except for the transformations that build a new value
/// anyway (`md5`, `urlEncode`, …). The result is the one [`apply`] returns.
pub fn apply_into(
    id: TransformId,
    input: &[u8],
    ctx: &TransformContext,
    out: &mut Vec<u8>,
) -> bool {
    use TransformId as T;
    match id {
        T::None => false,
        T::Base64Decode => t::base64_decode::base64_decode_into(input, out),
        T::CmdLine => t::cmd_line::cmd_line_into(input, out),
        T::CompressWhitespace => t::compress_whitespace::compress_whitespace_into(input, out),
        T::CssDecode => t::css_decode::css_decode_into(input, out),
        T::EscapeSeqDecode => t::escape_seq_decode::escape_seq_decode_into(input, out),
        T::HexDecode => t::hex_decode::hex_decode_into(input, out),
        T::HtmlEntityDecode => t::html_entity_decode::html_entity_decode_into(input, out),
        T::JsDecode => t::js_decode::js_decode_into(input, out),
        T::Lowercase => t::lowercase::lowercase_into(input, out),
        T::NormalisePath => t::normalise_path::normalise_path_into(input, out),
        T::NormalisePathWin => t::normalise_path_win::normalise_path_win_into(input, out),
        T::ParityEven7bit => t::parity_even_7bit::parity_even_7bit_into(input, out),
        T::ParityOdd7bit => t::parity_odd_7bit::parity_odd_7bit_into(input, out),
        T::ParityZero7bit => t::parity_zero_7bit::parity_zero_7bit_into(input, out),
        T::RemoveCommentsChar => t::remove_comments_char::remove_comments_char_into(input, out),
        T::RemoveNulls => t::remove_nulls::remove_nulls_into(input, out),
        T::RemoveWhitespace => t::remove_whitespace::remove_whitespace_into(input, out),
        T::ReplaceComments => t::replace_comments::replace_comments_into(input, out),
        T::ReplaceNulls => t::replace_nulls::replace_nulls_into(input, out),
        T::SqlHexDecode => t::sql_hex_decode::sql_hex_decode_into(input, out),
        T::Trim => t::trim::trim_into(input, out),
        T::TrimLeft => t::trim_left::trim_left_into(input, out),
        T::TrimRight => t::trim_right::trim_right_into(input, out),
        T::Uppercase => t::uppercase::uppercase_into(input, out),
        T::UrlDecode => t::url_decode::url_decode_into(input, out),
        T::UrlDecodeUni => t::url_decode_uni::url_decode_uni_into(input, ctx.unicode_map(), out),
        _ => match apply(id, input, ctx) {
            Cow::Owned(v) if v.as_slice() != input => {
                *out = v;
                true
            }
            _ => false,
        },
    }
}
