#!/usr/bin/env bash
# capture.sh OUTDIR: saves the pages of a running LemonLDAP::NG portal of the
# test bed (TESTBED_LLNG_URL from the env file) as a browser gets them, for
# the page-rule tests of idp/form (idp/form/testdata/llng):
#   login.html                  the IdP-initiated sign-in page (user, password)
#   wrong-password.html         the answer to a wrong password
#   totp-code.html              tom after his password: the TOTP code form
#   totp-wrong-code.html        the answer to a wrong TOTP code
#   choice.html                 cho after her password: TOTP or the fixed code
#   choice-totp-code.html       cho after choosing TOTP
#   choice-ext-code.html        cho after choosing the fixed code
#   no-role-error.html          carol after her right password: no assertion
#                               without her mandatory Role (message code 94)
#   autopost.html               the page that posts the SAMLResponse to AWS,
#                               its value replaced by SAMLRESPONSE-PLACEHOLDER
# Tokens differ at each capture; nothing in them is a secret.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${SAMLOGIN_TESTBED_DIR:-${TMPDIR:-/tmp}/samlogin-testbed}
OUT=${1:?usage: capture.sh OUTDIR}
mkdir -p "$OUT"
# shellcheck disable=SC1091
. "$STATE/env"
base=${TESTBED_LLNG_URL%/}
sso=$TESTBED_LLNG_LOGIN_URL
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
jar=$T/jar

field() { grep -oP "name=\"$2\" value=\"\\K[^\"]*" "$1" | head -1; }
get() { curl -sS -c "$jar" -b "$jar" -o "$1" "$2"; }
post() { local out=$1 url=$2; shift 2; curl -sS -L -c "$jar" -b "$jar" -o "$out" "$url" "$@"; }
totp() { perl "$HERE/totp.pl" "$1"; }
login() { # login USER PASSWORD OUT: fresh jar, sign-in page, post the password
    rm -f "$jar"
    get "$T/login.html" "$sso"
    post "$3" "$sso" --data-urlencode "user=$1" --data-urlencode "password=$2" \
        --data-urlencode "token=$(field "$T/login.html" token)" \
        --data-urlencode "url=$(field "$T/login.html" url)" --data timezone=0 --data skin=bootstrap
}
code() { # code PAGE ACTION CODE OUT
    post "$4" "$base$2" --data-urlencode "token=$(field "$1" token)" --data-urlencode "code=$3" \
        --data checkLogins= --data stayconnected= --data skin=bootstrap
}

login bob 'not-bobs' "$OUT/wrong-password.html"
cp "$T/login.html" "$OUT/login.html"
login carol carol-pass "$OUT/no-role-error.html"
login tom tom-pass "$OUT/totp-code.html"
code "$OUT/totp-code.html" /totp2fcheck 000000 "$OUT/totp-wrong-code.html"
login tom tom-pass "$T/code.html"
code "$T/code.html" /totp2fcheck "$(totp JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP)" "$T/autopost.html"
login cho cho-pass "$OUT/choice.html"
post "$OUT/choice-totp-code.html" "$base/2fchoice" --data-urlencode "token=$(field "$OUT/choice.html" token)" \
    --data sf=totp --data checkLogins= --data stayconnected= --data skin=bootstrap
login cho cho-pass "$T/choice.html"
post "$OUT/choice-ext-code.html" "$base/2fchoice" --data-urlencode "token=$(field "$T/choice.html" token)" \
    --data sf=ext --data checkLogins= --data stayconnected= --data skin=bootstrap
grep -q 'name="SAMLResponse"' "$T/autopost.html" || { echo "capture: no SAMLResponse after tom's code" >&2; exit 1; }
sed -E 's/(name="SAMLResponse" value=")[^"]*/\1SAMLRESPONSE-PLACEHOLDER/' "$T/autopost.html" > "$OUT/autopost.html"
for f in login wrong-password no-role-error totp-code totp-wrong-code choice choice-totp-code choice-ext-code autopost; do
    grep -q . "$OUT/$f.html" || { echo "capture: $f.html is empty" >&2; exit 1; }
done
echo "capture: 9 pages in $OUT" >&2
