/* SPDX-License-Identifier: MIT */
/**
 * @file epithet/host.h
 * @brief Services the epithet host hands to forge plugins.
 *
 * A forge plugin never links against epithet, libcurl or anything else of the
 * host's: every service it needs (HTTP with authentication, retries, pacing,
 * rate-limit handling and pagination; path escaping; logging; errors;
 * allocation of memory that changes owner) reaches it as a function pointer in
 * struct epithet_host, given to epithet_forge::open. The plugin guide is
 * docs/PLUGINS.md in epithet's sources.
 *
 * @par Versioning (host.h and forge.h share one version)
 * - EPITHET_FORGE_ABI_MAJOR is in the entry symbol's name
 *   ("epithet_forge_plugin_v1") and in every struct epithet_forge. The host
 *   refuses a plugin of another major. The major is bumped, with a new entry
 *   symbol, only for a change that breaks plugins already built: a member
 *   removed, moved, resized or retyped, a macro or enum value changed, or the
 *   documented meaning of a call changed.
 * - EPITHET_FORGE_ABI_MINOR is bumped when something is added: members
 *   appended at the end of a struct (each documented "@since 1.N"), new
 *   capability, flag or field bits, new status codes. Nothing else may change
 *   within a major.
 * - Every versioned struct starts with (or, for the two top-level structs,
 *   holds early) @c struct_size: sizeof the struct as its creator was
 *   compiled. It lets a reader built against another minor tell which members
 *   exist: a member lies past the end of an older creator's struct exactly
 *   when EPITHET_HAS_MEMBER() is false. A reader ignores the tail it does not
 *   know (a newer creator), and never reads past @c struct_size (an older
 *   one). The 1.0 members are always present: the host refuses a vtable
 *   smaller than 1.0, and every struct it hands out is at least 1.0.
 * - Whoever fills a struct sets @c struct_size = sizeof(the struct) and
 *   zeroes what it does not set (a designated initializer does both), so that
 *   reserved members and members appended later read as 0. A reserved member
 *   must be 0; a later minor may give it a meaning in which 0 keeps the 1.0
 *   behaviour.
 * - Unknown values: a reader treats a status code it does not know as
 *   EPITHET_ERROR and ignores flag and capability bits it does not know.
 *
 * @par Threading
 * Every service may be called from several threads at once, for one session
 * or several, except set_endpoint, which belongs to open(). Callbacks
 * (epithet_page_cb) run on the thread that called the service.
 *
 * @par Ownership
 * What a plugin passes to a service is borrowed for that call; the host copies
 * what it keeps. What the host returns is owned by the host unless said
 * otherwise, and is released with the matching service (http_free, free).
 *
 * The header is self-contained C99/C11 and C++ and names no other library's
 * types.
 */
#ifndef EPITHET_HOST_H
#define EPITHET_HOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Major version of the plugin ABI (host.h and forge.h together). A plugin
 *  whose major differs from the host's is refused. Bumped only for a change
 *  that breaks existing plugins: a member removed, moved or retyped. */
#define EPITHET_FORGE_ABI_MAJOR 1
/** Minor version: bumped each time members are appended to a struct (or new
 *  bits or codes are defined). A plugin built for a newer minor loads in an
 *  older host of the same major. */
#define EPITHET_FORGE_ABI_MINOR 1

/** printf format checking for the variadic services (GCC and Clang). */
#if defined(__GNUC__) || defined(__clang__)
#define EPITHET_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define EPITHET_PRINTF(fmt, args)
#endif

/**
 * True when the member of a versioned struct lies inside the size its creator
 * declared in @c struct_size. Use it before reading any member added after
 * 1.0 (the 1.0 members are always present: the loader checks the size).
 * Example, for a service appended in 1.2:
 *   if (EPITHET_HAS_MEMBER(struct epithet_host, host, new_service)) ...
 */
#define EPITHET_HAS_MEMBER(type, ptr, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member) <= (ptr)->struct_size)

/** True when an optional function member is present and non-NULL: the one
 *  test to make before calling an optional method or a post-1.0 service. */
#define EPITHET_HAS_METHOD(type, ptr, member) \
	(EPITHET_HAS_MEMBER(type, ptr, member) && (ptr)->member != NULL)

