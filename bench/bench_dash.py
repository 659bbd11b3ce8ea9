"""Dashboard timing (issue 12's numbers; bench, not tests): navigation to
charts drawn and interactions, median in headless Chromium over the 5-year
SYNTHETIC store of bench/web_bench.py (all 25 series, 2021-2025 hourly),
with the page main thread's CPU time beside each. Usage:
  python3 bench/bench_dash.py [N] [nav]   (N loads / interactions each; default 5)
  ELHUB_BIN=other/elhub python3 bench/bench_dash.py 5 nav   (another build's page)
Targets: navigation < 500 ms, interactions < 150 ms (medians)."""
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from web_bench import browser_bench  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ONLY = sys.argv[2:3]  # ["nav"]: navigation only (an older page has not every control)


def main():
    got = browser_bench("bench_dash.mjs", N, *ONLY)
    med = lambda xs: statistics.median(xs)
    nav = got["nav"]
    print(f"| dashboard, 5-year store (median of {N}) | wall ms | max ms | main-thread CPU ms | target |")
    print("|---|---|---|---|---|")
    print(f"| navigation to charts drawn (fresh context) | {med([x['wall'] for x in nav]):.0f} | "
          f"{max(x['wall'] for x in nav):.0f} | {med([x['cpu'] for x in nav]):.0f} | < 500 |")
    for name, xs in got["inter"].items():
        print(f"| {name} | {med([x['wall'] for x in xs]):.0f} | {max(x['wall'] for x in xs):.0f} | "
              f"{med([x['cpu'] for x in xs]):.0f} | < 150 |")


if __name__ == "__main__":
    main()
