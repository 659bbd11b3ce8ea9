"""Forecast page timing (issue 15's "the forecast page, uncached < 2 s end
to end"; bench, not tests): a fresh Chromium context loads /forecast and
waits until the default forecast is drawn: the page, /api/meta,
/api/forecast/params, the history (/api/series), the regressors
(/api/forecast/exog), the fit of SARIMAX(1,0,1)(1,1,1,24) on NO1 hydro's
1,344 hours with 3 backtest folds (each refitted) and the 168-hour forecast
(/api/forecast), and the chart drawn. The server runs with --no-cache, so
every load fits again. The store is the one `make demo` builds
(scripts/demo.sh: the bundled Elhub files, real data, CC BY 4.0), made once
in build/bench/. Median of N loads, the page main thread's CPU time beside.
Usage: python3 bench/bench_forecast_page.py [N]   (default 5)
Target: < 2,000 ms (median)."""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from web_bench import ELHUB, OUT, REPO, Server  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def demo_store():
    """build/bench/forecast_demo.db, as scripts/demo.sh fills it."""
    path = OUT / "forecast_demo.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.db")
    tmp.unlink(missing_ok=True)
    env = dict(os.environ, ELHUB_BIN=ELHUB, ELHUB_STORE=f"sqlite:{tmp}", ELHUB_DEMO_JOB="status")
    subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], env=env, check=True, capture_output=True)
    tmp.rename(path)
    return path


def main():
    srv = Server(demo_store(), "--no-cache")
    try:
        srv.get("/api/meta")
        t = time.perf_counter()
        srv.get("/api/forecast?series=production:NO1:hydro&train_from=2021-01-04&train_to=2021-02-28"
                "&horizon=168&order=1,0,1&seasonal_order=1,1,1,24&folds=3")
        api_ms = (time.perf_counter() - t) * 1000
        p = subprocess.run(["node", str(REPO / "bench" / "bench_forecast_page.mjs"), srv.url, "/forecast", str(N)],
                           capture_output=True, text=True, timeout=1800, check=True)
    finally:
        srv.stop()

    nav = json.loads(p.stdout)["nav"]
    med = statistics.median
    print(f"| forecast page, demo store, serve --no-cache (median of {N}) | wall ms | max ms | main-thread CPU ms | target |")
    print("|---|---|---|---|---|")
    print(f"| /forecast to the default forecast drawn (fresh context) | {med([x['wall'] for x in nav]):.0f} | "
          f"{max(x['wall'] for x in nav):.0f} | {med([x['cpu'] for x in nav]):.0f} | < 2000 |")
    print(f"| of which GET /api/forecast alone (urllib, one request) | {api_ms:.0f} | | | |")


if __name__ == "__main__":
    main()
