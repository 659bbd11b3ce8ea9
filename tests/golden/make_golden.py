#!/usr/bin/env python3
"""Writes the golden answers of the JSON API over a store of the bundled
data (tests/data/golden/api_answers.json.gz): totals per dataset, area and
year or month, and hourly, daily, weekly and monthly series (both DST
months of 2021 and October 2025 included), CSV exports and quality reports.

The answers were taken with the code as it was BEFORE the read model of
docs/ARCHITECTURE.md replaced the front ends' own computation (commit
f727b9e and earlier), so tests/integration/test_golden.py proves that the
values did not change. Run again only to add paths; never to "fix" an
answer: a changed answer is a changed behaviour.

Usage: ELHUB_BIN=build/elhub python3 tests/golden/make_golden.py"""
import gzip
import json
import pathlib
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import web_util  # noqa: E402
from conftest import BUNDLED_DATA, elhub_bin  # noqa: E402

OUT = REPO / "tests" / "data" / "golden" / "api_answers.json.gz"
AREAS = ["NO1", "NO2", "NO3", "NO4", "NO5", ""]


def paths():
    """The request targets the golden file answers, in a stable order."""
    out = []
    for ds in ("production", "consumption"):
        for area in AREAS:
            a = f"&area={area}" if area else ""
            for y in (2021, 2024, 2025):
                out.append(f"/api/totals?dataset={ds}{a}&from={y}-01-01&to={y}-12-31")
            for m in ("2021-01", "2021-10", "2025-10", "2025-11"):
                out.append(f"/api/totals?dataset={ds}{a}&from={m}&to={m}")
            if not area:
                continue
            for m in ("2021-01", "2021-03", "2021-10", "2025-10", "2025-11"):
                out.append(f"/api/series?dataset={ds}{a}&from={m}&to={m}&step=hour")
            for step in ("day", "week", "month"):
                for lo, hi in (("2021-01-01", "2021-12-31"), ("2025-01-01", "2025-12-31"),
                               ("2025-09-01", "2025-11-30")):
                    out.append(f"/api/series?dataset={ds}{a}&from={lo}&to={hi}&step={step}")
            out.append(f"/api/quality?dataset={ds}{a}&from=2025-10-01&to=2025-11-30")
            out.append(f"/api/export.csv?dataset={ds}{a}&from=2021-10&to=2021-10&step=day")
            out.append(f"/api/export.csv?dataset={ds}{a}&from=2025-10&to=2025-11&chart=totals")
    for g in ("hydro", "hydro,wind", "wind,hydro,solar"):
        out.append(f"/api/series?area=NO1&groups={g}&from=2021-01&to=2021-12&step=month")
        out.append(f"/api/totals?area=NO1&groups={g}&from=2021-01-01&to=2025-12-31")
    out.append("/api/series?area=NO5&groups=hydro&from=2021-03-28&to=2021-03-28&step=hour")
    out.append("/api/series?area=NO5&groups=hydro&from=2021-10-31&to=2021-10-31&step=hour")
    out.append("/api/series?area=NO5&groups=hydro&from=2021-10-25&to=2021-11-07&step=day")
    out.append("/api/quality?area=NO2&from=2025-09-01&to=2025-10-31")
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        store = pathlib.Path(tmp) / "golden.db"
        subprocess.run([elhub_bin(), "import", "-q", "--store", f"sqlite:{store}",
                        *sorted(map(str, BUNDLED_DATA.glob("*.gz")))], check=True)
        answers = {}
        with web_util.serve(f"sqlite:{store}", "--no-cache") as srv:
            for p in paths():
                code, headers, body = srv.get(p)
                answers[p] = {"status": code, "type": headers.get("Content-Type"),
                              "body": body.decode()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", compresslevel=9) as f:
        json.dump(answers, f, indent=0, sort_keys=True)
    print(f"wrote {len(answers)} answers to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
