#!/usr/bin/env bash
# samlogin test bed: two real SAML IdPs and a local STS, on 127.0.0.1 only.
#
#   SimpleSAMLphp 1.19 (Debian simplesamlphp) under `php -S`, over http, and
#     over https through stunnel (Debian stunnel4) with a private CA
#   LemonLDAP::NG 2.16 portal (Debian liblemonldap-ng-portal-perl, SAML by
#     Lasso) under plackup, over http and over https (Secure cookies)
#   moto_server as the STS (moto is not in Debian: the machine's Python, if
#     it has it; without it the tests that need it skip, saying so)
#
#   testbed.sh install   apt-get install what is missing (root or sudo; quiet)
#   testbed.sh start     keys and CA (first time), start everything, print env
#   testbed.sh up        install + start
#   testbed.sh stop      stop what `start` started (by recorded PID)
#   testbed.sh status    show what is running
#   testbed.sh env       print the `export TESTBED_...` lines
#
# Environment (all optional):
#   SAMLOGIN_TESTBED_DIR  state dir (keys, CA, sessions, logs, pids, env);
#                         default ${TMPDIR:-/tmp}/samlogin-testbed
#   MOTO_SERVER           command for moto; default: moto_server on PATH,
#                         else `python3 -m moto.server`
#   TESTBED_NO_MOTO=1     do not start moto
#   TESTBED_NO_LLNG=1     do not start LemonLDAP::NG (nor install it)
#   TESTBED_NO_KRB5=1     do not start the Kerberos part (krb5/setup.sh: MIT
#                         KDC, Apache + mod_auth_gssapi as ADFS; nor install it)
#
# Users: see README.md (ssp/authsources.php, llng/users.sql, llng/devices.json).
# Nothing here is a secret: keys and CA are generated per state dir.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${SAMLOGIN_TESTBED_DIR:-${TMPDIR:-/tmp}/samlogin-testbed}
SSP_WWW=/usr/share/simplesamlphp/www
LLNG_PSGI=/usr/share/lemonldap-ng/portal/htdocs/index.psgi
SSO_PATH='saml/singleSignOn?IDPInitiated=1&sp=urn:amazon:webservices'
PKGS=(simplesamlphp php-cli php-xml php-mbstring openssl curl stunnel4)
# The LemonLDAP::NG portal and what it loads for this configuration: Lasso
# for SAML, DBI on SQLite for the users, GD::SecurityImage (always loaded,
# with Image::Magick) for its captcha, XML::Simple for SAML attributes.
LLNG_PKGS=(liblemonldap-ng-portal-perl liblasso-perl libdbi-perl libdbd-sqlite3-perl
    libconvert-base32-perl libdigest-hmac-perl libstring-random-perl libio-socket-ssl-perl
    libgd-securityimage-perl libimage-magick-perl libxml-simple-perl libxml-libxml-perl
    libio-string-perl libplack-perl)

log() { printf 'testbed: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages() {
    printf '%s\n' "${PKGS[@]}"
    [ "${TESTBED_NO_LLNG:-}" = 1 ] || printf '%s\n' "${LLNG_PKGS[@]}"
    [ "${TESTBED_NO_KRB5:-}" = 1 ] || bash "$HERE/krb5/setup.sh" packages
}

cmd_install() {
    local missing=() p
    while read -r p; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done < <(packages)
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get"
    if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
        die "missing ${missing[*]}; install them as root (apt-get install ${missing[*]})"
    fi
    log "installing ${#missing[@]} Debian packages: ${missing[*]}"
    # simplesamlphp and the LLNG portal depend on a web server (apache2);
    # it must not start (it would listen on *:80). Docker images ship a
    # policy-rc.d that forbids service starts; add one for the duration of
    # the install where there is none, and remove it afterwards.
    local prc=/usr/sbin/policy-rc.d added=
    if [ ! -e "$prc" ]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $prc && chmod 755 $prc"; added=1
    fi
    local rc=0 apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)
    # Try from the current lists first; update them only when that fails.
    if ! as_root "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        as_root "${apt[@]}" update >/dev/null || rc=$?
        [ $rc -eq 0 ] && { as_root "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null || rc=$?; }
    fi
    [ -n "$added" ] && as_root rm -f "$prc"
    [ $rc -eq 0 ] || die "apt-get failed ($rc)"
    log "installed"
}

