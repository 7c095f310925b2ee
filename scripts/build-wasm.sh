#!/usr/bin/env bash
# Builds the Wasm-ready core crates for wasm32-unknown-unknown.
#
# Where `rustup target add wasm32-unknown-unknown` works (a normal developer machine), this uses
# the rustup toolchain and its prebuilt standard library. Where it does not (an offline machine),
# it uses Debian's rustc-web, cargo-web, rust-web-src and lld packages and builds the standard
# library from source with -Zbuild-std (RUSTC_BOOTSTRAP=1 lets the stable Debian compiler accept
# that flag). Extra arguments are passed to cargo (e.g. --release).
set -euo pipefail
cd "$(dirname "$0")/.."

CRATES=(palisade-transform palisade-seclang palisade-libinjection palisade-match palisade-request palisade-engine palisade)
PKG_ARGS=()
for c in "${CRATES[@]}"; do PKG_ARGS+=(-p "$c"); done
TARGET_DIR="${CARGO_TARGET_DIR:-target}/wasm"

# PALISADE_WASM_TOOLCHAIN=debian forces the offline Debian path (CI uses it to test that path).
if [ "${PALISADE_WASM_TOOLCHAIN:-}" != debian ] && command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "build-wasm: rustup toolchain with its wasm32-unknown-unknown target"
    exec cargo build --target wasm32-unknown-unknown --target-dir "$TARGET_DIR" "${PKG_ARGS[@]}" "$@"
fi
if [ "${PALISADE_WASM_TOOLCHAIN:-}" != debian ] && command -v rustup >/dev/null 2>&1 && rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    echo "build-wasm: installed the wasm32-unknown-unknown target with rustup"
    exec cargo build --target wasm32-unknown-unknown --target-dir "$TARGET_DIR" "${PKG_ARGS[@]}" "$@"
fi

if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/wasm-ld ]; then
    echo "build-wasm: rustup cannot add wasm32-unknown-unknown here, and Debian's toolchain is missing." >&2
    echo "build-wasm: install it with: apt-get install -y rustc-web cargo-web rust-web-src lld" >&2
    exit 1
fi
echo "build-wasm: Debian rustc-web with -Zbuild-std (offline)"
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld
unset RUSTUP_TOOLCHAIN RUSTC CARGO
exec /usr/bin/cargo build -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown \
    --target-dir "$TARGET_DIR/debian" "${PKG_ARGS[@]}" "$@"
