#!/usr/bin/env bash
# testbed/krb5/setup.sh: the Kerberos part of the test bed, on 127.0.0.1.
#
#   MIT Kerberos KDC (Debian krb5-kdc, krb5-admin-server for kadmin.local)
#     with the realm SAMLOGIN.TEST made here, in STATE/krb5 (its own
#     krb5.conf and kdc.conf through KRB5_CONFIG / KRB5_KDC_PROFILE; nothing
#     under /etc changes); users alice (password alice-pass) and the service
#     principal HTTP/localhost, whose key goes to a keytab for Apache.
#   Apache (Debian apache2 + libapache2-mod-auth-gssapi) with its own config
#     file and ServerRoot in STATE/krb5/apache, https on 127.0.0.1 with the
#     test bed's private CA (certificate for localhost), ServerName
#     localhost, as an ADFS-shaped IdP: /adfs/ls/IdpInitiatedSignOn.aspx
#     redirects an IE 11 user agent (Trident/7.0) to /adfs/ls/wia, which
#     mod_auth_gssapi protects (401 Negotiate); behind it a CGI answers the
#     auto-post page with the SAMLResponse read from STATE/krb5/samlresponse
#     (the tests write a fresh one for the strict test STS).
#
#   setup.sh packages        the Debian packages it needs
#   setup.sh start STATE     make the realm (first time), start KDC and Apache
#   setup.sh stop STATE      stop them (by recorded PID)
#   setup.sh env STATE       print the export TESTBED_KRB5_... lines
set -euo pipefail

REALM=SAMLOGIN.TEST
MODS=/usr/lib/apache2/modules
PKGS=(krb5-kdc krb5-admin-server krb5-user apache2 libapache2-mod-auth-gssapi)

log() { printf 'testbed/krb5: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport'
}

alive() { # alive PIDFILE PATTERN
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"
}

