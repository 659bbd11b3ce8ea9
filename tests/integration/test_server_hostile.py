"""`elhub serve` against hostile and unlucky clients (issue 11, the server
part), over raw sockets to a real server on a free loopback port: requests
with hundreds of query parameters (answered, and the server's RSS stays
flat), hundreds of idle sockets from one address while another is served,
a client trickling its head past the deadline, heavy uncached reads that
must not starve /healthz and are bounded by a queue, the store file
replaced or deleted while serving, a first store open that fails and then
works, errors that libmicrohttpd would have answered in HTML, absolute-form
targets and NUL bytes in the target.

Every value is compared with one computed here from the data files (gzip +
csv) or with Python's sqlite3; every wait is for an event (a log line, an
answer, a socket state), bounded by a generous timeout."""
import concurrent.futures
import csv
import datetime as dt
import gzip
import json
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

import web_util
from conftest import BUNDLED_DATA, REPO, elhub_bin, run_elhub

STORE_A = BUNDLED_DATA / "production_2021_slices.csv.gz"
STORE_B = BUNDLED_DATA / "production_2025-10-20_2025-11-19_rows.csv.gz"


def cap(name):
    """A limit from src/caps.h, the one place the server takes it from."""
    m = re.search(rf"#define {name} (\d+)", (REPO / "src" / "caps.h").read_text())
    assert m, name
    return int(m.group(1))


def totals_from_csv(path, area):
    """{group: kWh} for area, summed here from the CSV file."""
    out = {}
    with gzip.open(path, "rt", newline="") as f:
        for r in csv.DictReader(f):
            if r["priceArea"] == area:
                g = r["productionGroup"].lower()
                out[g] = out.get(g, 0.0) + float(r["quantityKwh"])
    return out


def assert_totals(got, want):
    worst = 0.0
    assert sorted(got) == sorted(want)
    for g, v in want.items():
        rel = abs(got[g] - v) / max(abs(v), 1.0)
        worst = max(worst, rel)
        assert rel < 1e-9, (g, got[g], v)
    print(f"largest relative difference against the CSV sums: {worst:.3g} (tolerance 1e-9)")


