/* SPDX-License-Identifier: MIT */
/*
 * list_labels_many for GitHub: the labels of up to GH_GRAPHQL_BATCH
 * repositories in one GraphQL request (CONTRACTS 1.6), instead of one REST
 * request (or more) per repository.
 *
 * The query, with repo k under the alias r<k> and its owner and name as
 * variables (no escaping of user data into the query text):
 *
 *   query($o0:String!,$n0:String!,...){
 *     r0:repository(owner:$o0,name:$n0){
 *       labels(first:100){nodes{name color description}
 *                         pageInfo{hasNextPage endCursor}}}
 *     ...}
 *
 * Repositories with more than 100 labels get follow-up requests, each
 * reading the next page of every such repo of the batch at once
 * (labels(first:100,after:$a<k>)).
 *
 * Cost (GitHub's rule: the connections' requests / 100, rounded, at least 1)
 * is one label connection per repository: 1 point per request of 100 repos,
 * so an org of R repos costs ceil(R/100) points of the GraphQL budget (5,000
 * an hour, separate from REST's) and no REST point. Nodes: 100 x 100 + 100
 * = 10,100 per request, far below the 500,000 limit. Issue and PR counts
 * (labels{nodes{issues{totalCount} pullRequests{totalCount}}}) are left out
 * on purpose: each is a connection per label, which would make the same
 * request cost 1 + 2 x 100 x 100 / 100 = 201 points, 2 points per
 * repository, more than reading it with REST; the core lists the issues of
 * the few labels a plan deletes or merges anyway (list_labelled).
 *
 * Failures: the request fails as a whole (the ABI has no per-repo failure
 * for list_labels_many), and the core then reads that batch's repos one by
 * one with list_labels, where each repo fails or succeeds on its own:
 * - HTTP 401/403/404/405/410/501: no GraphQL here (no token: GraphQL needs
 *   one; an old GitHub Enterprise Server; a proxy): EPITHET_ENOTSUPPORTED;
 *   on the first batch of a run, the core then reads every repo with REST
 *   and asks for no more batches;
 * - errors[] of type RATE_LIMITED (HTTP 200): EPITHET_ERATELIMIT (the REST
 *   budget is another one, so the core goes on with REST);
 * - errors[] of type NOT_FOUND or FORBIDDEN on one repository:
 *   EPITHET_ENOTFOUND / EPITHET_EFORBIDDEN naming it (the core reads that
 *   batch with REST, where only that repo fails);
 * - HTTP 5xx: EPITHET_ESERVER;
 * - any other error or an answer that is not as asked: EPITHET_EPROTOCOL.
 * Labels are handed on while the answer is read (gh_graphql_scan), so a
 * call that fails may have delivered some: the caller drops them.
 *
 * Labels come without an id (epithet_label.id NULL): github.c addresses
 * labels by their exact name in every write, never by id, so the node ids
 * ("LA_...") would only cost bytes on the wire and ~60 bytes of memory per
 * label held (2 MB at 1,000 repos of 30 labels, bench/README.md). If an id
 * is there (a caller's own query), it is passed on.
 */
#include "github-graphql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "github-parse.h"
#include "../common/kit-json.h"

#define QUOTE_MAX 200

/* ---- the endpoint --------------------------------------------------------- */

static bool is_http_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "https://", 8) == 0 || strncasecmp(s, "http://", 7) == 0) &&
	       strpbrk(s, " \t\r\n") == NULL;
}

char *gh_graphql_endpoint(const char *api_root, const char *override)
{
	static const char ghes_rest[] = "/api/v3";
	size_t n;
	char *out;

	if (is_http_url(override)) {
		return strdup(override);
	}
	n = strlen(api_root);
	while (n > 0 && api_root[n - 1] == '/') {
		n--;
	}
	/* GHES: REST at /api/v3, GraphQL at /api/graphql, not /api/v3/graphql */
	if (n >= sizeof(ghes_rest) - 1 && strncmp(api_root + n - (sizeof(ghes_rest) - 1), ghes_rest,
						   sizeof(ghes_rest) - 1) == 0) {
		n -= sizeof(ghes_rest) - 1;
		if (asprintf(&out, "%.*s/api/graphql", (int)n, api_root) < 0) {
			return NULL;
		}
		return out;
	}
	if (asprintf(&out, "%.*s/graphql", (int)n, api_root) < 0) {
		return NULL;
	}
	return out;
}

/* ---- the request ------------------------------------------------------------ */

