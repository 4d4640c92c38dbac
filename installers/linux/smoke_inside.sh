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
# A user as after a fresh login: numeric ids and supplementary groups read inside the root.
as_who() {
    local who="$1"; shift
    local ids groups
    ids="$(in_root id -u "$who"):$(in_root id -g "$who")"
    groups=$(in_root id -G "$who" | tr ' ' ',')
    chroot --userspec="$ids" --groups="$groups" "$root" /usr/bin/env -i "${base_env[@]}" \
        HOME="/home/$who" QT_QPA_PLATFORM=offscreen WIRESLEUTH_PUBLIC_CA_BUNDLE=/mnt/smoke/ca.pem "$@"
}
as_user() { as_who tester "$@"; }
snapshot() {
    # Every path with type, mode, owner and link target, and a digest of every file, except
    # dpkg's own records and logs, caches apt and ldconfig keep, mount points and homes.
    # (/etc/group- and /etc/gshadow- are shadow's backups of the previous group file.)
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
        -o -path ./run -o -path ./mnt/smoke -o -path ./home -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache/apt -o -path ./var/cache/debconf \
        -o -path ./var/cache/ldconfig -o -path ./etc/group- -o -path ./etc/gshadow- \) -prune \
        -o -printf '%y %m %u:%g %p -> %l\n' | sort
     cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
        -o -path ./run -o -path ./mnt/smoke -o -path ./home -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache/apt -o -path ./var/cache/debconf \
        -o -path ./var/cache/ldconfig -o -path ./etc/group- -o -path ./etc/gshadow- \) -prune \
        -o -type f -print0 | sort -z | xargs -0 -r sha256sum)
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
in_root useradd --create-home --shell /bin/sh outsider  # never in the capture group
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

step "dpkg -i (as 'sudo apt install' by user tester)"
t=$(now_ms)
if in_root env SUDO_USER=tester dpkg -i /mnt/smoke/wiresleuth.deb >"$share/dpkg-install.txt" 2>&1; then
    ok "installed in $(seconds_since "$t") s"
else
    fail "dpkg -i failed:"; cat "$share/dpkg-install.txt"; exit 1
fi
version=$(dpkg-deb -f "$share/wiresleuth.deb" Version)
granted=$(cd "$root" && getcap -r usr/lib/wiresleuth usr/bin)
[ "$granted" = "usr/lib/wiresleuth/wiresleuth-capture cap_net_raw=ep" ] \
    && ok "getcap: the capture helper alone holds a capability: $granted" \
    || fail "getcap on the package's files said: '$granted'"
helper_stat=$(in_root stat -c '%U:%G %a' /usr/lib/wiresleuth/wiresleuth-capture)
[ "$helper_stat" = "root:wiresleuth 750" ] && ok "capture helper is $helper_stat" \
    || fail "capture helper is $helper_stat, not root:wiresleuth 750"
in_root id -nG tester | tr ' ' '\n' | grep -qx wiresleuth \
    && grep -q "tester may now capture packets" "$share/dpkg-install.txt" \
    && ok "the installing user (SUDO_USER=tester) joined the wiresleuth group, and was told to log in again" \
    || fail "tester is not in the wiresleuth group: $(in_root id -nG tester)"
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

step "privilege separation: code a user chooses never gets a raw socket (frozen program)"
priv="$share/priv"
mkdir -p "$priv"
chmod 1777 "$priv"
# The payload notes that it ran, then tries what a sniffer needs; a second note means it got it.
cat >"$priv/payload.py" <<'PAYLOAD'
import os, socket
tag = os.environ.get("WS_TAG", "untagged")
open(f"/mnt/smoke/priv/ran-{tag}", "w").close()
socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 768).close()
open(f"/mnt/smoke/priv/raw-{tag}", "w").close()
PAYLOAD
for module in evil_module sitecustomize usercustomize; do
    echo 'exec(open("/mnt/smoke/priv/payload.py").read())' >"$priv/$module.py"
