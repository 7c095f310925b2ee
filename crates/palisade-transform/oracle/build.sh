#!/bin/sh
# Builds build/modsec_transform: libmodsecurity's own transformations over a hex file (see README.md).
# Needs (Debian 12): apt-get install -y build-essential pkg-config libmodsecurity-dev
set -eu
cd "$(dirname "$0")"
mkdir -p build
${CXX:-c++} -O1 -g -Wall -Wextra -std=gnu++17 -o build/modsec_transform modsec_transform.cc \
    $(pkg-config --cflags --libs modsecurity)
echo "built build/modsec_transform (libmodsecurity $(pkg-config --modversion modsecurity))"
