/* SPDX-License-Identifier: MIT */
/*
 * The forge ABI 1.0 layout, frozen (STYLE.md rule B.2). If a member moves,
 * changes size or disappears, this file stops compiling: that is a break for
 * every third-party plugin, so it needs a new major (a new entry symbol), not
 * an edit here. Appending members at the end of a struct is allowed: the
 * sizes below are the 1.0 sizes, and a larger struct only fails SIZE() where
 * it was appended without bumping EPITHET_FORGE_ABI_MINOR.
 *
 * Values are for LP64 (x86_64, aarch64): other data models are not frozen here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "epithet/forge.h"

#define FROZEN(t, m, off) _Static_assert(offsetof(struct t, m) == (off), #t "." #m " moved")
#if EPITHET_FORGE_ABI_MINOR == 0
#define SIZE(t, n) _Static_assert(sizeof(struct t) == (n), #t " changed size without a minor bump")
#else
#define SIZE(t, n) _Static_assert(sizeof(struct t) >= (n), #t " shrank")
#endif

#if UINTPTR_MAX == UINT64_MAX
FROZEN(epithet_forge, abi_major, 0);
FROZEN(epithet_forge, abi_minor, 4);
FROZEN(epithet_forge, struct_size, 8);
FROZEN(epithet_forge, name, 16);
FROZEN(epithet_forge, version, 24);
FROZEN(epithet_forge, description, 32);
FROZEN(epithet_forge, capabilities, 40);
FROZEN(epithet_forge, name_max, 48);
FROZEN(epithet_forge, description_max, 52);
FROZEN(epithet_forge, open, 56);
FROZEN(epithet_forge, close, 64);
FROZEN(epithet_forge, list_repos, 72);
FROZEN(epithet_forge, get_repo, 80);
FROZEN(epithet_forge, list_labels, 88);
FROZEN(epithet_forge, create_label, 96);
FROZEN(epithet_forge, update_label, 104);
FROZEN(epithet_forge, delete_label, 112);
FROZEN(epithet_forge, list_labelled, 120);
FROZEN(epithet_forge, add_label, 128);
FROZEN(epithet_forge, list_labels_many, 136);
SIZE(epithet_forge, 144);
FROZEN(epithet_host, abi_major, 0);
FROZEN(epithet_host, struct_size, 8);
FROZEN(epithet_host, host_data, 16);
FROZEN(epithet_host, log, 24);
FROZEN(epithet_host, error_set, 32);
FROZEN(epithet_host, set_endpoint, 40);
FROZEN(epithet_host, http, 48);
FROZEN(epithet_host, http_paginate, 56);
FROZEN(epithet_host, http_free, 64);
FROZEN(epithet_host, http_header, 72);
FROZEN(epithet_host, escape_segment, 80);
FROZEN(epithet_host, alloc, 88);
FROZEN(epithet_host, free, 96);
SIZE(epithet_host, 104);
FROZEN(epithet_label, struct_size, 0);
FROZEN(epithet_label, fields, 4);
FROZEN(epithet_label, name, 8);
FROZEN(epithet_label, color, 16);
FROZEN(epithet_label, description, 24);
FROZEN(epithet_label, id, 32);
FROZEN(epithet_label, flags, 40);
FROZEN(epithet_label, issues, 48);
FROZEN(epithet_label, pulls, 56);
SIZE(epithet_label, 64);
FROZEN(epithet_repo, struct_size, 0);
FROZEN(epithet_repo, flags, 4);
FROZEN(epithet_repo, owner, 8);
FROZEN(epithet_repo, name, 16);
FROZEN(epithet_repo, topics, 24);
FROZEN(epithet_repo, n_topics, 32);
FROZEN(epithet_repo, id, 40);
SIZE(epithet_repo, 48);
FROZEN(epithet_item, struct_size, 0);
FROZEN(epithet_item, is_pull, 4);
FROZEN(epithet_item, number, 8);
FROZEN(epithet_http_request, struct_size, 0);
FROZEN(epithet_http_request, flags, 4);
FROZEN(epithet_http_request, method, 8);
FROZEN(epithet_http_request, url, 16);
FROZEN(epithet_http_request, body, 24);
FROZEN(epithet_http_request, body_len, 32);
FROZEN(epithet_http_request, headers, 40);
FROZEN(epithet_http_request, page_param, 48);
FROZEN(epithet_http_response, struct_size, 0);
FROZEN(epithet_http_response, status, 4);
FROZEN(epithet_http_response, body, 8);
FROZEN(epithet_http_response, body_len, 16);
FROZEN(epithet_http_response, url, 24);
FROZEN(epithet_endpoint, struct_size, 0);
FROZEN(epithet_endpoint, api_root, 8);
FROZEN(epithet_endpoint, token_env, 16);
FROZEN(epithet_endpoint, auth_scheme, 24);
FROZEN(epithet_endpoint, headers, 32);
FROZEN(epithet_endpoint, write_interval_ms, 40);
FROZEN(epithet_endpoint, writes_per_minute, 44);
FROZEN(epithet_endpoint, writes_per_hour, 48);
FROZEN(epithet_endpoint, default_jobs, 52);
FROZEN(epithet_forge_config, struct_size, 0);
FROZEN(epithet_forge_config, flags, 4);
FROZEN(epithet_forge_config, url, 8);
FROZEN(epithet_forge_config, api_url, 16);
FROZEN(epithet_forge_config, owner, 24);
FROZEN(epithet_session_info, struct_size, 0);
FROZEN(epithet_session_info, default_owner, 8);
FROZEN(epithet_session_info, display, 16);
FROZEN(epithet_error, code, 0);
FROZEN(epithet_error, http_status, 4);
FROZEN(epithet_error, message, 8);
SIZE(epithet_error, 488);

/* ABI 1.1: appended members, frozen in turn. */
#if EPITHET_FORGE_ABI_MINOR >= 1
FROZEN(epithet_forge, read_file, 144);
FROZEN(epithet_forge, add_item_label, 152);
FROZEN(epithet_forge, name_forbidden, 160);
FROZEN(epithet_forge, exclusive_by_name, 168);
FROZEN(epithet_item, repo, 16);
FROZEN(epithet_label, holder, 64);
FROZEN(epithet_http_request, owner, 56);
FROZEN(epithet_http_request, repo, 64);
FROZEN(epithet_endpoint, app_owner_installation, 56);
FROZEN(epithet_endpoint, app_repo_installation, 64);
FROZEN(epithet_endpoint, app_token_exchange, 72);
_Static_assert(EPITHET_CAP_UNIQUE_NAMES == (UINT64_C(1) << 8), "a 1.0 bit changed");
_Static_assert(EPITHET_HTTP_READ_ONLY == (1u << 3), "a 1.0 flag changed");
#endif
#endif

_Static_assert(EPITHET_FORGE_ABI_MAJOR == 1, "a new major needs a new entry symbol");

int main(void)
{
	/* TAP: the checks above ran at compile time. */
	return puts("1..1\nok 1 - forge ABI 1.0 layout and 1.1 appendices are frozen") < 0;
}
