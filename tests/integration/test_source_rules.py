"""House rules that a compiler alone does not check (STYLE.md): banned C
functions are a compile error (src/banned.h, force-included by the
Makefile), the code is formatted by the repository's .clang-format, every
source file opens with a comment saying what it holds, every cap lives in
src/caps.h, and nothing in the repository reads the team's reference folder
outside it (a user who clones the project does not have it)."""
import re
import shutil
import subprocess

import pytest

from conftest import REPO

C_FILES = sorted(p for d in ("src", "tools", "fuzz", "tests", "bench") for p in (REPO / d).rglob("*.[ch]")
                 if "node_modules" not in p.parts)
BANNED = ("strcpy", "strcat", "sprintf", "vsprintf", "strtok", "atoi", "gmtime", "localtime")
CALLS = {"strcpy": "strcpy(d, s)", "strcat": "strcat(d, s)", "sprintf": 'sprintf(d, "%s", s)',
         "vsprintf": 'vsprintf(d, s, ap)', "strtok": "strtok(d, s)", "atoi": "atoi(s)",
         "gmtime": "gmtime(&t)", "localtime": "localtime(&t)"}


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / f for f in out.stdout.split("\n") if f]


def make_var(name):
    p = subprocess.run(["make", "-s", "--no-print-directory", f"print-{name}"], cwd=REPO,
                       capture_output=True, text=True, check=True)
    return p.stdout.strip()


def test_there_is_c_to_check():
    assert len(C_FILES) > 60


@pytest.mark.parametrize("func", BANNED)
def test_banned_function_does_not_compile(tmp_path, func):
    src = tmp_path / f"use_{func}.c"
    src.write_text("#include <stdarg.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
                   "#include <string.h>\n#include <time.h>\n"
                   "int f(char *d, const char *s, va_list ap, time_t t);\n"
                   "int f(char *d, const char *s, va_list ap, time_t t)\n"
                   f"{{\n    (void)d; (void)s; (void)ap; (void)t;\n    return {CALLS[func]} != 0;\n}}\n")
    cflags = make_var("CFLAGS").split()
    p = subprocess.run(["cc", *cflags, "-c", str(src), "-o", str(tmp_path / "x.o")], cwd=REPO,
                       capture_output=True, text=True)
    assert p.returncode != 0, f"{func} compiled with the project's CFLAGS"
    assert f"sorry_{func}_is_a_banned_function" in p.stderr, p.stderr[-2000:]


def test_the_same_file_compiles_without_the_banned_call(tmp_path):
    """The compile test above fails for the banned call, not for the harness."""
    src = tmp_path / "ok.c"
    src.write_text('#include <stdio.h>\nint f(char *d, size_t n, const char *s);\n'
                   'int f(char *d, size_t n, const char *s)\n{\n    return snprintf(d, n, "%s", s);\n}\n')
    cflags = make_var("CFLAGS").split()
    p = subprocess.run(["cc", *cflags, "-c", str(src), "-o", str(tmp_path / "x.o")], cwd=REPO,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_clang_format_clean():
    exe = shutil.which("clang-format")
    assert exe, "clang-format is missing (scripts/deps.sh installs it)"
    p = subprocess.run([exe, "--dry-run", "-Werror", *map(str, C_FILES)], cwd=REPO,
                       capture_output=True, text=True)
    assert p.returncode == 0, "not formatted (run make format):\n" + p.stderr[-4000:]


def test_every_file_opens_with_a_comment():
    bare = [str(p.relative_to(REPO)) for p in C_FILES
            if not p.read_text().lstrip().startswith("/*")]
    assert not bare, "files without an opening comment: " + ", ".join(bare)


def test_caps_live_in_caps_h():
    defs = [f"{p.relative_to(REPO)}: {m.group(1)}" for p in C_FILES if p.name != "caps.h"
            for m in re.finditer(r"^#define (LIMIT_\w+)", p.read_text(), flags=re.M)]
    assert not defs, "LIMIT_ caps defined outside src/caps.h: " + ", ".join(defs)


def test_nothing_names_the_reference_folder_outside_the_repo():
    """A clone in an empty folder has no sibling folder of reference material;
    no tracked file may point there (the pattern is assembled so that this
    file does not match itself)."""
    needle = re.compile(re.escape("..") + r"/" + "shared" + r"\b")
    hits = []
    for p in tracked_files():
        if not p.is_file() or p.suffix in (".gz", ".png", ".pdf") or "dist" in p.parts:
            continue
        try:
            text = p.read_text()
        except UnicodeDecodeError:
            continue
        hits += [f"{p.relative_to(REPO)}:{text[:m.start()].count(chr(10)) + 1}"
                 for m in needle.finditer(text)]
    assert not hits, "files naming a folder outside the repository: " + ", ".join(hits)
