#!/usr/bin/env bash
# Builds the clean Debian root the .deb smoke test installs into, as a cached tarball.
# Run once per machine (by hand, or as a CI cache step); smoke_test.sh only reads it.
#
#   sudo installers/linux/make_rootfs.sh [PACKAGE.deb]
#
# The root is Debian's minbase plus shared-mime-info and desktop-file-utils (whose
# triggers register the .wsbundle type and the menu entry, as on a desktop). The
# dependencies of PACKAGE.deb (or of the usual list) are downloaded, not installed, into
# /var/cache/wiresleuth-deps inside it: the smoke test installs them offline with dpkg.
# Environment: WIRESLEUTH_ROOTFS_CACHE (folder, default /var/cache/wiresleuth-ci),
# WIRESLEUTH_ROOTFS_SUITE (default bookworm), WIRESLEUTH_ROOTFS_MIRROR.
set -euo pipefail

cache=${WIRESLEUTH_ROOTFS_CACHE:-/var/cache/wiresleuth-ci}
suite=${WIRESLEUTH_ROOTFS_SUITE:-bookworm}
mirror=${WIRESLEUTH_ROOTFS_MIRROR:-http://deb.debian.org/debian}
tarball="$cache/rootfs-$suite.tar"

if [ "$(id -u)" -ne 0 ]; then
    echo "make_rootfs: run as root (mmdebstrap in root mode)" >&2
    exit 2
fi
command -v mmdebstrap >/dev/null || {
    echo "make_rootfs: needs mmdebstrap (apt-get install mmdebstrap)" >&2
    exit 2
}

# What the package usually depends on; a given .deb's own Depends are added.
deps="libc6 libdrm2 libegl1 libgl1 libwayland-client0 libwayland-cursor0 libwayland-egl1"
deps="$deps libxcb1 libpcap0.8 libcap2-bin fontconfig-config"
if [ $# -ge 1 ]; then
    listed=$(dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/ //g')
    deps="$deps $(echo "$listed" | grep -v t64 | tr '\n' ' ')"
fi

mkdir -p "$cache"
started=$(date +%s)
# shellcheck disable=SC2016  # the hooks expand $1 themselves (mmdebstrap passes the root)
mmdebstrap --variant=minbase --mode=root \
    --include=shared-mime-info,desktop-file-utils \
    --customize-hook='mkdir -p "$1/var/cache/wiresleuth-deps/partial"' \
    --customize-hook="chroot \"\$1\" apt-get install --download-only --no-install-recommends -y -qq \
        -o Dir::Cache::Archives=/var/cache/wiresleuth-deps $deps" \
    --customize-hook='rm -rf "$1/var/cache/wiresleuth-deps/partial"' \
    --format=tar "$suite" "$tarball.new" "$mirror"
mv "$tarball.new" "$tarball"
echo "clean root: $tarball ($(du -h "$tarball" | cut -f1), $(( $(date +%s) - started )) s)"
