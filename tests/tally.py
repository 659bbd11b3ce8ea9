#!/usr/bin/env python3
"""The tally of a test run, from the runners' own results: each step of
tests/run.sh is one line of STEPS (name, exit code, JUnit XML path, all
tab-separated), and each XML file is what pytest (--junitxml), the unit
runner (tests/unit/check.h, $CHECK_JUNIT) or fuzz/run.sh wrote.

A test counts as passed only when its runner recorded it as passed. A step
that wrote no readable XML (it crashed, or pytest could not collect) counts
as one failure; so does a step that exited non-zero while its XML records no
failure. Skipped tests are listed; with --no-skips each one is a failure (a
skipped test that CI never runs is a defect). Prints one line per step, the
failures by name, and "elhub: N passed, N failed" last; exits 1 on any
failure."""
import argparse
import sys
import xml.etree.ElementTree as ET


def cases(path, listing):
    """(passed, failed names, skipped names) of one JUnit file; appends
    (status, name) of every test case to listing."""
    root = ET.parse(path).getroot()
    passed, failed, skipped = 0, [], []
    for tc in root.iter("testcase"):
        name = f"{tc.get('classname', '')}::{tc.get('name', '')}".strip(":")
        if tc.find("failure") is not None or tc.find("error") is not None:
            failed.append(name)
            listing.append(("not ok", name))
        elif tc.find("skipped") is not None:
            skipped.append(name)
            listing.append(("skip", name))
        else:
            passed += 1
            listing.append(("ok", name))
    # Collection errors appear as <error> on the suite, with no testcase.
    for ts in root.iter("testsuite"):
        extra = int(ts.get("errors", "0")) - sum(
            1 for tc in ts.iter("testcase") if tc.find("error") is not None)
        failed += [f"{ts.get('name', '?')}: collection error"] * max(extra, 0)
    return passed, failed, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("steps")
    ap.add_argument("--no-skips", action="store_true")
    a = ap.parse_args()
    total_p, total_f, all_failed, all_skipped = 0, 0, [], []
    with open(a.steps) as f:
        steps = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    print("tally: every test the runners recorded, then per step")
    listing, summary = [], []
    for name, rc, xml in steps:
        rc = int(rc)
        try:
            p, failed, skipped = cases(xml, listing)
        except (OSError, ET.ParseError) as e:
            p, failed, skipped = 0, [f"{name}: no results ({e.__class__.__name__}), exit {rc}"], []
        if rc != 0 and not failed:
            failed = [f"{name}: exited {rc} with no failing test recorded"]
        if a.no_skips:
            failed += [f"{s} (skipped)" for s in skipped]
        for status, case in listing:
            print(f"{status} {name} {case}")
        listing.clear()
        summary.append(f"  {name}: {p} passed, {len(failed)} failed"
                       + (f", {len(skipped)} skipped" if skipped else ""))
        total_p += p
        total_f += len(failed)
        all_failed += failed
        all_skipped += skipped
    print("per step:")
    for line in summary:
        print(line)
    if all_skipped and not a.no_skips:
        print("skipped: " + ", ".join(all_skipped))
    if all_failed:
        print("failed:")
        for n in all_failed:
            print("  " + n)
    if not steps:
        total_f += 1
        print("failed: no step ran")
    print(f"elhub: {total_p} passed, {total_f} failed")
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main())