char *gh_graphql_labels_body(const struct gh_graphql_repo *repos, size_t n)
{
	struct json_object *body = NULL, *vars = NULL;
	FILE *q;
	char *query = NULL, *out = NULL, var[32];
	size_t qlen = 0, k;
	const char *text;
	bool ok = true;

	q = open_memstream(&query, &qlen);
	if (q == NULL) {
		return NULL;
	}
	fputs("query(", q);
	for (k = 0; k < n; k++) {
		fprintf(q, "%s$o%zu:String!,$n%zu:String!", k ? "," : "", k, k);
		if (repos[k].after != NULL) {
			fprintf(q, ",$a%zu:String!", k);
		}
	}
	fputs("){", q);
	for (k = 0; k < n; k++) {
		fprintf(q, "r%zu:repository(owner:$o%zu,name:$n%zu){labels(first:%d", k, k, k,
			GH_GRAPHQL_PAGE);
		if (repos[k].after != NULL) {
			fprintf(q, ",after:$a%zu", k);
		}
		fputs("){nodes{name color description}pageInfo{hasNextPage endCursor}}}", q);
	}
	fputs("}", q);
	if (fclose(q) != 0) {
		free(query);
		return NULL;
	}

	body = json_object_new_object();
	vars = json_object_new_object();
	if (body == NULL || vars == NULL) {
		ok = false;
	}
	for (k = 0; ok && k < n; k++) {
		snprintf(var, sizeof(var), "o%zu", k);
		ok = json_object_object_add(vars, var, json_object_new_string(repos[k].owner)) == 0;
		snprintf(var, sizeof(var), "n%zu", k);
		ok = ok && json_object_object_add(vars, var, json_object_new_string(repos[k].name)) == 0;
		if (ok && repos[k].after != NULL) {
			snprintf(var, sizeof(var), "a%zu", k);
			ok = json_object_object_add(vars, var, json_object_new_string(repos[k].after)) == 0;
		}
	}
	if (ok) {
		ok = json_object_object_add(body, "query", json_object_new_string_len(query, (int)qlen)) == 0;
	}
	if (ok) {
		ok = json_object_object_add(body, "variables", vars) == 0;
		vars = NULL;
	}
	if (ok) {
		text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
		out = text != NULL ? strdup(text) : NULL;
	}
	json_object_put(vars);
	json_object_put(body);
	free(query);
	return out;
}

/* ---- the answer ------------------------------------------------------------- */

/* A printable one-line copy of @p s into @p buf. */
static void quote(const char *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s", s != NULL ? s : "");
	kit_one_line(buf);
}

/* The alias index of an error's path ["r<k>", ...], or -1. */
static long error_alias(struct json_object *e)
{
	struct json_object *path, *first;
	const char *s;
	char *end;
	long k;

	if (!json_object_object_get_ex(e, "path", &path) || !json_object_is_type(path, json_type_array) ||
	    json_object_array_length(path) == 0) {
		return -1;
	}
	first = json_object_array_get_idx(path, 0);
	if (!json_object_is_type(first, json_type_string)) {
		return -1;
	}
	s = json_object_get_string(first);
	if (s[0] != 'r' || !isdigit((unsigned char)s[1])) {
		return -1;
	}
	k = strtol(s + 1, &end, 10);
	return *end == '\0' ? k : -1;
}

int gh_graphql_errors(struct json_object *errors, long *bad_alias, char *msg, size_t n)
{
	struct json_object *e;
	const char *type, *text;
	char q[QUOTE_MAX];
	size_t i, count;
	long alias;

	*bad_alias = -1;
	msg[0] = '\0';
	if (errors == NULL) {
		return 0;
	}
	if (!json_object_is_type(errors, json_type_array)) {
		snprintf(msg, n, "GraphQL errors that are not a list");
		return EPITHET_EPROTOCOL;
	}
	count = json_object_array_length(errors);
	if (count == 0) {
		return 0;
	}
	/* A rate limit anywhere decides: nothing else in the answer counts. */
	for (i = 0; i < count; i++) {
		e = json_object_array_get_idx(errors, i);
		type = kit_json_get_string(e, "type");
		if (type != NULL && strcmp(type, "RATE_LIMITED") == 0) {
			quote(kit_json_get_string(e, "message"), q, sizeof(q));
			snprintf(msg, n, "GraphQL rate limit: %s", q);
			return EPITHET_ERATELIMIT;
		}
	}
	e = json_object_array_get_idx(errors, 0);
	type = kit_json_get_string(e, "type");
	text = kit_json_get_string(e, "message");
	alias = error_alias(e);
	quote(text, q, sizeof(q));
	if (type != NULL && alias >= 0 && (strcmp(type, "NOT_FOUND") == 0 || strcmp(type, "FORBIDDEN") == 0)) {
		*bad_alias = alias;
		snprintf(msg, n, "%s", q);
		return strcmp(type, "NOT_FOUND") == 0 ? EPITHET_ENOTFOUND : EPITHET_EFORBIDDEN;
	}
	snprintf(msg, n, "GraphQL error%s%s: %s", type != NULL ? " " : "", type != NULL ? type : "", q);
	return EPITHET_EPROTOCOL;
}

