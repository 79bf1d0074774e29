#!/usr/bin/env bash
# with-testbed.sh CMD [ARGS...]: install and start the real peers of
# ../shared/testbed (SimpleSAMLphp as IdP, moto as STS), run CMD with their
# TESTBED_* variables exported, then stop them whatever CMD did.
#
# SAMLOGIN_SHARED points at the shared folder (default: ../shared beside the
# checkout). Without it, CMD runs alone and the integration tests skip,
# saying so, except under CI=true, where they fail.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SAMLOGIN_SHARED:-$root/../shared}
bash "$root/scripts/deps.sh" # system programs the tests run (fish)
tb=$shared/testbed/testbed.sh
if [ ! -x "$tb" ] && [ ! -f "$tb" ]; then
    echo "with-testbed: no test bed at $tb (set SAMLOGIN_SHARED); running without it" >&2
    exec "$@"
fi
export SAMLOGIN_TESTBED_DIR=${SAMLOGIN_TESTBED_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/samlogin-testbed.XXXXXX")}
stop() { bash "$tb" stop >/dev/null 2>&1 || true; }
trap stop EXIT
bash "$tb" up >/dev/null
# shellcheck disable=SC1091
. "$SAMLOGIN_TESTBED_DIR/env"
export SAMLOGIN_SHARED=$shared
"$@"
