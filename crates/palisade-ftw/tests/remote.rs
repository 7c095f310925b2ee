//! `--target` mode end to end: a tiny local HTTP server (started here, on 127.0.0.1, stopping
//! by itself) runs the fake WAF in front of the albedo emulation and appends the WAF's log lines
//! to a file; the harness sends the same tests over real sockets, finds each stage's lines with
//! go-ftw's X-CRS-Test markers, and must reach the same verdicts as in-process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::FakeWaf;
use palisade_ftw::backend::Albedo;
use palisade_ftw::http::{HttpResponse, ParseErrorKind, parse_request};
use palisade_ftw::load::load_paths;
use palisade_ftw::remote::Remote;
use palisade_ftw::runner::{InProcess, RunConfig, run};
use palisade_ftw::{Backend, Waf};

fn handle(mut stream: TcpStream, log: &Path) {
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let parsed = loop {
        let eof = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => true,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                false
            }
        };
        match parse_request(&buf) {
            Err(e) if e.kind == ParseErrorKind::Incomplete && !eof => continue,
            other => break other,
        }
    };
    let bytes = match parsed {
        Ok(req) => {
            let ex = FakeWaf.process(&req, &Albedo::default() as &dyn Backend);
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(log)
                .unwrap();
            for l in &ex.log {
                writeln!(f, "{l}").unwrap();
            }
            match ex.response {
                Some(r) => r.to_bytes(req.method == "HEAD"),
                None => return,
            }
        }
        Err(e) => match (e.status(), e.kind) {
            (Some(s), _) => HttpResponse::server_error(s, &e.message).to_bytes(false),
            (None, ParseErrorKind::Http09) => b"<html>HTTP/0.9 answer</html>\n".to_vec(),
            (None, _) => return,
        },
    };
    let _ = stream.write_all(&bytes);
}

/// Serves until `stop` is set or 60 s have passed.
fn serve(listener: TcpListener, log: PathBuf, stop: Arc<AtomicBool>) {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                handle(stream, &log);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

#[test]
fn remote_run_matches_in_process_run() {
    let dir = common::write_tests("remote");
    let log = dir.join("error.log");
    std::fs::write(&log, "server started\n").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let (log, stop) = (log.clone(), stop.clone());
        std::thread::spawn(move || serve(listener, log, stop))
    };

    let (files, errors) = load_paths(&[dir.join("1.yaml"), dir.join("2.yml")]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut remote = Remote::new("127.0.0.1", port, log.clone());
    remote.read_timeout = Duration::from_secs(2);
    let over_http = run(&files, &RunConfig::default(), &remote, &|_, _, _| {});
    let in_process = run(
        &files,
        &RunConfig::default(),
        &InProcess {
            waf: &FakeWaf,
            backend: &Albedo::default(),
            config: Default::default(),
        },
        &|_, _, _| {},
    );
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();

    for (a, b) in over_http.results.iter().zip(&in_process.results) {
        assert_eq!(a.id, b.id);
        assert_eq!(
            a.counts_passed(),
            b.counts_passed(),
            "{}:\n{}",
            a.id,
            palisade_ftw::report::failure_report(a)
        );
        for (sa, sb) in a.stages.iter().zip(&b.stages) {
            assert_eq!(sa.ids, sb.ids, "{} stage {}", a.id, sa.index);
        }
    }
    println!("{}", over_http.closing_line());
    assert_eq!(
        over_http.closing_line(),
        "ftw: 9 passed, 2 failed, 0 skipped"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.to_ascii_lowercase().contains("x-crs-test 1-4-"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_marker_rule_is_reported() {
    let dir = common::write_tests("nomarker");
    let log = dir.join("error.log");
    std::fs::write(&log, "").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // A server that answers but never logs anything.
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        s.set_nonblocking(false).unwrap();
                        s.set_read_timeout(Some(Duration::from_millis(100)))
                            .unwrap();
                        let mut b = [0u8; 4096];
                        let _ = s.read(&mut b);
                        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        })
    };
    let (files, _) = load_paths(&[dir.join("2.yml")]);
    let mut remote = Remote::new("127.0.0.1", port, log);
    remote.max_marker_retries = 2;
    let report = run(&files, &RunConfig::default(), &remote, &|_, _, _| {});
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
    assert_eq!(report.failed(), 1);
    let text = palisade_ftw::report::failure_report(&report.results[0]);
    assert!(text.contains("can't find log marker"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}
