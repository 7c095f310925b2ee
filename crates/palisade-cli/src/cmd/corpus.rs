//! What `palisade replay` and `palisade bench` share: reading a request corpus (the JSON-lines
//! format of `shared/bench`, with its `labels.tsv`), loading the rules, and writing the
//! verdicts TSV in the layout of ModSecurity's verdict files
//! (`id kind class location status disruptive median_us rule_ids`). Each request runs through
//! [`palisade::replay`], the one place that drives a transaction as ModSecurity's harness does.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use palisade::Waf;
use palisade::replay::{Request, Verdict};

/// One corpus entry with its labels.
pub struct Entry {
    /// The request.
    pub request: Request,
    /// `benign` or `attack`.
    pub kind: String,
    /// Class from labels.tsv.
    pub class: String,
    /// Location from labels.tsv.
    pub location: String,
}

/// Reads a corpus and its labels.
pub fn read_corpus(path: &Path, labels: Option<&Path>) -> Result<Vec<Entry>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut label_map = std::collections::HashMap::new();
    let labels_path = labels
        .map(Path::to_path_buf)
        .or_else(|| path.parent().map(|p| p.join("labels.tsv")))
        .filter(|p| p.exists());
    if let Some(lp) = labels_path {
        let text = std::fs::read_to_string(&lp).map_err(|e| format!("{}: {e}", lp.display()))?;
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if let [id, _kind, class, loc, ..] = f[..]
                && let Ok(id) = id.parse::<u64>()
            {
                label_map.insert(id, (class.to_owned(), loc.to_owned()));
            }
        }
    }
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let (request, kind) = palisade::replay::parse_corpus_line(&line, n as u64 + 1)
            .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let id = request.id;
        let (class, location) = label_map
            .get(&id)
            .cloned()
            .unwrap_or_else(|| ("-".into(), "-".into()));
        out.push(Entry {
            request,
            kind,
            class,
            location,
        });
    }
    Ok(out)
}

/// Builds the WAF from rule files.
pub fn load_waf(rules: &[PathBuf]) -> Result<Waf, String> {
    let mut b = Waf::builder();
    for r in rules {
        b = b.rules_file(r);
    }
    b.build().map_err(|e| e.to_string())
}

/// The median (sorts `v`; 0 when empty).
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Entry {
    /// Whether the corpus labels this request an attack.
    pub fn is_attack(&self) -> bool {
        self.kind == "attack"
    }
}

/// The rule ids column: comma-separated, `-` when none.
fn ids_column(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "-".to_owned();
    }
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Writes the verdicts TSV to `path` (`-` for standard output): one row per request, its
/// verdict, and its median time over `times` (µs per pass).
pub fn write_verdicts(
    path: &Path,
    corpus: &[Entry],
    verdicts: &[Verdict],
    times: &mut [Vec<f64>],
) -> Result<(), String> {
    let mut body =
        String::from("id\tkind\tclass\tlocation\tstatus\tdisruptive\tmedian_us\trule_ids\n");
    for ((e, v), t) in corpus.iter().zip(verdicts).zip(times.iter_mut()) {
        body.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{}\n",
            e.request.id,
            e.kind,
            e.class,
            e.location,
            v.status,
            u8::from(v.disruptive),
            median(t),
            ids_column(&v.rule_ids)
        ));
    }
    let result = if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(body.as_bytes()).and_then(|()| out.flush())
    } else {
        std::fs::write(path, body.as_bytes())
    };
    result.map_err(|e| format!("{}: {e}", path.display()))
}