realm() { # make the realm once: config files, database, principals, keytab
    local d=$1 kp
    [ -s "$d/http.keytab" ] && return 0
    kp=$(free_port)
    echo "$kp" > "$d/kdc.port"
    cat > "$d/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
[realms]
    $REALM = {
        kdc = 127.0.0.1:$kp
    }
[domain_realm]
    localhost = $REALM
EOF
    mkdir -p "$d/db"; chmod 700 "$d/db"
    cat > "$d/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$kp
    kdc_tcp_listen = 127.0.0.1:$kp
[realms]
    $REALM = {
        database_name = $d/db/principal
        key_stash_file = $d/db/stash
        acl_file = $d/db/kadm5.acl
        max_life = 10h 0m 0s
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$d/kdc.log
    admin_server = FILE:$d/kadmin.log
EOF
    : > "$d/db/kadm5.acl"
    export KRB5_CONFIG=$d/krb5.conf KRB5_KDC_PROFILE=$d/kdc.conf
    kdb5_util -r "$REALM" create -s -P "master-$(date +%s%N)" >/dev/null 2>&1 || die "kdb5_util create failed"
    kadmin.local -r "$REALM" -q "addprinc -pw alice-pass alice" >/dev/null 2>&1 || die "addprinc alice failed"
    kadmin.local -r "$REALM" -q "addprinc -randkey HTTP/localhost" >/dev/null 2>&1 || die "addprinc HTTP/localhost failed"
    kadmin.local -r "$REALM" -q "ktadd -k $d/http.keytab HTTP/localhost" >/dev/null 2>&1 || die "ktadd failed"
}

apache_conf() { # apache_conf DIR PORT CERTDIR
    local d=$1 p=$2 c=$3 user=
    # Apache started as root must switch user: nobody reads the keytab,
    # the CGI and the SAMLResponse (test files, no secret of anyone's).
    [ "$(id -u)" = 0 ] && user="User nobody
Group nogroup"
    mkdir -p "$d/apache/run" "$d/www/adfs/ls"
    cat > "$d/wia.cgi" <<EOF
#!/bin/sh
# The ADFS auto-post page, for the user mod_auth_gssapi let in.
r=\$(cat "$d/samlresponse" 2>/dev/null)
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
printf '<html><head><title>Working...</title></head><body><!-- %s --><form method="POST" name="hiddenform" action="https://signin.aws.amazon.com:443/saml"><input type="hidden" name="SAMLResponse" value="%s" /><noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form></body></html>\n' "\$REMOTE_USER" "\$r"
EOF
    chmod 755 "$d/wia.cgi"
    echo '<html><head><title>Sign In</title></head><body>no integrated sign-in for this browser</body></html>' > "$d/www/adfs/ls/IdpInitiatedSignOn.aspx"
    cat > "$d/apache/httpd.conf" <<EOF
ServerRoot "$d/apache"
ServerName localhost
Listen 127.0.0.1:$p
PidFile $d/apache/httpd.pid
DefaultRuntimeDir $d/apache/run
Mutex file:$d/apache/run default
ErrorLog $d/apache/error.log
LogLevel warn auth_gssapi:info
$user
LoadModule mpm_prefork_module $MODS/mod_mpm_prefork.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule authz_user_module $MODS/mod_authz_user.so
LoadModule authn_core_module $MODS/mod_authn_core.so
LoadModule auth_gssapi_module $MODS/mod_auth_gssapi.so
LoadModule ssl_module $MODS/mod_ssl.so
LoadModule socache_shmcb_module $MODS/mod_socache_shmcb.so
LoadModule rewrite_module $MODS/mod_rewrite.so
LoadModule alias_module $MODS/mod_alias.so
LoadModule cgi_module $MODS/mod_cgi.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule env_module $MODS/mod_env.so
StartServers 2
MinSpareServers 1
MaxSpareServers 3
LogFormat "%h %u \"%r\" %>s \"%{User-Agent}i\" auth=%{Authorization}i" wia
CustomLog $d/apache/access.log wia
TypesConfig /dev/null
AddType text/html .aspx
SSLEngine on
SSLSessionCache shmcb:$d/apache/run/ssl_cache(51200)
SSLCertificateFile $c/server.crt
SSLCertificateKeyFile $c/server.key
DocumentRoot $d/www
<Directory />
    Require all granted
</Directory>
RewriteEngine On
RewriteCond %{HTTP_USER_AGENT} Trident/7\.0
RewriteRule ^/adfs/ls/IdpInitiatedSignOn\.aspx$ /adfs/ls/wia [R=302,L]
ScriptAlias /adfs/ls/wia $d/wia.cgi
<Location /adfs/ls/wia>
    AuthType GSSAPI
    AuthName "ADFS integrated sign-in"
    GssapiCredStore keytab:$d/http.keytab
    GssapiAllowedMech krb5
    GssapiBasicAuth Off
    GssapiSSLonly On
    GssapiLocalName Off
    Require valid-user
</Location>
EOF
}

cmd_start() {
    local state=$1 d=$1/krb5 kp ap
    for b in krb5kdc kdb5_util kadmin.local kinit apache2; do
        command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || die "$b not installed (apt-get install ${PKGS[*]})"
    done
    [ -f "$MODS/mod_auth_gssapi.so" ] || die "mod_auth_gssapi not installed (apt-get install libapache2-mod-auth-gssapi)"
    export PATH=$PATH:/usr/sbin
    mkdir -p "$d"
    [ "$(id -u)" = 0 ] && chmod 711 "$state" && chmod 755 "$d"
    realm "$d"
    chmod 644 "$d/http.keytab"
    kp=$(cat "$d/kdc.port")
    if ! alive "$d/kdc.pid" krb5kdc; then
        ( exec env KRB5_CONFIG="$d/krb5.conf" KRB5_KDC_PROFILE="$d/kdc.conf" \
            nohup krb5kdc -n -r "$REALM" >>"$d/kdc.out" 2>&1 < /dev/null ) &
        echo $! > "$d/kdc.pid"
    fi
    [ -s "$d/apache.port" ] || free_port > "$d/apache.port"
    ap=$(cat "$d/apache.port")
    apache_conf "$d" "$ap" "$state/cert"
    [ -e "$d/samlresponse" ] || : > "$d/samlresponse"
    chmod 666 "$d/samlresponse"
    if ! alive "$d/apache.pid" apache2; then
        # setsid: a stopping prefork Apache signals its whole process
        # group, which would otherwise be the caller's (with-testbed.sh).
        ( exec setsid env KRB5_CONFIG="$d/krb5.conf" nohup apache2 -f "$d/apache/httpd.conf" -DFOREGROUND \
            >>"$d/apache.out" 2>&1 < /dev/null ) &
        echo $! > "$d/apache.pid"
    fi
    local n=100
    while [ $n -gt 0 ]; do
        curl -s -o /dev/null --max-time 2 --cacert "$state/cert/ca.crt" "https://localhost:$ap/adfs/ls/IdpInitiatedSignOn.aspx" && break
        sleep 0.1; n=$((n - 1))
    done
    [ $n -gt 0 ] || die "no answer from Apache on localhost:$ap; see $d/apache.out and $d/apache/error.log"
    perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(PeerAddr => "127.0.0.1:'"$kp"'")' ||
        die "the KDC does not listen on 127.0.0.1:$kp; see $d/kdc.log and $d/kdc.out"
}

cmd_env() {
    local d=$1/krb5
    [ -s "$d/apache.port" ] && [ -s "$d/kdc.port" ] || return 0
    echo "export TESTBED_KRB5_REALM='$REALM'"
    echo "export TESTBED_KRB5_CONFIG='$d/krb5.conf'"
    echo "export TESTBED_KRB5_USER='alice@$REALM'"
    echo "export TESTBED_KRB5_PASSWORD='alice-pass'"
    echo "export TESTBED_KRB5_ADFS_HOST='localhost:$(cat "$d/apache.port")'"
    echo "export TESTBED_KRB5_CA='$1/cert/ca.crt'"
    echo "export TESTBED_KRB5_SAMLRESPONSE='$d/samlresponse'"
}

stop_pid() { # stop_pid PIDFILE PATTERN
    local pid
    if alive "$1" "$2"; then
        pid=$(cat "$1")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$1"
}

cmd_stop() {
    local d=$1/krb5
    stop_pid "$d/apache.pid" apache2
    stop_pid "$d/kdc.pid" krb5kdc
    rm -f "$d/apache.port"
}

case "${1:-}" in
    packages) printf '%s\n' "${PKGS[@]}" ;;
    start) cmd_start "${2:?state dir}" ;;
    stop)  cmd_stop "${2:?state dir}" ;;
    env)   cmd_env "${2:?state dir}" ;;
    *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
