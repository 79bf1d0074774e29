<?php
/*
 * SimpleSAMLphp 1.19 (Debian package "simplesamlphp") configuration for the
 * samlogin test bed. Selected with SIMPLESAMLPHP_CONFIG_DIR=<this directory>;
 * the system configuration in /etc/simplesamlphp is not used or changed.
 *
 * Everything writable (keys, sessions, logs) lives in the state directory
 * given by SSP_STATE_DIR, which testbed.sh creates. SSP_BASEURL is the URL
 * php -S serves (for example http://127.0.0.1:8081/), set by testbed.sh; for
 * the https front (stunnel with the test bed's private CA) it is the https URL
 * and SSP_SECURE_COOKIE=1 makes the session cookie Secure.
 * Test-only values: the salt and admin password protect nothing.
 */
$state = getenv('SSP_STATE_DIR') ?: '/tmp/samlogin-testbed';
$base  = getenv('SSP_BASEURL') ?: '/';
$secure = getenv('SSP_SECURE_COOKIE') === '1';

$config = [
    'baseurlpath' => $base,            // docroot is /usr/share/simplesamlphp/www
    'certdir' => $state . '/cert/',    // idp.key / idp.crt, generated at setup
    'loggingdir' => $state . '/log/',
    'datadir' => $state . '/data/',
    'tempdir' => $state . '/tmp',
    'metadatadir' => __DIR__ . '/metadata/',
    'attributenamemapdir' => '/usr/share/simplesamlphp/attributemap/',

    'secretsalt' => 'samlogin-testbed-not-a-secret',
    'auth.adminpassword' => 'testbed-admin',
    'admin.protectindexpage' => false,
    'admin.protectmetadata' => false,
    'admin.checkforupdates' => false,   // no internet

    'technicalcontact_name' => 'samlogin test bed',
    'technicalcontact_email' => 'na@example.org',
    'timezone' => 'UTC',

    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.adfs-idp' => false,
    'module.enable' => [
        'exampleauth' => true,   // exampleauth:UserPass, see authsources.php
        'core' => true,
        'saml' => true,
    ],

    'showerrors' => true,
    'errorreporting' => false,
    'debug' => ['saml' => false, 'backtraces' => true, 'validatexml' => false],
    'logging.level' => SimpleSAML\Logger::INFO,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',

    // Plain http on loopback: cookies must not be "Secure", or curl's jar
    // will not send them back and every login loops to NOSTATE. Over https
    // they are.
    'session.cookie.secure' => $secure,
    'session.cookie.samesite' => null,
    'session.phpsession.savepath' => $state . '/sessions',
    'session.cookie.name' => $secure ? 'SimpleSAMLSessionIDs' : 'SimpleSAMLSessionID',
    'session.duration' => 8 * 3600,
    'store.type' => 'phpsession',

    'language.available' => ['en'],
    'language.default' => 'en',
    'theme.use' => 'default',
];