free_port() {  # ask the kernel for a free loopback port
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport'
}

# pid_alive PIDFILE PATTERN: the recorded process exists and is still ours
pid_alive() {
    local f=$1 pat=$2 pid
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$pat"
}

wait_http() {  # wait_http URL SECONDS [CURL ARGS]: until any HTTP answer comes back
    local url=$1 n=$(( $2 * 10 )); shift 2
    while [ $n -gt 0 ]; do
        curl -s -o /dev/null --max-time 2 "$@" "$url" && return 0
        sleep 0.1; n=$((n - 1))
    done
    return 1
}

moto_cmd() {
    if [ -n "${MOTO_SERVER:-}" ]; then echo "$MOTO_SERVER"; return; fi
    if command -v moto_server >/dev/null 2>&1; then echo moto_server; return; fi
    if python3 -c 'import moto.server' >/dev/null 2>&1; then echo "python3 -m moto.server"; return; fi
    return 1
}

# keys: the IdPs' signing key (self-signed, as SAML metadata carries it) and
# a private CA with a server certificate for 127.0.0.1 (the https fronts).
keys() {
    local c=$STATE/cert
    if [ ! -s "$c/idp.crt" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=idp.samlogin.test" \
            -keyout "$c/idp.key" -out "$c/idp.crt" 2>/dev/null
    fi
    if [ ! -s "$c/server.crt" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=samlogin test bed CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
            -keyout "$c/ca.key" -out "$c/ca.crt" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" \
            -keyout "$c/server.key" -out "$c/server.csr" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$c/server.ext"
        openssl x509 -req -in "$c/server.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
            -days 825 -sha256 -extfile "$c/server.ext" -out "$c/server.crt" 2>/dev/null
        cat "$c/server.crt" "$c/server.key" > "$c/server.pem"
        chmod 600 "$c"/*.key "$c/server.pem"
    fi
}

port_of() { # port_of NAME: the recorded port, or a new free one recorded
    [ -s "$STATE/$1.port" ] && pid_alive "$STATE/$1.pid" . && { cat "$STATE/$1.port"; return; }
    free_port | tee "$STATE/$1.port"
}

start_ssp() { # start_ssp NAME BASEURL SECURE PORT
    pid_alive "$STATE/$1.pid" "php -S" && return 0
    ( cd "$SSP_WWW" && exec env \
        SIMPLESAMLPHP_CONFIG_DIR="$HERE/ssp" SSP_STATE_DIR="$STATE" \
        SSP_BASEURL="$2" SSP_SECURE_COOKIE="$3" PHP_CLI_SERVER_WORKERS=4 \
        nohup php -S "127.0.0.1:$4" -t "$SSP_WWW" \
        >"$STATE/log/$1.log" 2>&1 < /dev/null ) &
    echo $! > "$STATE/$1.pid"
}

start_stunnel() { # start_stunnel NAME ACCEPT CONNECT
    pid_alive "$STATE/$1.pid" "stunnel" && return 0
    cat > "$STATE/$1.conf" <<EOF
foreground = yes
pid =
output = $STATE/log/$1.log
[https]
accept = 127.0.0.1:$2
connect = 127.0.0.1:$3
cert = $STATE/cert/server.pem
EOF
    ( exec nohup stunnel4 "$STATE/$1.conf" >>"$STATE/log/$1.log" 2>&1 < /dev/null ) &
    echo $! > "$STATE/$1.pid"
}

start_llng() { # start_llng NAME URL PORT [plackup TLS options]
    local name=$1 url=$2 port=$3; shift 3
    pid_alive "$STATE/$name.pid" "plackup" && return 0
    perl "$HERE/llng/setup.pl" "$STATE" "$url" "$name"
    ( exec env LLNG_DEFAULTCONFFILE="$STATE/$name/lemonldap-ng.ini" \
        nohup plackup -s HTTP::Server::PSGI --host 127.0.0.1 --port "$port" "$@" "$LLNG_PSGI" \
        >"$STATE/log/$name.log" 2>&1 < /dev/null ) &
    echo $! > "$STATE/$name.pid"
}

cmd_start() {
    [ -d "$SSP_WWW" ] || die "SimpleSAMLphp not installed; run: $0 install"
    command -v stunnel4 >/dev/null || die "stunnel4 not installed; run: $0 install"
    mkdir -p "$STATE"/{cert,log,data,tmp,sessions}
    chmod 700 "$STATE"
    keys
    local sp ssp tp lp lsp mp waits=()

    # SimpleSAMLphp over http, and over https: a second php -S that knows
    # its https URL, behind stunnel.
    sp=$(port_of ssp); ssp=$(port_of ssps); tp=$(port_of ssps-backend)
    start_ssp ssp "http://127.0.0.1:$sp/" 0 "$sp"
    start_ssp ssps-backend "https://127.0.0.1:$ssp/" 1 "$tp"
    start_stunnel ssps "$ssp" "$tp"
    waits+=("http://127.0.0.1:$sp/saml2/idp/metadata.php" "https://127.0.0.1:$ssp/saml2/idp/metadata.php")

    # LemonLDAP::NG over http, and over https (plackup's own TLS).
    if [ "${TESTBED_NO_LLNG:-}" != 1 ]; then
        [ -f "$LLNG_PSGI" ] || die "LemonLDAP::NG not installed; run: $0 install"
        lp=$(port_of llng); lsp=$(port_of llngs)
        # localhost, not 127.0.0.1: see the cookie domain in llng/setup.pl
        start_llng llng "http://localhost:$lp/" "$lp"
        start_llng llngs "https://localhost:$lsp/" "$lsp" --ssl 1 \
            --ssl-key-file "$STATE/cert/server.key" --ssl-cert-file "$STATE/cert/server.crt"
        waits+=("http://localhost:$lp/saml/metadata" "https://localhost:$lsp/saml/metadata")
    else
        rm -f "$STATE"/llng.port "$STATE"/llngs.port
    fi

    # moto (STS)
    if [ "${TESTBED_NO_MOTO:-}" = 1 ]; then
        rm -f "$STATE/moto.port"
    elif pid_alive "$STATE/moto.pid" "moto"; then
        :
    elif M=$(moto_cmd); then
        mp=$(port_of moto)
        # shellcheck disable=SC2086  # $M: a command and its arguments
        ( exec nohup $M -H 127.0.0.1 -p "$mp" >"$STATE/log/moto.log" 2>&1 < /dev/null ) &
        echo $! > "$STATE/moto.pid"
        waits+=("http://127.0.0.1:$mp/moto-api/")
    else
        log "WARNING: no moto (no moto_server, no python3 module moto); the STS is not started"
        rm -f "$STATE/moto.port"
    fi

    # Kerberos: an MIT KDC and an ADFS-shaped Apache (krb5/setup.sh)
    if [ "${TESTBED_NO_KRB5:-}" != 1 ]; then
        bash "$HERE/krb5/setup.sh" start "$STATE" || die "the Kerberos part failed to start; see $STATE/krb5/"
    fi

    local u
    for u in "${waits[@]}"; do
        wait_http "$u" 60 --cacert "$STATE/cert/ca.crt" || die "no answer from $u; see $STATE/log/"
        # LLNG answers 500 when its configuration does not load
        case $u in */saml/metadata)
            curl -sf -o /dev/null --cacert "$STATE/cert/ca.crt" "$u" || die "LemonLDAP::NG failed to start: $u; see $STATE/log/"
        esac
    done
    write_env
    cmd_env
}

write_env() {
    local sp ssp lp lsp mp c=$STATE/cert
    sp=$(cat "$STATE/ssp.port"); ssp=$(cat "$STATE/ssps.port")
    {
        echo "export SAMLOGIN_TESTBED_DIR='$STATE'"
        echo "export TESTBED_DIR='$HERE'"
        echo "export TESTBED_IDP_URL='http://127.0.0.1:$sp'"
        echo "export TESTBED_IDP_LOGIN_URL='http://127.0.0.1:$sp/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices'"
        echo "export TESTBED_IDP_METADATA_URL='http://127.0.0.1:$sp/saml2/idp/metadata.php'"
        echo "export TESTBED_IDP_CERT='$c/idp.crt'"
        echo "export TESTBED_IDP_HTTPS_LOGIN_URL='https://127.0.0.1:$ssp/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices'"
        echo "export TESTBED_IDP_CA='$c/ca.crt'"
        if [ -s "$STATE/llng.port" ]; then
            lp=$(cat "$STATE/llng.port"); lsp=$(cat "$STATE/llngs.port")
            echo "export TESTBED_LLNG_URL='http://localhost:$lp/'"
            echo "export TESTBED_LLNG_LOGIN_URL='http://localhost:$lp/$SSO_PATH'"
            echo "export TESTBED_LLNG_METADATA_URL='http://localhost:$lp/saml/metadata'"
            echo "export TESTBED_LLNG_CERT='$c/idp.crt'"
            echo "export TESTBED_LLNG_HTTPS_URL='https://localhost:$lsp/'"
            echo "export TESTBED_LLNG_HTTPS_LOGIN_URL='https://localhost:$lsp/$SSO_PATH'"
            echo "export TESTBED_LLNG_CA='$c/ca.crt'"
        fi
        if [ -s "$STATE/moto.port" ]; then
            mp=$(cat "$STATE/moto.port")
            echo "export TESTBED_STS_URL='http://127.0.0.1:$mp'"
        fi
        [ "${TESTBED_NO_KRB5:-}" = 1 ] || bash "$HERE/krb5/setup.sh" env "$STATE"
    } > "$STATE/env"
}

cmd_env() { [ -s "$STATE/env" ] || die "not started"; cat "$STATE/env"; }

stop_one() {  # stop_one NAME PATTERN
    local f="$STATE/$1.pid" pid kids
    if pid_alive "$f" "$2"; then
        pid=$(cat "$f")
        # php -S with PHP_CLI_SERVER_WORKERS forks workers that outlive a
        # killed master (and keep the port): collect the children first.
        kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | awk '{printf "%s%s", s, $1; s=" "}' || true)
        # shellcheck disable=SC2086  # $kids: several PIDs
        kill "$pid" $kids 2>/dev/null || true
        for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f" "$STATE/$1.port"
}

cmd_stop() {
    stop_one ssps stunnel; stop_one ssp "php -S"; stop_one ssps-backend "php -S"
    stop_one llng plackup; stop_one llngs plackup; stop_one moto moto
    bash "$HERE/krb5/setup.sh" stop "$STATE" || true
    rm -f "$STATE/env"
}

cmd_status() {
    local n
    for n in ssp:"php -S" ssps-backend:"php -S" ssps:stunnel llng:plackup llngs:plackup moto:moto; do
        if pid_alive "$STATE/${n%%:*}.pid" "${n#*:}"; then
            log "${n%%:*} running, pid $(cat "$STATE/${n%%:*}.pid"), port $(cat "$STATE/${n%%:*}.port")"
        else
            log "${n%%:*} not running"
        fi
    done
}

case "${1:-}" in
    install) cmd_install ;;
    start)   cmd_start ;;
    up)      cmd_install; cmd_start ;;
    stop)    cmd_stop ;;
    status)  cmd_status ;;
    env)     cmd_env ;;
    *) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