/**
 * Status codes. 0 is success; failures are negative. Keep the list short:
 * each code is one thing the caller can act on; details go in the message.
 * What the core does with each is in docs/PLUGINS.md ("Errors"). A code
 * unknown to a reader (one appended in a later minor) counts as EPITHET_ERROR.
 */
enum epithet_status {
	EPITHET_OK = 0,
	EPITHET_ERROR = -1,          /**< anything not listed below */
	EPITHET_ENOTFOUND = -2,      /**< owner, repo or label does not exist or is not visible */
	EPITHET_EEXISTS = -3,        /**< a label of that name already exists */
	EPITHET_EAUTH = -4,          /**< credentials missing or rejected (HTTP 401) */
	EPITHET_EFORBIDDEN = -5,     /**< authenticated but not allowed (403, archived repo, 423) */
	EPITHET_ERATELIMIT = -6,     /**< rate limit exhausted and the reset is too far to wait */
	EPITHET_ENOTSUPPORTED = -7,  /**< the forge cannot do this; the core falls back or reports */
	EPITHET_ENETWORK = -8,       /**< no answer (connect, TLS, timeout); a write's outcome is unknown */
	EPITHET_EPROTOCOL = -9,      /**< an answer the plugin cannot understand */
	EPITHET_EINVALID = -10,      /**< the forge rejected a value (validation, 422) */
	EPITHET_ESERVER = -11,       /**< the forge failed (5xx) after the host's retries */
	EPITHET_ENOMEM = -12,        /**< out of memory */
	EPITHET_EINTERRUPTED = -13,  /**< the user interrupted the run: stop and return */
};

/**
 * Details of a failure, owned by the caller (usually on its stack, zeroed),
 * filled by whoever fails, through epithet_host::error_set. Fixed size: no
 * allocation on the error path. Not versioned: its layout is frozen for the
 * major. A function that returns non-zero has filled it, except when it
 * passes on a callback's own return value.
 */
struct epithet_error {
	int code;            /**< an enum epithet_status value, the one returned */
	int http_status;     /**< the HTTP status behind the failure, 0 if none */
	char message[480];   /**< one line, NUL-terminated, no trailing newline; never contains
	                          a token. The core shows it after its own context ("cannot
	                          list the repositories of 'acme': ..."), so say what failed
	                          and why, not where the core was. */
};

/** Log levels for epithet_host::log. The host decides what is shown. */
enum epithet_log_level {
	EPITHET_LOG_ERROR = 0,  /**< always shown; prefer returning an error to logging one */
	EPITHET_LOG_WARN = 1,   /**< always shown: something looks wrong but the run goes on */
	EPITHET_LOG_NOTICE = 2, /**< shown unless --quiet: something the user should know */
	EPITHET_LOG_INFO = 3,   /**< shown with --verbose */
	EPITHET_LOG_DEBUG = 4,  /**< shown with -vv: for whoever debugs the plugin */
};

/** epithet_http_request::flags */
enum epithet_http_flags {
	/** Send no Authorization header (public reads, or a forge's own auth). */
	EPITHET_HTTP_NO_AUTH = 1u << 0,
	/** Never retry this request even where the method is idempotent, and
	 *  do not wait for a rate limit: fail with EPITHET_ERATELIMIT at once. */
	EPITHET_HTTP_NO_RETRY = 1u << 1,
	/** Do not use or fill the conditional-request (ETag) cache. */
	EPITHET_HTTP_NO_CACHE = 1u << 2,
	/** The request only reads, whatever its method: a query sent as a
	 *  POST (GraphQL). The host does not pace it or count it as a write,
	 *  sends it in a dry run, and may retry it like a GET. Only GETs are
	 *  cached. A host that does not know the flag treats such a request as
	 *  a write (paced; refused in a dry run), so a plugin must cope with
	 *  that refusal, e.g. by falling back to plain GETs. */
	EPITHET_HTTP_READ_ONLY = 1u << 3,
	/** @since 1.1. The request is idempotent whatever its method (adding
	 *  a label to an issue: sending it twice leaves the same state as once).
	 *  It is still a write (paced, counted, refused in a dry run), but the
	 *  host retries it after a network error or a 5xx like a GET. A 1.0
	 *  host ignores the bit and does not retry such a POST. */
	EPITHET_HTTP_IDEMPOTENT = 1u << 4,
};

