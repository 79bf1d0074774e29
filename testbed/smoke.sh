#!/usr/bin/env bash
# smoke.sh: checks a started test bed with curl alone (a few seconds), no Go:
#   SimpleSAMLphp: alice's SAMLResponse, a wrong password, and over https
#   LemonLDAP::NG: bob (password), tom (password + TOTP), cho (choice page,
#                  then the external "fixed code"), a wrong code, over https
#   moto: AssumeRoleWithSAML with bob's LLNG assertion (when moto and the
#         aws CLI are there)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${SAMLOGIN_TESTBED_DIR:-${TMPDIR:-/tmp}/samlogin-testbed}
# shellcheck disable=SC1091
. "$STATE/env"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
ok() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; exit 1; }
jar=$T/jar
field() { grep -oP "name=\"$2\" value=\"\\K[^\"]*" "$1" | head -1; }
c() { curl -sS -L --cacert "$TESTBED_LLNG_CA" -c "$jar" -b "$jar" "$@"; }

# llng BASE_LOGIN_URL USER PASSWORD OUT: password step of LemonLDAP::NG
llng() {
    rm -f "$jar"
    c -o "$T/l.html" "$1"
    c -o "$4" "$1" --data-urlencode "user=$2" --data-urlencode "password=$3" \
        --data-urlencode "token=$(field "$T/l.html" token)" --data-urlencode "url=$(field "$T/l.html" url)"
}
# post2f BASE PATH PAGE OUT DATA...: post a 2F form of LemonLDAP::NG
post2f() { local b=$1 p=$2 pg=$3 out=$4; shift 4; c -o "$out" "${b%/}$p" --data-urlencode "token=$(field "$pg" token)" "$@"; }
saml() { grep -q 'name="SAMLResponse"' "$1"; }

# SimpleSAMLphp
"$HERE/idp-login.sh" alice alice-pass "$T/alice" > "$T/alice.b64" || fail "ssp: alice"
n=$(base64 -d < "$T/alice.b64" | grep -o 'arn:aws:iam::[0-9]*:role/[A-Za-z]*' | sort -u | wc -l)
[ "$n" = 3 ] && ok "ssp: alice has 3 roles" || fail "ssp: alice has $n roles"
rc=0; "$HERE/idp-login.sh" alice wrong "$T/bad" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] && ok "ssp: wrong password gives the form again" || fail "ssp: wrong password rc=$rc"
rm -f "$jar"
c --cacert "$TESTBED_IDP_CA" -o "$T/s.html" "$TESTBED_IDP_HTTPS_LOGIN_URL"
grep -q 'name="password"' "$T/s.html" && ok "ssp: login page over https" || fail "ssp: https"

[ -n "${TESTBED_LLNG_LOGIN_URL:-}" ] || { echo "skip LemonLDAP::NG (not started)"; exit 0; }
L=$TESTBED_LLNG_LOGIN_URL B=$TESTBED_LLNG_URL
llng "$L" bob bob-pass "$T/bob.html"; saml "$T/bob.html" && ok "llng: bob, password only" || fail "llng: bob"
cp "$T/bob.html" "$T/bob-saml.html"
llng "$L" bob wrong "$T/x.html"; grep -q 'trmsg="5"' "$T/x.html" && ok "llng: wrong password, message code 5" || fail "llng: wrong password"
llng "$L" tom tom-pass "$T/tom.html"
post2f "$B" /totp2fcheck "$T/tom.html" "$T/x.html" --data "code=$(perl "$HERE/llng/totp.pl" JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP)"
saml "$T/x.html" && ok "llng: tom, password + TOTP" || fail "llng: tom TOTP"
llng "$L" tom tom-pass "$T/tom.html"
post2f "$B" /totp2fcheck "$T/tom.html" "$T/x.html" --data code=000000
grep -q 'trmsg="96"' "$T/x.html" && ok "llng: wrong code, message code 96" || fail "llng: wrong code"
llng "$L" cho cho-pass "$T/cho.html"
grep -q 'name="sf" value="ext"' "$T/cho.html" && ok "llng: cho gets the choice page" || fail "llng: no choice page"
post2f "$B" /2fchoice "$T/cho.html" "$T/ext.html" --data sf=ext
post2f "$B" "/ext2fcheck?skin=bootstrap" "$T/ext.html" "$T/x.html" --data code=424242
saml "$T/x.html" && ok "llng: cho, choice + fixed code" || fail "llng: cho ext"
llng "$TESTBED_LLNG_HTTPS_LOGIN_URL" bob bob-pass "$T/x.html"
saml "$T/x.html" && ok "llng: bob over https (Secure cookies)" || fail "llng: https"

if [ -z "${TESTBED_STS_URL:-}" ] || ! command -v aws >/dev/null; then
    echo "skip moto (no moto or no aws CLI)"; exit 0
fi
export HOME=$T AWS_CONFIG_FILE=$T/config AWS_SHARED_CREDENTIALS_FILE=$T/credentials
export AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
arn=$(aws --endpoint-url "$TESTBED_STS_URL" sts assume-role-with-saml \
    --role-arn arn:aws:iam::123456789012:role/Admin \
    --principal-arn arn:aws:iam::123456789012:saml-provider/LLNG \
    --saml-assertion "$(field "$T/bob-saml.html" SAMLResponse)" --query AssumedRoleUser.Arn --output text) || fail "moto"
[ "$arn" = arn:aws:sts::123456789012:assumed-role/Admin/bob@example.test ] && ok "moto: $arn" || fail "moto: $arn"
