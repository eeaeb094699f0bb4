/* SPDX-License-Identifier: MIT */
/**
 * @file epithet/forge.h
 * @brief The forge plugin ABI: what a forge plugin exports and implements.
 *
 * A forge plugin is a shared module exporting one symbol,
 * EPITHET_FORGE_ENTRY_SYMBOL ("epithet_forge_plugin_v1"), of type
 * epithet_forge_entry_fn. The entry returns a pointer to a static const
 * struct epithet_forge: the plugin's identity, capabilities, limits and
 * methods. Per-target state lives in an opaque session made by open(). The
 * host's services (HTTP and the rest) are in host.h; the guide, from nothing
 * to an installed plugin, is docs/PLUGINS.md in epithet's sources.
 *
 * ABI rules
 * - The major version is in the entry symbol's name and in abi_major; the
 *   host refuses a plugin whose major differs from its own. A new major
 *   (a member removed, moved or retyped, a value or a meaning changed) gets
 *   a new entry symbol, so a plugin may export both during a transition.
 * - Structs start with their size. Members are only appended, each new one
 *   documented "@since 1.N", and EPITHET_FORGE_ABI_MINOR is bumped. A reader
 *   checks EPITHET_HAS_MEMBER()/EPITHET_HAS_METHOD() before touching a member
 *   newer than 1.0. A plugin built for a newer minor (larger struct) loads in
 *   an older host, which ignores what it does not know; a struct smaller than
 *   1.0 is refused. The 1.0 layout is frozen by epithet's tests/abi/test-abi.c.
 * - What the loader checks, refusing the file with a message naming it: a
 *   regular file, not writable by group or others; dlopen succeeds; the entry
 *   symbol exists; the entry returns non-NULL; abi_major equals the host's;
 *   struct_size covers 1.0; the name is valid; every required method is set.
 *
 * Ownership
 * - Every pointer passed into a plugin method is borrowed for that call.
 * - Every pointer passed to a callback (repos, labels, items) is borrowed
 *   for the callback's duration; the core copies what it keeps.
 * - A callback's non-zero return stops the iteration; the method returns
 *   that value unchanged.
 * - The vtable and its strings are static: valid while the module is loaded.
 *   What a plugin allocates for a session it frees in close().
 *
 * Threading
 * - The host calls the read methods (list_repos, get_repo, list_labels,
 *   list_labels_many, list_labelled) of one session from several threads at
 *   once, at most --jobs at a time. Reads must not share unlocked mutable
 *   state.
 * - The host never calls a write method (create_label, update_label,
 *   delete_label, add_label) while any other method of that session runs,
 *   unless the plugin sets EPITHET_CAP_CONCURRENT_WRITES (@since 1.1): then
 *   writes to *different* repositories of one session may run at once (at
 *   most --jobs), while the writes to one repository still come one at a
 *   time, in plan order, and never overlap a read of that repository.
 *   Writes of the owner-level labels count as one more repository. Where
 *   the endpoint's writes are paced (write_interval_ms, writes_per_minute,
 *   writes_per_hour, or a --write-interval above 0) the host still sends
 *   them one at a time. A plugin built for 1.0 never sees concurrent writes.
 * - open() and close() are never concurrent with anything on that session.
 * - Sessions are independent: two sessions (two targets) may run at once.
 *   Global state in a plugin needs a lock.
 * - Callbacks run on the thread that called the method.
 *
 * Errors
 * - Methods return 0 or a negative enum epithet_status, and fill @p err (via
 *   epithet_host::error_set) whenever they return non-zero, except when
 *   passing on a callback's own return value.
 * - A failure of the host's http() or http_paginate() is returned as is:
 *   the host has filled @p err.
 * - A plugin never prints, never exits, never aborts: it logs through the
 *   host and returns.
 */