/**
 * One HTTP request, built by a plugin (usually on its stack, with a
 * designated initializer). Borrowed by the host for the duration of the call
 * only: every string may be freed when the call returns.
 */
struct epithet_http_request {
	uint32_t struct_size;        /**< sizeof(struct epithet_http_request) */
	uint32_t flags;              /**< enum epithet_http_flags */
	const char *method;          /**< "GET", "POST", "PATCH", "PUT" or "DELETE" ("HEAD" too;
	                                  NULL means "GET"). Anything else: EPITHET_EINVALID */
	/** Absolute http(s) URL, or a path starting with '/' that the host
	 *  appends to the session's API root (see epithet_endpoint). Path
	 *  segments taken from user data must be escaped with
	 *  epithet_host::escape_segment. The token is only ever sent to the API
	 *  root's scheme, host and port, whatever the URL. */
	const char *url;
	const char *body;            /**< request body (JSON), or NULL for none; the host sends it
	                                  with "Content-Type: application/json" unless @c headers
	                                  name another Content-Type. Need not be NUL-terminated */
	size_t body_len;             /**< bytes of @c body */
	/** Extra headers, "Name: value", NULL-terminated; NULL for none. They
	 *  are added after the endpoint's default headers. A header holding CR
	 *  or LF, or no ':', makes the call fail with EPITHET_EINVALID. */
	const char *const *headers;
	/**
	 * For epithet_host::http_paginate only. NULL: follow the response's
	 * Link rel="next" (only while it stays on the API host). Otherwise the
	 * name of the page-number query parameter: the host asks page 1, 2, ...
	 * until the items seen reach the X-Total-Count header, or a page has no
	 * items (for forges whose lists carry no Link header).
	 */
	const char *page_param;
	/* ---- ABI 1.0 ends here ---- */
	/** @since 1.1. The owner (organization or user) the request acts for,
	 *  or NULL for the session's owner. With App authentication (see
	 *  epithet_endpoint::app_token_exchange) each owner has its own
	 *  installation token, chosen by this member. */
	const char *owner;
	/** @since 1.1. The repository (name, without the owner) the request
	 *  acts for, or NULL. Used to find the App installation of a repository
	 *  named alone (epithet_endpoint::app_repo_installation). */
	const char *repo;
};

/**
 * An HTTP response. Owned by the host; release it with
 * epithet_host::http_free (from any thread). Immutable until then. Any status
 * is a response: the host returns a response for 4xx and for 5xx that
 * outlived its retries, and the plugin maps the status to a code.
 */
struct epithet_http_response {
	uint32_t struct_size;   /**< sizeof(struct epithet_http_response) of the host */
	int status;             /**< HTTP status; 304 answers are resolved from the cache and arrive as 200 */
	const char *body;       /**< body bytes, always NUL-terminated; "" when empty */
	size_t body_len;        /**< bytes of @c body, not counting the NUL */
	const char *url;        /**< the URL that answered (after redirects) */
};

/**
 * Called once per page by epithet_host::http_paginate, on the calling
 * thread. Return the number of items the page held (>= 0), or a negative
 * status to stop the walk; that status is returned by http_paginate
 * unchanged. @p resp is borrowed: valid until the callback returns.
 * @param err the caller's error struct: set it when returning a failure.
 */
typedef int (*epithet_page_cb)(const struct epithet_http_response *resp,
			       void *payload, struct epithet_error *err);

/**
 * Where a plugin's session talks to, declared by the plugin from its open()
 * through epithet_host::set_endpoint before its first request. Borrowed for
 * the call; the host copies what it keeps.
 */
