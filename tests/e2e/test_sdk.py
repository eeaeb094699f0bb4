# SPDX-License-Identifier: MIT
"""The installed plugin SDK (SPEC.md 5), exercised exactly as a plugin author would.

1. `meson install --destdir STAGE` of the build directory meson test runs from
   (--no-rebuild: it only reads the build directory, so a concurrent build is
   not disturbed);
2. examples/forge-template, copied out of the tree, configured and built with
   -Dwerror=true against the staged SDK only: PKG_CONFIG_PATH points at the
   staged epithet-forge.pc and PKG_CONFIG_SYSROOT_DIR=STAGE makes its paths
   resolve there (a staged tree is a sysroot; --define-prefix cannot work with
   a multiarch libdir such as lib/x86_64-linux-gnu);
3. the built myforge.so, installed by the template's own `meson install` into
   the SDK's plugindir, copied into a fresh directory on EPITHET_PLUGIN_PATH;
4. the real epithet binary: `epithet plugins` lists it, and `sync -c` against
   fake_myforge.py leaves the fake in the state the labels file asks for.

Environment (set by tests/e2e/meson.build): EPITHET_BIN, EPITHET_BUILD_ROOT,
EPITHET_SOURCE_ROOT, EPITHET_MESON (the meson that configured the build).
Exits 77 (skipped) when one of them, ninja, pkg-config or a C compiler is missing.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import harness

SOURCE_ROOT = os.environ.get("EPITHET_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(harness.HERE)))
TEMPLATE = os.path.join(SOURCE_ROOT, "examples", "forge-template")
sys.path.insert(0, TEMPLATE)
from fake_myforge import FakeMyForge  # noqa: E402

TOKEN = "tkn-sdk-0123456789"
LABELS = """\
labels:
  - name: bug
    color: d73a4a
    description: "Something isn't working"
  - name: enhancement
    color: a2eeef
    aliases: [feature]
  - name: docs
    color: 0075ca
    description: Documentation
  - name: "needs triage / 50%"
    color: fbca04