#ifndef EPITHET_FORGE_H
#define EPITHET_FORGE_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The name of the one symbol a plugin exports. */
#define EPITHET_FORGE_ENTRY_SYMBOL "epithet_forge_plugin_v1"

/** Marks the entry point as exported when building with hidden visibility
 *  (-fvisibility=hidden, meson's gnu_symbol_visibility: 'hidden'). */
#if defined(__GNUC__) || defined(__clang__)
#define EPITHET_EXPORT __attribute__((visibility("default")))
#else
#define EPITHET_EXPORT
#endif

/** Capability bits, epithet_forge::capabilities. The core plans from these:
 *  it never asks a forge for what its bits deny. A bit is a promise: set it
 *  only when the methods behind it work. Bits a host does not know are
 *  ignored. */
#define EPITHET_CAP_DESCRIPTION  (UINT64_C(1) << 0) /**< labels have descriptions */
#define EPITHET_CAP_RENAME       (UINT64_C(1) << 1) /**< update_label can change the name in place, issues keep the label */
#define EPITHET_CAP_ORG_LABELS   (UINT64_C(1) << 2) /**< owner-level labels (repo == NULL) */
#define EPITHET_CAP_EXCLUSIVE    (UINT64_C(1) << 3) /**< scoped/exclusive labels */
#define EPITHET_CAP_ARCHIVE      (UINT64_C(1) << 4) /**< labels can be archived instead of deleted */
#define EPITHET_CAP_LABEL_COUNTS (UINT64_C(1) << 5) /**< listed labels carry issue/PR counts */
#define EPITHET_CAP_ISSUE_LABELS (UINT64_C(1) << 6) /**< list_labelled and add_label work (merge, undo) */
#define EPITHET_CAP_BATCH_READ   (UINT64_C(1) << 7) /**< list_labels_many reads many repos per request */
#define EPITHET_CAP_UNIQUE_NAMES (UINT64_C(1) << 8) /**< the forge refuses two labels whose names differ only by case */
/** @since 1.1: label names render `:shortcode:` emoji (GitHub's gemoji list),
 *  so ":bug: crash" and "\U0001F41B crash" are one label to readers; the
 *  core matches them as one name, like case and NFC. */
#define EPITHET_CAP_EMOJI_SHORTCODES (UINT64_C(1) << 9)
/** @since 1.1: writes to different repositories of one session may run
 *  concurrently (see "Threading"). The host still serialises them where the
 *  endpoint's pacing is on (write_interval_ms, writes_per_minute/hour). */
#define EPITHET_CAP_CONCURRENT_WRITES (UINT64_C(1) << 10)
/** @since 1.1: read_file works (labels files kept in a repository, `extends`). */
#define EPITHET_CAP_READ_FILE (UINT64_C(1) << 11)
/** @since 1.1: list_labelled with repo NULL lists the issues and pull
 *  requests carrying an owner-level label in every repository of the owner
 *  (subgroups included where the forge nests them), each naming its
 *  repository in epithet_item::repo, and add_item_label relabels them: the
 *  core then counts, journals and merges owner-level labels like repo ones.
 *  Needs ISSUE_LABELS and add_item_label. */
#define EPITHET_CAP_OWNER_ITEMS (UINT64_C(1) << 12)

/** epithet_repo::flags */
#define EPITHET_REPO_ARCHIVED  (1u << 0) /**< read-only: never written */
#define EPITHET_REPO_FORK      (1u << 1) /**< a fork: skipped unless --forks */
#define EPITHET_REPO_DISABLED  (1u << 2) /**< disabled by the forge: never written */
#define EPITHET_REPO_NO_PUSH   (1u << 3) /**< the token is known to lack write access */
#define EPITHET_REPO_PRIVATE   (1u << 4) /**< private (informational) */

/** A repository, as listed by a plugin. Built by the plugin (on its stack,
 *  pointing into its parsed answer) and borrowed by the callback. */
