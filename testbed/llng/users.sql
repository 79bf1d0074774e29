-- Users of the LemonLDAP::NG portals of the samlogin test bed (SQLite, UTF-8).
-- roles: the AWS Role values ("roleARN,principalARN" or the other order),
-- separated by LLNG's multiValuesSeparator "; ". Clear-text passwords: test only.
--   bob      one role (the one shape moto takes), password only
--   alice    three roles, two accounts, both orders, SessionDuration 28800
--   sam.special@example.test  a password with non-ASCII characters and &
--   carol    no role
--   tom      one role; TOTP (devices.json)
--   cho      one role; TOTP and the external 2F: the portal asks which
CREATE TABLE users (
    user TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    mail TEXT,
    session_name TEXT,
    duration TEXT,
    roles TEXT
);
INSERT INTO users VALUES ('bob', 'bob-pass', 'bob@example.test', 'bob@example.test', '3600',
    'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/LLNG');
INSERT INTO users VALUES ('alice', 'alice-pass', 'alice@example.test', 'alice@example.test', '28800',
    'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/LLNG; arn:aws:iam::123456789012:saml-provider/LLNG,arn:aws:iam::123456789012:role/ReadOnly; arn:aws:iam::210987654321:role/Deploy,arn:aws:iam::210987654321:saml-provider/LLNG');
INSERT INTO users VALUES ('sam.special@example.test', 'Grüße & ça=+%:x ✓', 'sam.special@example.test', 'sam.special@example.test', NULL,
    'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/LLNG');
INSERT INTO users VALUES ('carol', 'carol-pass', 'carol@example.test', 'carol@example.test', NULL, NULL);
INSERT INTO users VALUES ('tom', 'tom-pass', 'tom@example.test', 'tom@example.test', '3600',
    'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/LLNG');
INSERT INTO users VALUES ('cho', 'cho-pass', 'cho@example.test', 'cho@example.test', '3600',
    'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/LLNG');