class Serve:
    """A running `elhub serve` whose stderr is read line by line, so a test
    can wait for what the server logs."""

    def __init__(self, store_uri, *extra, env_add=None):
        env = dict(os.environ)
        env.pop("ELHUB_STORE", None)
        env.update(env_add or {})
        self.proc = subprocess.Popen(
            [elhub_bin(), "serve", "--store", store_uri, "--listen", "127.0.0.1:0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("serving http://"):
            self.proc.kill()
            out, err = self.proc.communicate(timeout=30)
            raise AssertionError(f"elhub serve did not start: {line!r} {out!r} {err!r}")
        self.port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
        self.lines = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def wait_log(self, needle, since=0, timeout=60):
        """Waits for a stderr line holding needle, logged after mark `since`."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[since:]:
                    if needle in line:
                        return line
                left = end - time.monotonic()
                assert left > 0, f"no log line with {needle!r}; got {self.lines[since:]!r}"
                self.cond.wait(left)

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("elhub serve did not stop on SIGTERM")
        self.reader.join(timeout=30)
        err = "".join(self.lines)
        assert self.proc.returncode == 0, f"elhub serve exited {self.proc.returncode}: {err[-4000:]}"
        return err


@pytest.fixture
def serve():
    started = []

    def start(store_uri, *extra, env_add=None):
        s = Serve(store_uri, *extra, env_add=env_add)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def connect(port, src="127.0.0.1", timeout=30):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_response(s):
    """(status, {lower-case header: value}, body) read by Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(65536)
        if not d:
            raise AssertionError(f"connection closed before a whole response head: {data!r}")
        data += d
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(body) < n:
        d = s.recv(65536)
        if not d:
            break
        body += d
    return status, headers, body[:n]


def request(port, raw, src="127.0.0.1", timeout=30):
    s = connect(port, src, timeout)
    try:
        s.sendall(raw)
        return read_response(s)
    finally:
        s.close()


def get(port, target, timeout=60, src="127.0.0.1"):
    return request(port, f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), src, timeout)


def json_error(status, headers, body, want_status):
    assert status == want_status, (status, body[:300])
    assert headers["content-type"] == "application/json; charset=utf-8", headers
    doc = json.loads(body)
    assert set(doc) == {"error", "detail"} and doc["error"] and doc["detail"], doc
    return doc


@pytest.fixture(scope="module")
def store_a(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "a.db"
    run_elhub("import", "--store", f"sqlite:{path}", STORE_A)
    return path


@pytest.fixture(scope="module")
def store_b(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "b.db"
    run_elhub("import", "--store", f"sqlite:{path}", STORE_B)
    return path


# ---- item 1: many parameters --------------------------------------------------

def test_many_parameters_get_400_at_once_and_rss_stays_flat(serve, store_a):
    # Under AddressSanitizer freed memory waits in a quarantine (256 MB by
    # default) and would count as growth: keep it small (other builds
    # ignore the variable). Leaks are still reported at exit.
    asan = os.environ.get("ASAN_OPTIONS", "")
    srv = serve(f"sqlite:{store_a}", env_add={"ASAN_OPTIONS": (asan + ":" if asan else "")
                + "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"})
    raw = b"GET /api/totals?area=NO1" + b"&" * 600 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    # A socket timeout of 5 s: libmicrohttpd alone never answered these
    # (the connection sat until its 15 s idle timeout).
    for _ in range(200):
        json_error(*request(srv.port, raw, timeout=5), 400)
    before = srv.rss_kb()
    for i in range(3000):
        status, headers, body = request(srv.port, raw, timeout=5)
        doc = json_error(status, headers, body, 400)
    after = srv.rss_kb()
    assert "parts" in doc["detail"]
    print(f"server RSS over 3000 many-parameter requests: {before} -> {after} kB")
    # Flat: the leak this replaces grew ~8 kB a request (24 MB here).
    assert after - before < 2048, (before, after)
    # A sensible request is still answered.
    status, _, body = get(srv.port, "/api/totals?area=NO1&&")
    assert status == 200, body[:300]
    assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_A, "NO1"))


# ---- item 2: one address holding hundreds of sockets ----------------------------

def test_one_address_with_600_trickling_sockets_does_not_lock_out_another(serve, store_a):
    srv = serve(f"sqlite:{store_a}")
    hogs, answered = [], 0
    try:
        for _ in range(600):
            s = connect(srv.port, src="127.0.0.2", timeout=30)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            hogs.append(s)
        # Wait for the server's verdict on every socket: those over the
        # per-address limit are answered 503 and closed at once; the others
        # are held (their heads are not complete), so they stay silent.
        limit = cap("LIMIT_HTTP_PER_ADDRESS")
        deadline = time.monotonic() + 120
        pending = list(hogs)
        while answered < 600 - limit:
            assert time.monotonic() < deadline, f"only {answered} of {600 - limit} answered"
            ready, _, _ = select.select(pending, [], [], 1.0)
            for s in ready:
                status, headers, body = read_response(s)
                assert json_error(status, headers, body, 503)["error"] == "too many connections"
                answered += 1
                pending.remove(s)
        held = pending
        assert len(held) == limit
        # Still held: nothing more arrives on them while they trickle.
        for s in held:
            s.sendall(b"X-Trickle: 1\r\n")
        assert not select.select(held, [], [], 0)[0]
        # The normal client, from another address, is served throughout.
        worst = 0.0
        for _ in range(30):
            t = time.monotonic()
            status, _, body = get(srv.port, "/healthz", timeout=20)
            worst = max(worst, time.monotonic() - t)
            assert status == 200 and json.loads(body)["status"] == "ok", body
        status, _, body = get(srv.port, "/api/totals?area=NO1", timeout=20)
        assert status == 200
        assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_A, "NO1"))
        print(f"127.0.0.2 held {len(held)} sockets, {answered} answered 503; "
              f"worst /healthz latency from 127.0.0.1: {worst * 1000:.1f} ms")
        # A functional bound only (this is not a speed test): served at all.
        assert worst < 10
    finally:
        for s in hogs:
            s.close()


