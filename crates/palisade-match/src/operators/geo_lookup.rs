//! `@geoLookup`: looks the input (an IP address) up in the MaxMind database configured with
//! `SecGeoLookupDb`, and matches when the database has an entry for it. The entry fills the
//! GEO collection with the fields ModSecurity v3 reads from a MaxMind database:
//! `COUNTRY_CODE` (`country.iso_code`), `COUNTRY_NAME` (`country.names.en`),
//! `COUNTRY_CONTINENT` (`continent.names.en`), `CITY` (`city.names.en`), `POSTAL_CODE`
//! (`postal.code`), `LATITUDE` and `LONGITUDE` (`location.*`, printed with six decimals like
//! `std::to_string(double)`).
//!
//! The input is parsed as libmaxminddb parses it (`getaddrinfo` with `AI_NUMERICHOST`):
//! IPv4 in `inet_aton` forms (`127.1`, `0x7f.0.0.1`), or IPv6. Host names are not resolved
//! (no network): they do not match.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use maxminddb::{PathElement, Reader};

use super::inet::{aton4, pton6};
use crate::context::EvalContext;
use crate::operator::Evaluate;

/// A MaxMind (GeoIP2/GeoLite2 format) database held in memory.
pub struct GeoDatabase {
    reader: Reader<Vec<u8>>,
}

impl core::fmt::Debug for GeoDatabase {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GeoDatabase")
            .field("database_type", &self.reader.metadata().database_type)
            .finish()
    }
}

/// Why a database could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeoDatabaseError(pub String);

impl core::fmt::Display for GeoDatabaseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "invalid MaxMind database: {}", self.0)
    }
}

impl std::error::Error for GeoDatabaseError {}

/// The GEO collection filled by a successful lookup. Fields the entry lacks are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeoRecord {
    /// `GEO:COUNTRY_CODE`.
    pub country_code: Option<String>,
    /// `GEO:COUNTRY_NAME`.
    pub country_name: Option<String>,
    /// `GEO:COUNTRY_CONTINENT`.
    pub country_continent: Option<String>,
    /// `GEO:CITY`.
    pub city: Option<String>,
    /// `GEO:POSTAL_CODE`.
    pub postal_code: Option<String>,
    /// `GEO:LATITUDE`, e.g. `48.858400`.
    pub latitude: Option<String>,
    /// `GEO:LONGITUDE`.
    pub longitude: Option<String>,
}

impl GeoRecord {
    /// The GEO variables that are set, as (name, value).
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("COUNTRY_CODE", &self.country_code),
            ("COUNTRY_NAME", &self.country_name),
            ("COUNTRY_CONTINENT", &self.country_continent),
            ("CITY", &self.city),
            ("POSTAL_CODE", &self.postal_code),
            ("LATITUDE", &self.latitude),
            ("LONGITUDE", &self.longitude),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// Parses the input as libmaxminddb's `MMDB_lookup_string` does (numeric hosts only).
fn parse_address(input: &[u8]) -> Option<IpAddr> {
    let input = &input[..memchr::memchr(0, input).unwrap_or(input.len())];
    if let Some(v4) = aton4(input) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    pton6(input).map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

impl GeoDatabase {
    /// Opens a database from its bytes (the contents of the `SecGeoLookupDb` file).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, GeoDatabaseError> {
        let reader = Reader::from_source(bytes).map_err(|e| GeoDatabaseError(e.to_string()))?;
        Ok(GeoDatabase { reader })
    }

    /// The entry for `input`, if it is an address the database knows.
    pub fn lookup(&self, input: &[u8]) -> Option<GeoRecord> {
        let ip = parse_address(input)?;
        let result = self.reader.lookup(ip).ok()?;
        if !result.has_data() {
            return None;
        }
        let text = |path: &[&str]| -> Option<String> {
            let path: Vec<PathElement<'_>> = path.iter().map(|k| PathElement::Key(k)).collect();
            result.decode_path::<String>(&path).ok().flatten()
        };
        let number = |path: &[&str]| -> Option<String> {
            let path: Vec<PathElement<'_>> = path.iter().map(|k| PathElement::Key(k)).collect();
            result
                .decode_path::<f64>(&path)
                .ok()
                .flatten()
                .map(|v| format!("{v:.6}"))
        };
        Some(GeoRecord {
            country_code: text(&["country", "iso_code"]),
            country_name: text(&["country", "names", "en"]),
            country_continent: text(&["continent", "names", "en"]),
            city: text(&["city", "names", "en"]),
            postal_code: text(&["postal", "code"]),
            latitude: number(&["location", "latitude"]),
            longitude: number(&["location", "longitude"]),
        })
    }
}

#[derive(Debug)]
pub(crate) struct GeoLookup {
    pub(crate) db: std::sync::Arc<GeoDatabase>,
}

impl Evaluate for GeoLookup {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        match self.db.lookup(input) {
            Some(record) => {
                ctx.set_geo(record);
                true
            }
            None => false,
        }
    }
}
