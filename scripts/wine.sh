#!/usr/bin/env bash
# wine.sh: run Windows builds of samlogin's tests under Wine (Debian's wine64).
#
#   scripts/wine.sh setup           install Wine and the mingw compiler when missing
#                                   (as root, with apt-get), make the Wine prefix and
#                                   put the bcryptprimitives.dll shim in its system32
#   scripts/wine.sh exec BIN ARGS   run a Windows binary (go test -exec's wrapper)
#   scripts/wine.sh test PKGS...    GOOS=windows go test -exec 'scripts/wine.sh exec' PKGS
#
# The prefix is $SAMLOGIN_WINEPREFIX (default ~/.cache/samlogin/wine), apart
# from a user's own ~/.wine. Tests that Wine cannot run honestly skip
# themselves when SAMLOGIN_WINE=1, which exec sets (see internal/testtmp).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export WINEPREFIX="${SAMLOGIN_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/samlogin/wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}" # no Mono or Gecko dialogs
export WINEARCH=win64

wine_bin() {
    for w in wine64 /usr/lib/wine/wine64 wine; do
        if command -v "$w" >/dev/null 2>&1; then echo "$w"; return; fi
    done
    return 1
}

install_missing() {
    local missing=()
    wine_bin >/dev/null || missing+=(wine64)
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$EUID" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "wine.sh: missing ${missing[*]}; install it (as root: apt-get install ${missing[*]})" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

setup() {
    install_missing
    local sys32="$WINEPREFIX/drive_c/windows/system32"
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        mkdir -p "$WINEPREFIX"
        "$(wine_bin)" wineboot -i >/dev/null 2>&1 || true
        { command -v wineserver >/dev/null && wineserver -w || /usr/lib/wine/wineserver -w; } >/dev/null 2>&1 || true
    fi
    local dll="$sys32/bcryptprimitives.dll" src="$here/wine/bcryptprimitives.c"
    if [ ! -f "$dll" ] || [ "$src" -nt "$dll" ]; then
        mkdir -p "$sys32"
        x86_64-w64-mingw32-gcc -shared -O2 -s -o "$dll" "$src" -ladvapi32
    fi
}

case "${1:-}" in
setup)
    setup
    ;;
exec)
    shift
    export SAMLOGIN_WINE=1
    exec "$(wine_bin)" "$@"
    ;;
test)
    shift
    setup
    GOOS=windows GOARCH=amd64 CGO_ENABLED=0 exec go test -exec "$here/wine.sh exec" "$@"
    ;;
*)
    sed -n '2,12p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
