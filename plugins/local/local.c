/* SPDX-License-Identifier: MIT */
/*
 * local: a forge that is a directory on disk. The directory stands for one
 * organization; each <repo>.json file in it is one repository with its labels
 * and issues; an optional _org.json holds owner-level labels. The format is
 * described in docs/local-forge.md.
 *
 * It is the offline sandbox of the quick start and the reference plugin:
 * if you are writing a forge plugin, read this file top to bottom. Every rule
 * of include/epithet/forge.h and host.h shows up here once, marked "ABI:".
 *
 * ABI: versioning. The plugin is built against one ABI major.minor
 *   (EPITHET_FORGE_ABI_*), says so in its static const struct epithet_forge,
 *   and its entry point (at the bottom) refuses a host of another major. It
 *   only calls host services of ABI 1.0, which every 1.x host has; a service
 *   appended in 1.N would be called only after
 *   EPITHET_HAS_METHOD(struct epithet_host, host, member).
 * ABI: ownership. Everything the host passes in is borrowed for the call;
 *   everything this plugin passes to a callback (repo, label, item) is
 *   borrowed for the callback, here pointing into a json-c tree freed right
 *   after. Nothing changes owner, so host->alloc/free are not needed: the
 *   plugin's own memory is plain malloc/free.
 * ABI: errors. Every failure returns a negative EPITHET_E* code after
 *   filling err through host->error_set (the fail() macro). A callback's
 *   non-zero return is passed back unchanged, without touching err.
 *   Nothing here prints, exits or aborts.
 * ABI: threading. The host calls the read methods of one session from
 *   several threads at once. The session is immutable after open() and every
 *   call reads its file afresh into its own json-c tree, so reads share
 *   nothing mutable and need no lock. Writes to one repository are never
 *   concurrent with anything else on that repository (the host's promise),
 *   so a read-modify-write of its file needs no lock either. Built for ABI
 *   1.1, the plugin says so with EPITHET_CAP_CONCURRENT_WRITES: writes to
 *   different repositories (different files, each with its own .tmp) may then
 *   run at once. Built for 1.0, it has no such bit and the host keeps every
 *   write of the session one at a time.
 *
 * The local forge behaves like GitHub where it matters to a sync: label names
 * are unique ignoring ASCII case, a name has at most 50 code points and a
 * description 100, a colour is 6 hex digits, a label created without one is
 * "ededed", and archived repositories refuse writes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "epithet/forge.h"

#define LOCAL_VERSION "1.0.0"
#define ORG_FILE "_org"          /* the owner-level labels: _org.json */
#define NAME_MAX_CP 50           /* GitHub's limits, in code points */
#define DESCRIPTION_MAX_CP 100
#define DEFAULT_COLOR "ededed"   /* what GitHub gives a label created without a colour */
#define NOT_FOUND SIZE_MAX

/* ABI: the session is opaque to the host; its layout is ours. */
struct epithet_forge_session {
	const struct epithet_host *host; /* valid until close() */
	char *dir;      /* the org directory as the user named it: files and messages */
	char *abs;      /* its absolute path: info->display */
	char *owner;    /* the org's name: --org, else the directory's name */
	bool dry_run;
};

/*
 * ABI: errors. host->error_set has no va_list form, so a macro forwards the
 * message; it evaluates to the code so that a failure is one line:
 *   return fail(s, err, EPITHET_ENOTFOUND, "%s: no such repository", path);
 * The 0 is the HTTP status: there is none behind a file.
 */
#define fail(s, err, code, ...) \
	((s)->host->error_set((err), (code), 0, __VA_ARGS__), (code))

/* strerror() need not be thread-safe and reads run in parallel. glibc with
 * _GNU_SOURCE has the GNU strerror_r, which returns the text; others have
 * the POSIX one, which fills buf. */
static const char *errtext(int e, char *buf, size_t n)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, n);
#else
	return strerror_r(e, buf, n) == 0 ? buf : "unknown error";
#endif
}

/* Fails with the text of errno: ENOENT becomes ENOTFOUND, ENOMEM ENOMEM,
 * anything else (EACCES, EIO, ENOSPC...) the generic EPITHET_ERROR. */
static int fail_errno(const struct epithet_forge_session *s, struct epithet_error *err,
		      const char *what, const char *path)
{
	int e = errno;
	char buf[128];
	int code = e == ENOENT ? EPITHET_ENOTFOUND : e == ENOMEM ? EPITHET_ENOMEM : EPITHET_ERROR;

	return fail(s, err, code, "%s: %s: %s", path, what, errtext(e, buf, sizeof(buf)));
}

/* ---- small helpers ----------------------------------------------------- */

/* Label names are unique ignoring ASCII case, as on GitHub. Hand-written, not
 * strcasecmp(), whose result depends on the locale. (The core matches names
 * with full Unicode folding; this is only the forge's own uniqueness rule.) */
static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

/* Code points in valid UTF-8 (json-c validates it on reading). */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A colour as a file or a caller may spell it ("#D73A4A", "d73a4a") into the
 * ABI's form: 6 lowercase hex digits, no '#'. */
static bool color_parse(const char *in, char out[7])
{
	static const char hex[] = "0123456789abcdef";

	if (in == NULL)
		return false;
	if (*in == '#')
		in++;
	for (int i = 0; i < 6; i++) {
		int c = (unsigned char)in[i];

		if (c >= 'A' && c <= 'F')
			c += 'a' - 'A';
		const char *p = c ? strchr(hex, c) : NULL;
		if (p == NULL)
			return false;
		out[i] = *p;
	}
	out[6] = '\0';
	return in[6] == '\0';
}

