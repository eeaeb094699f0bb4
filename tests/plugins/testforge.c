/* SPDX-License-Identifier: MIT */
/*
 * A plugin for the loader tests, built several times with one defect each
 * (see tests/plugins/meson.build): the loader must refuse every broken
 * variant with a message that says what is wrong, and accept a plugin built
 * for a newer minor with a larger vtable.
 */
#include <stddef.h>
#include <string.h>

#include "epithet/forge.h"

static int t_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		  struct epithet_session_info *info, epithet_forge_session **out,
		  struct epithet_error *err)
{
	(void)cfg;
	(void)info;
	*out = NULL;
	host->error_set(err, EPITHET_ENOTSUPPORTED, 0, "testforge has no forge behind it");
	return EPITHET_ENOTSUPPORTED;
}

static void t_close(epithet_forge_session *s)
{
	(void)s;
}

static int t_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			void *payload, struct epithet_error *err)
{
	(void)s, (void)owner, (void)cb, (void)payload, (void)err;
	return EPITHET_ENOTSUPPORTED;
}

static int t_get_repo(epithet_forge_session *s, const char *owner, const char *name,
		      epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	(void)s, (void)owner, (void)name, (void)cb, (void)payload, (void)err;
	return EPITHET_ENOTSUPPORTED;
}

#ifndef TEST_NULL_METHOD
static int t_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			 epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	(void)s, (void)owner, (void)repo, (void)cb, (void)payload, (void)err;
	return EPITHET_ENOTSUPPORTED;
}
#endif

static int t_create(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *want, struct epithet_error *err)
{
	(void)s, (void)owner, (void)repo, (void)want, (void)err;
	return EPITHET_ENOTSUPPORTED;
}

static int t_update(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *cur, const struct epithet_label *want,
		    struct epithet_error *err)
{
	(void)s, (void)owner, (void)repo, (void)cur, (void)want, (void)err;
	return EPITHET_ENOTSUPPORTED;
}

static int t_delete(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *cur, struct epithet_error *err)
{
	(void)s, (void)owner, (void)repo, (void)cur, (void)err;
	return EPITHET_ENOTSUPPORTED;
}

#ifndef TEST_NAME
#define TEST_NAME "testforge"
#endif

/* A vtable as a plugin built for a newer minor would have it: the 1.0
 * members, then members this host does not know. */
struct newer_forge {
	struct epithet_forge v1;
	int (*from_the_future)(void);
};

static const struct newer_forge impl = {
	.v1 = {
#ifdef TEST_BAD_MAJOR
		.abi_major = 2,
#else
		.abi_major = EPITHET_FORGE_ABI_MAJOR,
#endif
#ifdef TEST_NEWER_MINOR
		.abi_minor = EPITHET_FORGE_ABI_MINOR + 1,
		.struct_size = sizeof(struct newer_forge),
#elif defined(TEST_SHORT_STRUCT)
		.abi_minor = 0,
		.struct_size = offsetof(struct epithet_forge, delete_label),
#else
		.abi_minor = EPITHET_FORGE_ABI_MINOR,
		.struct_size = sizeof(struct epithet_forge),
#endif
		.name = TEST_NAME,
		.version = "0.0.1",
		.description = "loader test plugin",
		.capabilities = EPITHET_CAP_DESCRIPTION,
		.open = t_open,
		.close = t_close,
		.list_repos = t_list_repos,
		.get_repo = t_get_repo,
#ifndef TEST_NULL_METHOD
		.list_labels = t_list_labels,
#endif
		.create_label = t_create,
		.update_label = t_update,
		.delete_label = t_delete,
	},
};

#if defined(TEST_NO_ENTRY)
EPITHET_EXPORT const struct epithet_forge *not_an_entry(void);
EPITHET_EXPORT const struct epithet_forge *not_an_entry(void)
{
	return &impl.v1;
}
#elif defined(TEST_V2_ONLY)
EPITHET_EXPORT const struct epithet_forge *epithet_forge_plugin_v2(uint32_t a, uint32_t b);
EPITHET_EXPORT const struct epithet_forge *epithet_forge_plugin_v2(uint32_t a, uint32_t b)
{
	(void)a, (void)b;
	return &impl.v1;
}
#else
EPITHET_FORGE_ENTRY_DECL
{
	(void)host_abi_major;
	(void)host_abi_minor;
	return &impl.v1;
}
#endif
