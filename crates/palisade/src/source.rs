//! Rule sources for the builder: rule texts given in memory, in front of a filesystem (or any
//! other [`RuleSource`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use palisade_seclang::{MemorySource, RuleSource, SourceError};

/// Memory first, then `rest`.
pub(crate) struct Layered {
    pub(crate) top: MemorySource,
    pub(crate) rest: Arc<dyn RuleSource>,
}

impl RuleSource for Layered {
    fn read(&self, path: &Path) -> Result<Vec<u8>, SourceError> {
        self.top.read(path).or_else(|_| self.rest.read(path))
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, SourceError> {
        let mut v = self.top.glob(pattern).unwrap_or_default();
        v.retain(|p| self.top.read(p).is_ok());
        if v.is_empty() {
            self.rest.glob(pattern)
        } else {
            Ok(v)
        }
    }
}
