#!/usr/bin/env bash
# The part of smoke_test.sh that runs inside its private namespaces (called by unshare):
#   smoke_inside.sh ROOT SHARE REPO
# ROOT is the unpacked clean root, SHARE a folder bound at /mnt/smoke inside it (the .deb
# comes in, bundles and screenshots go out), REPO this repository (for the host-side test
# server). Prints one line per check; exits 1 when any check failed.
# shellcheck disable=SC2015  # `test && ok || fail`: ok always succeeds
set -euo pipefail

root="$1"
share="$2"
repo="$3"
failed=0
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failed=1; }
step() { echo "== $*"; }

# Plain environments: nothing from the caller's shell leaks into the root.
base_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
in_root() { chroot "$root" /usr/bin/env -i "${base_env[@]}" HOME=/root "$@"; }
as_user() {
    chroot --userspec=tester:tester "$root" /usr/bin/env -i "${base_env[@]}" HOME=/home/tester \
        QT_QPA_PLATFORM=offscreen WIRESLEUTH_PUBLIC_CA_BUNDLE=/mnt/smoke/ca.pem "$@"
}
snapshot() {
    # Every path with type, mode, owner and link target, and a digest of every file, except
    # dpkg's own records and logs, caches apt and ldconfig keep, mount points and homes.
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
        -o -path ./run -o -path ./mnt/smoke -o -path ./home -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache/apt -o -path ./var/cache/debconf \
        -o -path ./var/cache/ldconfig \) -prune -o -printf '%y %m %u:%g %p -> %l\n' | sort
     cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
        -o -path ./run -o -path ./mnt/smoke -o -path ./home -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache/apt -o -path ./var/cache/debconf \
        -o -path ./var/cache/ldconfig \) -prune -o -type f -print0 | sort -z \
        | xargs -0 -r sha256sum)
}

ip link set lo up
mount --make-rprivate /
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
mount -t tmpfs tmpfs "$root/run"
mkdir -p "$root/mnt/smoke"
mount --bind "$share" "$root/mnt/smoke"

step "prerequisites (downloaded with the root, installed offline with dpkg)"
t=$(now_ms)
if in_root sh -c 'dpkg -i /var/cache/wiresleuth-deps/*.deb && rm -rf /var/cache/wiresleuth-deps' \
        >"$share/deps.txt" 2>&1; then
    ok "dependencies installed in $(seconds_since "$t") s: $(grep -c '^Setting up' "$share/deps.txt") packages"
else
    fail "the root's dependencies did not install:"; tail -5 "$share/deps.txt"; exit 1
fi
in_root useradd --create-home --shell /bin/sh tester
# The test server listens on 127.0.0.1 only (its certificate names "localhost").
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"

step "test server (loopback, this namespace only)"
(cd "$repo" && exec "$repo/.venv/bin/python" -m installers.linux.smoke_server \
    --ca-out "$share/ca.pem" --port-out "$share/port" --seconds 240) &
server=$!
for _ in $(seq 100); do [ -f "$share/port" ] && break; sleep 0.1; done
[ -f "$share/port" ] || { fail "test server did not start"; exit 1; }
port=$(cat "$share/port")
mkdir -p "$root/etc/ssl/certs"
cat "$share/ca.pem" >>"$root/etc/ssl/certs/ca-certificates.crt"  # as an admin adds a CA
ok "TLS server on 127.0.0.1:$port, its CA in the root's trust store"

snapshot >"$share/before.txt"

step "dpkg -i"
t=$(now_ms)
if in_root dpkg -i /mnt/smoke/wiresleuth.deb >"$share/dpkg-install.txt" 2>&1; then
    ok "installed in $(seconds_since "$t") s"
else
    fail "dpkg -i failed:"; cat "$share/dpkg-install.txt"; exit 1
fi
version=$(dpkg-deb -f "$share/wiresleuth.deb" Version)
caps=$(getcap "$root/usr/lib/wiresleuth/wiresleuth" | sed 's/.* //')
[ "$caps" = "cap_net_raw=ep" ] && ok "capture right granted: $caps" || fail "capabilities: '$caps'"
in_root desktop-file-validate /usr/share/applications/wiresleuth.desktop \
    && ok "desktop entry valid" || fail "desktop entry invalid"
