//! The names of ModSecurity v3's transformations and their alias spellings.

use core::fmt;

/// One transformation of ModSecurity v3, as a rule names it with `t:NAME`.
///
/// SecLang matches transformation names case-insensitively; [`TransformId::from_name`] does the
/// same and accepts the alias spellings (`normalizePath` for `normalisePath`, …).
/// [`TransformId::name`] gives the canonical spelling of ModSecurity's reference manual.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TransformId {
    /// `t:none`: clears the transformations declared before it.
    None,
    /// `t:base64Decode`.
    Base64Decode,
    /// `t:base64DecodeExt`.
    Base64DecodeExt,
    /// `t:base64Encode`.
    Base64Encode,
    /// `t:cmdLine`.
    CmdLine,
    /// `t:compressWhitespace`.
    CompressWhitespace,
    /// `t:cssDecode`.
    CssDecode,
    /// `t:escapeSeqDecode`.
    EscapeSeqDecode,
    /// `t:hexDecode`.
    HexDecode,
    /// `t:hexEncode`.
    HexEncode,
    /// `t:htmlEntityDecode`.
    HtmlEntityDecode,
    /// `t:jsDecode`.
    JsDecode,
    /// `t:length`.
    Length,
    /// `t:lowercase`.
    Lowercase,
    /// `t:md5`.
    Md5,
    /// `t:normalisePath` (alias `t:normalizePath`).
    NormalisePath,
    /// `t:normalisePathWin` (alias `t:normalizePathWin`).
    NormalisePathWin,
    /// `t:parityEven7bit`.
    ParityEven7bit,
    /// `t:parityOdd7bit`.
    ParityOdd7bit,
    /// `t:parityZero7bit`.
    ParityZero7bit,
    /// `t:removeComments`.
    RemoveComments,
    /// `t:removeCommentsChar`.
    RemoveCommentsChar,
    /// `t:removeNulls`.
    RemoveNulls,
    /// `t:removeWhitespace`.
    RemoveWhitespace,
    /// `t:replaceComments`.
    ReplaceComments,
    /// `t:replaceNulls`.
    ReplaceNulls,
    /// `t:sha1`.
    Sha1,
    /// `t:sqlHexDecode`.
    SqlHexDecode,
    /// `t:trim`.
    Trim,
    /// `t:trimLeft`.
    TrimLeft,
    /// `t:trimRight`.
    TrimRight,
    /// `t:uppercase`.
    Uppercase,
    /// `t:urlDecode`.
    UrlDecode,
    /// `t:urlDecodeUni`.
    UrlDecodeUni,
    /// `t:urlEncode`.
    UrlEncode,
    /// `t:utf8toUnicode`.
    Utf8ToUnicode,
}

/// Canonical names, in declaration order of [`TransformId`].
const NAMES: [(TransformId, &str); 36] = [
    (TransformId::None, "none"),
    (TransformId::Base64Decode, "base64Decode"),
    (TransformId::Base64DecodeExt, "base64DecodeExt"),
    (TransformId::Base64Encode, "base64Encode"),
    (TransformId::CmdLine, "cmdLine"),
    (TransformId::CompressWhitespace, "compressWhitespace"),
    (TransformId::CssDecode, "cssDecode"),
    (TransformId::EscapeSeqDecode, "escapeSeqDecode"),
    (TransformId::HexDecode, "hexDecode"),
    (TransformId::HexEncode, "hexEncode"),
    (TransformId::HtmlEntityDecode, "htmlEntityDecode"),
    (TransformId::JsDecode, "jsDecode"),
    (TransformId::Length, "length"),
    (TransformId::Lowercase, "lowercase"),
    (TransformId::Md5, "md5"),
    (TransformId::NormalisePath, "normalisePath"),
    (TransformId::NormalisePathWin, "normalisePathWin"),
    (TransformId::ParityEven7bit, "parityEven7bit"),
    (TransformId::ParityOdd7bit, "parityOdd7bit"),
    (TransformId::ParityZero7bit, "parityZero7bit"),
    (TransformId::RemoveComments, "removeComments"),
    (TransformId::RemoveCommentsChar, "removeCommentsChar"),
    (TransformId::RemoveNulls, "removeNulls"),
    (TransformId::RemoveWhitespace, "removeWhitespace"),
    (TransformId::ReplaceComments, "replaceComments"),
    (TransformId::ReplaceNulls, "replaceNulls"),
    (TransformId::Sha1, "sha1"),
    (TransformId::SqlHexDecode, "sqlHexDecode"),
    (TransformId::Trim, "trim"),
    (TransformId::TrimLeft, "trimLeft"),
    (TransformId::TrimRight, "trimRight"),
    (TransformId::Uppercase, "uppercase"),
    (TransformId::UrlDecode, "urlDecode"),
    (TransformId::UrlDecodeUni, "urlDecodeUni"),
    (TransformId::UrlEncode, "urlEncode"),
    (TransformId::Utf8ToUnicode, "utf8toUnicode"),
];

/// Alias spellings that ModSecurity v3 also accepts.
const ALIASES: [(TransformId, &str); 2] = [
    (TransformId::NormalisePath, "normalizePath"),
    (TransformId::NormalisePathWin, "normalizePathWin"),
];

/// The error of [`TransformId::from_name`]: no transformation has that name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTransform(pub String);

impl fmt::Display for UnknownTransform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown transformation `{}`", self.0)
    }
}

impl std::error::Error for UnknownTransform {}

impl TransformId {
    /// Every transformation, in a fixed order (that of the enum).
    pub const ALL: [TransformId; 36] = {
        let mut all = [TransformId::None; 36];
        let mut i = 0;
        while i < 36 {
            all[i] = NAMES[i].0;
            i += 1;
        }
        all
    };

    /// Looks a transformation up by name, case-insensitively, aliases included.
    pub fn from_name(name: &str) -> Result<Self, UnknownTransform> {
        NAMES
            .iter()
            .chain(ALIASES.iter())
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(id, _)| *id)
            .ok_or_else(|| UnknownTransform(name.to_owned()))
    }

    /// The canonical spelling, as ModSecurity's reference manual writes it.
    pub fn name(self) -> &'static str {
        NAMES[self as usize].1
    }
}

impl fmt::Display for TransformId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_in_enum_order() {
        for (i, (id, name)) in NAMES.iter().enumerate() {
            assert_eq!(*id as usize, i, "{name} out of order");
            assert_eq!(TransformId::from_name(name), Ok(*id));
            assert_eq!(id.name(), *name);
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        assert_eq!(
            TransformId::from_name("URLDECODEUNI"),
            Ok(TransformId::UrlDecodeUni)
        );
        assert_eq!(
            TransformId::from_name("normalizePathWin"),
            Ok(TransformId::NormalisePathWin)
        );
        assert!(TransformId::from_name("phpArgsNames").is_err());
    }
}
