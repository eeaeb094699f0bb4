/* SPDX-License-Identifier: MIT */
/*
 * App authentication (SPEC.md 10): an application's id and RSA private key
 * become, per owner, an installation token. The key signs a short JWT
 * (RS256), the JWT finds the owner's installation and exchanges it for a
 * token, and the token is renewed before it expires and once after an
 * unexpected 401. Where those requests go is the plugin's endpoint
 * (epithet_endpoint::app_*); how they are sent is the host's (app_send_fn).
 *
 * Secrets: the key, the JWT and the tokens never leave this file except as
 * the Authorization header handed to the HTTP layer, and every copy is wiped
 * (OPENSSL_cleanse) when it is no longer needed. Nothing here logs.
 *
 * Threading: an app_session may be used from several threads at once; each
 * owner's token is fetched once however many readers ask for it together.
 */
#ifndef EPITHET_CORE_APPAUTH_H
#define EPITHET_CORE_APPAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "epithet/host.h"

/* Renewal window: a token is renewed when less than this is left of it... */
#define APP_RENEW_BEFORE_S 300
/* ...and one issued with less life than that is used until this is left. */
#define APP_RENEW_SHORT_S 60
/* The JWT: issued this long ago (a server clock a little behind accepts
 * it), valid for this long after its iat (a server's limit is 600 s). */
#define APP_JWT_BACKDATE_S 60
#define APP_JWT_LIFE_S 600

/* ---- credentials --------------------------------------------------------- */

struct app_cred;

/*
 * App credentials from an id and the PEM text of its private key (PKCS#1
 * "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", unencrypted). @where names the
 * key's source in messages ("--app-key FILE", "EPITHET_APP_KEY"). Returns 0,
 * or EPITHET_EINVALID with @msg saying what is wrong (never the key).
 */
int app_cred_from_pem(const char *app_id, const char *pem, size_t len, const char *where,
		      struct app_cred **out, char *msg, size_t msg_len);
/* The same from a file (read, parsed, and its text wiped). */
int app_cred_from_file(const char *app_id, const char *path, const char *where,
		       struct app_cred **out, char *msg, size_t msg_len);
/* Is @id an App id ("12345", or a client id "Iv1.abc...")? */
bool app_id_valid(const char *id);
const char *app_cred_id(const struct app_cred *c);
void app_cred_free(struct app_cred *c);

/* ---- the pure parts (unit-tested) --------------------------------------- */

/* RFC 4648 base64url of @data, without padding. malloc'd; NULL when out of memory. */
char *app_base64url(const unsigned char *data, size_t n);
/* The JWT claims for @app_id at @now: {"iat":now-60,"exp":iat+600,"iss":ID}
 * (a numeric id as a number, a client id as a string). Returns the length,
 * or -1 when @n is too small. */
int app_jwt_claims(const char *app_id, time_t now, char *buf, size_t n);
/* A signed JWT (header.claims.signature) for @c at @now, malloc'd (wipe it:
 * app_wipe_free), or NULL. */
char *app_jwt_sign(const struct app_cred *c, time_t now);
/* Whether a token issued at @issued that expires at @expires must be
 * renewed before it is used at @now. */
bool app_token_needs_renewal(time_t now, time_t issued, time_t expires);
/* An RFC 3339 time ("2026-12-03T10:00:00Z", "...+01:00", fractions) as
 * seconds since the epoch; false when it is not one. */
bool app_parse_time(const char *s, time_t *out);
/* Wipe a NUL-terminated secret and free it. Accepts NULL. */
void app_wipe_free(char *s);

/* ---- installation tokens -------------------------------------------------- */

/*
 * How a session sends its own requests (installation lookups, token
 * exchanges): through the host's HTTP, with @auth as the whole
 * Authorization header, to @path under the API root, never cached. On 0,
 * *status is the HTTP status and *body (malloc'd, NUL-terminated, *len
 * bytes) the answer, which the caller wipes and frees. Otherwise a negative
 * status with @err set (network, interrupted...).
 */
typedef int (*app_send_fn)(void *ctx, const char *method, const char *path, const char *auth,
			   int *status, char **body, size_t *len, struct epithet_error *err);

struct app_session_config {
	const struct app_cred *cred;     /* borrowed: outlives the session */
	const char *auth_scheme;         /* "Bearer" */
	const char *const *owner_paths;  /* GET templates with {owner}, NULL-terminated */
	const char *repo_path;           /* GET template with {owner} {repo}, or NULL */
	const char *exchange_path;       /* POST template with {id} */
	app_send_fn send;
	void *send_ctx;
	char *(*escape)(const char *segment); /* one escaped path segment, malloc'd */
};

struct app_session;

/* A session (the config's strings are copied). NULL when out of memory. */
struct app_session *app_session_new(const struct app_session_config *cfg);
void app_session_free(struct app_session *s);

/*
 * The Authorization header of a request acting for @owner (@repo: the
 * repository it names, or NULL): "Authorization: SCHEME TOKEN", malloc'd
 * into *header (release with app_wipe_free); *gen identifies the token for
 * app_session_refused. Finds the installation and exchanges or renews the
 * token when needed. Returns 0; EPITHET_EAUTH when the App is not installed
 * on the owner or its credentials are refused (then every later request for
 * that owner fails the same way); or another status with @err set.
 */
int app_session_header(struct app_session *s, const char *owner, const char *repo,
		       char **header, unsigned *gen, struct epithet_error *err);

/*
 * A request for @owner sent with token @gen was answered 401. True: send it
 * again (the token will be renewed, or already was by another request).
 * False: the token renewed after an earlier 401 is refused too; the owner
 * fails from now on.
 */
bool app_session_refused(struct app_session *s, const char *owner, unsigned gen);

/* Has any owner failed (not installed, or its renewed token refused)? */
bool app_session_failed(struct app_session *s);

#endif
