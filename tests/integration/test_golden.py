"""Behaviour that must not change: every answer of the JSON API in
tests/data/golden/api_answers.json.gz, taken over a store of the bundled
data before the read model replaced the front ends' own computation
(tests/golden/make_golden.py says how), is answered with the same values
now.

"The same values": statuses, content types, keys, times, names, counts and
the shape of every answer are equal; a kWh number may differ from the old
answer only by floating-point summation error (relative 1e-12). The old code
added doubles one by one in scan order; sums are now exact and rounded once
(src/xsum.h), so an old answer's last digit can move, by design, toward the
exact value. Since issue 12 every kWh number is also rounded to the data's
own precision (3 decimals, src/dataset.h dataset_round: no float noise such
as 195514537.00000003), so it may move by at most half a thousandth of a
kWh more (HALF_DIGIT). New keys may be added to an object; nothing may
disappear."""
import csv
import gzip
import io
import json
import math

import pytest

import web_util
from conftest import BUNDLED_DATA, REPO, run_elhub

GOLDEN = REPO / "tests" / "data" / "golden" / "api_answers.json.gz"
REL = 1e-12
HALF_DIGIT = 0.0005 + 1e-7  # half the last digit, plus the doubles' own spacing near 1e10


def close(a, b):
    return abs(a - b) <= HALF_DIGIT or math.isclose(a, b, rel_tol=REL, abs_tol=1e-9)


def same(old, new, where):
    """Asserts new answers old as described in the module docstring."""
    if isinstance(old, bool) or old is None:
        assert new == old, where
    elif isinstance(old, (int, float)):
        assert isinstance(new, (int, float)) and not isinstance(new, bool), where
        if isinstance(old, int) and isinstance(new, int):
            assert new == old, where
        else:
            assert close(old, new), f"{where}: {old!r} != {new!r}"
    elif isinstance(old, str):
        assert new == old, where
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(old, new)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(old, dict):
        assert isinstance(new, dict), where
        missing = set(old) - set(new)
        assert not missing, f"{where}: keys gone: {sorted(missing)}"
        for k in old:
            same(old[k], new[k], f"{where}.{k}")
    else:
        raise AssertionError(f"{where}: unexpected {type(old)}")


def cell(v):
    try:
        return float(v) if v not in ("",) and any(c.isdigit() for c in v) and "T" not in v else v
    except ValueError:
        return v


def same_csv(old, new, where):
    a = list(csv.reader(io.StringIO(old)))
    b = list(csv.reader(io.StringIO(new)))
    assert len(a) == len(b), where
    for i, (ra, rb) in enumerate(zip(a, b)):
        assert len(ra) == len(rb), f"{where} row {i}"
        for j, (x, y) in enumerate(zip(ra, rb)):
            same(cell(x), cell(y), f"{where} row {i} col {j}")


@pytest.fixture(scope="module")
def answers():
    with gzip.open(GOLDEN, "rt") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("golden") / "golden.db"
    run_elhub("import", "-q", "--store", f"sqlite:{store}", *sorted(BUNDLED_DATA.glob("*.gz")))
    with web_util.serve(f"sqlite:{store}", "--no-cache") as srv:
        yield srv


def test_there_are_golden_answers(answers):
    kinds = {p.split("?")[0] for p in answers}
    assert kinds == {"/api/totals", "/api/series", "/api/quality", "/api/export.csv"}
    assert len(answers) > 250


@pytest.mark.parametrize("kind", ["/api/totals", "/api/series", "/api/quality", "/api/export.csv"])
def test_answers_are_unchanged(answers, server, kind):
    checked = 0
    for path, old in answers.items():
        if not path.startswith(kind + "?"):
            continue
        code, headers, body = server.get(path)
        assert code == old["status"], path
        assert headers.get("Content-Type") == old["type"], path
        if kind == "/api/export.csv":
            same_csv(old["body"], body.decode(), path)
        else:
            same(json.loads(old["body"]), json.loads(body), path)
        checked += 1
    assert checked > 10
