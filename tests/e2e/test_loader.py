# SPDX-License-Identifier: MIT
"""The plugin loader (SPEC.md 5): search path, ABI checks, refusals, `epithet plugins`."""

import json
import os
import shutil
import stat
import subprocess
import unittest

import harness

TEST_PLUGINS = os.environ.get("EPITHET_TEST_PLUGINS", "")
SOURCE_ROOT = os.environ.get("EPITHET_SOURCE_ROOT", "")

# A vtable that is wrong in one way the prebuilt test plugins do not cover,
# compiled on the fly (-DNAME=..., -DDECLINE=1).
MINI_PLUGIN = r"""
#include <epithet/forge.h>
static const struct epithet_forge f = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR, .abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge), .name = NAME,
};
EPITHET_FORGE_ENTRY_DECL
{
	(void)host_abi_major; (void)host_abi_minor;
	return DECLINE ? NULL : &f;
}
"""


class TestLoader(harness.EpithetTestCase):
    def plugin_dir(self, variant, name="testforge"):
        """A directory holding exactly one loader-test plugin, as NAME.so."""
        d = self.tmpdir()
        src = os.path.join(TEST_PLUGINS, "testforge-%s.so" % variant)
        dst = os.path.join(d, name + ".so")
        shutil.copy(src, dst)
        os.chmod(dst, 0o755)
        return d, dst

    def mini_plugin(self, name_expr, decline=False):
        """A directory holding testforge.so built from MINI_PLUGIN."""
        cc = shutil.which(os.environ.get("CC", "cc"))
        if not cc or not SOURCE_ROOT:
            raise unittest.SkipTest("no C compiler or EPITHET_SOURCE_ROOT")
        d = self.tmpdir()
        src = os.path.join(d, "mini.c")
        with open(src, "w") as f:
            f.write(MINI_PLUGIN)
        dst = os.path.join(d, "testforge.so")
        subprocess.run([cc, "-shared", "-fPIC", "-fvisibility=hidden", "-std=c11",
                        "-I" + os.path.join(SOURCE_ROOT, "include"), "-DNAME=" + name_expr,
                        "-DDECLINE=%d" % decline, src, "-o", dst], check=True)
        os.remove(src)
        os.chmod(dst, 0o755)
        return d

    def run_forge(self, d, *extra):
        return self.run_epithet(["--forge", "testforge", "--org", "acme", "list"] + list(extra),
                                env={"EPITHET_PLUGIN_PATH": d})

    def test_good_plugin_loads_and_runs_open(self):
        d, _ = self.plugin_dir("good")
        res = self.run_forge(d)
        # open() itself refuses: the plugin loaded, and a target failure is exit 1
        self.assert_rc(res, 1)
        self.assert_in_err(res, "testforge has no forge behind it")

    def test_wrong_abi_major_is_refused_naming_both_versions(self):
        d, path = self.plugin_dir("bad-major")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "plugin built for forge ABI 2.")
        self.assert_in_err(res, "this epithet supports ABI 1.")
        self.assert_in_err(res, path)

    def test_v2_only_symbol_is_refused_naming_both_versions(self):
        d, _ = self.plugin_dir("v2-only")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "plugin built for forge ABI 2")
        self.assert_in_err(res, "supports ABI 1.")

    def test_newer_minor_with_larger_struct_is_accepted(self):
        d, _ = self.plugin_dir("newer-minor")
        res = self.run_forge(d)
        self.assert_rc(res, 1)  # loaded; open() refuses
        self.assert_in_err(res, "testforge has no forge behind it")

    def test_plugin_built_for_abi_1_0_loads_in_a_1_1_host(self):
        """A plugin compiled against the frozen 1.0 headers (a 144-byte vtable,
        abi_minor 0) loads, runs, and is listed as ABI 1.0."""
        d, _ = self.plugin_dir("v1.0")
        res = self.run_forge(d)
        self.assert_rc(res, 1)  # loaded; open() refuses
        self.assert_in_err(res, "testforge has no forge behind it")
        res = self.run_epithet(["plugins", "--output", "json"], env={"EPITHET_PLUGIN_PATH": d})
        self.assert_rc(res, 0)
        found = [p for p in res.json()["plugins"] if p.get("name") == "testforge"]
        self.assertEqual(found[0]["abi"], "1.0")
        self.assertIsNone(found[0]["error"])

    def test_short_struct_is_refused(self):
        d, _ = self.plugin_dir("short-struct")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "malformed plugin: vtable of")

    def test_null_required_method_is_refused(self):
        d, _ = self.plugin_dir("null-method")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "required method list_labels is NULL")

    def test_missing_entry_symbol(self):
        d, _ = self.plugin_dir("no-entry")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "not an epithet forge plugin (no epithet_forge_plugin_v1 symbol)")

    def test_bad_name_is_refused(self):
        d, _ = self.plugin_dir("bad-name")
        res = self.run_forge(d)
        self.assert_rc(res, 69)
        self.assert_in_err(res, "name must be")

    def test_empty_or_null_name_is_refused(self):
        for expr in ('""', "NULL", '"../evil"', '"' + "x" * 65 + '"'):
            res = self.run_forge(self.mini_plugin(expr))
            self.assert_rc(res, 69)
            self.assert_in_err(res, "malformed plugin: name must be")

    def test_entry_returning_null_is_refused(self):
        res = self.run_forge(self.mini_plugin('"testforge"', decline=True))
        self.assert_rc(res, 69)
        self.assert_in_err(res, "the plugin declined to work with this epithet (forge ABI 1.")

    def test_first_of_two_plugins_of_one_name_wins(self):
        good, _ = self.plugin_dir("good")
        bad, bad_path = self.plugin_dir("bad-major")
        res = self.run_forge(good + ":" + bad)
        self.assert_rc(res, 1)  # the good one loaded; the later one is never looked at
        self.assert_in_err(res, "testforge has no forge behind it")
        # A refused first file is not silently replaced by a later good one.
        res = self.run_forge(bad + ":" + good)
        self.assert_rc(res, 69)
        self.assert_in_err(res, bad_path)

    def test_plugins_human_output_names_the_shadowing_plugin(self):
        first, p1 = self.plugin_dir("good")
        second, p2 = self.plugin_dir("good")
        res = self.run_epithet(["plugins"], env={"EPITHET_PLUGIN_PATH": first + ":" + second})
        self.assert_rc(res, 0)
        self.assert_in_out(res, "from %s (EPITHET_PLUGIN_PATH)\n" % p1)
        self.assert_in_out(res, "from %s (EPITHET_PLUGIN_PATH); shadowed by %s\n" % (p2, p1))

    def test_plugins_says_a_refused_first_file_hides_a_later_one(self):
        bad, p1 = self.plugin_dir("bad-major")
        good, p2 = self.plugin_dir("good")
        res = self.run_epithet(["plugins", "--output", "json"],
                               env={"EPITHET_PLUGIN_PATH": bad + ":" + good})
        self.assert_rc(res, 0)
        found = {p["path"]: p for p in res.json()["plugins"]}
        self.assertIn("plugin built for forge ABI 2.", found[p1]["error"])
        self.assertEqual(found[p2]["shadowed_by"], p1)

    def test_group_or_world_writable_file_is_refused(self):
        d, path = self.plugin_dir("good")
        for mode, who in ((0o775, "its group"), (0o757, "others")):
            os.chmod(path, mode)
            res = self.run_forge(d)
            self.assert_rc(res, 69)
            self.assert_in_err(res, "refused: writable by " + who)

    def test_missing_plugin(self):
        res = self.run_epithet(["--forge", "nosuchforge", "--org", "acme", "list"],
                               env={"EPITHET_PLUGIN_PATH": self.tmpdir()})
        self.assert_rc(res, 69)
        self.assert_in_err(res, "forge plugin 'nosuchforge' not found (searched:")

    def test_path_to_so(self):
        _, path = self.plugin_dir("good")
        res = self.run_epithet(["--forge", path, "--org", "acme", "list"],
                               env={"EPITHET_PLUGIN_PATH": self.tmpdir()})
        self.assert_rc(res, 1)
        self.assert_in_err(res, "testforge has no forge behind it")

    def test_name_with_traversal_is_refused(self):
        res = self.run_epithet(["--forge", "..", "--org", "acme", "list"])
        self.assert_rc(res, 69)
        self.assert_in_err(res, "invalid forge name")

    def test_dlopen_failure_shows_dlerror(self):
        d = self.tmpdir()
        with open(os.path.join(d, "junk.so"), "w") as f:
            f.write("not an ELF file, but long enough to have a header: " + "x" * 200 + "\n")
        os.chmod(os.path.join(d, "junk.so"), 0o644)
        res = self.run_epithet(["--forge", "junk", "--org", "acme", "list"],
                               env={"EPITHET_PLUGIN_PATH": d})
        self.assert_rc(res, 69)
        self.assert_in_err(res, "cannot load plugin")
        self.assert_in_err(res, "invalid ELF header")

    def test_plugins_lists_in_tree_plugins_with_abi(self):
        res = self.run_epithet(["plugins"])
        self.assert_rc(res, 0)
        for name in ("github", "local"):
            self.assertRegex(res.out, r"(?m)^%s\s+\S+\s+ABI 1\.1" % name)
        self.assert_in_out(res, "capabilities:")

    def test_plugins_json_and_shadowing(self):
        first, p1 = self.plugin_dir("good")
        second, p2 = self.plugin_dir("good")
        res = self.run_epithet(["plugins", "--output", "json"],
                               env={"EPITHET_PLUGIN_PATH": first + ":" + second})
        self.assert_rc(res, 0)
        doc = res.json()
        found = [p for p in doc["plugins"] if p.get("name") == "testforge"]
        self.assertEqual([p["path"] for p in found], [p1, p2])
        self.assertIsNone(found[0]["shadowed_by"])
        self.assertEqual(found[1]["shadowed_by"], p1)
        self.assertEqual(found[0]["abi"], "1.1")
        self.assertEqual(found[0]["origin"], "EPITHET_PLUGIN_PATH")

    def test_plugins_reports_broken_files(self):
        d, path = self.plugin_dir("bad-major")
        res = self.run_epithet(["plugins"], env={"EPITHET_PLUGIN_PATH": d})
        self.assert_rc(res, 0)
        self.assert_in_out(res, path)
        self.assert_in_out(res, "plugin built for forge ABI 2.")


if __name__ == "__main__":
    harness.main()