/* GitHub's rule for repository names: ASCII letters, digits, '-', '_', '.',
 * and not "." or "..". Checking it before a name becomes a path also keeps
 * "../../etc/passwd" away from the filesystem. "_org" is ours. */
static bool repo_name_ok(const char *name)
{
	if (name == NULL || *name == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strcmp(name, ORG_FILE) == 0)
		return false;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	}
	return true;
}

/* ---- JSON access ------------------------------------------------------- */

/* A member of an object, or NULL when absent (or JSON null). */
static json_object *get(json_object *obj, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(obj, key, &v);
	return v;
}

/* A member's text: NULL when absent or null. */
static const char *str(json_object *obj, const char *key)
{
	return json_object_get_string(get(obj, key));
}

/* json_object_array_length() asserts on anything but an array: an absent
 * list is an empty one, and a list of another type is never counted before
 * check_doc() has said it is an array. */
static size_t count(json_object *arr)
{
	return arr ? json_object_array_length(arr) : 0;
}

static json_object *nth(json_object *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

static bool has_type(json_object *v, json_type type)
{
	return json_object_is_type(v, type);
}

/* Sets obj[key] = val, taking val. -1 when out of memory. */
static int set(json_object *obj, const char *key, json_object *val)
{
	if (val == NULL)
		return -1;
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

/* A true flag is written, a false one removed: files stay short. */
static int set_flag(json_object *obj, const char *key, bool on)
{
	if (!on) {
		json_object_object_del(obj, key);
		return 0;
	}
	return set(obj, key, json_object_new_boolean(1));
}

/* The index of the label called @name in @labels (exactly, or ignoring ASCII
 * case with @fold), skipping index @skip; NOT_FOUND if none. */
static size_t find_label(json_object *labels, const char *name, bool fold, size_t skip)
{
	for (size_t i = 0; i < count(labels); i++) {
		const char *n = str(nth(labels, i), "name");

		if (i != skip && (fold ? ascii_casecmp(n, name) : strcmp(n, name)) == 0)
			return i;
	}
	return NOT_FOUND;
}

/* ---- files -------------------------------------------------------------- */

/* One file of the org directory, parsed. */
struct doc {
	char *path;        /* dir/<repo>.json or dir/_org.json */
	json_object *root; /* the whole object: editing it in place keeps unknown keys */
};

static void doc_finish(struct doc *d)
{
	json_object_put(d->root);
	free(d->path);
	*d = (struct doc){ 0 };
}

/* Reads a whole file into a NUL-terminated buffer. -1 with errno set. */
static int read_all(const char *path, char **out, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		if (n + 1 >= cap) {
			char *grown = realloc(buf, cap = cap ? 2 * cap : 4096);
			if (grown == NULL)
				goto error;
			buf = grown;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto error;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
error:
	{
		int e = errno;
		free(buf);
		close(fd);
		errno = e;
	}
	return -1;
}

/* Parses @buf strictly (no trailing commas or garbage, valid UTF-8). On a
 * syntax error the message gives file:line:column and json-c's own words. */
static int parse(const struct epithet_forge_session *s, const char *path, const char *buf,
		 size_t len, json_object **out, struct epithet_error *err)
{
	json_tokener *tok;
	json_object *obj;
	int rc = 0;

	if (len >= INT_MAX)
		return fail(s, err, EPITHET_EPROTOCOL, "%s: file too large", path);
	tok = json_tokener_new();
	if (tok == NULL)
		return fail(s, err, EPITHET_ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* len + 1 passes the NUL too: it tells json-c the input ends here. */
	obj = json_tokener_parse_ex(tok, buf, (int)len + 1);
	if (obj == NULL) {
		size_t end = json_tokener_get_parse_end(tok);
		unsigned line = 1, col = 1;

		for (size_t i = 0; i < end && i < len; i++, col++) {
			if (buf[i] == '\n') {
				line++;
				col = 0;
			}
		}
		rc = fail(s, err, EPITHET_EPROTOCOL, "%s:%u:%u: %s", path, line, col,
			  json_tokener_error_desc(json_tokener_get_error(tok)));
	}
	json_tokener_free(tok);
	*out = obj;
	return rc;
}

/* ---- the shape of a file --------------------------------------------- */

/*
 * A file's shape is checked once, on loading, so that the rest of the plugin
 * reads it without testing each type. Keys it does not know are left alone
 * (and kept on writing). ABI: an answer the plugin cannot understand is
 * EPROTOCOL, and the message says where the problem is.
 */
struct key_type {
	const char *key;
	json_type type;
};

/* Fails unless each of @keys is absent from @obj or of its type. @where
 * says which object it is, for the message. */
static int check_types(const struct epithet_forge_session *s, const char *path, const char *where,
		       json_object *obj, const struct key_type *keys, size_t n,
		       struct epithet_error *err)
{
	for (size_t i = 0; i < n; i++) {
		json_object *v = get(obj, keys[i].key);

		if (v != NULL && !has_type(v, keys[i].type))
			return fail(s, err, EPITHET_EPROTOCOL, "%s: %s\"%s\" must be a JSON %s",
				    path, where, keys[i].key, json_type_to_name(keys[i].type));
	}
	return 0;
}

static int check_label(const struct epithet_forge_session *s, const char *path,
		       json_object *labels, size_t i, struct epithet_error *err)
{
	static const struct key_type keys[] = {
		{ "color", json_type_string },
		{ "description", json_type_string },
		{ "exclusive", json_type_boolean },
		{ "archived", json_type_boolean },
	};
	json_object *l = nth(labels, i);
	const char *name = str(l, "name");
	char where[128], color[7];
	size_t twin;
	int rc;

	if (!has_type(l, json_type_object) || !has_type(get(l, "name"), json_type_string) ||
	    *name == '\0')
		return fail(s, err, EPITHET_EPROTOCOL, "%s: labels[%zu] needs a \"name\"", path, i);
	snprintf(where, sizeof(where), "label \"%.80s\": ", name);
	rc = check_types(s, path, where, l, keys, sizeof(keys) / sizeof(keys[0]), err);
	if (rc != 0)
		return rc;
	if (!color_parse(str(l, "color"), color))
		return fail(s, err, EPITHET_EPROTOCOL, "%s: %s\"color\" must be 6 hex digits",
			    path, where);
	/* CAP_UNIQUE_NAMES is a promise: a file breaking it is refused. */
	twin = find_label(labels, name, true, i);
	if (twin < i)
		return fail(s, err, EPITHET_EPROTOCOL,
			    "%s: labels \"%s\" and \"%s\" differ only by case",
			    path, str(nth(labels, twin), "name"), name);
	return 0;
}

static int check_issue(const struct epithet_forge_session *s, const char *path,
		       json_object *issue, size_t i, struct epithet_error *err)
{
	static const struct key_type keys[] = {
		{ "pull", json_type_boolean },
		{ "labels", json_type_array },
	};
	json_object *names = get(issue, "labels");
	char where[64];
	int rc;

	if (!has_type(issue, json_type_object) || !has_type(get(issue, "number"), json_type_int) ||
	    json_object_get_int64(get(issue, "number")) < 1)
		return fail(s, err, EPITHET_EPROTOCOL,
			    "%s: issues[%zu] needs a \"number\" of 1 or more", path, i);
	snprintf(where, sizeof(where), "issues[%zu]: ", i);
	rc = check_types(s, path, where, issue, keys, sizeof(keys) / sizeof(keys[0]), err);
	for (size_t j = 0; rc == 0 && j < count(names); j++) {
		if (!has_type(nth(names, j), json_type_string))
			rc = fail(s, err, EPITHET_EPROTOCOL,
				  "%s: issues[%zu].labels[%zu] must be a name", path, i, j);
	}
	return rc;
}

static int check_doc(const struct epithet_forge_session *s, const char *path,
		     json_object *root, struct epithet_error *err)
{
	static const struct key_type keys[] = {
		{ "archived", json_type_boolean },
		{ "fork", json_type_boolean },
		{ "private", json_type_boolean },
		{ "disabled", json_type_boolean },
		{ "topics", json_type_array },
		{ "labels", json_type_array },
		{ "issues", json_type_array },
	};
	json_object *topics = get(root, "topics"), *labels = get(root, "labels");
	json_object *issues = get(root, "issues");
	int rc;

	if (!has_type(root, json_type_object))
		return fail(s, err, EPITHET_EPROTOCOL, "%s: not a JSON object", path);
	rc = check_types(s, path, "", root, keys, sizeof(keys) / sizeof(keys[0]), err);
	for (size_t i = 0; rc == 0 && i < count(topics); i++) {
		if (!has_type(nth(topics, i), json_type_string))
			rc = fail(s, err, EPITHET_EPROTOCOL, "%s: topics[%zu] must be a string",
				  path, i);
	}
	for (size_t i = 0; rc == 0 && i < count(labels); i++)
		rc = check_label(s, path, labels, i, err);
	for (size_t i = 0; rc == 0 && i < count(issues); i++)
		rc = check_issue(s, path, nth(issues, i), i, err);
	return rc;
}

/*
 * Loads <repo>.json, or _org.json when @repo is NULL. A missing repo file is
 * ENOTFOUND; a missing _org.json is an org without owner-level labels yet.
 * Nothing is cached: each call reads the file afresh (see ABI: threading).
 */
static int doc_load(const struct epithet_forge_session *s, const char *repo, struct doc *d,
		    struct epithet_error *err)
{
	char *buf = NULL;
	size_t len;
	int rc;

	*d = (struct doc){ 0 };
	if (repo != NULL && !repo_name_ok(repo))
		return fail(s, err, EPITHET_ENOTFOUND, "%s: no repository named \"%s\"",
			    s->dir, repo);
	if (asprintf(&d->path, "%s/%s.json", s->dir, repo ? repo : ORG_FILE) < 0) {
		d->path = NULL;
		return fail(s, err, EPITHET_ENOMEM, "out of memory");
	}
	s->host->log(s->host->host_data, EPITHET_LOG_DEBUG, "read %s", d->path);
	if (read_all(d->path, &buf, &len) < 0) {
		if (errno == ENOENT && repo == NULL) {
			d->root = json_object_new_object();
			rc = d->root ? 0 : fail(s, err, EPITHET_ENOMEM, "out of memory");
		} else if (errno == ENOENT) {
			rc = fail(s, err, EPITHET_ENOTFOUND, "%s: no such repository", d->path);
		} else {
			rc = fail_errno(s, err, "cannot read", d->path);
		}
		goto out;
	}
	rc = parse(s, d->path, buf, len, &d->root, err);
	if (rc == 0)
		rc = check_doc(s, d->path, d->root, err);
out:
	free(buf);
	if (rc != 0)
		doc_finish(d);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Writes @d back atomically: the new text goes to <file>.tmp in the same
 * directory (rename is only atomic within one filesystem), is fsync'd (so a
 * crash after the rename cannot leave an empty file, as delayed allocation
 * can), then renamed over the file. Readers and crashes see the old file or
 * the new one, never half of one. The fixed .tmp name is safe because the
 * host never runs two writes at once; two epithet processes writing one org
 * directory at the same time are not supported.
 */
static int doc_save(const struct epithet_forge_session *s, const struct doc *d,
		    struct epithet_error *err)
{
	const char *text = json_object_to_json_string_ext(d->root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *tmp = NULL;
	struct stat st;
	int fd = -1, rc = 0;

	if (text == NULL || asprintf(&tmp, "%s.tmp", d->path) < 0) {
		tmp = NULL;
		return fail(s, err, EPITHET_ENOMEM, "out of memory");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = fail_errno(s, err, "cannot write", tmp);
		goto out;
	}
	/* Keep the file's permissions: the tmp file got 0666 minus the umask. */
	if (stat(d->path, &st) == 0)
		(void)fchmod(fd, st.st_mode & 07777);
	if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
		rc = fail_errno(s, err, "cannot write", tmp);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = fail_errno(s, err, "cannot write", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, d->path) < 0) {
		rc = fail_errno(s, err, "cannot replace", d->path);
		goto out;
	}
	s->host->log(s->host->host_data, EPITHET_LOG_DEBUG, "wrote %s", d->path);

	/* The rename is durable once the directory is synced. The new file is
	 * in place whatever this says, so a failure is worth a warning only. */
	fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		s->host->log(s->host->host_data, EPITHET_LOG_WARN, "%s: cannot sync the directory",
			     s->dir);
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- session ------------------------------------------------------------ */

/* ABI: close accepts NULL. */
static void impl_close(epithet_forge_session *s)
{
	if (s == NULL)
		return;
	free(s->dir);
	free(s->abs);
	free(s->owner);
	free(s);
}

static int impl_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		     struct epithet_session_info *info, epithet_forge_session **out,
		     struct epithet_error *err)
{
	struct epithet_forge_session *s;
	const char *path = cfg->url, *base;
	struct stat st;
	size_t n;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0') {
		host->error_set(err, EPITHET_EINVALID, 0, "local: --url DIR is required");
		return EPITHET_EINVALID;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		host->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	s->host = host;
	s->dry_run = (cfg->flags & EPITHET_CONFIG_DRY_RUN) != 0;

	/* "file://DIR" is accepted for symmetry with the other forges' URLs;
	 * what follows is used as a path (no percent-decoding). */
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	s->dir = strdup(path);
	if (s->dir == NULL) {
		rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
		goto error;
	}
	for (n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
		s->dir[n - 1] = '\0';
	s->abs = realpath(s->dir, NULL);
	if (s->abs == NULL) {
		rc = fail_errno(s, err, "cannot open the org directory", s->dir);
		goto error;
	}
	if (stat(s->abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = fail(s, err, EPITHET_EINVALID, "local: %s is not a directory", s->dir);
		goto error;
	}
	/* The org is named after its directory, so `--url examples/demo-org`
	 * needs no --org; a given --org wins. */
	base = strrchr(s->abs, '/') + 1;
	if (cfg->owner == NULL && *base == '\0') {
		rc = fail(s, err, EPITHET_EINVALID, "local: / names no org; give --org");
		goto error;
	}
	s->owner = strdup(cfg->owner ? cfg->owner : base);
	if (s->owner == NULL) {
		rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
		goto error;
	}
	if (cfg->api_url != NULL)
		host->log(host->host_data, EPITHET_LOG_DEBUG, "--api-url is not used here");

	/*
	 * ABI: a plugin that talks HTTP declares its endpoint from open() with
	 * host->set_endpoint (API root, token variables, auth scheme, write
	 * pacing) before its first request. This one never calls host->http,
	 * so it declares none: the host then looks up no token for it and
	 * paces nothing. (The host takes only http(s) API roots; a file:// one
	 * would add nothing.)
	 */

	/* ABI: these strings must live until close(): they are the session's. */
	info->default_owner = s->owner;
	info->display = s->abs;
	*out = s;
	return 0;
error:
	impl_close(s);
	return rc;
}

/* Every method names an owner; this forge has exactly one. */
static int check_owner(const struct epithet_forge_session *s, const char *owner,
		       struct epithet_error *err)
{
	if (owner == NULL || strcmp(owner, s->owner) != 0)
		return fail(s, err, EPITHET_ENOTFOUND, "no owner \"%s\" here: %s is the org \"%s\"",
			    owner ? owner : "(none)", s->dir, s->owner);
	return 0;
}

/* ---- reads -------------------------------------------------------------- */

/* Hands one repository to @cb. ABI: what cb receives is borrowed: owner from
 * the session, name from the caller, topics from the json-c tree. */
static int emit_repo(const struct epithet_forge_session *s, const char *name,
		     epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	static const struct { const char *key; uint32_t flag; } flags[] = {
		{ "archived", EPITHET_REPO_ARCHIVED },
		{ "fork", EPITHET_REPO_FORK },
		{ "disabled", EPITHET_REPO_DISABLED },
		{ "private", EPITHET_REPO_PRIVATE },
	};
	struct doc d;
	const char **topics = NULL;
	json_object *t;
	int rc = doc_load(s, name, &d, err);

	if (rc != 0)
		return rc;
	struct epithet_repo r = {
		.struct_size = sizeof(r),
		.owner = s->owner,
		.name = name,
		.id = NULL, /* the name is the only identity a file has */
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (json_object_get_boolean(get(d.root, flags[i].key)))
			r.flags |= flags[i].flag;
	}
	t = get(d.root, "topics");
	r.n_topics = count(t);
	if (r.n_topics > 0) {
		topics = calloc(r.n_topics, sizeof(*topics));
		if (topics == NULL) {
			rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < r.n_topics; i++)
			topics[i] = json_object_get_string(nth(t, i));
		r.topics = topics;
	}
	rc = cb(&r, payload); /* ABI: a non-zero return is passed on unchanged */
out:
	free(topics);
	doc_finish(&d);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The repositories of the directory, sorted by name: every regular file
 * <repo>.json whose <repo> is a valid repository name. That leaves out
 * _org.json, *.json.tmp, editor droppings and subdirectories. */
static int repo_names(const struct epithet_forge_session *s, char ***out, size_t *n_out,
		      struct epithet_error *err)
{
	DIR *dir = opendir(s->dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;

	if (dir == NULL)
		return fail_errno(s, err, "cannot list", s->dir);
	/* readdir() on a stream of our own is thread-safe (readdir_r is
	 * deprecated for that reason). */
	for (errno = 0; (de = readdir(dir)) != NULL; errno = 0) {
		size_t len = strlen(de->d_name);
		struct stat st;
		char *name;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
			continue;
		name = strndup(de->d_name, len - 5);
		if (name == NULL)
			goto oom;
		if (!repo_name_ok(name)) {
			free(name);
			continue;
		}
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));
			if (grown == NULL) {
				free(name);
				goto oom;
			}
			names = grown;
		}
		names[n++] = name;
	}
	if (errno != 0) {
		rc = fail_errno(s, err, "cannot list", s->dir);
		goto out;
	}
	if (n > 1) /* names is NULL when there is none, which qsort may not take */
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*n_out = n;
	names = NULL;
	n = 0;
	goto out;
oom:
	rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

/* ABI: archived repos and forks are listed too; the core filters. */
static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	char **names = NULL;
	size_t n = 0;
	int rc = check_owner(s, owner, err);

	if (rc == 0)
		rc = repo_names(s, &names, &n, err);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = emit_repo(s, names[i], cb, payload, err);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	int rc = check_owner(s, owner, err);

	return rc ? rc : emit_repo(s, name, cb, payload, err);
}

/* Whether issue (or PR) @is carries the label called exactly @name. */
static bool carries(json_object *is, const char *name)
{
	json_object *names = get(is, "labels");

	for (size_t j = 0; j < count(names); j++) {
		if (strcmp(json_object_get_string(nth(names, j)), name) == 0)
			return true;
	}
	return false;
}

/* Issues and pull requests of @root carrying the label called @name. */
static void count_items(json_object *root, const char *name, int64_t *issues, int64_t *pulls)
{
	json_object *list = get(root, "issues");

	*issues = *pulls = 0;
	for (size_t i = 0; i < count(list); i++) {
		json_object *is = nth(list, i);

		if (!carries(is, name))
			continue;
		if (json_object_get_boolean(get(is, "pull")))
			++*pulls;
		else
			++*issues;
	}
}

/*
 * ABI: listed labels carry every field the forge has, so `fields` names all
 * five; the colour is normalised to the ABI's "rrggbb" at this edge and the
 * core never sees the file's spelling. Owner-level labels are on no issue in
 * this format, so their counts are -1 (unknown) rather than a false 0.
 */
static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct doc d;
	json_object *labels;
	int rc = check_owner(s, owner, err);

	if (rc != 0 || (rc = doc_load(s, repo, &d, err)) != 0)
		return rc;
	labels = get(d.root, "labels");
	for (size_t i = 0; i < count(labels) && rc == 0; i++) {
		json_object *l = nth(labels, i);
		char color[7];
		struct epithet_label lab = {
			.struct_size = sizeof(lab),
			.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
				  EPITHET_FIELD_DESCRIPTION | EPITHET_FIELD_EXCLUSIVE |
				  EPITHET_FIELD_ARCHIVED,
			.name = str(l, "name"),
			.color = color,
			.description = str(l, "description"),
			.id = NULL, /* labels are addressed by their exact name */
			.issues = -1,
			.pulls = -1,
		};

		color_parse(str(l, "color"), color); /* checked on load */
		if (json_object_get_boolean(get(l, "exclusive")))
			lab.flags |= EPITHET_LABEL_EXCLUSIVE;
		if (json_object_get_boolean(get(l, "archived")))
			lab.flags |= EPITHET_LABEL_ARCHIVED;
		if (repo != NULL)
			count_items(d.root, lab.name, &lab.issues, &lab.pulls);
		rc = cb(&lab, payload);
	}
	doc_finish(&d);
	return rc;
}

/* Issue label lists live in repo files only: org-wide issue operations would
 * need an item to name its repo, which epithet_item cannot. */
static int need_repo(const struct epithet_forge_session *s, const char *repo,
		     struct epithet_error *err)
{
	if (repo == NULL)
		return fail(s, err, EPITHET_ENOTSUPPORTED, "%s: owner-level labels carry no issues",
			    s->dir);
	return 0;
}

static int impl_list_labelled(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_label *label, epithet_item_cb cb, void *payload,
			      struct epithet_error *err)
{
	struct doc d;
	json_object *issues;
	int rc = check_owner(s, owner, err);

	if (rc != 0 || (rc = need_repo(s, repo, err)) != 0 ||
	    (rc = doc_load(s, repo, &d, err)) != 0)
		return rc;
	issues = get(d.root, "issues");
	for (size_t i = 0; i < count(issues) && rc == 0; i++) {
		json_object *is = nth(issues, i);
		struct epithet_item item = {
			.struct_size = sizeof(item),
			.is_pull = json_object_get_boolean(get(is, "pull")) ? 1 : 0,
			.number = (uint64_t)json_object_get_int64(get(is, "number")),
		};

		if (carries(is, label->name))
			rc = cb(&item, payload);
	}
	doc_finish(&d);
	return rc;
}

/* ---- writes ------------------------------------------------------------- */

/*
 * Loads the file a write changes, after the checks every write makes. The
 * core never writes in a dry run, and the host's HTTP refuses to as a second
 * line of defence; this forge writes without the host, so it is its own
 * second line. Archived (and disabled) repositories are read-only, as on the
 * real forges: the core should not try, and is told EFORBIDDEN if it does.
 */
static int edit_begin(const struct epithet_forge_session *s, const char *owner, const char *repo,
		      struct doc *d, struct epithet_error *err)
{
	int rc = check_owner(s, owner, err);

	if (rc != 0)
		return rc;
	if (s->dry_run)
		return fail(s, err, EPITHET_ERROR, "%s: dry run: nothing is written", s->dir);
	rc = doc_load(s, repo, d, err);
	if (rc == 0 && json_object_get_boolean(get(d->root, "archived")))
		rc = fail(s, err, EPITHET_EFORBIDDEN, "%s: repository is archived", d->path);
	else if (rc == 0 && json_object_get_boolean(get(d->root, "disabled")))
		rc = fail(s, err, EPITHET_EFORBIDDEN, "%s: repository is disabled", d->path);
	if (rc != 0)
		doc_finish(d);
	return rc;
}

/* Checks what a create or update is to write, as the forge would (EINVALID
 * is GitHub's 422): a name, a well-formed colour (normalised into @color),
 * and the length limits this plugin declares. */
static int check_want(const struct epithet_forge_session *s, const char *path,
		      const struct epithet_label *want, char color[7], struct epithet_error *err)
{
	if ((want->fields & EPITHET_FIELD_NAME) &&
	    (want->name == NULL || *want->name == '\0' || utf8_len(want->name) > NAME_MAX_CP))
		return fail(s, err, EPITHET_EINVALID, "%s: a label name needs 1 to %d characters",
			    path, NAME_MAX_CP);
	if ((want->fields & EPITHET_FIELD_COLOR) && !color_parse(want->color, color))
		return fail(s, err, EPITHET_EINVALID, "%s: colour \"%s\" is not 6 hex digits",
			    path, want->color ? want->color : "(none)");
	if ((want->fields & EPITHET_FIELD_DESCRIPTION) && want->description != NULL &&
	    utf8_len(want->description) > DESCRIPTION_MAX_CP)
		return fail(s, err, EPITHET_EINVALID, "%s: a description has at most %d characters",
			    path, DESCRIPTION_MAX_CP);
	return 0;
}

/* CAP_UNIQUE_NAMES: EEXISTS when a label other than the one at @self is
 * called @name, ignoring ASCII case. */
static int check_free(const struct epithet_forge_session *s, const struct doc *d,
		      const char *name, size_t self, struct epithet_error *err)
{
	size_t twin = find_label(get(d->root, "labels"), name, true, self);

	if (twin != NOT_FOUND)
		return fail(s, err, EPITHET_EEXISTS, "%s: a label \"%s\" already exists", d->path,
			    str(nth(get(d->root, "labels"), twin), "name"));
	return 0;
}

/* Writes the fields @want sets into label object @l: only those, as the ABI
 * says; keys this plugin does not know stay as they are. */
static int label_apply(json_object *l, const struct epithet_label *want, const char *color)
{
	uint32_t f = want->fields;
	const char *desc = want->description;

	if ((f & EPITHET_FIELD_NAME) && set(l, "name", json_object_new_string(want->name)) < 0)
		return -1;
	if ((f & EPITHET_FIELD_COLOR) && set(l, "color", json_object_new_string(color)) < 0)
		return -1;
	/* NULL and "" are the same "no description". */
	if ((f & EPITHET_FIELD_DESCRIPTION) &&
	    set(l, "description", json_object_new_string(desc ? desc : "")) < 0)
		return -1;
	if ((f & EPITHET_FIELD_EXCLUSIVE) &&
	    set_flag(l, "exclusive", (want->flags & EPITHET_LABEL_EXCLUSIVE) != 0) < 0)
		return -1;
	if ((f & EPITHET_FIELD_ARCHIVED) &&
	    set_flag(l, "archived", (want->flags & EPITHET_LABEL_ARCHIVED) != 0) < 0)
		return -1;
	return 0;
}

/* Renames label @from to @to in every issue's list, or removes it (@to
 * NULL): what makes a rename keep issues labelled and a delete unlabel them. */
static int retag_items(json_object *root, const char *from, const char *to)
{
	json_object *issues = get(root, "issues");

	for (size_t i = 0; i < count(issues); i++) {
		json_object *names = get(nth(issues, i), "labels");

		for (size_t j = count(names); j-- > 0;) {
			json_object *n;

			if (strcmp(json_object_get_string(nth(names, j)), from) != 0)
				continue;
			if (to == NULL) {
				json_object_array_del_idx(names, j, 1);
				continue;
			}
			n = json_object_new_string(to);
			if (n == NULL || json_object_array_put_idx(names, j, n) < 0) {
				json_object_put(n);
				return -1;
			}
		}
	}
	return 0;
}

static int impl_create_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *want, struct epithet_error *err)
{
	struct doc d;
	json_object *labels, *l = NULL;
	char color[7] = DEFAULT_COLOR;
	int rc = edit_begin(s, owner, repo, &d, err);

	if (rc != 0)
		return rc;
	if (!(want->fields & EPITHET_FIELD_NAME)) {
		rc = fail(s, err, EPITHET_EINVALID, "%s: a new label needs a name", d.path);
		goto out;
	}
	if ((rc = check_want(s, d.path, want, color, err)) != 0)
		goto out;
	if ((rc = check_free(s, &d, want->name, NOT_FOUND, err)) != 0)
		goto out;
	labels = get(d.root, "labels");
	if (labels == NULL) {
		labels = json_object_new_array();
		if (set(d.root, "labels", labels) < 0)
			goto oom;
	}
	/* name and color first, so that the file reads well; then the rest. */
	l = json_object_new_object();
	if (l == NULL || set(l, "name", json_object_new_string(want->name)) < 0 ||
	    set(l, "color", json_object_new_string(color)) < 0 || label_apply(l, want, color) < 0 ||
	    json_object_array_add(labels, l) < 0)
		goto oom;
	rc = doc_save(s, &d, err);
	goto out;
oom:
	json_object_put(l);
	rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
out:
	doc_finish(&d);
	return rc;
}

/* ABI: @cur is the label as listed; it is found by its exact name. */
static int impl_update_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, const struct epithet_label *want,
			     struct epithet_error *err)
{
	struct doc d;
	json_object *labels;
	char color[7];
	size_t at;
	int rc = edit_begin(s, owner, repo, &d, err);

	if (rc != 0)
		return rc;
	labels = get(d.root, "labels");
	at = find_label(labels, cur->name, false, NOT_FOUND);
	if (at == NOT_FOUND) {
		rc = fail(s, err, EPITHET_ENOTFOUND, "%s: no label \"%s\"", d.path, cur->name);
		goto out;
	}
	if ((rc = check_want(s, d.path, want, color, err)) != 0)
		goto out;
	/* A rename in place (CAP_RENAME): another label may not have the new
	 * name, but the label itself may (a change of case only). */
	if ((want->fields & EPITHET_FIELD_NAME) && strcmp(want->name, cur->name) != 0) {
		if ((rc = check_free(s, &d, want->name, at, err)) != 0)
			goto out;
		if (repo != NULL && retag_items(d.root, cur->name, want->name) < 0)
			goto oom;
	}
	if (label_apply(nth(labels, at), want, color) < 0)
		goto oom;
	rc = doc_save(s, &d, err);
	goto out;
oom:
	rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
out:
	doc_finish(&d);
	return rc;
}

static int impl_delete_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, struct epithet_error *err)
{
	struct doc d;
	json_object *labels;
	size_t at;
	int rc = edit_begin(s, owner, repo, &d, err);

	if (rc != 0)
		return rc;
	labels = get(d.root, "labels");
	at = find_label(labels, cur->name, false, NOT_FOUND);
	if (at == NOT_FOUND) {
		rc = fail(s, err, EPITHET_ENOTFOUND, "%s: no label \"%s\"", d.path, cur->name);
		goto out;
	}
	/* cur->name is the caller's copy: still valid after the object goes. */
	json_object_array_del_idx(labels, at, 1);
	(void)retag_items(d.root, cur->name, NULL); /* removing allocates nothing */
	rc = doc_save(s, &d, err);
out:
	doc_finish(&d);
	return rc;
}

/* Attaching a label an issue already carries changes nothing and succeeds,
 * so that undo can run twice. */
static int impl_add_label(epithet_forge_session *s, const char *owner, const char *repo,
			  uint64_t number, const struct epithet_label *label,
			  struct epithet_error *err)
{
	struct doc d;
	json_object *issues, *is = NULL, *names, *added = NULL;
	int rc = need_repo(s, repo, err);

	if (rc != 0 || (rc = edit_begin(s, owner, repo, &d, err)) != 0)
		return rc;
	if (find_label(get(d.root, "labels"), label->name, false, NOT_FOUND) == NOT_FOUND) {
		rc = fail(s, err, EPITHET_ENOTFOUND, "%s: no label \"%s\"", d.path, label->name);
		goto out;
	}
	issues = get(d.root, "issues");
	for (size_t i = 0; i < count(issues) && is == NULL; i++) {
		json_object *it = nth(issues, i);

		if ((uint64_t)json_object_get_int64(get(it, "number")) == number)
			is = it;
	}
	if (is == NULL) {
		rc = fail(s, err, EPITHET_ENOTFOUND, "%s: no issue #%llu", d.path,
			  (unsigned long long)number);
		goto out;
	}
	if (carries(is, label->name))
		goto out; /* already there */
	names = get(is, "labels");
	if (names == NULL) {
		names = json_object_new_array();
		if (set(is, "labels", names) < 0)
			goto oom;
	}
	added = json_object_new_string(label->name);
	if (added == NULL || json_object_array_add(names, added) < 0)
		goto oom;
	rc = doc_save(s, &d, err);
	goto out;
oom:
	json_object_put(added);
	rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
out:
	doc_finish(&d);
	return rc;
}

/* ---- files of a repository (ABI 1.1) ------------------------------------ */

/* ABI: a member appended in 1.1 exists only when built for 1.1; built
 * against the 1.0 headers (tests/plugins/localtrace.c) the plugin is 1.0. */
#if EPITHET_FORGE_ABI_MINOR >= 1

/* The branch the files of every repository are on: this forge keeps one. */
#define LOCAL_REF "main"

/* A path inside the repository: relative, no "." or ".." segment, no empty
 * segment, no NUL. */
static bool repo_path_ok(const char *path)
{
	const char *p = path;

	if (*p == '\0' || *p == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return false;
	}
	return true;
}

/*
 * ABI 1.1: read_file, the files of a repository (a labels file another one
 * `extends`). They live in the directory <repo>/ beside <repo>.json: the
 * repository's one branch, "main". Nothing outside that directory is read,
 * not even through a symlink. The bytes change owner, so they come from
 * host->alloc.
 */
static int impl_read_file(epithet_forge_session *s, const char *owner, const char *repo,
			  const char *path, const char *ref, char **out, size_t *out_len,
			  struct epithet_error *err)
{
	char *root = NULL, *file = NULL, *buf = NULL, real_root[PATH_MAX], real_file[PATH_MAX];
	size_t len = 0, n;
	struct doc d;
	struct stat st;
	int rc;

	*out = NULL;
	*out_len = 0;
	if ((rc = check_owner(s, owner, err)) != 0)
		return rc;
	if ((rc = doc_load(s, repo, &d, err)) != 0)
		return rc;
	doc_finish(&d);
	if (ref != NULL && strcmp(ref, LOCAL_REF) != 0)
		return fail(s, err, EPITHET_ENOTFOUND, "%s/%s: no ref \"%s\" (the local forge keeps "
			    "one branch of files, \"" LOCAL_REF "\")", s->dir, repo, ref);
	if (path == NULL || !repo_path_ok(path))
		return fail(s, err, EPITHET_EINVALID, "%s/%s: \"%s\" is not a path inside the "
			    "repository", s->dir, repo, path ? path : "");
	if (asprintf(&root, "%s/%s", s->dir, repo) < 0 ||
	    asprintf(&file, "%s/%s/%s", s->dir, repo, path) < 0) {
		rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
		root = file = NULL;
		goto out;
	}
	if (realpath(file, real_file) == NULL) {
		rc = errno == ENOENT || errno == ENOTDIR
			     ? fail(s, err, EPITHET_ENOTFOUND, "%s: no such file", file)
			     : fail_errno(s, err, "cannot read", file);
		goto out;
	}
	n = realpath(root, real_root) ? strlen(real_root) : 0;
	if (n == 0 || strncmp(real_file, real_root, n) != 0 || real_file[n] != '/') {
		rc = fail(s, err, EPITHET_EINVALID, "%s: leads out of the repository", file);
		goto out;
	}
	if (stat(real_file, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = fail(s, err, EPITHET_EINVALID, "%s: is a directory", file);
		goto out;
	}
	s->host->log(s->host->host_data, EPITHET_LOG_DEBUG, "read %s", file);
	if (read_all(real_file, &buf, &len) < 0) {
		rc = fail_errno(s, err, "cannot read", file);
		goto out;
	}
	*out = s->host->alloc(s->host->host_data, len + 1);
	if (*out == NULL) {
		rc = fail(s, err, EPITHET_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(*out, buf, len + 1);
	*out_len = len;
	rc = 0;
out:
	free(buf);
	free(file);
	free(root);
	return rc;
}
#endif

/* ---- the plugin --------------------------------------------------------- */

/*
 * ABI: the vtable is static const and is the plugin's identity. The 1.0
 * required methods are all set; of the optional ones, list_labels_many stays
 * NULL: it is for forges that read many repos in one request, and a file per
 * repo is already the cheapest read there is.
 */
#if EPITHET_FORGE_ABI_MINOR >= 1
#define LOCAL_CAPS_1_1 (EPITHET_CAP_READ_FILE | EPITHET_CAP_CONCURRENT_WRITES)
#else
#define LOCAL_CAPS_1_1 0
#endif

static const struct epithet_forge local_forge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "local",
	.version = LOCAL_VERSION,
	.description = "a directory on disk standing for an org (offline sandbox)",
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_ORG_LABELS |
			EPITHET_CAP_EXCLUSIVE | EPITHET_CAP_ARCHIVE | EPITHET_CAP_LABEL_COUNTS |
			EPITHET_CAP_ISSUE_LABELS | EPITHET_CAP_UNIQUE_NAMES | LOCAL_CAPS_1_1,
	.name_max = NAME_MAX_CP,
	.description_max = DESCRIPTION_MAX_CP,
	.open = impl_open,
	.close = impl_close,
	.list_repos = impl_list_repos,
	.get_repo = impl_get_repo,
	.list_labels = impl_list_labels,
	.create_label = impl_create_label,
	.update_label = impl_update_label,
	.delete_label = impl_delete_label,
	.list_labelled = impl_list_labelled,
	.add_label = impl_add_label,
	.list_labels_many = NULL,
	/* ABI 1.1 */
#if EPITHET_FORGE_ABI_MINOR >= 1
	.read_file = impl_read_file,
#endif
};

/* ABI: the one exported symbol. A host of another major has other structs:
 * refuse it. Any 1.x host will do, as only 1.0 services are used. */
EPITHET_FORGE_ENTRY_DECL
{
	(void)host_abi_minor;
	if (host_abi_major != EPITHET_FORGE_ABI_MAJOR)
		return NULL;
	return &local_forge;
}