struct epithet_repo {
	uint32_t struct_size;       /**< sizeof(struct epithet_repo) of its creator */
	uint32_t flags;             /**< EPITHET_REPO_* */
	const char *owner;          /**< owner login, as the forge spells it; never NULL */
	const char *name;           /**< repository name, without the owner; never NULL */
	const char *const *topics;  /**< topics, n_topics of them (may be NULL if 0) */
	size_t n_topics;            /**< number of @c topics (for --topic) */
	const char *id;             /**< the forge's id as text, or NULL */
};

/** epithet_label::flags */
#define EPITHET_LABEL_EXCLUSIVE (1u << 0) /**< scoped/exclusive label */
#define EPITHET_LABEL_ARCHIVED  (1u << 1) /**< archived label */
#define EPITHET_LABEL_OWNER     (1u << 2) /**< an owner-level label showing in a repo's list */

/** epithet_label::fields: which members carry meaning. Listed labels set
 *  every field the forge has. Desired labels passed to create_label and
 *  update_label set only what is to be written; anything else stays as it
 *  is on the forge. EXCLUSIVE and ARCHIVED are carried by the matching
 *  EPITHET_LABEL_* bit of epithet_label::flags. */
#define EPITHET_FIELD_NAME        (1u << 0)
#define EPITHET_FIELD_COLOR       (1u << 1)
#define EPITHET_FIELD_DESCRIPTION (1u << 2)
#define EPITHET_FIELD_EXCLUSIVE   (1u << 3)
#define EPITHET_FIELD_ARCHIVED    (1u << 4)

/** A label: listed by a plugin (borrowed by the callback), or desired by
 *  the core (borrowed by the write method). */
struct epithet_label {
	uint32_t struct_size;       /**< sizeof(struct epithet_label) of its creator */
	uint32_t fields;            /**< EPITHET_FIELD_* */
	const char *name;           /**< exact name, UTF-8; never NULL in a listed label */
	const char *color;          /**< "rrggbb": 6 lowercase hex digits, no '#' */
	const char *description;    /**< NULL or "" for none (the same thing) */
	const char *id;             /**< the forge's id as text (opaque to the core, given back
	                                 in @p cur of the write methods), or NULL */
	uint32_t flags;             /**< EPITHET_LABEL_* */
	uint32_t reserved0;         /**< 0 */
	int64_t issues;             /**< issues carrying it, -1 when unknown */
	int64_t pulls;              /**< pull/merge requests carrying it, -1 when unknown */
	/* ---- ABI 1.0 ends here (struct_size 64 on LP64) ---- */
	/** @since 1.1. For a listed label with EPITHET_LABEL_OWNER: the owner
	 *  that holds it (e.g. the ancestor group "acme" of a project in
	 *  "acme/platform"), for messages; NULL when it is the session's owner
	 *  or unknown. Read it only when EPITHET_HAS_MEMBER() says it is there. */
	const char *holder;
};

/** An issue or pull request carrying a label (list_labelled). */
struct epithet_item {
	uint32_t struct_size;       /**< sizeof(struct epithet_item) of its creator */
	uint32_t is_pull;           /**< 1 for a pull/merge request, 0 for an issue */
	uint64_t number;            /**< the number users see (#123) */
	/* ---- ABI 1.0 ends here (struct_size 16) ---- */
	/** @since 1.1. The repository the item is in, as "OWNER/NAME" (the
	 *  owner may have several segments: "acme/platform/api"), when
	 *  list_labelled lists an owner-level label's items (repo NULL, with
	 *  EPITHET_CAP_OWNER_ITEMS); NULL otherwise. Borrowed like the item. */
	const char *repo;
};

typedef struct epithet_forge_session epithet_forge_session; /**< opaque, plugin-owned */

