/* SPDX-License-Identifier: MIT */
/*
 * Installation tokens (appauth.h, second half): one per owner, found,
 * exchanged, renewed and wiped here. The JWT is signed afresh for each
 * lookup or exchange (appkey.c) and wiped right after it was sent.
 *
 * Each owner has a lock held while its token is fetched, so that parallel
 * readers asking for the same owner wait for one exchange instead of making
 * one each; other owners are not held up. An owner whose installation cannot
 * be found, or whose credentials are refused, keeps that failure: every later
 * request for it fails the same way, without sending anything.
 */
#include "appauth.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#define QUOTE_MAX 160   /* a server message quoted in an error */

struct app_owner {
	struct app_owner *next;
	char *owner;               /* as first asked; compared ignoring case */
	pthread_mutex_t lock;      /* everything below */
	char *installation;        /* the installation id, NULL until found */
	char *header;              /* "Authorization: SCHEME TOKEN", or NULL */
	time_t issued, expires;
	unsigned gen;              /* bumped with each token */
	bool stale;                /* renew before the next use (after a 401) */
	bool renewed_for_401;      /* the one renewal after a 401 is spent */
	bool failed;               /* every request fails with @why */
	struct epithet_error why;
};

struct app_session {
	struct app_session_config cfg;  /* strings below are copies */
	char **owner_paths;
	pthread_mutex_t lock;           /* the list of owners */
	struct app_owner *owners;
	bool any_failed;
};

static int fail(struct epithet_error *err, int code, int http_status, const char *fmt, ...)
	EPITHET_PRINTF(4, 5);

static int fail(struct epithet_error *err, int code, int http_status, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->http_status = http_status;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		for (char *p = err->message; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return code;
}

/* ---- the session ------------------------------------------------------------ */

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}

struct app_session *app_session_new(const struct app_session_config *cfg)
{
	struct app_session *s = calloc(1, sizeof(*s));
	size_t n = 0;
	bool oom = !s;

	if (!s)
		return NULL;
	s->cfg = *cfg;
	while (cfg->owner_paths && cfg->owner_paths[n])
		n++;
	s->owner_paths = calloc(n + 1, sizeof(*s->owner_paths));
	oom |= !s->owner_paths;
	for (size_t i = 0; !oom && i < n; i++)
		s->owner_paths[i] = dup_or_null(cfg->owner_paths[i], &oom);
	s->cfg.owner_paths = (const char *const *)s->owner_paths;
	s->cfg.auth_scheme = dup_or_null(cfg->auth_scheme ? cfg->auth_scheme : "Bearer", &oom);
	s->cfg.repo_path = dup_or_null(cfg->repo_path, &oom);
	s->cfg.exchange_path = dup_or_null(cfg->exchange_path, &oom);
	pthread_mutex_init(&s->lock, NULL);
	if (oom) {
		app_session_free(s);
		return NULL;
	}
	return s;
}