/* ---- scanning an answer ------------------------------------------------------ */

/*
 * A GraphQL answer for 100 repos of 30 labels is ~0.5 MB of JSON; as a json-c
 * tree it takes ~10 times that, and up to --jobs of them are read at once.
 * So the answer is scanned in place instead: a small pull parser walks the
 * text once, decodes only the strings it needs into a scratch buffer, and
 * hands each label on as soon as it is complete. Only the top-level
 * "errors" array (small) is parsed by json-c, in gh_graphql_errors.
 *
 * The scanner is strict JSON (RFC 8259: no trailing commas, comments, NaN,
 * control characters in strings or invalid UTF-8; one value, white space
 * around it) with a nesting limit, so that a hostile or broken body is an
 * EPITHET_EPROTOCOL, never a wrong answer or a crash.
 */

#define SCAN_DEPTH 64

struct scan {
	const char *p, *end;
	const char *why;
	int depth;
	char *buf;            /* decoded strings of the current label, NUL-separated */
	size_t len, cap;
	const struct gh_graphql_sink *sink;
	size_t n_alias;
	int stop;             /* a sink's non-zero return */
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
		s->p++;
	}
}

static bool bad(struct scan *s, const char *why)
{
	if (s->why == NULL) {
		s->why = why;
	}
	return false;
}

static bool eat(struct scan *s, char c)
{
	ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool peek(struct scan *s, char c)
{
	ws(s);
	return s->p < s->end && *s->p == c;
}

static bool literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	ws(s);
	if ((size_t)(s->end - s->p) >= n && memcmp(s->p, word, n) == 0) {
		s->p += n;
		return true;
	}
	return false;
}

static bool put(struct scan *s, const char *p, size_t n)
{
	char *grown;
	size_t cap;

	if (s->len + n + 1 > s->cap) {
		cap = s->cap ? s->cap : 256;
		while (s->len + n + 1 > cap) {
			cap *= 2;
		}
		grown = realloc(s->buf, cap);
		if (grown == NULL) {
			return bad(s, "out of memory");
		}
		s->buf = grown;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool hex4(struct scan *s, unsigned *out)
{
	int i, v;

	*out = 0;
	if (s->end - s->p < 4) {
		return bad(s, "a \\u escape cut short");
	}
	for (i = 0; i < 4; i++) {
		v = hexval(s->p[i]);
		if (v < 0) {
			return bad(s, "a bad \\u escape");
		}
		*out = *out << 4 | (unsigned)v;
	}
	s->p += 4;
	return true;
}

/* Length of the valid UTF-8 sequence at @p p (< end), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned cp;

	if (p[0] < 0x80) {
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n) {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
		return 0;
	}
	return n;
}

static bool put_cp(struct scan *s, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(s, u, n);
}

/*
 * A string. With @p keep, it is decoded onto the scratch buffer (NUL
 * appended) and *at gets its offset there; without, it is only checked.
 */
static bool string(struct scan *s, bool keep, size_t *at)
{
	const char *run;
	unsigned cp, lo;
	size_t n;

	ws(s);
	if (s->p >= s->end || *s->p != '"') {
		return bad(s, "a string was expected");
	}
	s->p++;
	if (keep) {
		*at = s->len;
	}
	for (;;) {
		run = s->p;
		while (s->p < s->end && *s->p != '"' && *s->p != '\\') {
			if ((unsigned char)*s->p < 0x20) {
				return bad(s, "a control character in a string");
			}
			n = utf8_len((const unsigned char *)s->p, (const unsigned char *)s->end);
			if (n == 0) {
				return bad(s, "invalid UTF-8 in a string");
			}
			s->p += n;
		}
		if (keep && s->p > run && !put(s, run, (size_t)(s->p - run))) {
			return false;
		}
		if (s->p >= s->end) {
			return bad(s, "a string cut short");
		}
		if (*s->p == '"') {
			s->p++;
			break;
		}
		/* an escape */
		s->p++;
		if (s->p >= s->end) {
			return bad(s, "a string cut short");
		}
		switch (*s->p++) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (!hex4(s, &cp)) {
				return false;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u') {
					return bad(s, "a lone surrogate in a string");
				}
				s->p += 2;
				if (!hex4(s, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					return bad(s, "a lone surrogate in a string");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return bad(s, "a lone surrogate in a string");
			}
			break;
		default:
			return bad(s, "a bad escape in a string");
		}
		if (keep && !put_cp(s, cp)) {
			return false;
		}
	}
	if (keep) {
		/* (an empty string has no buffer yet: no memchr on NULL) */
		if (s->len > *at && memchr(s->buf + *at, '\0', s->len - *at) != NULL) {
			return bad(s, "a NUL in a string");
		}
		return put(s, "", 0) && (s->len++, true); /* keep the NUL as separator */
	}
	return true;
}

static bool number(struct scan *s)
{
	const char *start;

	ws(s);
	start = s->p;
	if (s->p < s->end && *s->p == '-') {
		s->p++;
	}
	if (s->p < s->end && *s->p == '0') {
		s->p++;
	} else if (s->p < s->end && *s->p >= '1' && *s->p <= '9') {
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			s->p++;
		}
	} else {
		s->p = start;
		return bad(s, "a value was expected");
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9') {
			return bad(s, "a bad number");
		}
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			s->p++;
		}
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-')) {
			s->p++;
		}
		if (s->p >= s->end || *s->p < '0' || *s->p > '9') {
			return bad(s, "a bad number");
		}
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			s->p++;
		}
	}
	return true;
}

