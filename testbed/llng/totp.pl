#!/usr/bin/perl
# totp.pl BASE32SECRET: prints the current RFC 6238 code (SHA-1, 30 s, 6
# digits), as the LemonLDAP::NG portals of the test bed expect.
use strict;
use warnings;
use Convert::Base32 qw(decode_base32);
use Digest::SHA qw(hmac_sha1);
my $key = decode_base32( $ARGV[0] // die "usage: totp.pl SECRET\n" );
my $h   = hmac_sha1( pack( 'Q>', int( time / 30 ) ), $key );
my $o   = ord( substr $h, -1 ) & 0x0f;
printf "%06d\n", ( unpack( 'N', substr $h, $o, 4 ) & 0x7fffffff ) % 1_000_000;