struct epithet_endpoint {
	uint32_t struct_size;            /**< sizeof(struct epithet_endpoint) */
	uint32_t reserved0;              /**< 0 */
	/** API root without trailing '/', e.g. "https://api.github.com". The
	 *  Authorization header is only ever sent to this scheme+host+port.
	 *  An http(s) URL without credentials, query or fragment. */
	const char *api_root;
	/** Environment variables holding a token for this forge, tried in
	 *  order after EPITHET_TOKEN; NULL-terminated, or NULL for none. */
	const char *const *token_env;
	/** Authorization scheme: the header becomes "Authorization: SCHEME TOKEN"
	 *  ("Bearer", "token"). NULL: the forge takes no token. No spaces. */
	const char *auth_scheme;
	/** Headers sent with every request, "Name: value", NULL-terminated, or
	 *  NULL (no CR or LF; each needs a ':'). */
	const char *const *headers;
	/** Default minimum spacing between two writes, in milliseconds, when
	 *  the user does not give --write-interval (0 for none). */
	uint32_t write_interval_ms;
	/** Most writes per minute and per hour the forge asks for (0: none). */
	uint32_t writes_per_minute;
	uint32_t writes_per_hour;        /**< see writes_per_minute */
	/** Suggested parallel reads when the user does not give --jobs (0: host default). */
	uint32_t default_jobs;
	/* ---- ABI 1.0 ends here ---- */
	/**
	 * @since 1.1. App authentication: how the forge turns an application's
	 * signed JWT (RS256; iat 60 s ago, exp at most 600 s after iat, iss the
	 * App id) into an installation token for one owner. NULL when the forge
	 * has none; the user's App credentials (--app-id, --app-key, targets'
	 * app_id) are then refused for this forge. The host signs, looks up,
	 * exchanges, renews (before expiry, and once after an unexpected 401)
	 * and wipes; the plugin never sees a key, a JWT or a token.
	 * Paths are relative to api_root; "{owner}", "{repo}" and "{id}" are
	 * replaced by escaped segments.
	 * - app_owner_installation: NULL-terminated list of GET paths tried in
	 *   order, the next one on a 404 (e.g. an organization's, then a user's);
	 *   the answer is a JSON object whose "id" is the installation.
	 * - app_repo_installation: GET path for a repository's installation,
	 *   tried first for an owner whose first request names its repo
	 *   (a target of named repositories), then the owner paths on a 404.
	 * - app_token_exchange: POST path; the answer is a JSON object with
	 *   "token" and "expires_at" (RFC 3339).
	 * Every request then needs epithet_http_request::owner (or the
	 * target's owner): the App not installed there, or a renewed token
	 * refused too, fails the call with EPITHET_EAUTH naming both.
	 */
	const char *const *app_owner_installation;
	const char *app_repo_installation;  /**< @since 1.1; see app_owner_installation */
	const char *app_token_exchange;     /**< @since 1.1; see app_owner_installation */
};

/**
 * The host's services. One struct per plugin session: the pointer given to
 * epithet_forge::open stays valid until epithet_forge::close returns, and all
 * of its services apply to that session (its endpoint, its token, its
 * counters). Members are only appended: check EPITHET_HAS_METHOD() before
 * calling one documented "@since 1.N" with N > 0.
 */
struct epithet_host {
	uint32_t abi_major;     /**< EPITHET_FORGE_ABI_MAJOR of the host */
	uint32_t abi_minor;     /**< EPITHET_FORGE_ABI_MINOR of the host */
	uint32_t struct_size;   /**< sizeof(struct epithet_host) of the host */
	uint32_t reserved0;     /**< 0 */
	void *host_data;        /**< pass back as the first argument of each service */

	/* ---- ABI 1.0 ---- */

	/** Log a line (no trailing newline needed). The host prefixes it with
	 *  the plugin's name and filters it by level (enum epithet_log_level).
	 *  Plugins never print to stdout or stderr themselves. */
	void (*log)(void *host_data, int level, const char *fmt, ...) EPITHET_PRINTF(3, 4);

	/** Fill @p err: code, HTTP status (0 if none) and a printf-style message,
	 *  truncated to fit and folded to one line. Allocates nothing; @p err
	 *  may be NULL (nothing is done). Takes no host_data: callable anywhere. */
	void (*error_set)(struct epithet_error *err, int code, int http_status,
			  const char *fmt, ...) EPITHET_PRINTF(4, 5);

