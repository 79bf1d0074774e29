#!/usr/bin/perl
# setup.pl STATE_DIR PORTAL_URL NAME: writes the configuration of one
# LemonLDAP::NG portal of the samlogin test bed into STATE_DIR/NAME:
#   lemonldap-ng.ini      (found through LLNG_DEFAULTCONFFILE; /etc untouched)
#   conf/lmConf-1.json    the portal: DBI (SQLite) users, SAML IdP, AWS as SP,
#                         TOTP and an external 2F, Secure cookies over https
# and, shared by every portal of the state dir (written once, idempotent):
#   llng-users.db         the users table (users.sql), SQLite
#   llng-psessions/       persistent sessions: the registered TOTP devices
# The SAML signing key and certificate are STATE_DIR/cert/idp.{key,crt}
# (testbed.sh generates them). Test values only: nothing here is a secret.
use strict;
use warnings;
use JSON;
use DBI;
use File::Path qw(make_path);
use Lemonldap::NG::Common::Session;
use Lemonldap::NG::Common::Util qw(getPSessionID);

my ( $state, $portal, $name ) = @ARGV;
die "usage: setup.pl STATE_DIR PORTAL_URL NAME\n" unless $name;
use FindBin;
my $here = $FindBin::Bin;
my $dir = "$state/$name";
make_path( "$dir/conf", "$dir/sessions/lock", "$state/llng-psessions/lock" );

sub slurp { local ( @ARGV, $/ ) = @_; <> }
sub spit  { open my $f, '>', $_[0] or die "$_[0]: $!"; print $f $_[1]; close $f }

my $https = $portal =~ /^https:/ ? 1 : 0;
my $A     = 'https://aws.amazon.com/SAML/Attributes/';
my $uri   = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

# AWS as the SAML SP, as in https://signin.aws.amazon.com/static/saml-metadata.xml
my $awsMetadata = <<'XML';
<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:amazon:webservices">
  <SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
    <AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml"/>
  </SPSSODescriptor>
</EntityDescriptor>
XML