/* Any value, checked and skipped. */
static bool skip(struct scan *s)
{
	bool ok = true;
	size_t unused;

	if (++s->depth > SCAN_DEPTH) {
		return bad(s, "nested too deeply");
	}
	if (eat(s, '{')) {
		if (!eat(s, '}')) {
			do {
				ok = string(s, false, &unused) && (eat(s, ':') || bad(s, "':' was expected")) &&
				     skip(s);
			} while (ok && eat(s, ','));
			ok = ok && (eat(s, '}') || bad(s, "'}' was expected"));
		}
	} else if (eat(s, '[')) {
		if (!eat(s, ']')) {
			do {
				ok = skip(s);
			} while (ok && eat(s, ','));
			ok = ok && (eat(s, ']') || bad(s, "']' was expected"));
		}
	} else if (peek(s, '"')) {
		ok = string(s, false, &unused);
	} else if (!literal(s, "true") && !literal(s, "false") && !literal(s, "null")) {
		ok = number(s);
	}
	s->depth--;
	return ok;
}

/* A member name of an object onto the scratch buffer; *key points at it
 * (valid until the buffer grows: callers drop it with s->len = key - s->buf
 * before decoding anything else). */
static bool member(struct scan *s, const char **key)
{
	size_t at;

	if (!string(s, true, &at) || !(eat(s, ':') || bad(s, "':' was expected"))) {
		return false;
	}
	*key = s->buf + at;
	return true;
}

/* Iterate the members of an object: call with *first = true; returns true
 * with the next key, false at '}' (s->why unset) or on an error (set). */
static bool next_member(struct scan *s, bool *first, const char **key)
{
	if (*first) {
		*first = false;
		if (!eat(s, '{')) {
			return bad(s, "an object was expected");
		}
		if (eat(s, '}')) {
			return false;
		}
	} else {
		if (eat(s, '}')) {
			return false;
		}
		if (!eat(s, ',')) {
			return bad(s, "',' or '}' was expected");
		}
	}
	return member(s, key);
}

