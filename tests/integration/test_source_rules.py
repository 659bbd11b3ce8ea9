"""House rules that a compiler does not check (STYLE.md): no banned
functions in our C, every source file opens with a comment saying what it
holds, and every cap lives in src/caps.h."""
import re

from conftest import REPO

C_FILES = sorted(p for d in ("src", "tools", "fuzz") for p in (REPO / d).rglob("*.[ch]"))
BANNED = re.compile(r"(?<![\w.])(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gmtime|localtime)\s*\(")


def code_only(text):
    """The text with comments and string literals blanked out."""
    text = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def test_there_is_c_to_check():
    assert len(C_FILES) > 40


def test_no_banned_functions():
    hits = [f"{p.relative_to(REPO)}:{code_only(p.read_text())[:m.start()].count(chr(10)) + 1}: {m.group(1)}"
            for p in C_FILES for m in BANNED.finditer(code_only(p.read_text()))]
    assert not hits, "banned functions (use the bounded or _r forms):\n" + "\n".join(hits)


def test_every_file_opens_with_a_comment():
    bare = [str(p.relative_to(REPO)) for p in C_FILES
            if not p.read_text().lstrip().startswith("/*")]
    assert not bare, "files without an opening comment: " + ", ".join(bare)


def test_caps_live_in_caps_h():
    defs = [f"{p.relative_to(REPO)}: {m.group(1)}" for p in C_FILES if p.name != "caps.h"
            for m in re.finditer(r"^#define (LIMIT_\w+)", p.read_text(), flags=re.M)]
    assert not defs, "LIMIT_ caps defined outside src/caps.h: " + ", ".join(defs)
