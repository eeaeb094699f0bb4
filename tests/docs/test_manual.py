# SPDX-License-Identifier: MIT
"""The manuals and the shell completions (SPEC.md 10, "Shell and manuals").

- epithet(1) and epithet-labels(5) render with every groff warning on, and
  man-db's `man --warnings` says nothing either;
- every command and every option that the real `epithet --help` and
  `epithet help COMMAND` print appears in epithet(1) and in each completion
  script (derived from the binary, so that an option added without being
  documented fails here), and every key the labels-file reader knows (its
  *_keys tables) appears in epithet-labels(5);
- the bash completion, sourced into a real bash, completes commands, options,
  option values, forge names found on a test EPITHET_PLUGIN_PATH, label names
  from ./labels.yml and from -c FILE, and undo's journals;
- the fish completion, through fish's own `complete -C`, and the zsh one,
  through an interactive zsh in a pseudo-terminal (zsh-complete.zsh), do the
  same; all three pass their shell's syntax check;
- `meson install --destdir` puts the pages and the completions where man and
  each shell look, and the installed bash completion still finds its helper.

Environment (tests/docs/meson.build): EPITHET_BIN, EPITHET_PLUGIN_PATH,
EPITHET_SOURCE_ROOT, EPITHET_BUILD_ROOT, EPITHET_MESON. A missing groff, man,
zsh or fish skips only the tests that need it (.ci/packages installs them).
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.environ.get("EPITHET_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
MAN = os.path.join(SOURCE_ROOT, "man")
COMP = os.path.join(SOURCE_ROOT, "completions")
PAGES = [os.path.join(MAN, "epithet.1"), os.path.join(MAN, "epithet-labels.5")]
SCRIPTS = {"bash": os.path.join(COMP, "epithet.bash"),
           "zsh": os.path.join(COMP, "_epithet"),
           "fish": os.path.join(COMP, "epithet.fish")}

LABELS_YML = """\
targets:
  - name: main-target
    forge: github
    org: acme
labels:
  - name: bug
    color: d73a4a
  - name: "good first issue"
    color: 7057ff
  - name: 'priority: high'
sets:
  - name: frontend-set
    repos: ["web-*"]
    labels:
      - name: area/ui
"""


def epithet_bin():
    path = os.environ.get("EPITHET_BIN")
    if not path:
        raise unittest.SkipTest("EPITHET_BIN is not set (run through meson test)")
    return path


def need(tool):
    path = shutil.which(tool)
    if not path:
        raise unittest.SkipTest("%s is not installed (.ci/packages lists it)" % tool)
    return path


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 60)
    return subprocess.run(argv, **kw)


def plain_env(extra=None):
    """A predictable environment: C.UTF-8, no colour, nothing of the caller's XDG."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "LC_ALL": "C.UTF-8", "TERM": "dumb", "HOME": tempfile.gettempdir()}
    env.update(extra or {})
    return env


_help_cache = {}


def help_text(*args):
    """What the real binary prints for --help / help COMMAND."""
    if args not in _help_cache:
        p = run([epithet_bin()] + list(args), env=plain_env())
        if p.returncode != 0:
            raise AssertionError("epithet %s: exit %d\n%s" % (" ".join(args), p.returncode,
                                                              p.stderr))
        _help_cache[args] = p.stdout
    return _help_cache[args]


def commands():
    """The command names listed under `Commands:` in epithet --help."""
    text = help_text("--help")
    block = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in block.splitlines() if line.strip()]
    assert len(names) >= 10, names
    return names


def long_options():
    """{"--forge": {"--help", "help ensure", ...}}: every long option any help text names."""
    found = {}
    for args in [("--help",)] + [("help", c) for c in commands()]:
        for opt in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", help_text(*args)):
            found.setdefault(opt, set()).add(" ".join(args))
    assert "--forge" in found and "--prune" in found and "--description" in found, found
    return found


