#!/usr/bin/env bash
# with-testbed.sh CMD [ARGS...]: install and start the project's test bed
# (testbed/testbed.sh: SimpleSAMLphp and LemonLDAP::NG as IdPs, over http
# and https, moto as the STS), run CMD with its TESTBED_* variables
# exported, then stop it whatever CMD did.
#
# Installing needs root (or sudo) and apt-get (Debian packages). When the
# install or the start is impossible, CMD runs alone and the integration
# tests skip, saying what was skipped and how to run it; under CI=true that
# is a failure instead. SAMLOGIN_TESTBED_DIR (default: a new temp dir) is
# the test bed's state dir.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tb=$root/testbed/testbed.sh
bash "$root/scripts/deps.sh" # system programs the tests run (fish, dbus, gnome-keyring)

without() { # without WHY CMD...: run CMD without the test bed (or fail under CI)
    local why=$1; shift
    if [ "${CI:-}" = true ]; then
        echo "with-testbed: $why; CI=true needs the test bed" >&2
        exit 1
    fi
    echo "with-testbed: $why; the integration tests against SimpleSAMLphp, LemonLDAP::NG and moto will skip" >&2
    echo "with-testbed: to run them: \`make test\` as root on Debian/Ubuntu (apt-get), or see README \"Developing\"" >&2
    exec "$@"
}

if ! bash "$tb" install; then
    without "could not install the test bed's Debian packages" "$@"
fi
created=
if [ -z "${SAMLOGIN_TESTBED_DIR:-}" ]; then
    SAMLOGIN_TESTBED_DIR=$(mktemp -d "${TMPDIR:-/tmp}/samlogin-testbed.XXXXXX"); created=1
fi
export SAMLOGIN_TESTBED_DIR
stop() { # stop the servers; remove the state dir when it was ours
    bash "$tb" stop >/dev/null 2>&1 || true
    if [ -n "$created" ]; then rm -rf "$SAMLOGIN_TESTBED_DIR"; fi
}
trap stop EXIT
if ! bash "$tb" start >/dev/null; then
    bash "$tb" stop >/dev/null 2>&1 || true
    trap - EXIT
    without "the test bed did not start (its logs: $SAMLOGIN_TESTBED_DIR/log)" "$@"
fi
# shellcheck disable=SC1091
. "$SAMLOGIN_TESTBED_DIR/env"
if [ -z "${TESTBED_STS_URL:-}" ]; then
    if [ "${CI:-}" = true ]; then
        echo "with-testbed: no moto_server (moto is not in Debian; install it in the machine's Python); CI=true needs it" >&2
        exit 1
    fi
    echo "with-testbed: no moto_server: the tests that need the local STS will skip (moto is not in Debian: pip install 'moto[server]')" >&2
fi
"$@"
