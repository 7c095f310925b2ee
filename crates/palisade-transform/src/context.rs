//! [`TransformContext`]: what some transformations need from the rule set.

use crate::unicode_map::UnicodeMap;

/// Rule-set-wide settings that transformations read. Built once per rule set, shared by every
/// transaction; [`TransformContext::default`] is ModSecurity's configuration without any of the
/// directives below.
#[derive(Clone, Debug, Default)]
pub struct TransformContext {
    unicode_map: Option<UnicodeMap>,
}

impl TransformContext {
    /// A context without any rule set settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the map of `SecUnicodeMapFile`, read by `t:urlDecodeUni`.
    pub fn with_unicode_map(mut self, map: UnicodeMap) -> Self {
        self.unicode_map = Some(map);
        self
    }

    /// The map of `SecUnicodeMapFile`, if the rule set has one.
    pub fn unicode_map(&self) -> Option<&UnicodeMap> {
        self.unicode_map.as_ref()
    }
}