grep -q 'application/x-wiresleuth-bundle:\*\.wsbundle' "$root/usr/share/mime/globs2" \
    && ok "*.wsbundle registered as application/x-wiresleuth-bundle (shared-mime-info trigger)" \
    || fail "MIME type not in the root's MIME database"
grep -q '^application/x-wiresleuth-bundle=.*wiresleuth.desktop' \
    "$root/usr/share/applications/mimeinfo.cache" \
    && ok ".wsbundle opens with wiresleuth.desktop (desktop-file-utils trigger)" \
    || fail "no .wsbundle association in mimeinfo.cache"

step "the program, as user tester"
t=$(now_ms)
shown=$(as_user wiresleuth --version 2>&1) || true
[ "$shown" = "WireSleuth $version" ] && ok "--version: $shown ($(seconds_since "$t") s)" \
    || fail "--version said '$shown', package is $version"
t=$(now_ms)
if as_user /usr/lib/wiresleuth/wiresleuth-selfcheck --require-capture \
        --screenshot /mnt/smoke/selfcheck.png >"$share/selfcheck.txt" 2>&1; then
    ok "self-check passed in $(seconds_since "$t") s:"
else
    fail "self-check failed:"
fi
sed 's/^/        /' "$share/selfcheck.txt"
if as_user wiresleuth --help 2>/dev/null | grep -q -- '--screenshot'; then
    t=$(now_ms)
    as_user wiresleuth --screenshot /mnt/smoke/window.png >"$share/window.txt" 2>&1 \
        && [ -s "$share/window.png" ] && ok "window shown offscreen, screenshot taken ($(seconds_since "$t") s)" \
        || fail "window screenshot failed: $(tail -3 "$share/window.txt")"
else
    echo "note  this build's CLI has no --screenshot yet: the window check is the self-check's Qt start"
fi

t=$(now_ms)
rc=0
as_user wiresleuth run --target "localhost:$port" --out /mnt/smoke/run.wsbundle --quiet \
    >"$share/run.txt" 2>&1 || rc=$?
sed 's/^/        /' "$share/run.txt"
if [ "$rc" -eq 0 ] && [ -s "$share/run.wsbundle" ]; then
    ok "headless run against a healthy server: exit 0 (no problem) in $(seconds_since "$t") s, bundle written"
else
    fail "headless run exit $rc, bundle: $(ls -la "$share/run.wsbundle" 2>&1)"
fi
if [ -f "$root/usr/lib/wiresleuth/profile.toml" ]; then
    grep -q "Profile used: /usr/lib/wiresleuth/profile.toml (beside the program)" \
        "$share/run.txt" && ok "the baked profile was used" || fail "the baked profile was not used"
fi
if [ -s "$share/run.wsbundle" ] && as_user wiresleuth --help 2>/dev/null | grep -q ' open '; then
    t=$(now_ms)
    # What double-clicking a .wsbundle runs (the desktop entry's Exec line), shown offscreen.
    exec_line=$(sed -n 's/^Exec=//p' "$root/usr/share/applications/wiresleuth.desktop")
    read -ra opener <<<"${exec_line/\%f/\/mnt\/smoke\/run.wsbundle}"
    as_user "${opener[@]}" --screenshot /mnt/smoke/opened.png >"$share/opened.txt" 2>&1 \
        && [ -s "$share/opened.png" ] \
        && ok "the bundle opens as the desktop entry says (${opener[*]}): $(seconds_since "$t") s" \
        || fail "opening the bundle failed: $(tail -3 "$share/opened.txt")"
fi
left=$(cd "$root/home/tester" && find . -mindepth 1 -newer "$share/before.txt" | tr '\n' ' ')
echo "note  files the runs left in the user's home (user data, not the package's): ${left:-none}"

step "dpkg --purge"
t=$(now_ms)
in_root dpkg --purge wiresleuth >"$share/dpkg-purge.txt" 2>&1 \
    && ok "purged in $(seconds_since "$t") s" || fail "dpkg --purge failed"
snapshot >"$share/after.txt"
if diff -u "$share/before.txt" "$share/after.txt" >"$share/leftovers.txt"; then
    ok "nothing left behind: $(wc -l <"$share/before.txt") paths and digests identical"
else
    fail "the package left changes behind:"; head -40 "$share/leftovers.txt"
fi
kill "$server" 2>/dev/null || true
exit "$failed"
