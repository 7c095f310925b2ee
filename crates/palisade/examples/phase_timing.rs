//! Times each step of one corpus request through CRS, many times (a profiling aid).
//!
//! `cargo run --release -p palisade --example phase_timing -- RULES.conf CORPUS.jsonl ID [N]`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: phase_timing RULES.conf CORPUS.jsonl ID [N]");
        return Ok(());
    }
    let t0 = Instant::now();
    let pf = std::env::var_os("NO_PREFILTER").is_none();
    let memo = std::env::var_os("NO_MEMO").is_none();
    let waf = palisade::Waf::builder()
        .rules_file(&args[1])
        .optimizations(memo, pf)
        .build()?;
    eprintln!("load: {:?}", t0.elapsed());
    let pf = &waf.ruleset().prefilter;
    eprintln!(
        "prefilter: {} slots, {} with literals, {} literals, {} KiB",
        pf.slots(),
        pf.with_literals,
        pf.literals,
        pf.memory_usage() / 1024
    );
    let id: u64 = args[3].parse()?;
    let n: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let text = std::fs::read_to_string(&args[2])?;
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{{\"id\":{id},")))
        .ok_or("no such request")?;
    // A tiny extraction of the corpus format, to keep the example dependency-free.
    let field = |k: &str| -> String {
        let key = format!("\"{k}\":\"");
        line.find(&key)
            .map(|p| {
                let rest = &line[p + key.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_string()
            })
            .unwrap_or_default()
    };
    let (method, uri) = (field("method"), field("uri"));
    let mut steps = [0f64; 6];
    for _ in 0..n {
        let t = Instant::now();
        let mut tx = waf.transaction();
        let t1 = Instant::now();
        tx.process_connection("198.18.0.3", 30003, "198.18.255.1", 443);
        tx.process_uri(&uri, &method, "1.1");
        tx.add_request_header("Host", "www.shop.example");
        tx.add_request_header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36");
        tx.add_request_header(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        tx.add_request_header("Accept-Language", "en-US,en;q=0.9");
        tx.add_request_header("Cookie", "sessionid=abc123; csrftoken=0WlXDzuERbRWaMKKLZHWpawafUEPEhM1; _ga=GA1.1.457626522.1709407323");
        let t2 = Instant::now();
        tx.process_request_headers();
        let t3 = Instant::now();
        tx.process_request_body();
        let t4 = Instant::now();
        tx.add_response_header("Content-Type", "text/html");
        tx.process_response_headers(200, "HTTP 1.1");
        tx.process_response_body();
        tx.process_logging();
        let t5 = Instant::now();
        if steps[0] == 0.0
            && let Some(e) = tx.engine()
        {
            let (c, h, sc) = e.memo_stats();
            eprintln!(
                "{:?} transforms={c} memo_hits={h} scans={sc}",
                e.eval_stats()
            );
        }
        drop(tx);
        let t6 = Instant::now();
        for (i, d) in [t1 - t, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5]
            .iter()
            .enumerate()
        {
            steps[i] += d.as_secs_f64() * 1e6;
        }
    }
    let names = ["new", "uri+headers", "phase1", "phase2", "phase3-5", "drop"];
    for (name, total) in names.iter().zip(steps) {
        println!("{name:12} {:8.1} µs", total / n as f64);
    }
    Ok(())
}
