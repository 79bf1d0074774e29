// Package awsconfig is the AWS side of samlogin: the STS exchange of a
// SAMLResponse for credentials, and the shared files ~/.aws/config and
// ~/.aws/credentials.
//
// # One truth for a profile
//
// Store is the one place that answers "what does profile P hold now":
// Store.Profile reads both files and samlogin's credential cache and
// returns a Profile: its credentials now and until when (from the
// credentials file, or from the cache when P uses samlogin's
// credential_process), whom they are for (Identity: IdP, user, role ARN,
// partition), whether P is a chain (role_arn + source_profile) and on which
// source, the chains that start from it, and its stored sign-in settings.
// Every command (login, exec, env, console, credential-process, status,
// logout) reads profiles through it and none reads the stores on its own.
// Store.FindValid finds valid credentials that samlogin already holds for
// an identity (another profile's, or the cache's), so that writing a second
// profile for the same role needs no new sign-in.
//
// A credential cache entry (one per IdP, user and role) is shared by the
// profiles of that identity; each profile that serves it is on the entry's
// list (Store.Grant), and logging a profile out takes it off the list
// (Store.Release), removing the entry only when no profile is left.
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
// file that holds keys (the credentials file) ends 0600, any other keeps
// its mode. Links to another user's file, and links or files in a folder
// anyone can write to without the sticky bit, are refused
// (atomicfile.Resolve).
package awsconfig
