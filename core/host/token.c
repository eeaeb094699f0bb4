/* SPDX-License-Identifier: MIT */
/*
 * token.c — where the token comes from: the environment, --token-file,
 * ~/.netrc (or $NETRC). Hands back the token and the name of its source,
 * never prints it. Knows nothing of HTTP, of the session or of the endpoint.
 */
#include "internal.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_FILE_MAX 65536
#define NETRC_MAX ((long)1 << 20)

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A token found in @where: trimmed, refused when it holds control
 * characters (they would split the Authorization header). */
static int take_token(const char *raw, size_t n, const char *where, char **out,
		      struct epithet_error *err)
{
	char *t = hs_dup_trimmed(raw, n);

	if (!t) {
		hs_error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	if (!*t) {
		free(t);
		return EPITHET_ENOTFOUND;
	}
	if (has_ctl(t)) {
		explicit_bzero(t, strlen(t));
		free(t);
		hs_error_set(err, EPITHET_EINVALID, 0, "the token from %s contains control characters", where);
		return EPITHET_EINVALID;
	}
	*out = t;
	return 0;
}

static int token_from_env(const char *name, char **out, struct epithet_error *err)
{
	const char *v;

	if (!name || !*name)
		return EPITHET_ENOTFOUND;
	v = getenv(name);
	if (!v)
		return EPITHET_ENOTFOUND;
	return take_token(v, strlen(v), name, out, err);
}

/* Read at most @max bytes of @path into a malloc'd NUL-terminated buffer.
 * Warns when others may read it: it holds a secret. */
static int slurp_secret(const char *path, long max, char **out, size_t *len)
{
	FILE *f;
	struct stat st;
	char *buf;
	size_t n;
	int saved;

	*out = NULL;
	f = fopen(path, "re");
	if (!f) {
		saved = errno;
		return saved > 0 ? -saved : -EIO;
	}
	if (fstat(fileno(f), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			fclose(f);
			return -EISDIR;
		}
		if (S_ISREG(st.st_mode) && (st.st_mode & 077))
			log_warn("%s can be read by other users; it holds a token (chmod 600 it)", path);
	}
	buf = malloc((size_t)max + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, (size_t)max, f);
	saved = ferror(f) ? EIO : 0;
	fclose(f);
	if (saved) {
		explicit_bzero(buf, n);
		free(buf);
		return -saved;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int token_from_file(const char *path, char **out, struct epithet_error *err)
{
	char *buf;
	size_t len, line;
	int rc;

	rc = slurp_secret(path, TOKEN_FILE_MAX, &buf, &len);
	if (rc == -ENOMEM) {
		hs_error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	if (rc != 0 || !buf) {
		hs_error_set(err, EPITHET_EINVALID, 0, "--token-file %s: %s", path, strerror(-rc));
		return EPITHET_EINVALID;
	}
	/* the first line only: a file may carry a comment or a second token */
	line = strcspn(buf, "\r\n");
	rc = take_token(buf, line, "--token-file", out, err);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

/*
 * ~/.netrc. libcurl reads netrc itself (CURLOPT_NETRC), but only to send
 * Basic authentication with the login and password, while forges want
 * "Authorization: SCHEME TOKEN"; and it has no API that hands the parsed
 * password back. netrc is a tiny format, so it is read here: white-space
 * separated tokens; "machine NAME", "default", "login X", "password X",
 * "account X" in any order; "macdef NAME" followed by a macro that ends at
 * an empty line; a line whose first token starts with '#' is a comment; a
 * token may be double-quoted with \" \\ \n \r \t escapes (as libcurl >= 7.84
 * accepts). The password of the first "machine" equal to the API host
 * (case-insensitive) wins; otherwise that of "default".
 */
struct netrc_lexer {
	const char *p, *end;
	bool at_line_start;
};

/* The next token into @buf (at least as large as the file), or false. */
static bool netrc_next(struct netrc_lexer *lx, char *buf)
{
	bool line_start = lx->at_line_start;
	size_t n = 0;
	char c;

	for (;;) {
		while (lx->p < lx->end && hs_is_space(*lx->p)) {
			if (*lx->p == '\n')
				line_start = true;
			lx->p++;
		}
		if (lx->p >= lx->end)
			return false;
		if (line_start && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	lx->at_line_start = false;
	if (*lx->p == '"') {
		lx->p++;
		while (lx->p < lx->end && *lx->p != '"') {
			c = *lx->p++;
			if (c == '\\' && lx->p < lx->end) {
				c = *lx->p++;
				c = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
			}
			buf[n++] = c;
		}
		if (lx->p < lx->end)
			lx->p++;
	} else {
		while (lx->p < lx->end && !hs_is_space(*lx->p))
			buf[n++] = *lx->p++;
	}
	buf[n] = '\0';
	return true;
}

/* Skip a macdef body: everything up to and including the next empty line. */
static void netrc_skip_macro(struct netrc_lexer *lx)
{
	const char *line;

	/* the rest of the "macdef NAME" line */
	while (lx->p < lx->end && *lx->p != '\n')
		lx->p++;
	while (lx->p < lx->end) {
		line = ++lx->p;
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
		if (lx->p - line == 0 || (lx->p - line == 1 && *line == '\r'))
			break;
	}
	lx->at_line_start = true;
}

static char *netrc_password(const char *text, size_t len, const char *host)
{
	struct netrc_lexer lx = { text, text + len, true };
	enum { NONE, OTHER, MATCH, DEFAULT } entry = NONE;
	char *tok, *machine_pw = NULL, *default_pw = NULL;

	tok = malloc(len + 1);
	if (!tok)
		return NULL;
	while (!machine_pw && netrc_next(&lx, tok)) {
		if (strcmp(tok, "machine") == 0) {
			if (!netrc_next(&lx, tok))
				break;
			entry = strcasecmp(tok, host) == 0 ? MATCH : OTHER;
		} else if (strcmp(tok, "default") == 0) {
			entry = DEFAULT;
		} else if (strcmp(tok, "login") == 0 || strcmp(tok, "account") == 0) {
			if (!netrc_next(&lx, tok))
				break;
		} else if (strcmp(tok, "password") == 0) {
			if (!netrc_next(&lx, tok))
				break;
			if (entry == MATCH)
				machine_pw = strdup(tok);
			else if (entry == DEFAULT && !default_pw)
				default_pw = strdup(tok);
		} else if (strcmp(tok, "macdef") == 0) {
			netrc_skip_macro(&lx);
		}
		/* anything else is a token this reader does not know: skipped */
	}
	explicit_bzero(tok, len + 1);
	free(tok);
	if (machine_pw) {
		if (default_pw)
			explicit_bzero(default_pw, strlen(default_pw));
		free(default_pw);
		return machine_pw;
	}
	return default_pw;
}

static int token_from_netrc(const char *host, char **out, const char **source,
			    struct epithet_error *err)
{
	const char *env = getenv("NETRC"), *home;
	char path[4096], *text = NULL, *pw;
	size_t len = 0;
	struct passwd pwd, *res = NULL;
	char pwbuf[4096];
	int rc;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
		*source = "$NETRC";
	} else {
		home = getenv("HOME");
		if ((!home || !*home) && getpwuid_r(getuid(), &pwd, pwbuf, sizeof(pwbuf), &res) == 0 && res)
			home = res->pw_dir;
		if (!home || !*home)
			return EPITHET_ENOTFOUND;
		snprintf(path, sizeof(path), "%s/.netrc", home);
		*source = "~/.netrc";
	}
	rc = slurp_secret(path, NETRC_MAX, &text, &len);
	if (rc == -ENOMEM) {
		hs_error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	if (rc != 0 || !text) {
		/* no netrc is the common case; an unreadable one is not worth
		 * failing the run for, since public reads may need no token */
		if (rc != -ENOENT)
			log_warn("%s: %s; not using it", path, strerror(-rc));
		return EPITHET_ENOTFOUND;
	}
	pw = netrc_password(text, len, host);
	explicit_bzero(text, len);
	free(text);
	if (!pw)
		return EPITHET_ENOTFOUND;
	rc = take_token(pw, strlen(pw), *source, out, err);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return rc;
}

int hostsvc_token_lookup(const char *const *env_names, const char *target_env,
			 const char *token_file, const char *host, char **out,
			 const char **source, struct epithet_error *err)
{
	const char *src = NULL;
	int rc;

	*out = NULL;
	*source = NULL;
	rc = token_from_env("EPITHET_TOKEN", out, err);
	if (rc != EPITHET_ENOTFOUND) {
		src = "EPITHET_TOKEN";
		goto done;
	}
	for (; env_names && *env_names; env_names++) {
		rc = token_from_env(*env_names, out, err);
		if (rc != EPITHET_ENOTFOUND) {
			src = *env_names;
			goto done;
		}
	}
	rc = token_from_env(target_env, out, err);
	if (rc != EPITHET_ENOTFOUND) {
		src = target_env;
		goto done;
	}
	if (token_file) {
		rc = token_from_file(token_file, out, err);
		if (rc != EPITHET_ENOTFOUND) {
			src = "--token-file";
			goto done;
		}
	}
	if (host && *host) {
		rc = token_from_netrc(host, out, &src, err);
		if (rc != EPITHET_ENOTFOUND)
			goto done;
	}
	return EPITHET_ENOTFOUND;
done:
	if (rc == 0)
		*source = src;
	return rc;
}
