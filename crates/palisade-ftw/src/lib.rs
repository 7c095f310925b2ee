//! A runner for go-ftw YAML tests (the format of the CRS regression suite), in-process or
//! against a live deployment over HTTP.
//!
//! The pieces, in the order a stage flows through them:
//! * [`load`] reads test files into the typed [`model`]; [`overrides`] reads platform overrides
//!   and ignore lists;
//! * [`build`] writes a stage's request bytes exactly as go-ftw does (with [`template`],
//!   [`form`] and [`base64`]);
//! * [`http`] parses those bytes as a web server would, refusing what servers refuse;
//! * a [`Waf`] processes the parsed request, asking a [`Backend`] (the emulated albedo,
//!   [`backend::Albedo`]) for the response, and returns an [`Exchange`];
//! * [`engine::EngineWaf`] is the Palisade engine as a [`Waf`] (through the public `palisade`
//!   API only);
//! * [`check`] applies go-ftw's checks; [`runner`] drives stages, tests and threads;
//!   [`remote`] replaces the in-process path with real HTTP and log markers;
//! * [`report`] writes failure reports, JSON and JUnit; [`progress`] draws the progress bar.
//!
//! ```
//! use palisade_ftw::{backend::Albedo, load, runner, Passthrough};
//! use std::path::Path;
//!
//! let yaml = "rule_id: 1\ntests:\n  - stages:\n      - input: {headers: {Host: localhost}}\n        output: {status: 200}\n";
//! let file = load::parse_test_file(yaml, Path::new("1.yaml")).unwrap();
//! let exec = runner::InProcess { waf: &Passthrough, backend: &Albedo::default(), config: Default::default() };
//! let report = runner::run(&[file], &runner::RunConfig::default(), &exec, &|_, _, _| {});
//! assert_eq!(report.closing_line(), "ftw: 1 passed, 0 failed, 0 skipped");
//! ```

pub mod backend;
pub mod base64;
pub mod build;
pub mod check;
pub mod engine;
pub mod form;
pub mod http;
pub mod load;
pub mod model;
pub mod overrides;
pub mod progress;
pub mod remote;
pub mod report;
pub mod runner;
pub mod template;
pub mod waf;

pub use backend::Backend;
pub use waf::{Exchange, Passthrough, Waf};