/** Receives repositories. Return 0 to go on; non-zero stops and is returned. */
typedef int (*epithet_repo_cb)(const struct epithet_repo *repo, void *payload);
/** Receives labels. Return 0 to go on; non-zero stops and is returned. */
typedef int (*epithet_label_cb)(const struct epithet_label *label, void *payload);
/** Receives the labels of repos[index] from list_labels_many. Same rules. */
typedef int (*epithet_batch_label_cb)(size_t index, const struct epithet_label *label,
				      void *payload);
/** Receives issues and pull requests. Same rules. */
typedef int (*epithet_item_cb)(const struct epithet_item *item, void *payload);

/** epithet_forge_config::flags */
#define EPITHET_CONFIG_ORG_LABELS (1u << 0) /**< manage labels at owner level (CAP_ORG_LABELS) */
#define EPITHET_CONFIG_DRY_RUN    (1u << 1) /**< the run writes nothing */

/** What the user said about this target (command line or labels-file
 *  target). Borrowed for open(); copy what you keep. */
struct epithet_forge_config {
	uint32_t struct_size;   /**< sizeof(struct epithet_forge_config) of the host */
	uint32_t flags;         /**< EPITHET_CONFIG_* */
	const char *url;        /**< --url or the target's url, or NULL for the forge's default;
	                             the plugin derives its API root from it */
	const char *api_url;    /**< --api-url: the exact API root, or NULL */
	const char *owner;      /**< --org or the target's org, or NULL (repos named one by one) */
};

/** What open() tells the host about the session. Filled by the plugin; the
 *  strings must stay valid until close(). */
struct epithet_session_info {
	uint32_t struct_size;          /**< set by the host */
	uint32_t reserved0;            /**< 0 */
	const char *default_owner;     /**< the owner to use when the user names none, or NULL */
	const char *display;           /**< where the session talks to, for messages ("https://ghe.example.com"), or NULL */
};

/**
 * A forge plugin: static const, returned by the entry point.
 *
 * Required methods: open, close, list_repos, get_repo, list_labels,
 * create_label, update_label, delete_label. The rest may be NULL.
 * In every method, @p owner and @p repo are as the core knows them (from
 * the user or from list_repos); @p repo is NULL only for owner-level labels
 * (with EPITHET_CAP_ORG_LABELS and EPITHET_CONFIG_ORG_LABELS).
 */
struct epithet_forge {
	uint32_t abi_major;         /**< EPITHET_FORGE_ABI_MAJOR the plugin was built with */
	uint32_t abi_minor;         /**< EPITHET_FORGE_ABI_MINOR the plugin was built with */
	uint32_t struct_size;       /**< sizeof(struct epithet_forge) the plugin was built with */
	uint32_t reserved0;         /**< 0 */
	const char *name;           /**< short name, [a-z0-9-]+, e.g. "gitea" (the loader accepts
	                                 1 to 64 of [a-z0-9_-]); the file is NAME.so */
	const char *version;        /**< the plugin's own version, e.g. "1.2.0" */
	const char *description;    /**< one line for `epithet plugins` */
	uint64_t capabilities;      /**< EPITHET_CAP_* */
	uint32_t name_max;          /**< longest label name, in code points; 0: no limit. The core
	                                 refuses longer names before any request */
	uint32_t description_max;   /**< longest description, in code points; 0: no limit */

	/* ---- ABI 1.0, required ---- */

	/**
	 * Start a session for one target. Calls host->set_endpoint before any
	 * request. @p host stays valid until close().
	 * @param cfg   what the user said; never NULL.
	 * @param info  filled by the plugin (default owner, display name); never NULL.
	 * @param out   receives the session on success.
	 * @return 0; on failure a negative status with @p err set, having freed
	 *         what it made: close() is not called. EINVALID (a bad --url) makes
	 *         epithet exit 65, EAUTH exit 77.
	 */
	int (*open)(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		    struct epithet_session_info *info, epithet_forge_session **out,
		    struct epithet_error *err);

	/** End a session and free it. Accepts NULL. */
	void (*close)(epithet_forge_session *s);

