#!/usr/bin/env python3
"""Hostile-client probes of `elhub serve` (a benchmark, not a test; issue 11):

1. a few thousand requests with 600 query parameters each: the server's RSS
   before and after, and how fast each is answered;
2. 600 trickling sockets from 127.0.0.2 while 127.0.0.1 asks /healthz: the
   median and worst latency the normal client saw;
3. four clients asking distinct heavy uncached daily series over a store of
   ~1M synthetic rows, while /healthz is sampled: its latency with the
   heavy-read bound (default --heavy-slots) and without it (--heavy-slots 0,
   heavy reads on the request threads as before), and the ratio.

Usage: bench/bench_hostile.py [SECONDS_OF_HEAVY_LOAD]   (default 8)
       ELHUB_BIN=/other/build/elhub bench/bench_hostile.py
"""
import concurrent.futures
import os
import pathlib
import select
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import web_util  # noqa: E402  (the store schema, written out once)

BIN = os.environ.get("ELHUB_BIN", str(REPO / "build" / "elhub"))


class Server:
    def __init__(self, uri, *extra):
        self.proc = subprocess.Popen([BIN, "serve", "--store", uri, "--listen", "127.0.0.1:0",
                                      *extra], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("serving http://"), line
        self.port = int(line.strip().rstrip("/").rsplit(":", 1)[1])

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


def ask(port, raw, src="127.0.0.1", timeout=10):
    """Seconds until the whole answer is in, or None if none came."""
    t = time.monotonic()
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(raw)
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        return time.monotonic() - t if data.startswith(b"HTTP/1.1 ") else None
    except OSError:
        return None
    finally:
        s.close()


def get(port, target, src="127.0.0.1", timeout=60):
    return ask(port, f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), src, timeout)


def ms(x):
    return "-" if x is None else f"{x * 1000:.1f}"


def big_store(path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    for s in web_util.SCHEMA:
        con.execute(s)
    t0 = 1577836800  # 2020-01-01T00:00Z
    con.executemany(
        "INSERT INTO production VALUES (?, ?, ?, ?, ?, 0, NULL)",
        ((a, t0 + 3600 * h, g, t0 + 3600 * h + 3600, float((h * 7 + i * 13) % 1000) + 0.25)
         for a in ("NO1", "NO2", "NO3", "NO4", "NO5") for h in range(40000)
         for i, g in enumerate(("hydro", "other", "solar", "thermal", "wind"))))
    con.commit()
    con.close()


def probe_params(uri, n=3000):
    srv = Server(uri)
    raw = b"GET /api/totals?area=NO1" + b"&" * 600 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    for _ in range(100):
        ask(srv.port, raw, timeout=2)
    before = srv.rss_kb()
    lat = [ask(srv.port, raw, timeout=2) for _ in range(n)]
    after = srv.rss_kb()
    srv.stop()
    got = [x for x in lat if x is not None]
    return before, after, len(got), statistics.median(got) if got else None, max(got, default=None)


def probe_trickle(uri, n=200):
    srv = Server(uri)
    hogs = []
    for _ in range(600):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", srv.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        hogs.append(s)
    lat = []
    for i in range(n):
        lat.append(get(srv.port, "/healthz", timeout=20))
        if i % 20 == 0:  # the held ones trickle a line now and then
            for s in hogs:
                try:
                    if not select.select([s], [], [], 0)[0]:
                        s.sendall(b"X-Trickle: 1\r\n")
                except OSError:
                    pass
    for s in hogs:
        s.close()
    srv.stop()
    got = [x for x in lat if x is not None]
    return len(got), n, statistics.median(got) if got else None, max(got, default=None)


def probe_heavy(uri, seconds, extra):
    srv = Server(uri, "--no-cache", *extra)
    stop = threading.Event()
    done = [0]

    def heavy(k):
        d = 0
        while not stop.is_set():
            get(srv.port, f"/api/series?step=day&from=2020-{1 + k:02d}-{1 + d % 28:02d}"
                          f"&to=2024-0{1 + k}-{1 + d % 28:02d}", timeout=120)
            d += 1
            done[0] += 1

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        futs = [ex.submit(heavy, k) for k in range(4)]
        time.sleep(1.0)  # let the heavy load build up before sampling
        lat, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            lat.append(get(srv.port, "/healthz", timeout=60))
            time.sleep(0.05)
        stop.set()
        for f in futs:
            f.result()
    srv.stop()
    got = sorted(x for x in lat if x is not None)
    return (statistics.median(got), got[int(len(got) * 0.9)], got[-1], len(got), done[0])


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 8
    with tempfile.TemporaryDirectory() as tmp:
        small = f"sqlite:{tmp}/small.db"
        subprocess.run([BIN, "import", "--store", small,
                        str(REPO / "data/elhub/production_2021_slices.csv.gz")],
                       check=True, capture_output=True)
        print(f"binary: {BIN}")
        b, a, n, med, worst = probe_params(small)
        print("\n1. 3000 requests with 600 query parameters each")
        print("| server RSS before | after | answered | median | worst |")
        print("|---|---|---|---|---|")
        print(f"| {b / 1024:.1f} MB | {a / 1024:.1f} MB | {n}/3000 | {ms(med)} ms | {ms(worst)} ms |")

        n, total, med, worst = probe_trickle(small)
        print("\n2. 600 trickling sockets from 127.0.0.2; /healthz from 127.0.0.1")
        print("| normal client answered | median | worst |")
        print("|---|---|---|")
        print(f"| {n}/{total} | {ms(med)} ms | {ms(worst)} ms |")

        t = time.monotonic()
        big_store(f"{tmp}/big.db")
        print(f"\n3. /healthz while 4 clients ask distinct uncached daily series over 1,000,000 "
              f"rows ({time.monotonic() - t:.0f} s to write the store), {seconds:.0f} s each")
        print("| server | /healthz median | p90 | worst | samples | heavy answers |")
        print("|---|---|---|---|---|---|")
        rows = {}
        for name, extra in (("bounded (default --heavy-slots)", []),
                            ("unbounded (--heavy-slots 0)", ["--heavy-slots", "0"])):
            rows[name] = probe_heavy(f"sqlite:{tmp}/big.db", seconds, extra)
            med, p90, worst, n, done = rows[name]
            print(f"| {name} | {ms(med)} ms | {ms(p90)} ms | {ms(worst)} ms | {n} | {done} |")
        bounded, unbounded = rows.values()
        print(f"\nmedian /healthz latency, unbounded / bounded: {unbounded[0] / bounded[0]:.0f}x")


if __name__ == "__main__":
    main()
