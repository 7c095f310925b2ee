//! Persistent collections (`IP`, `GLOBAL`, `RESOURCE`, `SESSION`, `USER`) behind the
//! [`CollectionStore`] trait, and [`InMemoryStore`], an in-memory store with expiry.
//!
//! A transaction opens a record with `initcol:ip=%{REMOTE_ADDR}` (or `setsid`, `setuid`,
//! `setrsc`), works on a private copy, and writes it back when it finishes (`process_logging`).
//! Variables carry an optional expiry (`expirevar`); the time comes from the host's
//! [`Clock`](crate::host::Clock), never from the engine.

use std::collections::HashMap;
use std::sync::Mutex;

/// Which persistent collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersistentCollection {
    /// `IP`, opened by `initcol:ip=…`.
    Ip,
    /// `GLOBAL`, opened by `initcol:global=…`.
    Global,
    /// `RESOURCE`, opened by `initcol:resource=…` or `setrsc`.
    Resource,
    /// `SESSION`, opened by `setsid`.
    Session,
    /// `USER`, opened by `setuid`.
    User,
}

impl PersistentCollection {
    /// The collection's SecLang name (`IP`, `GLOBAL`, …).
    pub fn name(self) -> &'static str {
        match self {
            PersistentCollection::Ip => "IP",
            PersistentCollection::Global => "GLOBAL",
            PersistentCollection::Resource => "RESOURCE",
            PersistentCollection::Session => "SESSION",
            PersistentCollection::User => "USER",
        }
    }

    /// All five, in a fixed order.
    pub const ALL: [PersistentCollection; 5] = [
        PersistentCollection::Ip,
        PersistentCollection::Global,
        PersistentCollection::Resource,
        PersistentCollection::Session,
        PersistentCollection::User,
    ];

    /// Position in [`PersistentCollection::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One variable of a stored record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredVar {
    /// The variable's name as it was first written (lookups ignore ASCII case).
    pub name: String,
    /// Its value.
    pub value: Vec<u8>,
    /// When it expires, in seconds since the epoch (`expirevar`), if ever.
    pub expires_at: Option<i64>,
}

/// A store for persistent collection records, keyed by collection and record key (the value
/// given to `initcol`, e.g. the client address), namespaced by `SecWebAppId`.
pub trait CollectionStore: Send + Sync {
    /// The live variables of a record (expired ones left out); empty when there is none.
    fn load(
        &self,
        app: &str,
        collection: PersistentCollection,
        key: &str,
        now_secs: i64,
    ) -> Vec<StoredVar>;

    /// Replaces a record's variables.
    fn save(
        &self,
        app: &str,
        collection: PersistentCollection,
        key: &str,
        vars: Vec<StoredVar>,
        now_secs: i64,
    );
}

/// A [`CollectionStore`] in process memory. Records whose every variable has expired are
/// dropped when they are next touched; [`InMemoryStore::with_limit`] bounds the record count.
#[derive(Debug)]
pub struct InMemoryStore {
    inner: Mutex<HashMap<(String, PersistentCollection, String), Vec<StoredVar>>>,
    max_records: usize,
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryStore {
    /// An empty store holding at most 100,000 records.
    pub fn new() -> Self {
        Self::with_limit(100_000)
    }

    /// An empty store holding at most `max_records` records; when full, a save of a new record
    /// first drops expired records and then, if still full, is refused (the record is not kept).
    pub fn with_limit(max_records: usize) -> Self {
        InMemoryStore {
            inner: Mutex::new(HashMap::new()),
            max_records,
        }
    }

    /// The number of records held.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn live(vars: &[StoredVar], now: i64) -> Vec<StoredVar> {
    vars.iter()
        .filter(|v| v.expires_at.is_none_or(|t| t > now))
        .cloned()
        .collect()
}

impl CollectionStore for InMemoryStore {
    fn load(
        &self,
        app: &str,
        collection: PersistentCollection,
        key: &str,
        now_secs: i64,
    ) -> Vec<StoredVar> {
        let Ok(map) = self.inner.lock() else {
            return Vec::new();
        };
        map.get(&(app.to_owned(), collection, key.to_owned()))
            .map(|v| live(v, now_secs))
            .unwrap_or_default()
    }

    fn save(
        &self,
        app: &str,
        collection: PersistentCollection,
        key: &str,
        vars: Vec<StoredVar>,
        now_secs: i64,
    ) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        let id = (app.to_owned(), collection, key.to_owned());
        let vars = live(&vars, now_secs);
        if vars.is_empty() {
            map.remove(&id);
            return;
        }
        if !map.contains_key(&id) && map.len() >= self.max_records {
            map.retain(|_, v| v.iter().any(|x| x.expires_at.is_none_or(|t| t > now_secs)));
            if map.len() >= self.max_records {
                return;
            }
        }
        map.insert(id, vars);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: &str, exp: Option<i64>) -> StoredVar {
        StoredVar {
            name: name.into(),
            value: value.as_bytes().to_vec(),
            expires_at: exp,
        }
    }

    #[test]
    fn expired_variables_disappear() {
        let s = InMemoryStore::new();
        s.save(
            "",
            PersistentCollection::Ip,
            "1.2.3.4",
            vec![var("a", "1", Some(100)), var("b", "2", None)],
            50,
        );
        assert_eq!(s.load("", PersistentCollection::Ip, "1.2.3.4", 60).len(), 2);
        let later = s.load("", PersistentCollection::Ip, "1.2.3.4", 100);
        assert_eq!(later, vec![var("b", "2", None)]);
        assert!(
            s.load("", PersistentCollection::Global, "1.2.3.4", 60)
                .is_empty()
        );
        assert!(
            s.load("app2", PersistentCollection::Ip, "1.2.3.4", 60)
                .is_empty()
        );
    }

    #[test]
    fn bounded_record_count() {
        let s = InMemoryStore::with_limit(2);
        for k in ["a", "b", "c"] {
            s.save(
                "",
                PersistentCollection::Ip,
                k,
                vec![var("x", "1", Some(10))],
                0,
            );
        }
        assert_eq!(s.len(), 2);
        // Once the first two expire, a new record fits.
        s.save(
            "",
            PersistentCollection::Ip,
            "d",
            vec![var("x", "1", None)],
            20,
        );
        assert_eq!(s.len(), 1);
    }
}