done
if command -v gcc >/dev/null; then
    cat >"$priv/raw.c" <<'LIBRARY'
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
__attribute__((constructor)) static void injected(void) {
    char path[256];
    const char *tag = getenv("WS_TAG");
    snprintf(path, sizeof path, "/mnt/smoke/priv/ran-%s", tag ? tag : "untagged");
    close(open(path, O_WRONLY | O_CREAT, 0666));
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd >= 0) {
        snprintf(path, sizeof path, "/mnt/smoke/priv/raw-%s", tag ? tag : "untagged");
        close(open(path, O_WRONLY | O_CREAT, 0666));
        close(fd);
    }
}
LIBRARY
    gcc -shared -fPIC -o "$priv/raw.so" "$priv/raw.c" && chmod 755 "$priv/raw.so"
fi
program=/usr/lib/wiresleuth/wiresleuth
run_code='exec(open("/mnt/smoke/priv/payload.py").read())'
attempt() {  # attempt USER NAME ENV... -- ARGV...: run one vector, output kept for the record
    local who="$1" name="$2"; shift 2
    local env=(WS_TAG="$who-$name")
    while [ "$1" != "--" ]; do env+=("$1"); shift; done
    shift
    timeout 60 chroot --userspec="$(in_root id -u "$who"):$(in_root id -g "$who")" \
        --groups="$(in_root id -G "$who" | tr ' ' ',')" "$root" /usr/bin/env -i "${base_env[@]}" \
        HOME="/home/$who" "${env[@]}" "$@" </dev/null >>"$priv/attempts.txt" 2>&1 || true
}
for who in tester outsider; do
    attempt "$who" c -- "$program" -c "$run_code"
    attempt "$who" m PYTHONPATH=/mnt/smoke/priv -- "$program" -m evil_module
    attempt "$who" pythonpath PYTHONPATH=/mnt/smoke/priv -- "$program" --version
    attempt "$who" pythonstartup PYTHONSTARTUP=/mnt/smoke/priv/payload.py -- "$program" -i
    attempt "$who" mp-tracker -- "$program" -S -B -I -c \
        "from multiprocessing.resource_tracker import main; $run_code"
    attempt "$who" mp-tracker-noflags -- "$program" -c \
        "from multiprocessing.resource_tracker import main; $run_code"
    attempt "$who" mp-forkserver -- "$program" -S -B -I -c \
        "from multiprocessing.forkserver import main; $run_code"
    attempt "$who" mp-forkserver-sys -- "$program" -c \
        "import sys; from multiprocessing.forkserver import main; $run_code"
    if [ -f "$priv/raw.so" ]; then
        attempt "$who" ld-preload LD_PRELOAD=/mnt/smoke/priv/raw.so -- "$program" --version
        attempt "$who" ld-preload-helper LD_PRELOAD=/mnt/smoke/priv/raw.so -- \
            sh -c 'exec /usr/lib/wiresleuth/wiresleuth-capture -i lo -t 1 -f icmp >/dev/null'
    fi
done
ran=$(cd "$priv" && find . -name 'ran-*' | sed 's|./ran-||' | sort | tr '\n' ' ')
raw=$(cd "$priv" && find . -name 'raw-*' | sed 's|./raw-||' | sort | tr '\n' ' ')
echo "note  vectors whose code ran (as the user, unprivileged): ${ran:-none}"
[ -z "$raw" ] && ok "no raw socket opened by tester (in the group) or outsider (not) through -c, -m," \
    "PYTHONPATH, PYTHONSTARTUP, LD_PRELOAD or the multiprocessing prefixes" \
    || fail "raw sockets were opened through: $raw"
