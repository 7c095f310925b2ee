//! `palisade replay`: replays a request corpus (the JSON-lines format of `shared/bench`)
//! through full transactions, as ModSecurity's benchmark harness does, and writes one TSV row
//! per request in the layout of ModSecurity's verdict files:
//! `id kind class location status disruptive median_us rule_ids`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use palisade::Waf;
use palisade::replay::{self, Request};

/// Arguments of `palisade replay`.
#[derive(clap::Args)]
pub struct Args {
    /// Rule files, loaded in order (wildcards allowed).
    #[arg(long, required = true, num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// The corpus (`requests.jsonl`).
    #[arg(long)]
    pub corpus: PathBuf,
    /// Where to write the verdicts TSV (`-` for standard output).
    #[arg(long)]
    pub verdicts: PathBuf,
    /// `labels.tsv` for the class and location columns (default: beside the corpus, if present).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Timed passes; the µs column is each request's median over them.
    #[arg(long, default_value_t = 1)]
    pub passes: usize,
}

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
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        let id = v
            .get("id")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(n as u64 + 1);
        let headers = v
            .get("headers")
            .and_then(|h| h.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| {
                        let p = p.as_array()?;
                        Some((
                            p.first()?.as_str()?.to_owned(),
                            p.get(1)?.as_str()?.to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (class, location) = label_map
            .get(&id)
            .cloned()
            .unwrap_or_else(|| ("-".into(), "-".into()));
        out.push(Entry {
            request: Request {
                id,
                method: s("method"),
                uri: s("uri"),
                version: s("version"),
                headers,
                body: s("body").into_bytes(),
            },
            kind: s("kind"),
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

fn median(v: &mut [f64]) -> f64 {
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

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let waf = match load_waf(&args.rules) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("palisade replay: {e}");
            return ExitCode::from(2);
        }
    };
    let corpus = match read_corpus(&args.corpus, args.labels.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("palisade replay: {e}");
            return ExitCode::from(2);
        }
    };
    let passes = args.passes.max(1);
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(passes); corpus.len()];
    let mut verdicts = Vec::with_capacity(corpus.len());
    for p in 0..passes {
        for (i, e) in corpus.iter().enumerate() {
            let v = replay::run(&waf, &e.request);
            times[i].push(v.micros);
            if p == 0 {
                verdicts.push(v);
            }
        }
    }
    let mut out: Box<dyn Write> = if args.verdicts.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        match std::fs::File::create(&args.verdicts) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("palisade replay: {}: {e}", args.verdicts.display());
                return ExitCode::from(2);
            }
        }
    };
    let mut blocked = [0usize; 2];
    let mut body =
        String::from("id\tkind\tclass\tlocation\tstatus\tdisruptive\tmedian_us\trule_ids\n");
    for ((e, v), t) in corpus.iter().zip(&verdicts).zip(times.iter_mut()) {
        let ids = if v.rule_ids.is_empty() {
            "-".to_owned()
        } else {
            v.rule_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        if v.disruptive {
            blocked[usize::from(e.kind == "attack")] += 1;
        }
        body.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{}\n",
            e.request.id,
            e.kind,
            e.class,
            e.location,
            v.status,
            u8::from(v.disruptive),
            median(t),
            ids
        ));
    }
    if let Err(e) = out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("palisade replay: {e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "replayed {} requests: {} attacks and {} benign requests blocked",
        corpus.len(),
        blocked[1],
        blocked[0]
    );
    ExitCode::SUCCESS
}