/* One label object of alias @p k: its members in any order. */
static bool label_object(struct scan *s, size_t k)
{
	struct epithet_label label;
	size_t base = s->len, at, off[4] = {0, 0, 0, 0};
	bool first = true, have[4] = {false, false, false, false}, null_desc = false;
	static const char *const names[4] = {"id", "name", "color", "description"};
	const char *key, *c;
	char color[7];
	int i, which;

	if (++s->depth > SCAN_DEPTH) {
		return bad(s, "nested too deeply");
	}
	while (next_member(s, &first, &key)) {
		which = -1;
		for (i = 0; i < 4; i++) {
			if (strcmp(key, names[i]) == 0) {
				which = i;
			}
		}
		/* the key's text is not needed any more: drop it */
		s->len = key - s->buf;
		if (which < 0 || have[which]) {
			if (!skip(s)) {
				return false;
			}
			continue;
		}
		if (which == 3 && literal(s, "null")) {
			have[3] = null_desc = true;
			continue;
		}
		if (which == 0 && literal(s, "null")) {
			have[0] = true;
			off[0] = (size_t)-1;
			continue;
		}
		if (!string(s, true, &at)) {
			return false;
		}
		off[which] = at;
		have[which] = true;
	}
	if (s->why != NULL) {
		return false;
	}
	s->depth--;
	if (!have[1] || s->buf[off[1]] == '\0') {
		return bad(s, "a label without a name");
	}
	if (!have[2]) {
		return bad(s, "a label without a color");
	}
	c = s->buf + off[2];
	if (c[0] == '#') {
		c++;
	}
	if (strlen(c) != 6) {
		return bad(s, "a label whose color is not 6 hex digits");
	}
	for (i = 0; i < 6; i++) {
		if (hexval(c[i]) < 0) {
			return bad(s, "a label whose color is not 6 hex digits");
		}
		color[i] = (char)tolower((unsigned char)c[i]);
	}
	color[6] = '\0';
	memset(&label, 0, sizeof(label));
	label.struct_size = sizeof(label);
	label.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	label.name = s->buf + off[1];
	label.color = color;
	/* description is nullable; null and "" mean the same (trap 17) */
	label.description = have[3] && !null_desc ? s->buf + off[3] : NULL;
	label.id = have[0] && off[0] != (size_t)-1 ? s->buf + off[0] : NULL;
	label.issues = -1;
	label.pulls = -1;
	s->stop = s->sink->label(s->sink->ctx, k, &label);
	s->len = base;
	return s->stop == 0;
}

/* labels{nodes[...], pageInfo{hasNextPage, endCursor}} of alias @p k. */
static bool labels_object(struct scan *s, size_t k, bool *seen_nodes, bool *has_next,
			  size_t *cursor)
{
	bool first = true, f2, ok;
	const char *key;
	size_t base = s->len;

	*cursor = (size_t)-1;
	while (next_member(s, &first, &key)) {
		if (strcmp(key, "nodes") == 0) {
			s->len = base;
			if (!eat(s, '[')) {
				return bad(s, "labels.nodes is not a list");
			}
			*seen_nodes = true;
			if (!eat(s, ']')) {
				do {
					ok = label_object(s, k);
				} while (ok && eat(s, ','));
				if (!ok) {
					return false;
				}
				if (!eat(s, ']')) {
					return bad(s, "']' was expected");
				}
			}
		} else if (strcmp(key, "pageInfo") == 0) {
			s->len = base;
			f2 = true;
			while (next_member(s, &f2, &key)) {
				if (strcmp(key, "hasNextPage") == 0) {
					s->len = key - s->buf;
					if (literal(s, "true")) {
						*has_next = true;
					} else if (!literal(s, "false")) {
						return bad(s, "pageInfo.hasNextPage is not a boolean");
					}
				} else if (strcmp(key, "endCursor") == 0 && *cursor == (size_t)-1) {
					size_t at;

					/* keep it: it must outlive this object */
					s->len = key - s->buf;
					if (literal(s, "null")) {
						continue;
					}
					if (!string(s, true, &at)) {
						return false;
					}
					*cursor = at;
					base = s->len;
				} else {
					s->len = key - s->buf;
					if (!skip(s)) {
						return false;
					}
				}
			}
			if (s->why != NULL) {
				return false;
			}
		} else {
			s->len = key - s->buf;
			if (!skip(s)) {
				return false;
			}
		}
	}
	return s->why == NULL;
}

/* The value of data.r<k>: null, or {labels{...}} (other members skipped). */
static bool repo_value(struct scan *s, size_t k)
{
	bool first = true, seen_labels = false, seen_nodes = false, has_next = false;
	size_t base = s->len, cursor = (size_t)-1;
	const char *key;

	if (literal(s, "null")) {
		s->stop = s->sink->repo(s->sink->ctx, k, true, false, NULL);
		return s->stop == 0;
	}
	while (next_member(s, &first, &key)) {
		if (strcmp(key, "labels") == 0 && !seen_labels) {
			s->len = base;
			seen_labels = true;
			if (literal(s, "null")) {
				continue;
			}
			if (!labels_object(s, k, &seen_nodes, &has_next, &cursor)) {
				return false;
			}
		} else {
			s->len = key - s->buf;
			if (!skip(s)) {
				return false;
			}
		}
	}
	if (s->why != NULL) {
		return false;
	}
	if (!seen_nodes) {
		return bad(s, "a repository without labels{nodes}");
	}
	s->stop = s->sink->repo(s->sink->ctx, k, false, has_next,
				cursor != (size_t)-1 ? s->buf + cursor : NULL);
	s->len = base;
	return s->stop == 0;
}

