// Package awsconfig is the AWS side of samlogin: the STS exchange of a
// SAMLResponse for credentials, and the shared files ~/.aws/config and
// ~/.aws/credentials.
//
// The files belong to the user. WriteProfile changes only the keys samlogin
// owns in the sections it writes:
//
//	credentials  [NAME]             aws_access_key_id, aws_secret_access_key,
//	                                aws_session_token, x_security_token_expires,
//	                                x_principal_arn
//	config       [profile NAME]     region, output, samlogin_*
//	config       [profile CHAIN]    role_arn, source_profile, region
//
// Every other byte (comments, order, spacing, nested "s3 =" blocks,
// sso-session and services sections, CRLF) is kept; the editor is package
// ini, which reads lines as aws-sdk-go-v2 reads them.
//
// Files are changed by UpdateMany: under a lock file per file (PATH.lock),
// read, edit, then write a temporary file in the same folder, fsync, rename
// and fsync the folder, so a reader or a crash sees the old file or the new
// one, never a mix. New files are 0600 and new folders 0700; an existing
// file keeps its mode.
package awsconfig