def test_a_client_trickling_header_lines_is_cut_at_the_head_deadline(serve, store_a):
    srv = serve(f"sqlite:{store_a}", "--head-timeout", "1.5")
    # The deadline runs from the server's accept, which comes after this
    # instant: so the cut can never be seen before 1.5 s from here.
    t0 = time.monotonic()
    s = connect(srv.port)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    s.setblocking(False)
    got = b""
    sent = 0
    # One header line every 0.2 s (the test sets the pace), for at most 40
    # lines (8 s, over five times the deadline). The idle timeout alone
    # never fires: every line is activity.
    while sent < 40:
        ready, _, _ = select.select([s], [], [], 0.2)
        if ready:
            got = s.recv(65536)
            break
        try:
            s.sendall(b"X-Slow-%d: 1\r\n" % sent)
        except OSError:
            break
        sent += 1
    elapsed = time.monotonic() - t0
    s.setblocking(True)
    s.settimeout(10)
    rest = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        rest += d
    s.close()
    data = got + rest
    assert data.startswith(b"HTTP/1.1 408 "), (sent, data[:300])
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert body["error"] == "request timeout"
    # Cut after the deadline (never before it), while still trickling.
    assert elapsed >= 1.5 and sent < 40, (elapsed, sent)
    print(f"cut after {elapsed:.2f} s and {sent} header lines (deadline 1.5 s)")


# ---- item 3: heavy uncached reads ------------------------------------------------