static bool alias_index(const char *key, size_t n_alias, size_t *k)
{
	char *end;
	unsigned long v;

	if (key[0] != 'r' || key[1] < '0' || key[1] > '9' || (key[1] == '0' && key[2] != '\0')) {
		return false;
	}
	v = strtoul(key + 1, &end, 10);
	if (*end != '\0' || v >= n_alias) {
		return false;
	}
	*k = (size_t)v;
	return true;
}

int gh_graphql_scan(const char *body, size_t len, size_t n_alias, const struct gh_graphql_sink *sink,
		    const char **errors, size_t *errors_len, const char **why)
{
	struct scan s;
	bool first = true, f2;
	const char *key, *at;
	size_t k;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.p = body;
	s.end = body + len;
	s.sink = sink;
	s.n_alias = n_alias;
	*errors = NULL;
	*errors_len = 0;
	*why = NULL;
	while (next_member(&s, &first, &key)) {
		if (strcmp(key, "data") == 0) {
			s.len = 0;
			if (literal(&s, "null")) {
				continue;
			}
			f2 = true;
			while (next_member(&s, &f2, &key)) {
				bool known = alias_index(key, n_alias, &k);

				s.len = 0;
				if (!(known ? repo_value(&s, k) : skip(&s))) {
					break;
				}
			}
			if (s.why != NULL || s.stop != 0) {
				break;
			}
		} else if (strcmp(key, "errors") == 0) {
			s.len = 0;
			ws(&s);
			at = s.p;
			if (!skip(&s)) {
				break;
			}
			*errors = at;
			*errors_len = (size_t)(s.p - at);
		} else {
			s.len = 0;
			if (!skip(&s)) {
				break;
			}
		}
	}
	if (s.stop != 0) {
		rc = s.stop;
	} else if (s.why != NULL) {
		rc = strcmp(s.why, "out of memory") == 0 ? EPITHET_ENOMEM : EPITHET_EPROTOCOL;
		*why = s.why;
	} else {
		ws(&s);
		if (s.p != s.end) {
			rc = EPITHET_EPROTOCOL;
			*why = "something after the answer's JSON object";
		}
	}
	free(s.buf);
	return rc;
}

/* ---- the walk ------------------------------------------------------------------ */

/* One repository of the batch being read. */
struct slot {
	size_t index;         /* into the caller's repos[] */
	char *after;          /* cursor of the next page; NULL before the first */
	bool done;
	bool answered;        /* this round's answer had it */
	bool null;            /* ...as null: not readable */
};

struct batch {
	const struct epithet_host *host;
	const char *url;
	const struct epithet_repo *const *repos;
	struct slot *slots;
	size_t n;
	epithet_batch_label_cb cb;
	void *payload;
	size_t *which;        /* this round: alias k is slot which[k] */
	bool oom;
	const char *why;      /* what sink_repo found wrong */
};

static int fail(struct batch *b, int code, int http_status, struct epithet_error *err,
		const char *msg)
{
	b->host->error_set(err, code, http_status, "%s", msg);
	return code;
}

static const char *repo_full(const struct batch *b, size_t k, char *buf, size_t n)
{
	const struct epithet_repo *r = b->repos[b->slots[k].index];

	snprintf(buf, n, "%s/%s", r->owner, r->name);
	return buf;
}

static int sink_label(void *ctx, size_t alias, const struct epithet_label *label)
{
	struct batch *b = ctx;

	return b->cb(b->slots[b->which[alias]].index, label, b->payload);
}

static int sink_repo(void *ctx, size_t alias, bool null, bool has_next, const char *cursor)
{
	struct batch *b = ctx;
	struct slot *sl = &b->slots[b->which[alias]];

	sl->answered = true;
	sl->null = null;
	free(sl->after);
	sl->after = NULL;
	sl->done = true;
	if (!null && has_next && cursor == NULL) {
		b->why = "a next page without a cursor";
		return EPITHET_EPROTOCOL;
	}
	if (!null && has_next) {
		sl->after = strdup(cursor);
		if (sl->after == NULL) {
			b->oom = true;
			return EPITHET_ENOMEM;
		}
		sl->done = false;
	}
	return 0;
}

