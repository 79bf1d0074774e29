#!/usr/bin/env bash
# deps.sh: install the system programs the tests run that Go does not bring:
# fish (Debian's fish package), for the round trip of `samlogin env --format
# fish`; dbus (dbus-run-session) and gnome-keyring (gnome-keyring-daemon), for
# the test of --keychain against a real Secret Service; chromium, for the
# browser sign-in (--browser) driven headless over DevTools. Idempotent and quiet: it installs only what is missing, and only as
# root with apt-get; otherwise it says what is missing and leaves it (a test
# that needs it skips, or fails under CI=true).
set -euo pipefail
missing=()
command -v fish >/dev/null 2>&1 || missing+=(fish)
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$EUID" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