AREAS = ["NO1", "NO2", "NO3", "NO4", "NO5"]
GROUPS = ["hydro", "other", "solar", "thermal", "wind"]
T0 = int(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc).timestamp())
HOURS = 40000  # x 25 series = 1,000,000 rows


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """About a million synthetic rows, written with Python's sqlite3 in the
    schema of src/store/store_sqlite.c (web_util.SCHEMA)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    for s in web_util.SCHEMA:
        con.execute(s)

    def rows():
        for a, area in enumerate(AREAS):
            for h in range(HOURS):
                t = T0 + 3600 * h
                for g, group in enumerate(GROUPS):
                    yield (area, t, group, t + 3600, float((h * 7 + g * 13 + a) % 1000) + 0.25, 0)

    con.executemany("INSERT INTO production (pricearea, starttime, productiongroup, endtime,"
                    " quantitykwh, lastupdatedtime) VALUES (?, ?, ?, ?, ?, ?)", rows())
    con.commit()
    con.close()
    return path


def series_sums(body):
    return {g: sum(v for _, v in pts) for g, pts in json.loads(body)["series"].items()}


def sql_sums(path, d_from, d_to):
    """Per-group sums over [Oslo d_from 00:00, Oslo d_to+1 00:00), all areas."""
    oslo = dt.timezone(dt.timedelta(hours=1))  # January: UTC+01:00, no DST change inside
    a = int(dt.datetime.combine(dt.date.fromisoformat(d_from), dt.time(), oslo).timestamp())
    b = int(dt.datetime.combine(dt.date.fromisoformat(d_to) + dt.timedelta(days=1), dt.time(),
                                oslo).timestamp())
    con = sqlite3.connect(path)
    got = dict(con.execute("SELECT productiongroup, SUM(quantitykwh) FROM production WHERE"
                           " starttime >= ? AND starttime < ? GROUP BY productiongroup", (a, b)))
    con.close()
    return got


def test_heavy_uncached_reads_leave_healthz_answered(serve, big_store):
    srv = serve(f"sqlite:{big_store}", "--no-cache", "--threads", "2", "--heavy-slots", "1")
    # Four clients, each asking distinct daily series over every area (each
    # a scan of all rows in its range), while /healthz is asked in between.
    targets = [f"/api/series?step=day&from=2021-01-{d:02d}&to=2024-01-{d:02d}"
               for d in range(1, 13)]
    stop = threading.Event()
    health = []

    def poll_health():
        while not stop.is_set():
            status, _, body = get(srv.port, "/healthz", timeout=60)
            health.append((status, json.loads(body)["status"] if status == 200 else body))

    poller = threading.Thread(target=poll_health)
    poller.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            answers = list(ex.map(lambda t: (t, get(srv.port, t, timeout=120)), targets))
    finally:
        stop.set()
        poller.join()
    assert health and all(h == (200, "ok") for h in health), health[:5]
    worst = 0.0
    for t, (status, headers, body) in answers:
        if status == 503:
            assert headers["retry-after"] == "5"
            json_error(status, headers, body, 503)
            continue
        assert status == 200, body[:300]
        d_from, d_to = t.split("from=")[1].split("&to=")
        want = sql_sums(big_store, d_from, d_to)
        for g, v in series_sums(body).items():
            worst = max(worst, abs(v - want[g]) / want[g])
            assert abs(v - want[g]) <= 1e-9 * want[g], (t, g, v, want[g])
    print(f"{len(health)} /healthz answers during {len(targets)} heavy reads; largest relative "
          f"difference of the series sums against SQL: {worst:.3g} (tolerance 1e-9)")


def test_heavy_reads_beyond_the_queue_get_503_with_retry_after(serve, big_store, tmp_path):
    # The only slot is held at a chosen point, not by a read that happens to
    # be slow: with $ELHUB_TEST_HEAVY_GATE naming an existing file, a heavy
    # read that took its slot waits until the test removes the file. Then a
    # burst of 64 + 16 more: 64 fit in the queue, the rest are answered 503
    # at once, while the slot is still held.
    gate = tmp_path / "gate"
    gate.write_text("")
    srv = serve(f"sqlite:{big_store}", "--no-cache", "--heavy-slots", "1", "-v",
                env_add={"ELHUB_TEST_HEAVY_GATE": str(gate)})
    mark = srv.mark()
    first = connect(srv.port, timeout=120)
    first.sendall(b"GET /api/export.csv?from=2020-01-02&to=2024-07-01 HTTP/1.1\r\nHost: x\r\n\r\n")
    srv.wait_log("heavy read started", since=mark)
    answers, busy_now = [], threading.Semaphore(0)

    def one(i):
        # From four addresses, each well under the per-address limit.
        a = get(srv.port, f"/api/series?step=month&from=2020-02-{1 + i % 28:02d}"
                f"&to=2024-0{1 + i % 6}-01", timeout=120, src=f"127.0.0.{3 + i % 4}")
        answers.append(a)
        if a[0] == 503:
            busy_now.release()
        return a

    with concurrent.futures.ThreadPoolExecutor(80) as ex:
        futures = [ex.submit(one, i) for i in range(80)]
        # The 16 beyond the queue are answered while the slot is still held.
        for _ in range(16):
            assert busy_now.acquire(timeout=60), "fewer than 16 immediate 503s"
        gate.unlink()
        for f in futures:
            f.result()
    status, headers, body = read_response(first)
    first.close()
    assert status == 200 and body.startswith(b"start,end,")
    busy = [a for a in answers if a[0] == 503]
    ok = [a for a in answers if a[0] == 200]
    assert len(busy) + len(ok) == len(answers), [a[0] for a in answers]
    assert len(busy) >= 16, len(busy)
    for status, headers, body in busy:
        assert headers["retry-after"] == "5", headers
        assert json_error(status, headers, body, 503)["error"] == "busy"
    # Meanwhile the request threads still answer.
    status, _, body = get(srv.port, "/healthz")
    assert status == 200
    print(f"{len(ok)} heavy reads answered, {len(busy)} got 503 + Retry-After")


# ---- items 4 and 5: the store file changes under the server -------------------

def test_store_file_replaced_then_deleted_while_serving(serve, store_a, store_b, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(store_a, path)
    srv = serve(f"sqlite:{path}")
    status, _, body = get(srv.port, "/api/totals?area=NO1")
    assert status == 200
    assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_A, "NO1"))

    # Replaced (a new file renamed over it, as a restore would): the next
    # answers come from the new file, not from the cache or old connections.
    mark = srv.mark()
    shutil.copy(store_b, tmp_path / "new.db")
    os.replace(tmp_path / "new.db", path)
    srv.wait_log("was replaced", since=mark)
    status, _, body = get(srv.port, "/api/totals?area=NO1")
    assert status == 200, body
    assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_B, "NO1"))
    status, _, body = get(srv.port, "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"

    # Deleted: 503 everywhere, /healthz says why without naming the path,
    # and no empty store appears in its place.
    mark = srv.mark()
    os.unlink(path)
    srv.wait_log("is gone", since=mark)
    for target in ("/healthz", "/api/totals?area=NO1", "/api/meta"):
        status, headers, body = get(srv.port, target)
        doc = json_error(status, headers, body, 503)
        assert doc["error"] == "store unavailable"
        assert str(tmp_path) not in body.decode()
    assert "missing" in json.loads(get(srv.port, "/healthz")[2])["detail"]
    assert not path.exists()

    # Back: served again.
    mark = srv.mark()
    shutil.copy(store_a, path)
    srv.wait_log("was replaced", since=mark)
    status, _, body = get(srv.port, "/api/totals?area=NO1")
    assert status == 200, body
    assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_A, "NO1"))


def test_healthz_is_503_for_a_store_that_cannot_be_read(serve, store_a, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(store_a, path)
    srv = serve(f"sqlite:{path}")
    for _ in range(8):
        status, _, body = get(srv.port, "/healthz")
        assert status == 200, body
    # Overwritten in place (same inode) by bytes that are not a database.
    with open(path, "r+b") as f:
        f.write(b"this is not a database" * 1000)
        f.truncate()
    # Every thread's answer, including those whose connection was open
    # before (several requests land on every request thread).
    for _ in range(8):
        status, headers, body = get(srv.port, "/healthz")
        doc = json_error(status, headers, body, 503)
        assert doc["error"] == "store unavailable"
        assert str(tmp_path) not in body.decode()


def test_a_first_store_open_that_fails_is_retried(serve, store_a, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(store_a, path)
    good = path.read_bytes()
    # One heavy-read thread: the one whose first open fails is the one that
    # must open again.
    srv = serve(f"sqlite:{path}", "--heavy-slots", "1")
    # Before any API request (the threads have not opened the store yet),
    # the file is overwritten in place with garbage: same inode, so only a
    # retry, not a changed file, can bring it back.
    with open(path, "r+b") as f:
        f.write(b"\0garbage" * 4096)
        f.truncate()
    status, headers, body = get(srv.port, "/api/totals?area=NO1")
    json_error(status, headers, body, 503)
    with open(path, "r+b") as f:
        f.write(good)
        f.truncate()
    # The server tries again after its back-off (1 s, then 2 s, ...): wait
    # for the answer, asking every 0.2 s, for at most 60 s.
    deadline = time.monotonic() + 60
    while True:
        status, _, body = get(srv.port, "/api/totals?area=NO1")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200, body
    assert_totals(json.loads(body)["totals"], totals_from_csv(STORE_A, "NO1"))
    srv.wait_log("store is open again")


# ---- item 6: errors libmicrohttpd would answer, and odd targets -----------------

@pytest.mark.parametrize("raw,want", [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(80))
     + b"\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: " + b"a=1;" * 200 + b"\r\n\r\n", 431),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"GET / HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1\nHost: x\n\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody", 413),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 413),
    (b"PUT /api/meta HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 405),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400),
])
def test_protocol_errors_have_the_json_body(serve, store_a, raw, want):
    srv = serve(f"sqlite:{store_a}")
    status, headers, body = request(srv.port, raw)
    json_error(status, headers, body, want)
    if want == 405:
        assert headers["allow"] == "GET, HEAD"


def test_absolute_form_target_is_served_as_its_path(serve, store_a):
    srv = serve(f"sqlite:{store_a}")
    want = get(srv.port, "/api/totals?area=NO1")
    got = get(srv.port, f"http://127.0.0.1:{srv.port}/api/totals?area=NO1")
    assert got[0] == 200 and got[2] == want[2]
    status, _, body = get(srv.port, "HTTP://elsewhere.example/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


@pytest.mark.parametrize("target", [b"/healthz\0/x", b"/api/totals?area=NO1\0&area=NO2",
                                    b"/api/meta\0"])
def test_nul_in_the_target_is_rejected(serve, store_a, target):
    srv = serve(f"sqlite:{store_a}")
    status, headers, body = request(srv.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    doc = json_error(status, headers, body, 400)
    assert "NUL" in doc["detail"]