	/** List every repository of @p owner (an organization or a user),
	 *  archived and forks included: the core filters. ENOTFOUND, EAUTH or
	 *  EFORBIDDEN when the owner cannot be read (epithet exits 77). */
	int (*list_repos)(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			  void *payload, struct epithet_error *err);

	/** Look up one repository (--repo OWNER/NAME) and pass it to @p cb once.
	 *  ENOTFOUND when it does not exist. */
	int (*get_repo)(epithet_forge_session *s, const char *owner, const char *name,
			epithet_repo_cb cb, void *payload, struct epithet_error *err);

	/**
	 * List the labels of @p owner/@p repo, every page. @p repo NULL means
	 * the owner-level labels (only with EPITHET_CAP_ORG_LABELS).
	 * Owner-level labels that show in a repo's list carry EPITHET_LABEL_OWNER
	 * (the core never prunes them from the repo).
	 */
	int (*list_labels)(epithet_forge_session *s, const char *owner, const char *repo,
			   epithet_label_cb cb, void *payload, struct epithet_error *err);

	/** Create @p want (its fields say what to send: always NAME and COLOR).
	 *  EEXISTS when the forge says a label of that name exists. On ENETWORK
	 *  or ESERVER the core lists the labels to see whether the create
	 *  landed before it tries once more: never retry a create yourself. */
	int (*create_label)(epithet_forge_session *s, const char *owner, const char *repo,
			    const struct epithet_label *want, struct epithet_error *err);

	/**
	 * Change label @p cur (as listed: exact name, id, flags) to carry the
	 * fields set in @p want. EPITHET_FIELD_NAME in @p want renames in place
	 * (only with EPITHET_CAP_RENAME). ENOTFOUND when it is gone.
	 * EPITHET_FIELD_ARCHIVED (only with EPITHET_CAP_ARCHIVE) archives or
	 * unarchives; EPITHET_FIELD_EXCLUSIVE (EPITHET_CAP_EXCLUSIVE) sets or
	 * clears the scope. Fields not set are left alone.
	 */
	int (*update_label)(epithet_forge_session *s, const char *owner, const char *repo,
			    const struct epithet_label *cur, const struct epithet_label *want,
			    struct epithet_error *err);

	/** Delete label @p cur (as listed). ENOTFOUND when it is already gone
	 *  (the core counts that as done). */
	int (*delete_label)(epithet_forge_session *s, const char *owner, const char *repo,
			    const struct epithet_label *cur, struct epithet_error *err);

	/* ---- ABI 1.0, optional (NULL when the forge cannot) ---- */

	/** Every issue and pull request, open or closed, carrying @p label
	 *  (as listed). With EPITHET_CAP_ISSUE_LABELS. The core calls it before
	 *  a delete or merge, to show and journal what carried the label. */
	int (*list_labelled)(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *label, epithet_item_cb cb, void *payload,
			     struct epithet_error *err);

	/** Attach existing label @p label to issue or PR @p number, keeping
	 *  its other labels. With EPITHET_CAP_ISSUE_LABELS. An item that already
	 *  carries it is a success (undo may run twice). @p label->id may be NULL. */
	int (*add_label)(epithet_forge_session *s, const char *owner, const char *repo,
			 uint64_t number, const struct epithet_label *label,
			 struct epithet_error *err);

	/**
	 * Labels of many repositories at once, fewer requests than one
	 * list_labels each (EPITHET_CAP_BATCH_READ). Calls @p cb with the index
	 * into @p repos of the repo each label belongs to; every label of every
	 * repo is delivered. The call succeeds or fails as a whole: on failure
	 * the host drops what was delivered and reads those repos with
	 * list_labels, so that a repo that cannot be read fails alone.
	 * ENOTSUPPORTED (no batch reads here after all) and ERATELIMIT (their
	 * budget is spent) on the first call of a run make the host read every
	 * repo with list_labels. The host asks for at most 100 repos a call.
	 */
	int (*list_labels_many)(epithet_forge_session *s, const struct epithet_repo *const *repos,
				size_t n_repos, epithet_batch_label_cb cb, void *payload,
				struct epithet_error *err);