void app_session_free(struct app_session *s)
{
	struct app_owner *o, *next;

	if (!s)
		return;
	for (o = s->owners; o; o = next) {
		next = o->next;
		pthread_mutex_destroy(&o->lock);
		app_wipe_free(o->header);
		free(o->installation);
		free(o->owner);
		free(o);
	}
	for (size_t i = 0; s->owner_paths && s->owner_paths[i]; i++)
		free(s->owner_paths[i]);
	free(s->owner_paths);
	free((char *)s->cfg.auth_scheme);
	free((char *)s->cfg.repo_path);
	free((char *)s->cfg.exchange_path);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The entry of @owner, made on first use; NULL when out of memory. */
static struct app_owner *owner_entry(struct app_session *s, const char *owner)
{
	struct app_owner *o;

	pthread_mutex_lock(&s->lock);
	for (o = s->owners; o; o = o->next)
		if (strcasecmp(o->owner, owner) == 0)
			break;
	if (!o && (o = calloc(1, sizeof(*o))) != NULL) {
		o->owner = strdup(owner);
		if (!o->owner) {
			free(o);
			o = NULL;
		} else {
			pthread_mutex_init(&o->lock, NULL);
			o->next = s->owners;
			s->owners = o;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return o;
}

/* @tmpl with {owner}, {repo} and {id} replaced by escaped segments. */
static char *expand(const struct app_session *s, const char *tmpl, const char *owner,
		    const char *repo, const char *id)
{
	static const char *const names[] = {"{owner}", "{repo}", "{id}"};
	const char *values[] = {owner, repo, id};
	size_t len = 0;
	char *out = NULL;
	FILE *mem = open_memstream(&out, &len);
	bool ok = mem != NULL;

	for (const char *p = tmpl; ok && *p;) {
		size_t k;

		for (k = 0; k < 3; k++)
			if (strncmp(p, names[k], strlen(names[k])) == 0)
				break;
		if (k == 3) {
			fputc(*p++, mem);
			continue;
		}
		char *seg = values[k] ? s->cfg.escape(values[k]) : NULL;

		ok = seg != NULL;
		if (ok)
			fputs(seg, mem);
		free(seg);
		p += strlen(names[k]);
	}
	if (mem && fclose(mem) != 0)
		ok = false;
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- answers ------------------------------------------------------------------ */

/* Parse an answer with a tokener whose buffer is wiped afterwards: it held
 * the answer's last strings (a token among them). */
static struct json_object *parse_secret(const char *body, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok || len > (size_t)1 << 20) {
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	if (tok->pb && tok->pb->buf)
		OPENSSL_cleanse(tok->pb->buf, (size_t)tok->pb->size);
	json_tokener_free(tok);
	return o;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The server's "message", as one printable line, into @buf ("" if none). */
static void quote_message(const char *body, size_t len, char *buf, size_t n)
{
	struct json_object *o = parse_secret(body, len);
	const char *m = o ? get_string(o, "message") : NULL;
	size_t k = 0;

	buf[0] = '\0';
	if (m && n > 4) {
		k = (size_t)snprintf(buf, n, ": ");
		for (; *m && k + 1 < n && k < QUOTE_MAX; m++)
			buf[k++] = (unsigned char)*m < 0x20 || *m == 0x7f ? ' ' : *m;
		buf[k] = '\0';
	}
	json_object_put(o);
}

static void wipe_body(char *body, size_t len)
{
	if (body) {
		OPENSSL_cleanse(body, len);
		free(body);
	}
}

/* Wipe the strings of @o's member @key inside the parsed answer. */
static void wipe_member(struct json_object *o, const char *key)
{
	const char *v = get_string(o, key);

	if (v)
		OPENSSL_cleanse((char *)v, strlen(v));
}

/* ---- lookup and exchange ---------------------------------------------------------- */

/* Send one of the App's own requests, signed with a fresh JWT. */
static int send_signed(struct app_session *s, const char *method, const char *path, int *status,
		       char **body, size_t *len, struct epithet_error *err)
{
	char *jwt = app_jwt_sign(s->cfg.cred, time(NULL)), *auth = NULL;
	int rc;

	*body = NULL;
	if (!jwt || asprintf(&auth, "Authorization: %s %s", s->cfg.auth_scheme, jwt) < 0) {
		app_wipe_free(jwt);
		return fail(err, EPITHET_ENOMEM, 0, "cannot sign the App's JWT (out of memory)");
	}
	app_wipe_free(jwt);
	rc = s->cfg.send(s->cfg.send_ctx, method, path, auth, status, body, len, err);
	app_wipe_free(auth);
	return rc;
}

/* A refusal of the App itself: EAUTH, kept for the owner. */
static int refused(struct app_session *s, struct app_owner *o, int status, const char *what,
		   const char *body, size_t len, struct epithet_error *err)
{
	char msg[QUOTE_MAX + 8];

	quote_message(body, len, msg, sizeof(msg));
	return fail(err, EPITHET_EAUTH, status, "the App %s was refused %s for '%s' (%d)%s",
		    app_cred_id(s->cfg.cred), what, o->owner, status, msg);
}

static int unexpected(int status, const char *what, struct epithet_error *err)
{
	return fail(err, status >= 500 ? EPITHET_ESERVER : EPITHET_EPROTOCOL, status,
		    "App authentication: %s answered %d", what, status);
}

/* GET @path; 1 when it answered 404, 0 with o->installation set. */
static int try_lookup(struct app_session *s, struct app_owner *o, const char *path,
		      struct epithet_error *err)
{
	struct json_object *root = NULL, *id;
	char *body = NULL;
	size_t len = 0;
	int status = 0, rc;

	rc = send_signed(s, "GET", path, &status, &body, &len, err);
	if (rc != 0)
		return rc;
	if (status == 404) {
		rc = 1;
	} else if (status == 401 || status == 403) {
		rc = refused(s, o, status, "looking up its installation", body, len, err);
	} else if (status != 200) {
		rc = unexpected(status, "the installation lookup", err);
	} else if (!(root = parse_secret(body, len)) || !json_object_object_get_ex(root, "id", &id) ||
		   !json_object_is_type(id, json_type_int) || json_object_get_int64(id) <= 0) {
		rc = fail(err, EPITHET_EPROTOCOL, status,
			  "App authentication: the installation of '%s' has no id", o->owner);
	} else if (asprintf(&o->installation, "%lld", (long long)json_object_get_int64(id)) < 0) {
		o->installation = NULL;
		rc = fail(err, EPITHET_ENOMEM, 0, "out of memory");
	}
	json_object_put(root);
	wipe_body(body, len);
	return rc;
}

/* The installation of @o: the repository's path first when the request
 * names one, then the owner's paths, each on the previous one's 404. */
static int lookup(struct app_session *s, struct app_owner *o, const char *repo,
		  struct epithet_error *err)
{
	char *path;
	int rc = 1;

	if (repo && s->cfg.repo_path) {
		path = expand(s, s->cfg.repo_path, o->owner, repo, NULL);
		rc = path ? try_lookup(s, o, path, err) : fail(err, EPITHET_ENOMEM, 0, "out of memory");
		free(path);
	}
	for (size_t i = 0; rc == 1 && s->owner_paths[i]; i++) {
		path = expand(s, s->owner_paths[i], o->owner, repo, NULL);
		rc = path ? try_lookup(s, o, path, err) : fail(err, EPITHET_ENOMEM, 0, "out of memory");
		free(path);
	}
	if (rc == 1)
		rc = fail(err, EPITHET_EAUTH, 404, "the App %s is not installed on '%s'%s%s%s",
			  app_cred_id(s->cfg.cred), o->owner, repo ? " (nor on " : "",
			  repo ? repo : "", repo ? ")" : "");
	return rc;
}

/* Take the token out of an exchange's answer into o->header. */
static int take_token(struct app_session *s, struct app_owner *o, const char *body, size_t len,
		      struct epithet_error *err)
{
	struct json_object *root = parse_secret(body, len);
	const char *token = root ? get_string(root, "token") : NULL;
	const char *exp = root ? get_string(root, "expires_at") : NULL;
	char *header = NULL;
	time_t expires, now = time(NULL);
	int rc = 0;

	if (!token || !*token || strpbrk(token, "\r\n \t") || !app_parse_time(exp, &expires)) {
		rc = fail(err, EPITHET_EPROTOCOL, 201,
			  "App authentication: the token exchange for '%s' answered no usable token",
			  o->owner);
	} else if (asprintf(&header, "Authorization: %s %s", s->cfg.auth_scheme, token) < 0) {
		rc = fail(err, EPITHET_ENOMEM, 0, "out of memory");
	} else {
		app_wipe_free(o->header);
		o->header = header;
		o->issued = now;
		o->expires = expires;
		o->gen++;
		o->stale = false;
	}
	if (root)
		wipe_member(root, "token");
	json_object_put(root);
	return rc;
}

/* A new token for @o (the installation found first when it is not known). */
static int renew(struct app_session *s, struct app_owner *o, const char *repo,
		 struct epithet_error *err)
{
	char *path, *body = NULL;
	size_t len = 0;
	int status = 0, rc;

	if (!o->installation && (rc = lookup(s, o, repo, err)) != 0)
		return rc;
	path = expand(s, s->cfg.exchange_path, o->owner, repo, o->installation);
	if (!path)
		return fail(err, EPITHET_ENOMEM, 0, "out of memory");
	rc = send_signed(s, "POST", path, &status, &body, &len, err);
	free(path);
	if (rc != 0)
		return rc;
	if (status == 200 || status == 201)
		rc = take_token(s, o, body, len, err);
	else if (status == 401 || status == 403 || status == 404 || status == 422)
		rc = refused(s, o, status, "an installation token", body, len, err);
	else
		rc = unexpected(status, "the token exchange", err);
	wipe_body(body, len);
	return rc;
}

int app_session_header(struct app_session *s, const char *owner, const char *repo,
		       char **header, unsigned *gen, struct epithet_error *err)
{
	struct app_owner *o;
	int rc = 0;

	*header = NULL;
	if (!owner || !*owner)
		return fail(err, EPITHET_EINVALID, 0,
			    "App authentication: the request names no owner (the plugin must set "
			    "epithet_http_request.owner)");
	o = owner_entry(s, owner);
	if (!o)
		return fail(err, EPITHET_ENOMEM, 0, "out of memory");
	pthread_mutex_lock(&o->lock);
	if (o->failed) {
		if (err)
			*err = o->why;
		rc = o->why.code;
		goto out;
	}
	if (!o->header || o->stale || app_token_needs_renewal(time(NULL), o->issued, o->expires)) {
		rc = renew(s, o, repo, err);
		if (rc == EPITHET_EAUTH) {
			o->failed = true;
			if (err)
				o->why = *err;
			pthread_mutex_lock(&s->lock);
			s->any_failed = true;
			pthread_mutex_unlock(&s->lock);
		}
		if (rc != 0)
			goto out;
	}
	*header = strdup(o->header);
	*gen = o->gen;
	if (!*header)
		rc = fail(err, EPITHET_ENOMEM, 0, "out of memory");
out:
	pthread_mutex_unlock(&o->lock);
	return rc;
}

bool app_session_refused(struct app_session *s, const char *owner, unsigned gen)
{
	struct app_owner *o = owner && *owner ? owner_entry(s, owner) : NULL;
	bool again = false, failed;

	if (!o)
		return false;
	pthread_mutex_lock(&o->lock);
	if (o->failed) {
		again = false;
	} else if (o->gen != gen) {
		again = true;            /* another request renewed it already */
	} else if (!o->renewed_for_401) {
		o->renewed_for_401 = true;
		o->stale = true;
		again = true;
	} else {
		o->failed = true;
		fail(&o->why, EPITHET_EAUTH, 401,
		     "the App %s's installation token for '%s' was refused (401), and so was a renewed one",
		     app_cred_id(s->cfg.cred), o->owner);
		app_wipe_free(o->header);
		o->header = NULL;
	}
	failed = o->failed;
	pthread_mutex_unlock(&o->lock);
	if (failed) {
		pthread_mutex_lock(&s->lock);
		s->any_failed = true;
		pthread_mutex_unlock(&s->lock);
	}
	return again;
}

bool app_session_failed(struct app_session *s)
{
	bool f;

	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	f = s->any_failed;
	pthread_mutex_unlock(&s->lock);
	return f;
}
