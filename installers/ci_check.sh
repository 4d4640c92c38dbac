#!/usr/bin/env bash
# The installer check scripts/test runs: the Linux package built, installed into a clean
# root, run and purged (make installer-smoke), but only where the machine is set up for it:
# root, dpkg-deb, unshare, and the cached clean root that `sudo make installer-rootfs` makes
# once (Debian's minbase, ~250 MB; building it needs the Debian mirror, so CI never does).
# The Python packaging tools (the `installer` extra) are installed into .venv when missing.
# Prints why it skips; exit status is the smoke test's (0 when skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${WIRESLEUTH_ROOTFS_CACHE:-/var/cache/wiresleuth-ci}/rootfs-${WIRESLEUTH_ROOTFS_SUITE:-bookworm}.tar
missing=()
[ "$(id -u)" -eq 0 ] || missing+=("root")
[ "$(uname -s)" = Linux ] || missing+=("Linux")
for tool in dpkg-deb unshare chroot make; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -f "$cache" ] || missing+=("the cached clean root $cache (sudo make installer-rootfs)")
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installer smoke test skipped: needs ${missing[*]}"
    exit 0
fi
started=$(date +%s)
mkdir -p build
make --no-print-directory installer-tools
status=0
make --no-print-directory installer-smoke >build/installer-smoke.log 2>&1 || status=$?
grep -E '^(ok|FAIL|note|==|smoke test|bundle)' build/installer-smoke.log || true
if [ "$status" -ne 0 ]; then
    echo "installer smoke test failed (status $status); last lines of build/installer-smoke.log:"
    tail -30 build/installer-smoke.log
fi
echo "installer smoke test: $(( $(date +%s) - started )) s"
exit "$status"
