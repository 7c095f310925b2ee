//! `palisade transform CHAIN [INPUT]`: applies a transformation chain such as
//! `t:urlDecodeUni,t:lowercase` to INPUT (or to standard input, read as bytes) and writes the
//! resulting bytes, unchanged and without a trailing newline, to standard output. Rule authors use
//! it to see what a rule sees.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use palisade_transform::{Chain, TransformContext, UnicodeMap};

/// Arguments of `palisade transform`.
#[derive(clap::Args)]
pub struct Args {
    /// The chain, as rule actions: `t:none,t:urlDecodeUni,t:lowercase` (`t:` optional,
    /// names case-insensitive).
    pub chain: String,
    /// The value to transform, taken as raw bytes; standard input when absent.
    pub input: Option<OsString>,
    /// Load a unicode map as `SecUnicodeMapFile FILE CODEPAGE` does (used by `t:urlDecodeUni`).
    #[arg(long, num_args = 2, value_names = ["FILE", "CODEPAGE"])]
    pub unicode_map: Option<Vec<String>>,
    /// Print each step's value (`t:name: value`, escaped) to standard error as well.
    #[arg(long)]
    pub steps: bool,
}

/// Runs the subcommand: exit code 0 on success, 2 on a usage or input error.
pub fn run(args: Args) -> ExitCode {
    match transform(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("palisade transform: {message}");
            ExitCode::from(2)
        }
    }
}

fn transform(args: &Args) -> Result<(), String> {
    let input = match &args.input {
        Some(value) => os_bytes(value),
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            buf
        }
    };
    let output = transformed(args, &input)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&output)
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write standard output: {e}"))
}

/// The bytes the chain of `args` makes of `input` (and the `--steps` trace on standard error).
fn transformed(args: &Args, input: &[u8]) -> Result<Vec<u8>, String> {
    let chain = Chain::parse(&args.chain).map_err(|e| e.to_string())?;
    let mut ctx = TransformContext::new();
    if let Some(map) = &args.unicode_map {
        let (file, code_page) = match map.as_slice() {
            [file, code_page] => (PathBuf::from(file), code_page),
            _ => return Err("--unicode-map takes FILE and CODEPAGE".into()),
        };
        let code_page = UnicodeMap::parse_code_page(code_page)
            .ok_or_else(|| format!("code page `{code_page}` is not a number"))?;
        let contents = std::fs::read(&file)
            .map_err(|e| format!("cannot read unicode map {}: {e}", file.display()))?;
        let map = UnicodeMap::parse(&contents, code_page)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        ctx = ctx.with_unicode_map(map);
    }
    if args.steps {
        chain.for_each_step(input, &ctx, |_, id, value, changed| {
            let mark = if changed { "" } else { " (unchanged)" };
            eprintln!("t:{id}{mark}: {}", value.escape_ascii());
        });
    }
    Ok(chain.apply(input, &ctx).into_owned())
}

/// The argument's bytes as the operating system gave them.
#[cfg(unix)]
fn os_bytes(value: &OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    value.as_bytes().to_vec()
}

/// The argument's bytes (lossy where the platform's encoding is not bytes).
#[cfg(not(unix))]
fn os_bytes(value: &OsString) -> Vec<u8> {
    value.to_string_lossy().into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(chain: &str) -> Args {
        Args {
            chain: chain.to_owned(),
            input: None,
            unicode_map: None,
            steps: false,
        }
    }

    #[test]
    fn writes_the_transformed_bytes_unchanged() {
        let out = transformed(&args("t:urlDecodeUni,t:lowercase"), b"%00A%FF+B").unwrap();
        assert_eq!(out, b"\0a\xff b");
        let out = transformed(&args("t:none"), b"x\n").unwrap();
        assert_eq!(out, b"x\n");
    }

    #[test]
    fn rejects_unknown_names_and_bad_maps() {
        assert!(transformed(&args("t:phpArgsNames"), b"").is_err());
        let mut a = args("t:urlDecodeUni");
        a.unicode_map = Some(vec!["/nonexistent/unicode.mapping".into(), "20127".into()]);
        assert!(transformed(&a, b"").is_err());
        a.unicode_map = Some(vec!["/dev/null".into(), "x".into()]);
        assert!(transformed(&a, b"").is_err());
    }
}