def short_options():
    """The short forms printed as `-X, --long`."""
    shorts = {}
    for args in [("--help",)] + [("help", c) for c in commands()]:
        for s, opt in re.findall(r"(?m)^\s+(-[A-Za-z]), (--[a-z][a-z0-9-]*)", help_text(*args)):
            shorts[s] = opt
    assert "-F" in shorts, shorts
    return shorts


def rendered(page):
    """A page as plain ASCII text (as `man` shows it, without overstriking)."""
    p = run([need("groff"), "-man", "-Tascii", "-P-cbou", page], env=plain_env())
    assert p.returncode == 0, p.stderr
    return p.stdout


def has_word(text, word):
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(word), text) is not None


class TestPages(unittest.TestCase):
    def test_groff_renders_without_warnings(self):
        groff = need("groff")
        for page in PAGES:
            for device in ("utf8", "ascii"):
                p = run([groff, "-man", "-ww", "-z", "-T" + device, page], env=plain_env())
                self.assertEqual((p.returncode, p.stderr), (0, ""), page)
            # names and variables stay whole: no word is hyphenated at a line end
            p = run([groff, "-man", "-Tutf8", "-rLL=78n", page], env=plain_env())
            broken = [line for line in p.stdout.splitlines() if line.endswith("\u2010")]
            self.assertEqual(broken, [], page)

    def test_man_renders_without_warnings(self):
        man = need("man")
        for page in PAGES:
            p = run([man, "--warnings", "-l", page],
                    env=plain_env({"MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"}))
            self.assertEqual((p.returncode, p.stderr), (0, ""), page)
            self.assertIn("NAME", p.stdout)

    def test_every_command_and_option_of_help_is_in_epithet_1(self):
        text = rendered(PAGES[0])
        sections = re.split(r"(?m)^([A-Z][A-Z ]+)$", text)
        commands_section = sections[sections.index("COMMANDS") + 1]
        for cmd in commands():
            self.assertRegex(commands_section, r"(?m)^ {7}%s\b" % re.escape(cmd),
                             "command %s is not under COMMANDS in epithet(1)" % cmd)
        for opt, where in sorted(long_options().items()):
            self.assertTrue(has_word(text, opt), "%s (from epithet %s) is not in epithet(1)"
                            % (opt, ", ".join(sorted(where))))
        for short, opt in sorted(short_options().items()):
            self.assertRegex(text, r"%s, %s\b" % (re.escape(short), re.escape(opt)))

    def test_pages_name_each_other_and_the_exit_statuses(self):
        text = rendered(PAGES[0])
        exit_section = text.split("EXIT STATUS", 1)[1].split("ENVIRONMENT", 1)[0]
        for status in ("0", "1", "2", "64", "65", "69", "77", "130", "143"):
            self.assertRegex(exit_section, r"(?m)^ {7}%s\b|, %s\b" % (status, status))
        self.assertIn("epithet-labels(5)", text)
        self.assertIn("epithet(1)", rendered(PAGES[1]))

    def test_every_variable_the_code_reads_is_in_epithet_1(self):
        """getenv() names in core/ and plugins/ (and the plugins' token lists)."""
        text = rendered(PAGES[0])
        names = set()
        for path in glob.glob(os.path.join(SOURCE_ROOT, "core", "**", "*.c"), recursive=True) + \
                glob.glob(os.path.join(SOURCE_ROOT, "plugins", "**", "*.c"), recursive=True):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            names.update(re.findall(r'getenv\("([A-Z_][A-Z0-9_]*)"\)', src))
            names.update(re.findall(r'"([A-Z][A-Z0-9_]*_(?:TOKEN|HOST|KEY|KEY_FILE|ID))"', src))
            names.update(re.findall(r'_env\s*=\s*"([A-Z_][A-Z0-9_]*)"', src))
        self.assertIn("EPITHET_PLUGIN_PATH", names)
        for name in sorted(names):
            self.assertTrue(has_word(text, name), "%s is read by the code but not in epithet(1)"
                            % name)

    def test_every_labels_file_key_is_in_epithet_labels_5(self):
        """The keys the labels-file reader knows (its *_keys tables, which its
        "unknown key" check uses), each in epithet-labels(5)."""
        text = rendered(PAGES[1])
        keys = {}
        for path in glob.glob(os.path.join(SOURCE_ROOT, "core", "**", "*.c"), recursive=True):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            for table, body in re.findall(r"const\s+(\w+_keys)\s*\[\]\s*=\s*\{([^}]*)\}", src):
                for key in re.findall(r'"([a-z_]+)"', body):
                    keys.setdefault(key, set()).add(table)
        self.assertIn("token_env", keys)
        for key, tables in sorted(keys.items()):
            self.assertTrue(has_word(text, key), "labels-file key %s (%s) is not in "
                            "epithet-labels(5)" % (key, ", ".join(sorted(tables))))