my $conf = {
    cfgNum     => 1,
    cfgVersion => '2.16.1',
    cfgAuthor  => 'samlogin test bed',
    cfgDate    => time,
    portal     => $portal,
    # LLNG always sets its session cookie with Domain=.<domain>, which
    # browsers and Go's cookie jar refuse for an IP address: the portal is
    # http(s)://localhost:PORT/ (listening on 127.0.0.1 only).
    domain     => 'localhost',
    cookieName => $https ? 'llngs' : 'llng',
    securedCookie => $https,      # Secure cookies over https
    httpOnly      => 1,
    trustedDomains => '',
    logLevel      => 'notice',
    portalSkin    => 'bootstrap',
    passwordDB    => 'Null',
    registerDB    => 'Null',

    # Users: DBI on SQLite, clear-text passwords compared in SQL (test only)
    authentication      => 'DBI',
    userDB              => 'Same',
    dbiAuthChain        => "dbi:SQLite:dbname=$state/llng-users.db",
    dbiAuthUser         => '',
    dbiAuthPassword     => '',
    dbiAuthTable        => 'users',
    dbiUserTable        => 'users',
    dbiAuthLoginCol     => 'user',
    dbiAuthPasswordCol  => 'password',
    dbiAuthPasswordHash => '',
    dbiExportedVars     => {},
    exportedVars => {
        uid      => 'user',
        mail     => 'mail',
        awsRoles => 'roles',
        awsRSN   => 'session_name',
        awsDur   => 'duration',
    },
    whatToTrace => 'uid',

    # Sessions in files under the state dir
    globalStorage        => 'Apache::Session::File',
    globalStorageOptions => {
        Directory      => "$dir/sessions",
        LockDirectory  => "$dir/sessions/lock",
        generateModule =>
          'Lemonldap::NG::Common::Apache::Session::Generate::SHA256',
    },
    persistentStorage        => 'Apache::Session::File',
    persistentStorageOptions => {
        Directory     => "$state/llng-psessions",
        LockDirectory => "$state/llng-psessions/lock",
    },
    localSessionStorage        => '',
    localSessionStorageOptions => {},
    notification               => 0,
    loginHistoryEnabled        => 0,
    portalDisplayRegister      => 0,
    portalDisplayResetPassword => 0,
    captcha_login_enabled      => 0,
    captcha_mail_enabled       => 0,
    captcha_register_enabled   => 0,
    locationRules => { localhost => { default => 'accept' } },

    # Second factors. TOTP: for users with a registered TOTP device (seeded
    # below; "1" means has2f("TOTP")). Ext2F: for cho only; the "code" is
    # checked by a command, so it is fixed: 424242.
    totp2fActivation       => 1,
    totp2fSelfRegistration => 0,
    totp2fDigits           => 6,
    totp2fInterval         => 30,
    totp2fRange            => 1,
    totp2fLabel            => 'TOTP',
    ext2fActivation        => '$uid eq "cho"',
    ext2fCodeActivation    => '',    # the validate command checks the code
    ext2FSendCommand       => '/bin/true',
    ext2FValidateCommand   => '/usr/bin/test $code = 424242',
    ext2fLabel             => 'Fixed code',
    sfRequired             => 0,

    # SAML IdP (Lasso), fixed entity ID; AWS as SP, IdP-initiated allowed
    issuerDBSAMLActivation     => 1,
    issuerDBSAMLPath           => '^/saml/',
    issuerDBSAMLRule           => 1,
    samlEntityID               => 'https://llng.samlogin.test/saml/metadata',
    samlServicePrivateKeySig   => slurp("$state/cert/idp.key"),
    samlServicePrivateKeySigPwd => '',
    samlServicePublicKeySig    => slurp("$state/cert/idp.crt"),
    samlServiceSignatureMethod => 'RSA_SHA256',
    samlSPMetaDataXML => { aws => { samlSPMetaDataXML => $awsMetadata } },
    samlSPMetaDataOptions => {
        aws => {
            samlSPMetaDataOptionsEnableIDPInitiatedURL     => 1,
            samlSPMetaDataOptionsNameIDFormat              => 'persistent',
            samlSPMetaDataOptionsSignSSOMessage            => 1,
            samlSPMetaDataOptionsSignSLOMessage            => 1,
            samlSPMetaDataOptionsCheckSSOMessageSignature  => 0,
            samlSPMetaDataOptionsCheckSLOMessageSignature  => 0,
            samlSPMetaDataOptionsEncryptionMode            => 'none',
            samlSPMetaDataOptionsSessionNotOnOrAfterTimeout => 72000,
            samlSPMetaDataOptionsNotOnOrAfterTimeout       => 300,
            samlSPMetaDataOptionsForceUTF8                 => 1,
        },
    },
    samlSPMetaDataExportedAttributes => {
        aws => {
            awsRoles => "1;${A}Role;$uri;",
            awsRSN   => "1;${A}RoleSessionName;$uri;",
            awsDur   => "0;${A}SessionDuration;$uri;",
        },
    },
};
spit( "$dir/conf/lmConf-1.json", JSON->new->pretty->canonical->encode($conf) );

spit( "$dir/lemonldap-ng.ini", <<"INI" );
; LemonLDAP::NG of the samlogin test bed ($name), via LLNG_DEFAULTCONFFILE
[all]
logLevel = notice
checkTime = 1
[configuration]
type = File
dirName = $dir/conf
[portal]
staticPrefix = /static
templateDir = /usr/share/lemonldap-ng/portal/templates
languages = en
INI

# Users and registered 2F devices: shared by the http and https portals.
unless ( -s "$state/llng-users.db" ) {
    my $dbh = DBI->connect( "dbi:SQLite:dbname=$state/llng-users.db",
        '', '', { RaiseError => 1, sqlite_unicode => 0 } );
    $dbh->do($_) for grep { /\S/ } split /;\s*\n/, slurp("$here/users.sql");
    $dbh->disconnect;
}
my $devices = decode_json( slurp("$here/devices.json") );
for my $uid ( sort keys %$devices ) {
    my $pid = getPSessionID($uid);
    next if -e "$state/llng-psessions/$pid";
    my $ps = Lemonldap::NG::Common::Session->new( {
            storageModule        => 'Apache::Session::File',
            storageModuleOptions => {
                Directory     => "$state/llng-psessions",
                LockDirectory => "$state/llng-psessions/lock",
            },
            id    => $pid,
            force => 1,
            kind  => 'Persistent',
            info  => {
                _session_uid => $uid,
                _utime       => time,
                _2fDevices   => encode_json( $devices->{$uid} ),
            },
        }
    );
    die "psession $uid: " . $ps->error . "\n" if $ps->error;
}