# The same check can fail: root (who holds the right) opening a raw socket the same ways.
attempt root control-mp -- "$program" -S -B -I -c "from multiprocessing.resource_tracker import main; $run_code"
[ -f "$priv/raw.so" ] && attempt root control-ld LD_PRELOAD=/mnt/smoke/priv/raw.so -- "$program" --version
controls=$(cd "$priv" && find . -name 'raw-root-*' | sed 's|./raw-||' | sort | tr '\n' ' ')
[ -n "$controls" ] && ok "control: as root the same payloads do open a raw socket ($controls)" \
    || fail "control: the payloads opened no raw socket even as root (the check proves nothing)"
t=$(now_ms)
# (its standard input a pipe that stays open: the helper stops at its 1 s time limit)
sleep 5 | as_who tester sh -c 'exec /usr/lib/wiresleuth/wiresleuth-capture -i lo -t 1 -f icmp >/tmp/member.pcap' \
    2>"$share/helper-member.txt" && grep -q "stopped reason=time-limit" "$share/helper-member.txt" \
    && ok "a group member runs the capture helper ($(seconds_since "$t") s)" \
    || fail "the capture helper failed for a group member: $(cat "$share/helper-member.txt")"
as_who outsider sh -c 'exec /usr/lib/wiresleuth/wiresleuth-capture -i lo -t 1 -f icmp >/dev/null' \
    2>"$share/helper-outsider.txt" && fail "a user outside the group ran the capture helper" \
    || { grep -q "Permission denied" "$share/helper-outsider.txt" \
        && ok "a user outside the group may not start it (Permission denied)" \
        || fail "outsider: $(cat "$share/helper-outsider.txt")"; }
as_who outsider wiresleuth run --target "localhost:$port" --out /tmp/outsider.wsbundle --quiet \
    >"$share/run-outsider.txt" 2>&1 || true
grep -q "group" "$share/run-outsider.txt" && grep -qi "capture" "$share/run-outsider.txt" \
    && ok "outsider's run completes without capture and names the group: $(grep -m1 -i 'capture' "$share/run-outsider.txt" | cut -c1-160)" \
    || { fail "outsider's run did not say why capture is missing:"; sed 's/^/        /' "$share/run-outsider.txt"; }

step "opt-out: /etc/wiresleuth/no-capture-rights"
in_root mkdir -p /etc/wiresleuth
in_root touch /etc/wiresleuth/no-capture-rights
in_root /var/lib/dpkg/info/wiresleuth.postinst configure >"$share/optout.txt" 2>&1 || true
left=$(cd "$root" && getcap -r usr/lib/wiresleuth usr/bin)
[ -z "$left" ] && grep -q "capture rights not granted" "$share/optout.txt" \
    && ok "no capability on any file while the opt-out exists" || fail "opt-out left: '$left'"
in_root rm -rf /etc/wiresleuth
in_root /var/lib/dpkg/info/wiresleuth.postinst configure >>"$share/optout.txt" 2>&1 || true
[ "$(cd "$root" && getcap -r usr/lib/wiresleuth usr/bin)" = "usr/lib/wiresleuth/wiresleuth-capture cap_net_raw=ep" ] \
    && ok "the helper's capability is back once the opt-out is removed" || fail "capability not restored"

step "dpkg --purge"
t=$(now_ms)
in_root dpkg --purge wiresleuth >"$share/dpkg-purge.txt" 2>&1 \
    && ok "purged in $(seconds_since "$t") s" || fail "dpkg --purge failed"
in_root getent group wiresleuth >/dev/null && fail "the wiresleuth group is still there" \
    || ok "the wiresleuth group was removed with the package"
snapshot >"$share/after.txt"
if diff -u "$share/before.txt" "$share/after.txt" >"$share/leftovers.txt"; then
    ok "nothing left behind: $(wc -l <"$share/before.txt") paths and digests identical"
else
    fail "the package left changes behind:"; head -40 "$share/leftovers.txt"
fi
kill "$server" 2>/dev/null || true
exit "$failed"