/* HTTP statuses that say "no GraphQL for you here": read with REST. */
static bool no_graphql(int status)
{
	return status == 401 || status == 403 || status == 404 || status == 405 || status == 410 ||
	       status == 501;
}

/* The top-level errors[] of an answer, mapped (gh_graphql_errors). */
static int answer_errors(struct batch *b, const char *text, size_t len, size_t m,
			 struct epithet_error *err)
{
	struct json_object *errors = NULL;
	char msg[QUOTE_MAX + 64], full[256], detail[480];
	long bad_alias;
	int rc;

	char *copy;

	if (len == 4 && memcmp(text, "null", 4) == 0) {
		return 0;
	}
	/* gh_parse_body wants the NUL after the text, as the host gives it */
	copy = strndup(text, len);
	if (copy == NULL) {
		return fail(b, EPITHET_ENOMEM, 0, err, "out of memory");
	}
	rc = gh_parse_body(copy, len, &errors);
	free(copy);
	if (rc != 0) {
		return rc == EPITHET_ENOMEM ? fail(b, rc, 0, err, "out of memory")
					    : fail(b, EPITHET_EPROTOCOL, 200, err,
						   "the GraphQL answer's errors are not JSON");
	}
	rc = gh_graphql_errors(errors, &bad_alias, msg, sizeof(msg));
	json_object_put(errors);
	if (rc == 0) {
		return 0;
	}
	if (bad_alias >= 0 && (size_t)bad_alias < m) {
		snprintf(detail, sizeof(detail), "labels of %.200s: %.250s",
			 repo_full(b, b->which[bad_alias], full, sizeof(full)), msg);
	} else {
		snprintf(detail, sizeof(detail), "reading labels with GraphQL: %.250s", msg);
	}
	return fail(b, rc, 200, err, detail);
}

/* One request: the next page of every slot not done yet. The repos asked
 * are numbered afresh (alias r0, r1...) in each request. */
