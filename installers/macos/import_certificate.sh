#!/usr/bin/env bash
# CI only: put the Developer ID certificate from the repository's secrets into a temporary
# keychain and store the notarisation credentials, so sign_and_notarize.sh can use them.
#
# Environment (GitHub secrets): MACOS_CERTIFICATE_P12_BASE64, MACOS_CERTIFICATE_PASSWORD,
# MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific password).
# Prints nothing secret. Leaves MACOS_NOTARY_PROFILE=wiresleuth-notary usable.
set -euo pipefail

keychain="$RUNNER_TEMP/signing.keychain-db"
keychain_password="$(uuidgen)"
certificate="$RUNNER_TEMP/certificate.p12"

echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode >"$certificate"
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$certificate" -P "$MACOS_CERTIFICATE_PASSWORD" -A -t cert -f pkcs12 -k "$keychain"
security set-key-partition-list -S apple-tool:,apple: -k "$keychain_password" "$keychain" >/dev/null
security list-keychains -d user -s "$keychain" login.keychain
rm -f "$certificate"
xcrun notarytool store-credentials wiresleuth-notary --apple-id "$MACOS_NOTARY_APPLE_ID" \
    --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD" --keychain "$keychain"
