"""Map page timing (issue 13's number; bench, not tests): navigation to the
map drawn and a click to the map drawn again, median in headless Chromium,
over the 5-year SYNTHETIC store of bench/web_bench.py (all 25 series,
2021-2025 hourly), with the page main thread's CPU time beside each. The URL
holds a point (Bergen), so the navigation includes /api/areas, /api/meta,
/api/areamean (30 days) and /api/locate. Usage:
  python3 bench/bench_map.py [N]   (N loads / clicks each; default 5)
Target: navigation < 500 ms (median)."""
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from web_bench import browser_bench  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PATH = "/map?ds=production&group=hydro&days=30&end=2025-12-31&lat=60.3913&lon=5.3221"


def main():
    got = browser_bench("bench_map.mjs", PATH, N)
    med = statistics.median
    print(f"| map page, 5-year store (median of {N}) | wall ms | max ms | main-thread CPU ms | target |")
    print("|---|---|---|---|---|")
    nav = got["nav"]
    print(f"| navigation to map drawn (fresh context) | {med([x['wall'] for x in nav]):.0f} | "
          f"{max(x['wall'] for x in nav):.0f} | {med([x['cpu'] for x in nav]):.0f} | < 500 |")
    cl = got["clicks"]
    print(f"| click on the map to point drawn (median of {len(cl)}) | {med([x['wall'] for x in cl]):.0f} | "
          f"{max(x['wall'] for x in cl):.0f} | {med([x['cpu'] for x in cl]):.0f} | |")


if __name__ == "__main__":
    main()