class TestCompletionScripts(unittest.TestCase):
    """Every command and option of --help is in each script."""

    PATTERNS = {
        "bash": lambda opt: r"(?<![\w-])%s(?![\w-])" % re.escape(opt),
        "zsh": lambda opt: r"(?<![\w-])%s(?![\w-])" % re.escape(opt),
        "fish": lambda opt: r"-l %s(?![\w-])" % re.escape(opt[2:]),
    }

    def test_every_command_and_option_is_completed(self):
        for shell, path in SCRIPTS.items():
            with open(path, encoding="utf-8") as f:
                src = f.read()
            for cmd in commands():
                self.assertTrue(has_word(src, cmd), "%s: command %s missing" % (shell, cmd))
            for opt in long_options():
                self.assertTrue(re.search(self.PATTERNS[shell](opt), src),
                                "the %s completion lacks %s" % (shell, opt))

    def syntax(self, shell):
        p = run([need(shell), "-n", SCRIPTS[shell]])
        self.assertEqual((p.returncode, p.stderr), (0, ""), shell)

    def test_bash_syntax(self):
        self.syntax("bash")

    def test_zsh_syntax(self):
        self.syntax("zsh")

    def test_fish_syntax(self):
        self.syntax("fish")


class CompletionCase(unittest.TestCase):
    """A directory with ./labels.yml, a plugin directory with two forges of
    made-up names (copies of a built plugin), a journal, and PATH reaching
    the built binary."""

    @classmethod
    def setUpClass(cls):
        bin_ = epithet_bin()
        cls.tmp = tempfile.mkdtemp(prefix="epithet-complete-")
        cls.cwd = os.path.join(cls.tmp, "work")
        os.mkdir(cls.cwd)
        with open(os.path.join(cls.cwd, "labels.yml"), "w") as f:
            f.write(LABELS_YML)
        with open(os.path.join(cls.tmp, "other.yml"), "w") as f:
            f.write("- name: from-other-file\n- name: other two\n")
        cls.plugins = os.path.join(cls.tmp, "plugins")
        os.mkdir(cls.plugins)
        built = [p for d in os.environ.get("EPITHET_PLUGIN_PATH", "").split(":") if d
                 for p in glob.glob(os.path.join(d, "*.so"))]
        if not built:
            raise unittest.SkipTest("no built plugin on EPITHET_PLUGIN_PATH")
        for name in ("zebra", "yak"):
            dst = os.path.join(cls.plugins, name + ".so")
            shutil.copy(built[0], dst)
            os.chmod(dst, 0o755)
        state = os.path.join(cls.tmp, "state")
        os.makedirs(os.path.join(state, "epithet", "journal"))
        cls.journal = os.path.join(state, "epithet", "journal", "20261203T080000.000Z-1-00.jsonl")
        open(cls.journal, "w").close()
        bindir = os.path.join(cls.tmp, "bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(bin_), os.path.join(bindir, "epithet"))
        cls.env = plain_env({
            "PATH": bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
            "EPITHET_PLUGIN_PATH": cls.plugins,
            "HOME": cls.tmp,
            "XDG_DATA_HOME": os.path.join(cls.tmp, "data"),
            "XDG_STATE_HOME": state,
        })

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


BASH_DRIVER = r"""
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
_epithet epithet "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


class TestBashCompletion(CompletionCase):
    script = SCRIPTS["bash"]

    def complete(self, *words):
        """COMPREPLY for the command line `words` (the last is the word completed)."""
        p = run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", self.script,
                 "epithet"] + list(words), env=self.env, cwd=self.cwd)
        self.assertEqual((p.returncode, p.stderr), (0, ""), words)
        return [w for w in p.stdout.split("\n") if w]

    def test_commands(self):
        self.assertEqual(self.complete("pl"), ["plan", "plugins"])
        self.assertEqual(self.complete("--org", "acme", "re"), ["rename"])
        self.assertEqual(self.complete("help", "sy"), ["sync"])

    def test_options(self):
        self.assertEqual(self.complete("--dr"), ["--dry-run"])
        self.assertEqual(self.complete("sync", "--pr"), ["--prune", "--prune=archive"])
        self.assertIn("--description", self.complete("ensure", "bug", "--de"))
        self.assertNotIn("--description", self.complete("sync", "--de"))
        self.assertEqual(self.complete("docs", "--f"), ["--forge", "--forks", "--format"])
        every = self.complete("--")
        for opt in long_options():
            if opt not in ("--prune", "--description", "--from", "--out", "--format"):
                self.assertIn(opt, every)

    def test_option_values(self):
        self.assertEqual(self.complete("--output", ""), ["human", "json", "markdown"])
        self.assertEqual(self.complete("--output", "=", "m"), ["markdown"])  # '=' a word break
        self.assertEqual(self.complete("--output=j"), ["--output=json"])     # '=' not one
        self.assertEqual(self.complete("--color", "a"), ["auto", "always"])
        self.assertEqual(self.complete("ensure", "bug", "--color", ""), [])  # the label's hex
        self.assertEqual(self.complete("docs", "--format", ""), ["markdown", "html"])
        self.assertEqual(self.complete("sync", "--prune", "=", ""), ["archive", "delete"])
        self.assertEqual(self.complete("-c", "lab"), ["labels.yml"])
        self.assertEqual(self.complete("--org", ""), [])

    def test_forge_names_from_the_plugin_path(self):
        self.assertEqual(self.complete("--forge", ""), ["yak", "zebra"])
        self.assertEqual(self.complete("--forge", "z"), ["zebra"])
        self.assertEqual(self.complete("-F", "y"), ["yak"])
        self.assertEqual(self.complete("list", "--forge", "=", "ze"), ["zebra"])

    def test_label_names_from_the_labels_file(self):
        # ./labels.yml: labels of the file and of its sets, not set or target names
        self.assertEqual(self.complete("delete", ""),
                         ["bug", "good\\ first\\ issue", "priority:\\ high", "area/ui"])
        self.assertEqual(self.complete("--org", "acme", "rename", "g"), ["good\\ first\\ issue"])
        self.assertEqual(self.complete("rename", "bug", ""), [])  # NEW: a new name
        other = os.path.join(self.tmp, "other.yml")
        self.assertEqual(self.complete("-c", other, "ensure", ""),
                         ["from-other-file", "other\\ two"])
        self.assertEqual(self.complete("--config=" + other, "list", "o"), ["other\\ two"])

    def test_undo_journals(self):
        self.assertEqual(self.complete("undo", ""), [self.journal])


class TestFishCompletion(CompletionCase):
    def complete(self, line):
        fish = need("fish")
        p = run([fish, "--no-config", "-c", 'source $argv[1]; complete -C"$argv[2]"',
                 SCRIPTS["fish"], line], env=self.env, cwd=self.cwd)
        self.assertEqual((p.returncode, p.stderr), (0, ""), line)
        return [w.split("\t")[0] for w in p.stdout.split("\n") if w]

    def test_commands_options_forges_labels(self):
        self.assertEqual(self.complete("epithet pl"), ["plan", "plugins"])
        self.assertEqual(self.complete("epithet --dr"), ["--dry-run"])
        self.assertIn("--prune=archive", self.complete("epithet sync --pr"))
        self.assertEqual(self.complete("epithet --output "), ["human", "json", "markdown"])
        forges = self.complete("epithet --forge ")
        self.assertIn("zebra", forges)
        self.assertIn("yak", forges)
        self.assertEqual(sorted(self.complete("epithet delete ")),
                         ["area/ui", "bug", "good first issue", "priority: high"])
        every = self.complete("epithet --")
        for opt in long_options():
            if opt not in ("--prune", "--description", "--from", "--out", "--format"):
                self.assertIn(opt, every)


class TestZshCompletion(CompletionCase):
    """Through an interactive zsh in a pseudo-terminal (zsh-complete.zsh)."""

    def complete(self, line):
        zsh = need("zsh")
        p = run([zsh, "-f", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "zsh-complete.zsh"), COMP, line],
                env=self.env, cwd=self.cwd, timeout=30)
        if p.returncode == 77:
            self.skipTest("zsh has no zsh/zpty module")
        self.assertEqual(p.returncode, 0, p.stderr)
        return re.findall("\x01(.*?)\x02", p.stdout)

    def test_commands_options_forges_labels(self):
        self.assertEqual(self.complete("epithet pl"), ["plan", "plugins"])
        self.assertEqual(self.complete("epithet help s"), ["sync"])
        self.assertEqual(self.complete("epithet --dr"), ["--dry-run"])
        self.assertEqual(self.complete("epithet --output="), ["human", "json", "markdown"])
        self.assertEqual(self.complete("epithet sync --prune="), ["archive", "delete"])
        self.assertEqual(sorted(self.complete("epithet --forge ")), ["yak", "zebra"])
        self.assertEqual(self.complete("epithet -F z"), ["zebra"])
        self.assertEqual(self.complete("epithet delete "),
                         ["bug", "good\\ first\\ issue", "priority:\\ high", "area/ui"])
        self.assertEqual(self.complete("epithet -c %s/other.yml rename o" % self.tmp),
                         ["other\\ two"])
        self.assertEqual(self.complete("epithet ensure bug --color "), [])
        every = self.complete("epithet --org acme ensure bug --")
        for opt in long_options():
            if opt not in ("--prune", "--from", "--out", "--format"):
                self.assertIn(opt, every)


class TestInstall(unittest.TestCase):
    """meson install --destdir puts everything where man and the shells look."""

    def test_pages_and_completions_are_installed(self):
        build = os.environ.get("EPITHET_BUILD_ROOT")
        meson = os.environ.get("EPITHET_MESON") or shutil.which("meson")
        if not build or not meson:
            raise unittest.SkipTest("EPITHET_BUILD_ROOT or meson is missing")
        tmp = tempfile.mkdtemp(prefix="epithet-install-")
        self.addCleanup(shutil.rmtree, tmp, True)
        stage = os.path.join(tmp, "stage")
        p = run([meson, "install", "-C", build, "--destdir", stage, "--no-rebuild", "--quiet"],
                timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        staged = {os.path.relpath(os.path.join(d, f), stage)
                  for d, _, fs in os.walk(stage) for f in fs}

        def one(pattern):
            hits = [f for f in staged if re.fullmatch(pattern, f)]
            self.assertEqual(len(hits), 1, "%s: %r" % (pattern, sorted(staged)))
            return os.path.join(stage, hits[0])

        for page in ("man1/epithet.1", "man5/epithet-labels.5"):
            with open(one(r".*/share/man/" + page)) as a, \
                    open(os.path.join(MAN, os.path.basename(page))) as b:
                self.assertEqual(a.read(), b.read())
        bash = one(r".*/share/bash-completion/completions/epithet")
        one(r".*/share/zsh/site-functions/_epithet")
        one(r".*/share/fish/vendor_completions\.d/epithet\.fish")
        one(r".*/share/epithet/label-names\.awk")
        # The installed script finds label-names.awk as ../../epithet/.
        case = TestBashCompletion("test_commands")
        case.script = bash
        TestBashCompletion.setUpClass()
        try:
            self.assertEqual(case.complete("delete", "b"), ["bug"])
            self.assertEqual(case.complete("--forge", "z"), ["zebra"])
        finally:
            TestBashCompletion.tearDownClass()


if __name__ == "__main__":
    unittest.main(verbosity=2)