keep: ["Wontfix"]
"""


def missing_tools():
    """Why the test cannot run here, or None."""
    for var in ("EPITHET_BIN", "EPITHET_BUILD_ROOT"):
        if not os.environ.get(var):
            return "%s is not set (run through meson test)" % var
    meson = os.environ.get("EPITHET_MESON") or shutil.which("meson")
    if not meson:
        return "meson (the version that configured the build) is not available"
    for tool in ("ninja", "pkg-config", os.environ.get("CC", "cc").split()[0]):
        if not shutil.which(tool):
            return "%s is not installed" % tool
    return None


def run(argv, env=None, cwd=None):
    """Run a build step; fail the test with its whole output when it fails."""
    p = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d\n--- stdout ---\n%s--- stderr ---\n%s"
                             % (" ".join(argv), p.returncode, p.stdout, p.stderr))
    return p.stdout


class TestSdk(harness.EpithetTestCase):
    @classmethod
    def setUpClass(cls):
        meson = os.environ.get("EPITHET_MESON") or shutil.which("meson")
        cls.tmp = tempfile.mkdtemp(prefix="epithet-sdk-")
        cls.stage = os.path.join(cls.tmp, "stage")
        run([meson, "install", "-C", os.environ["EPITHET_BUILD_ROOT"], "--destdir", cls.stage,
             "--no-rebuild", "--quiet"])
        pcs = glob.glob(os.path.join(cls.stage, "**", "pkgconfig", "epithet-forge.pc"),
                        recursive=True)
        assert len(pcs) == 1, "epithet-forge.pc staged %d times: %r" % (len(pcs), pcs)
        cls.pc = pcs[0]
        # What an author's shell has: the SDK first on the path; everything
        # else (json-c) from the system as usual.
        cls.env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(cls.pc),
                       PKG_CONFIG_SYSROOT_DIR=cls.stage)
        # The template, copied out of epithet's tree: nothing but the SDK is near it.
        src = os.path.join(cls.tmp, "myforge")
        shutil.copytree(TEMPLATE, src, ignore=shutil.ignore_patterns("__pycache__", "build*"))
        cls.tbuild = os.path.join(cls.tmp, "build")
        run([meson, "setup", cls.tbuild, src, "--prefix=/usr", "-Dwerror=true",
             "-Dbuildtype=debugoptimized"], env=cls.env)
        run([meson, "compile", "-C", cls.tbuild], env=cls.env)
        cls.tstage = os.path.join(cls.tmp, "tstage")
        run([meson, "install", "-C", cls.tbuild, "--destdir", cls.tstage, "--quiet"], env=cls.env)
        sos = glob.glob(os.path.join(cls.tstage, "**", "myforge.so"), recursive=True)
        assert len(sos) == 1, "myforge.so installed %d times: %r" % (len(sos), sos)
        cls.installed_so = sos[0]
        # A fresh plugin directory holding only the plugin, as a user makes one.
        cls.plugins = os.path.join(cls.tmp, "plugins")
        os.mkdir(cls.plugins)
        shutil.copy(cls.installed_so, cls.plugins)
        os.chmod(os.path.join(cls.plugins, "myforge.so"), 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def pkg_config(self, *args):
        return run(["pkg-config"] + list(args) + ["epithet-forge"], env=self.env).strip()

    # ---- the SDK as installed ---------------------------------------------------

    def test_installed_sdk_headers_and_pkgconfig(self):
        incs = glob.glob(os.path.join(self.stage, "**", "include", "epithet"), recursive=True)
        self.assertEqual(len(incs), 1, incs)
        self.assertEqual(sorted(os.listdir(incs[0])), ["forge.h", "host.h"])
        includedir = os.path.dirname(incs[0])
        # -I<includedir>, not <includedir>/epithet: sources say <epithet/forge.h>.
        self.assertEqual(self.pkg_config("--cflags"), "-I" + includedir)
        self.assertEqual(self.pkg_config("--libs"), "")  # headers only: nothing to link
        self.assertEqual(self.pkg_config("--variable=forge_abi"), "1")
        plugindir = self.pkg_config("--variable=plugindir")
        self.assertTrue(plugindir.startswith(self.stage), plugindir)
        self.assertTrue(plugindir.endswith("/epithet/plugins"), plugindir)
        # The in-tree plugins are installed where the .pc says plugins go.
        self.assertTrue(os.path.isfile(os.path.join(plugindir, "local.so")),
                        os.listdir(os.path.dirname(plugindir)))

    def test_template_built_against_the_staged_sdk_only(self):
        with open(os.path.join(self.tbuild, "compile_commands.json")) as f:
            cmds = [c["command"] for c in json.load(f) if c["file"].endswith("myforge.c")]
        self.assertEqual(len(cmds), 1)
        incs = glob.glob(os.path.join(self.stage, "**", "include"), recursive=True)
        self.assertTrue(any("-I" + i in cmds[0] for i in incs), cmds[0])
        self.assertNotIn(os.path.join(SOURCE_ROOT, "include"), cmds[0])
        # Installed by its own meson.build into the SDK's plugindir variable.
        self.assertIn(os.sep + os.path.join("epithet", "plugins", "myforge.so"),
                      self.installed_so)
        if shutil.which("nm"):
            out = run(["nm", "-D", "--defined-only", self.installed_so])
            syms = sorted(line.split()[-1] for line in out.splitlines()
                          if len(line.split()) == 3 and line.split()[1] in "TDBRVW")
            self.assertEqual(syms, ["epithet_forge_plugin_v1"])

    # ---- the plugin in the real binary -----------------------------------------

    def test_epithet_plugins_lists_it(self):
        env = {"EPITHET_PLUGIN_PATH": self.plugins}
        res = self.run_epithet(["plugins"], env=env)
        self.assert_rc(res, 0)
        self.assertRegex(res.out, r"(?m)^myforge\s+0\.1\.0\s+ABI 1\.1\s+template plugin")
        self.assert_in_out(res, "capabilities: description rename unique-names")
        self.assert_in_out(res, "from %s/myforge.so (EPITHET_PLUGIN_PATH)" % self.plugins)
        doc = self.run_epithet(["plugins", "--output", "json"], env=env).json()
        mine = [p for p in doc["plugins"] if p["path"].startswith(self.plugins)]
        self.assertEqual(len(mine), 1, doc)
        self.assertEqual((mine[0]["name"], mine[0]["abi"], mine[0]["error"]),
                         ("myforge", "1.1", None))

    def test_sync_against_the_fake_forge(self):
        fake = FakeMyForge(token=TOKEN, max_per_page=2).start()
        self.addCleanup(fake.stop)
        fake.add_repo("acme", "api", labels=[
            {"name": "bug", "color": "ff0000"},
            {"name": "feature", "color": "a2eeef"},
            {"name": "Wontfix", "color": "ffffff"},
            {"name": "old-stuff", "color": "000000"},
            {"name": "docs", "color": "0075ca", "description": "Documentation"},
        ])
        fake.add_repo("acme", "web")
        fake.add_repo("acme", "legacy", archived=True, labels=[{"name": "bug", "color": "000000"}])
        ids = {lab["name"]: lab["id"] for lab in fake.labels("acme", "api")}
        labels = self.write_file(LABELS)
        env = {"EPITHET_PLUGIN_PATH": self.plugins, "MYFORGE_TOKEN": TOKEN}
        args = ["--forge", "myforge", "--url", fake.url, "--org", "acme"]

        res = self.run_epithet(args + ["sync", "-c", labels, "--prune", "--yes"], env=env)
        self.assert_rc(res, 0)
        self.assert_no_token(res, TOKEN)

        def state(repo):
            return {lab["name"]: (lab["color"], lab["description"], lab["id"])
                    for lab in fake.labels("acme", repo)}
        api = state("api")
        self.assertEqual({k: v[:2] for k, v in api.items()}, {
            "bug": ("d73a4a", "Something isn't working"),
            "enhancement": ("a2eeef", ""),
            "docs": ("0075ca", "Documentation"),
            "Wontfix": ("ffffff", ""),
            "needs triage / 50%": ("fbca04", ""),
        })
        # Updated and renamed in place (same ids), never deleted and recreated.
        self.assertEqual(api["bug"][2], ids["bug"])
        self.assertEqual(api["enhancement"][2], ids["feature"])
        self.assertEqual({k: v[:2] for k, v in state("web").items()}, {
            "bug": ("d73a4a", "Something isn't working"),
            "enhancement": ("a2eeef", ""),
            "docs": ("0075ca", "Documentation"),
            "needs triage / 50%": ("fbca04", ""),
        })
        self.assertEqual(fake.labels("acme", "legacy"),
                         [{"id": fake.labels("acme", "legacy")[0]["id"], "name": "bug",
                           "color": "000000", "description": ""}])
        # The host sent the token on every request, and walked the pages.
        self.assertTrue(all(r[3].get("authorization") == "token " + TOKEN
                            for r in fake.requests))
        self.assertTrue(any(r[1] == "/api/repos/acme/api/labels" and "page=3" in r[2]
                            for r in fake.requests), fake.requests)
        writes = sorted((m, p) for m, p, _, _ in fake.writes())
        self.assertEqual(writes, sorted(
            [("PATCH", "/api/repos/acme/api/labels/%d" % ids["bug"]),
             ("PATCH", "/api/repos/acme/api/labels/%d" % ids["feature"]),
             ("DELETE", "/api/repos/acme/api/labels/%d" % ids["old-stuff"]),
             ("POST", "/api/repos/acme/api/labels")]
            + [("POST", "/api/repos/acme/web/labels")] * 4))

        # A second look finds nothing to do.
        res = self.run_epithet(args + ["plan", "-c", labels, "--prune"], env=env)
        self.assert_rc(res, 0)
        self.assert_in_out(res, "no changes")

    def test_bad_token_is_an_auth_failure(self):
        fake = FakeMyForge(token=TOKEN).start()
        self.addCleanup(fake.stop)
        fake.add_repo("acme", "api")
        res = self.run_epithet(["--forge", "myforge", "--url", fake.url, "--org", "acme", "list"],
                               env={"EPITHET_PLUGIN_PATH": self.plugins,
                                    "MYFORGE_TOKEN": "not-" + TOKEN})
        self.assert_rc(res, 77)
        self.assert_in_err(res, "HTTP 401: bad credentials")
        self.assert_no_token(res, "not-" + TOKEN)


if __name__ == "__main__":
    why = missing_tools()
    if why:
        print("skipped: " + why)
        sys.exit(77)
    harness.main()
