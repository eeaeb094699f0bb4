/* SPDX-License-Identifier: MIT */
/*
 * url.c — URLs, over libcurl's URL API: path-segment escaping, origins,
 * resolving request paths and references, the page query parameter, the
 * canonical API root. Pure functions of their arguments: knows nothing of
 * the session, sends nothing.
 */
#include "internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

char *hostsvc_escape_segment(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	char *out, *o;
	const unsigned char *p;

	if (!s)
		return NULL;
	/* "." and ".." as segments are dot-segments that URL normalisation
	 * (libcurl's included) would remove; escaped they are plain names. */
	if (strcmp(s, ".") == 0)
		return strdup("%2E");
	if (strcmp(s, "..") == 0)
		return strdup("%2E%2E");
	for (p = (const unsigned char *)s; *p; p++)
		n += (isalnum(*p) && *p < 0x80) || strchr("-._~", *p) ? 1 : 3;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x80 && isalnum(*p)) || strchr("-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

static bool is_http_scheme(const char *scheme)
{
	return scheme && (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0);
}

/* Parse @url (absolute http or https) into @u. */
static bool url_parse(CURLU *u, const char *url)
{
	char *scheme = NULL;
	bool ok;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		return false;
	ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && is_http_scheme(scheme);
	curl_free(scheme);
	return ok;
}

/* "scheme://host:port", lower case, default port filled in; the identity
 * the Authorization header is tied to. malloc'd, NULL on failure. */
static char *url_origin(CURLU *u)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL, *p;

	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto cleanup;
	if (asprintf(&out, "%s://%s:%s", scheme, host, port) < 0) {
		out = NULL;
		goto cleanup;
	}
	for (p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return out;
}

char *hs_origin_of(const char *url)
{
	CURLU *u = curl_url();
	char *o = NULL;

	if (u && url_parse(u, url))
		o = url_origin(u);
	curl_url_cleanup(u);
	return o;
}

bool hs_same_origin(const char *origin, const char *url)
{
	char *o;
	bool same;

	if (!origin)
		return false;
	o = hs_origin_of(url);
	same = o && strcmp(o, origin) == 0;
	free(o);
	return same;
}

/* The canonical absolute URL of @url: a path starting with '/' is put under
 * the API root (keeping the root's own path, "/api/v3" + "/repos/..."),
 * anything else must be an absolute http(s) URL. NULL if malformed. */
char *hs_resolve_url(const char *api_root, const char *url)
{
	CURLU *u = curl_url();
	char *joined = NULL, *out = NULL;

	if (!u || !url)
		goto cleanup;
	if (url[0] == '/') {
		/* "//host/x" would be a network-path reference to another host */
		if (!api_root || url[1] == '/')
			goto cleanup;
		if (asprintf(&joined, "%s%s", api_root, url) < 0) {
			joined = NULL;
			goto cleanup;
		}
		url = joined;
	}
	if (url_parse(u, url) && curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		out = NULL;
cleanup:
	free(joined);
	curl_url_cleanup(u);
	if (out) {
		/* curl_free'd memory must not leak into free(): copy */
		char *copy = strdup(out);

		curl_free(out);
		out = copy;
	}
	return out;
}

/* @ref (absolute or relative, from a Location or Link header) resolved
 * against @base. malloc'd, NULL if malformed or not http(s). */
char *hs_resolve_ref(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *out = NULL, *copy = NULL, *scheme = NULL;

	if (!u || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http_scheme(scheme) ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		goto cleanup;
	copy = strdup(out);
cleanup:
	curl_free(scheme);
	curl_free(out);
	curl_url_cleanup(u);
	return copy;
}

/* Does the query item [item, item+n) have the name @name? */
static bool query_item_is(const char *item, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n >= k && strncmp(item, name, k) == 0 && (n == k || item[k] == '=');
}

/* @url with its @param query parameter set to @page (replacing any it had).
 * *limit receives the page size the URL asks for ("limit" or "per_page"),
 * 0 when it names none. malloc'd, NULL on failure. */
char *hs_url_with_page(const char *url, const char *param, unsigned long page, long *limit)
{
	CURLU *u = curl_url();
	char *query = NULL, *built = NULL, *out = NULL, *copy = NULL;
	const char *p, *amp, *eq;
	char num[24];
	size_t n, len = 0;
	long long v;
	FILE *mem;

	*limit = 0;
	if (!u || !url_parse(u, url))
		goto cleanup;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL; /* CURLUE_NO_QUERY */
	mem = open_memstream(&built, &len);
	if (!mem)
		goto cleanup;
	for (p = query; p && *p; p = *amp ? amp + 1 : amp) {
		amp = strchr(p, '&');
		if (!amp)
			amp = p + strlen(p);
		n = (size_t)(amp - p);
		if (n == 0 || query_item_is(p, n, param))
			continue;
		if ((query_item_is(p, n, "limit") || query_item_is(p, n, "per_page")) &&
		    (eq = memchr(p, '=', n)) != NULL && (size_t)(p + n - eq) < sizeof(num)) {
			memcpy(num, eq + 1, (size_t)(p + n - eq - 1));
			num[p + n - eq - 1] = '\0';
			if (hs_parse_ll(num, &v) && v > 0 && v < LONG_MAX)
				*limit = (long)v;
		}
		fprintf(mem, "%.*s&", (int)n, p);
	}
	fprintf(mem, "%s=%lu", param, page);
	if (fclose(mem) != 0)
		goto cleanup;
	if (curl_url_set(u, CURLUPART_QUERY, built, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		goto cleanup;
	copy = strdup(out);
cleanup:
	free(built);
	curl_free(query);
	curl_free(out);
	curl_url_cleanup(u);
	return copy;
}

bool hs_is_loopback_host(const char *origin)
{
	const char *host = strstr(origin, "://");

	if (!host)
		return false;
	host += 3;
	if (strncmp(host, "[::1]", 5) == 0 && (host[5] == ':' || host[5] == '\0'))
		return true;
	/* the host part alone: "127.example.com" is a name, not a loopback address */
	char name[256];
	size_t n = strcspn(host, ":/");
	struct in_addr a;

	if (n >= sizeof(name))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	if (strcmp(name, "localhost") == 0)
		return true;
	return inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* The canonical api_root, without a trailing '/' and without a query,
 * fragment or credentials (a URL with a password would put it in logs). */
char *hs_canonical_root(const char *api_root, char **host_out)
{
	CURLU *u = curl_url();
	char *s = NULL, *out = NULL, *part = NULL;
	size_t n;

	*host_out = NULL;
	if (!u || !api_root || !url_parse(u, api_root))
		goto cleanup;
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK)
		goto cleanup;
	if (curl_url_get(u, CURLUPART_HOST, &part, 0) != CURLUE_OK)
		goto cleanup;
	*host_out = strdup(part);
	if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK || !*host_out)
		goto cleanup;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	out = strndup(s, n);
cleanup:
	curl_free(part);
	curl_free(s);
	curl_url_cleanup(u);
	if (!out) {
		free(*host_out);
		*host_out = NULL;
	}
	return out;
}
