#!/bin/sh
# Compiles the capture helper: desktop/capture-helper/build.sh OUTPUT
# The one recipe used by scripts/setup (.venv/libexec), the .deb build and the tests.
# Needs a C compiler and libpcap's headers (Debian: gcc, libpcap-dev).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
mkdir -p "$(dirname "$out")"
${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Wformat=2 -Wshadow \
    -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie \
    -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed \
    -o "$out.new" "$here/wiresleuth-capture.c" -lpcap
mv -f "$out.new" "$out"