static int round_trip(struct batch *b, struct epithet_error *err)
{
	static const struct gh_graphql_sink sink_fns = {sink_label, sink_repo, NULL};
	const struct epithet_host *h = b->host;
	struct gh_graphql_repo *ask = NULL;
	struct gh_graphql_sink sink = sink_fns;
	struct epithet_http_request req;
	struct epithet_http_response *resp = NULL;
	char full[256], detail[480];
	const char *errors, *why;
	size_t errors_len, m = 0, k;
	char *body = NULL;
	int rc;

	ask = calloc(b->n, sizeof(*ask));
	b->which = calloc(b->n, sizeof(*b->which));
	if (ask == NULL || b->which == NULL) {
		rc = fail(b, EPITHET_ENOMEM, 0, err, "out of memory");
		goto out;
	}
	for (k = 0; k < b->n; k++) {
		b->slots[k].answered = false;
		if (!b->slots[k].done) {
			const struct epithet_repo *r = b->repos[b->slots[k].index];

			ask[m].owner = r->owner;
			ask[m].name = r->name;
			ask[m].after = b->slots[k].after;
			b->which[m++] = k;
		}
	}
	body = gh_graphql_labels_body(ask, m);
	if (body == NULL) {
		rc = fail(b, EPITHET_ENOMEM, 0, err, "out of memory");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.method = "POST";
	req.url = b->url;
	req.body = body;
	req.body_len = strlen(body);
	/* a query: not a write (no pacing, fine in a dry run); never cached */
	req.flags = EPITHET_HTTP_READ_ONLY | EPITHET_HTTP_NO_CACHE;
	/* one owner per batch (gh_graphql_list_labels_many): its token */
	req.owner = b->repos[b->slots[0].index]->owner;
	rc = h->http(h->host_data, &req, &resp, err);
	free(body);
	body = NULL;
	if (rc != 0) {
		goto out; /* the host filled err */
	}
	if (resp->status != 200) {
		rc = no_graphql(resp->status) ? EPITHET_ENOTSUPPORTED
		     : resp->status == 429 ? EPITHET_ERATELIMIT
		     : resp->status >= 500 ? EPITHET_ESERVER : EPITHET_EPROTOCOL;
		h->error_set(err, rc, resp->status, "GraphQL at %s answered HTTP %d%s", b->url,
			     resp->status, resp->status == 401 ? " (it needs a valid token)" : "");
		goto out;
	}
	/* Labels go to the callback as the answer is read; if the answer
	 * turns out to carry errors, the call fails and the caller drops what
	 * it was given (forge.h: a failed call delivers nothing usable). */
	sink.ctx = b;
	b->why = NULL;
	rc = gh_graphql_scan(resp->body, resp->body_len, m, &sink, &errors, &errors_len, &why);
	if (rc != 0 && b->why != NULL) {
		why = b->why;
	}
	if (rc != 0) {
		if (b->oom || rc == EPITHET_ENOMEM) {
			rc = fail(b, EPITHET_ENOMEM, 0, err, "out of memory");
		} else if (why != NULL) {
			snprintf(detail, sizeof(detail), "unexpected GraphQL answer from %.200s: %.200s",
				 b->url, why);
			rc = fail(b, EPITHET_EPROTOCOL, 200, err, detail);
		}
		goto out; /* otherwise the callback's own stop, passed on as is */
	}
	if (errors != NULL && (rc = answer_errors(b, errors, errors_len, m, err)) != 0) {
		goto out;
	}
	for (k = 0; k < m; k++) {
		struct slot *sl = &b->slots[b->which[k]];

		if (!sl->answered || sl->null) {
			/* GitHub says why in errors[]; a null without one (or a
			 * repo missing from data) still means it was not read */
			snprintf(detail, sizeof(detail),
				 "labels of %.200s: not in the GraphQL answer (not found, or not visible with these credentials)",
				 repo_full(b, b->which[k], full, sizeof(full)));
			rc = fail(b, sl->null ? EPITHET_ENOTFOUND : EPITHET_EPROTOCOL, 200, err, detail);
			goto out;
		}
	}
	rc = 0;
out:
	h->http_free(h->host_data, resp);
	free(body);
	free(b->which);
	b->which = NULL;
	free(ask);
	return rc;
}

/* Up to GH_GRAPHQL_BATCH repos: a first request, then one per further page. */
static int read_batch(struct batch *b, struct epithet_error *err)
{
	size_t k;
	int rc = 0;
	bool more = true;

	while (more && rc == 0) {
		rc = round_trip(b, err);
		more = false;
		for (k = 0; k < b->n; k++) {
			more = more || !b->slots[k].done;
		}
	}
	return rc;
}

int gh_graphql_list_labels_many(const struct epithet_host *host, const char *url,
				const struct epithet_repo *const *repos, size_t n_repos,
				epithet_batch_label_cb cb, void *payload, struct epithet_error *err)
{
	struct batch b;
	size_t start, k;
	int rc = 0;

	if (url == NULL || cb == NULL || (repos == NULL && n_repos > 0)) {
		host->error_set(err, EPITHET_EINVALID, 0, "list_labels_many: malformed call");
		return EPITHET_EINVALID;
	}
	for (k = 0; k < n_repos; k++) {
		if (repos[k] == NULL || repos[k]->owner == NULL || repos[k]->name == NULL) {
			/* owner-level labels (name NULL): GitHub has none */
			host->error_set(err, EPITHET_ENOTSUPPORTED, 0,
					"GitHub has no owner-level labels: labels live in each repository");
			return EPITHET_ENOTSUPPORTED;
		}
	}
	memset(&b, 0, sizeof(b));
	b.host = host;
	b.url = url;
	b.repos = repos;
	b.cb = cb;
	b.payload = payload;
	b.slots = calloc(GH_GRAPHQL_BATCH, sizeof(*b.slots));
	if (b.slots == NULL) {
		host->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	for (start = 0; start < n_repos && rc == 0; start += b.n) {
		/* A batch holds one owner's repos: with App authentication each
		 * owner has its own installation token (and budget). */
		for (b.n = 1; b.n < GH_GRAPHQL_BATCH && start + b.n < n_repos &&
			      strcasecmp(repos[start + b.n]->owner, repos[start]->owner) == 0;
		     b.n++) {
		}
		for (k = 0; k < b.n; k++) {
			b.slots[k].index = start + k;
			b.slots[k].after = NULL;
			b.slots[k].done = false;
		}
		rc = read_batch(&b, err);
		for (k = 0; k < b.n; k++) {
			free(b.slots[k].after);
			b.slots[k].after = NULL;
		}
	}
	free(b.slots);
	return rc;
}