	/* ---- ABI 1.0 ends here. Append only; document each member with @since 1.N ---- */

	/* ---- ABI 1.1, optional ---- */

	/**
	 * @since 1.1 (with EPITHET_CAP_READ_FILE). Read the file @p path of
	 * repository @p owner/@p repo at @p ref (a branch, tag or commit; NULL
	 * for the default branch): a labels file that another one `extends`.
	 * On success *@p out is the file's bytes from epithet_host::alloc,
	 * NUL-terminated (the host frees it with epithet_host::free), and
	 * *@p out_len their number, not counting the NUL.
	 * ENOTFOUND when the repository, the ref or the file does not exist (or
	 * is not visible to the token); EINVALID when @p path names a directory.
	 * A read: it may run concurrently with other reads, and in a dry run.
	 */
	int (*read_file)(epithet_forge_session *s, const char *owner, const char *repo,
			 const char *path, const char *ref, char **out, size_t *out_len,
			 struct epithet_error *err);

	/**
	 * @since 1.1 (with EPITHET_CAP_ISSUE_LABELS). As add_label, for @p item
	 * as list_labelled delivered it (or as the journal kept it): its
	 * is_pull says whether @p item->number is an issue's or a pull/merge
	 * request's, which a forge numbering them apart (GitLab: issue #5 and
	 * merge request !5 are two things) cannot tell from the number. When
	 * set, the host calls it instead of add_label; add_label may then be
	 * NULL. Same rules: an item already carrying the label is a success.
	 */
	int (*add_item_label)(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_item *item, const struct epithet_label *label,
			      struct epithet_error *err);

	/**
	 * @since 1.1. The characters a label name may not contain on this
	 * forge (GitLab: ","), as a string of ASCII characters, or NULL for
	 * none. Like name_max, the core refuses such a name before any request
	 * (exit 65). Read it only when EPITHET_HAS_MEMBER() says it is there.
	 */
	const char *name_forbidden;

	/**
	 * @since 1.1 (with EPITHET_CAP_EXCLUSIVE). The text whose presence in
	 * a label's name makes it exclusive (scoped) on this forge (GitLab:
	 * "::"), when the name is the switch and there is no flag to write;
	 * NULL when exclusivity is a flag update_label can set. The core then
	 * never plans an exclusive change, and says so when a labels file asks
	 * for a state the name does not give. Read it only when
	 * EPITHET_HAS_MEMBER() says it is there.
	 */
	const char *exclusive_by_name;

	/* ---- ABI 1.1 ends here. Append only; document each member with @since 1.N ---- */
};

/**
 * The entry point, exported as EPITHET_FORGE_ENTRY_SYMBOL. The host gives its
 * own ABI version; return NULL if the plugin cannot work with that host (the
 * loader then refuses the file). The host may call it more than once (a
 * `epithet plugins` scan, then a load): return the same static vtable, with
 * no side effects.
 */
typedef const struct epithet_forge *(*epithet_forge_entry_fn)(uint32_t host_abi_major,
							      uint32_t host_abi_minor);

/**
 * Define the entry point in a plugin's source with
 *   EPITHET_FORGE_ENTRY_DECL { (void)host_abi_major; (void)host_abi_minor; return &my_forge; }
 * The declaration below gives it a prototype and default visibility.
 */
#define EPITHET_FORGE_ENTRY_DECL \
	EPITHET_EXPORT const struct epithet_forge *epithet_forge_plugin_v1( \
		uint32_t host_abi_major, uint32_t host_abi_minor)

EPITHET_FORGE_ENTRY_DECL;

#ifdef __cplusplus
}
#endif

#endif /* EPITHET_FORGE_H */
