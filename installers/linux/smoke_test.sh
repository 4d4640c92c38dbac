#!/usr/bin/env bash
# Installs a WireSleuth .deb into a fresh, clean Debian root and proves it works there:
# dpkg -i, capture rights on the capture helper alone (root:wiresleuth 0750, cap_net_raw; the
# installing user in the group), `wiresleuth --version`, the install self-check (package
# data through importlib.resources, Qt offscreen, profile lookup), a headless run as a
# normal user against a loopback TLS server (bundle with capture), the privilege test (code
# a user chooses through the frozen program's -c, -m, PYTHONPATH, PYTHONSTARTUP, LD_PRELOAD
# and multiprocessing prefixes, in and out of the group, never gets a raw socket), the
# opt-out file, the .wsbundle MIME type and menu entry registered, then dpkg --purge (group
# removed) and a before/after comparison of every file.
#
#   sudo installers/linux/smoke_test.sh dist/wiresleuth_VERSION_ARCH.deb [ARTEFACT_DIR]
#
# Container-free: the root is a tarball made by make_rootfs.sh (built here when missing and
# mmdebstrap is installed), unpacked under /var/tmp, entered with chroot inside private
# mount, PID and network namespaces (unshare): only loopback exists there, and every mount
# and process ends with the namespace. Exit 0 all checks passed, 1 a check failed,
# 3 skipped (no clean root and no way to make one).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
deb="$(realpath "$1")"
artefacts="$(realpath -m "${2:-$repo/build/smoke}")"
cache=${WIRESLEUTH_ROOTFS_CACHE:-/var/cache/wiresleuth-ci}
suite=${WIRESLEUTH_ROOTFS_SUITE:-bookworm}
tarball="$cache/rootfs-$suite.tar"
python="$repo/.venv/bin/python"

[ "$(id -u)" -eq 0 ] || { echo "smoke_test: run as root" >&2; exit 2; }
if [ ! -f "$tarball" ]; then
    if command -v mmdebstrap >/dev/null; then
        "$here/make_rootfs.sh" "$deb"
    else
        echo "smoke_test: SKIPPED: no clean root at $tarball and no mmdebstrap to make one" >&2
        exit 3
    fi
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

work="$(mktemp -d /var/tmp/wiresleuth-smoke.XXXXXX)"
# shellcheck disable=SC2317  # called by the trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/root" "$work/share" "$artefacts"
chmod 1777 "$work/share"
cp "$deb" "$work/share/wiresleuth.deb"

started=$(now_ms)
tar -xf "$tarball" -C "$work/root"
echo "unpack clean root: $(seconds_since "$started") s, $(du -sh "$work/root" | cut -f1)"

status=0
unshare --mount --net --pid --fork --kill-child \
    "$here/smoke_inside.sh" "$work/root" "$work/share" "$repo" || status=$?

cp -f "$work/share"/*.png "$work/share"/*.wsbundle "$work/share"/*.txt "$artefacts"/ 2>/dev/null || true
if [ "$status" -eq 0 ] && [ -f "$work/share/run.wsbundle" ]; then
    (cd "$repo" && "$python" -m installers.linux.check_bundle "$work/share/run.wsbundle" \
        --want-capture --port "$(cat "$work/share/port")") || status=1
fi
if [ "$status" -eq 0 ]; then
    echo "smoke test PASSED in $(seconds_since "$started") s (artefacts in $artefacts)"
else
    echo "smoke test FAILED (status $status) after $(seconds_since "$started") s (artefacts in $artefacts)"
fi
exit "$status"
