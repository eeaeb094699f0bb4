/* SPDX-License-Identifier: MIT */
/*
 * What `epithet plugins` shows (output.h): each plugin found on the search
 * path, its ABI, capabilities and origin, human or JSON, on stdout. Loads
 * nothing itself: it renders the loader's scan.
 */
#include "output.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "epithet/forge.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int output_plugins(const struct run_options *o, const struct plugin_entry *v, size_t n)
{
	if (o->json) {
		json_object *doc = json_object_new_object(), *arr = json_object_new_array();

		char host_abi[24];

		snprintf(host_abi, sizeof(host_abi), "%d.%d", EPITHET_FORGE_ABI_MAJOR,
			 EPITHET_FORGE_ABI_MINOR);
		json_object_object_add(doc, "host_abi", str_or_null(host_abi));
		for (size_t i = 0; i < n; i++) {
			json_object *p = json_object_new_object();

			json_object_object_add(p, "path", str_or_null(v[i].path));
			json_object_object_add(p, "origin", str_or_null(v[i].origin));
			if (v[i].plugin) {
				const struct epithet_forge *f = v[i].plugin->forge;
				char *caps = loader_caps_string(f->capabilities);
				char abi[32];

				snprintf(abi, sizeof(abi), "%u.%u", f->abi_major, f->abi_minor);
				json_object_object_add(p, "name", str_or_null(f->name));
				json_object_object_add(p, "version", str_or_null(f->version));
				json_object_object_add(p, "description", str_or_null(f->description));
				json_object_object_add(p, "abi", str_or_null(abi));
				json_object_object_add(p, "capabilities", str_or_null(caps));
				free(caps);
			}
			json_object_object_add(p, "error", str_or_null(v[i].error));
			json_object_object_add(p, "shadowed_by", str_or_null(v[i].shadowed_by));
			json_object_array_add(arr, p);
		}
		json_object_object_add(doc, "plugins", arr);
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
		json_object_put(doc);
		return 0;
	}
	printf("host forge ABI %d.%d\n", EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].plugin) {
			printf("!  %s (%s): %s\n", v[i].path, v[i].origin, v[i].error);
			continue;
		}
		{
			const struct epithet_forge *f = v[i].plugin->forge;
			char *caps = loader_caps_string(f->capabilities);

			printf("%-8s %-8s ABI %u.%u  %s\n", f->name, f->version ? f->version : "-",
			       f->abi_major, f->abi_minor, f->description ? f->description : "");
			printf("         capabilities: %s\n", caps);
			printf("         from %s (%s)%s%s\n", v[i].path, v[i].origin,
			       v[i].shadowed_by ? "; shadowed by " : "",
			       v[i].shadowed_by ? v[i].shadowed_by : "");
			free(caps);
		}
	}
	if (!n)
		printf("no forge plugins found\n");
	return 0;
}
