#!/usr/bin/env bash
# macOS: sign WireSleuth.app (hardened runtime), wrap it in a .dmg, sign, notarise and
# staple the .dmg. Runs on a Mac (codesign, hdiutil, xcrun are Apple's tools).
#
#   installers/macos/sign_and_notarize.sh dist/WireSleuth.app dist/WireSleuth-0.1.0.dmg
#
# Environment:
#   MACOS_SIGN_IDENTITY   "Developer ID Application: NAME (TEAMID)"; unset = ad-hoc ("-"),
#                         which runs on the Mac that built it but is refused by Gatekeeper
#                         elsewhere and cannot be notarised.
#   MACOS_NOTARY_PROFILE  keychain profile made once with
#                         `xcrun notarytool store-credentials PROFILE --apple-id ID --team-id TEAM`;
#                         unset = no notarisation (say so, do not fail).
# The order matters: the branding files are already in Contents/Resources (the spec put them
# there), so signing comes after them and nothing may change the app afterwards.
set -euo pipefail

app="$1"
dmg="$2"
here="$(cd "$(dirname "$0")" && pwd)"
identity="${MACOS_SIGN_IDENTITY:--}"
entitlements="$here/entitlements.plist"
volume="WireSleuth"

if [ "$identity" = "-" ]; then
    timestamp=(--timestamp=none)
    echo "signing ad-hoc (MACOS_SIGN_IDENTITY unset): fine for this Mac and CI, not for users"
else
    timestamp=(--timestamp)
fi

# 0. The licences must be inside before the signature seals the bundle (the spec puts them there).
for notice in THIRD-PARTY-NOTICES.txt COPYING; do
    if [ ! -f "$app/Contents/Resources/$notice" ]; then
        echo "$app/Contents/Resources/$notice is missing: build the app with installers/wiresleuth.spec" >&2
        exit 2
    fi
done

# 1. Inside out: every Mach-O file in the bundle, then the bundle itself with entitlements.
while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then
        codesign --force "${timestamp[@]}" --options runtime --sign "$identity" "$file"
    fi
done < <(find "$app/Contents" -type f -print0)
codesign --force "${timestamp[@]}" --options runtime --entitlements "$entitlements" \
    --sign "$identity" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

# 2. The disk image: the app and a link to /Applications to drag it onto.
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
codesign --force "${timestamp[@]}" --sign "$identity" "$dmg"

# 3. Notarisation and stapling (Developer ID only).
if [ "$identity" != "-" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
else
    echo "not notarised (needs MACOS_SIGN_IDENTITY and MACOS_NOTARY_PROFILE): Gatekeeper will" \
         "warn users who download this .dmg"
fi
echo "$dmg"