	/**
	 * Declare where this session talks to and how it authenticates. Call
	 * from open() before any request; a second call replaces the first.
	 * The host resolves the token here (EPITHET_TOKEN, then @c token_env,
	 * then a labels-file target's token_env, then --token-file, then
	 * ~/.netrc for the API host); the plugin never sees it.
	 * @return 0; EPITHET_EINVALID for a malformed api_root, header or
	 *         auth_scheme, or an unreadable --token-file; EPITHET_ENOMEM.
	 */
	int (*set_endpoint)(void *host_data, const struct epithet_endpoint *ep,
			    struct epithet_error *err);

	/**
	 * Send one request and wait for its response. The host adds the
	 * default headers and the Authorization header, paces writes, waits for
	 * rate-limit resets within --max-wait, retries network errors and 5xx
	 * where the method is idempotent, and answers GETs from the ETag cache
	 * when the forge says 304.
	 * Also: redirects are followed (method and body kept, the token only
	 * sent on the API root); writes (anything but GET and HEAD) of one
	 * session go one at a time; in a dry run a write is refused with
	 * EPITHET_ERROR; a POST or PATCH that got no answer is not sent again
	 * (its outcome is unknown: EPITHET_ENETWORK).
	 * @param out  receives the response (any HTTP status) on success; NULL
	 *             on failure.
	 * @return 0 when a response arrived; otherwise a negative status
	 *         (ENETWORK, ERATELIMIT, EINTERRUPTED, EPROTOCOL for an
	 *         oversized or garbled answer, EINVALID for a malformed request,
	 *         ENOMEM...) with @p err set.
	 */
	int (*http)(void *host_data, const struct epithet_http_request *req,
		    struct epithet_http_response **out, struct epithet_error *err);

	/**
	 * GET a list and every following page (see
	 * epithet_http_request::page_param), calling @p cb with each page,
	 * whatever its status. On a non-2xx page the callback maps the status
	 * to a code, sets @p err and returns it; the walk stops there. A
	 * callback may also return a negative value to stop for its own reason
	 * (e.g. to pass on a user callback's stop): the host returns it as is,
	 * and @p err is then whatever the callback left in it.
	 * With @c page_param, a page shorter than the request's limit= or
	 * per_page= is the last one only when the response carries no
	 * X-Total-Count (a list may drop hidden items after counting them);
	 * a next link pointing at the page just read is refused (a loop).
	 * Each page is one http() call, with all that it does. The request's
	 * method must be GET (or NULL).
	 * @return 0 when the last page was read; a negative status returned by
	 *         @p cb; or a transport failure as for http().
	 */
	int (*http_paginate)(void *host_data, const struct epithet_http_request *req,
			     epithet_page_cb cb, void *payload, struct epithet_error *err);

	/** Release a response from http(). Accepts NULL. */
	void (*http_free)(void *host_data, struct epithet_http_response *resp);

	/** A response header's value (case-insensitive name), or NULL. Borrowed
	 *  from @p resp: valid until it is freed. */
	const char *(*http_header)(void *host_data, const struct epithet_http_response *resp,
				   const char *name);

	/**
	 * Percent-encode @p s as one URL path segment: everything outside
	 * RFC 3986 unreserved characters is escaped (space as %20, '/' as %2F,
	 * '.' and '..' as %2E), UTF-8 bytes one by one. The result is also
	 * safe as a query value.
	 * @return a string from epithet_host::alloc (free with epithet_host::free),
	 *         or NULL when out of memory (or @p s is NULL).
	 */
	char *(*escape_segment)(void *host_data, const char *s);

	/** Allocate memory that changes owner between plugin and host: n bytes
	 *  (a unique pointer even for 0), or NULL when out of memory. Memory a
	 *  plugin allocates and frees itself may use plain malloc. */
	void *(*alloc)(void *host_data, size_t n);
	/** Release memory from alloc() or escape_segment(). Accepts NULL. */
	void (*free)(void *host_data, void *p);

	/* ---- ABI 1.0 ends here. Append only; document each member with @since 1.N ---- */
};

#ifdef __cplusplus
}
#endif

#endif /* EPITHET_HOST_H */
