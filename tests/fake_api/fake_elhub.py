#!/usr/bin/env python3
"""A fake Elhub Energy Data API on loopback, for the fetch tests and the
benchmark. Speaks the wire format of docs/ELHUB-API.md exactly:
compact JSON with keys in alphabetical order, the "*" pseudo-area first, NO1..NO5
with their EIC codes, JSON:API error bodies (application/vnd.api+json), and the
server's rules:

- at most 31 x 24 h of absolute time between startDate and endDate (else 400);
- whole LOCAL (Europe/Oslo) calendar days from startDate's day to endDate's day;
- unknown parameters are ignored; without startDate/endDate it serves its
  default window, the last 30 days;
- a request without User-Agent gets 403;
- a '+' that was not percent-encoded arrives as a space and gets 400.

Data are deterministic synthetic hourly values for any year (5 areas x 5
groups, NO5 wind with gaps like 2021's), computed by `rows()`, which the tests
use as the independent source of truth. `--real FILE` serves a saved response
instead, whatever was asked (as the real server does for unknown parameters).

Faults on demand, per request URL: `--faults 429,503,truncate` makes the first
requests of each distinct URL fail that way, in that order (rotated by the
URL's first-seen index and cut to `--faults-per-url` entries; -1: every
request). `--fail-match S` answers 503 to every URL containing S; `--empty`
checks every rule but returns no records. Kinds: 429
(Retry-After seconds), 429date (Retry-After HTTP-date), 500, 503, slow (late
and dribbled), stall (headers then silence), truncate (body cut short), reset
(TCP RST), badjson (a garbled 200), duprecord (a 200 whose first record comes
again at the end of its list, 1.5 kWh higher: `dup_record()`). The same settings can be changed at run time:
GET /_control?faults=...&per_url=N&ignore_params=0|1&fail_match=S&empty=0|1&reset_stats=1. GET /_stats
returns what was served, as JSON, with the requests held and active now.

A gate for tests that must stop a client at an exact point:
/_control?hold_after=N serves the next N data requests and holds every later
one on arrival, before any byte is answered, until /_control?release=1;
/_control?wait_idle=S waits (at most S seconds) until no data request is
being handled, so a test can reset the log knowing no handler is still
running.

Usage: fake_elhub.py [--port 0] [--faults LIST] ... ; prints the port on the
first line of stdout once it listens on 127.0.0.1.
"""
import argparse
import gzip
import calendar
import datetime
import email.utils
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/energy-data/v0"
AREAS = [("NO1", "10YNO-1--------2"), ("NO2", "10YNO-2--------T"), ("NO3", "10YNO-3--------J"),
         ("NO4", "10YNO-4--------9"), ("NO5", "10Y1001A1001A48H")]
DATASETS = {
    "PRODUCTION_PER_GROUP_MBA_HOUR": ("productionPerGroupMbaHour", "productionGroup",
                                      ["hydro", "other", "solar", "thermal", "wind"]),
    "CONSUMPTION_PER_GROUP_MBA_HOUR": ("consumptionPerGroupMbaHour", "consumptionGroup",
                                       ["cabin", "household", "primary", "secondary", "tertiary"]),
}
MAX_SPAN = 31 * 24 * 3600
UPDATED = "2024-12-20T10:35:40+01:00"

# Typical hourly kWh per area (NO1..NO5) and group, after 2021's shape.
SCALE = {
    "hydro": [2.1e6, 6.0e6, 2.3e6, 2.7e6, 3.5e6],
    "wind": [6.2e4, 3.7e5, 5.9e5, 2.1e5, 0.001],
    "thermal": [2.7e4, 1.8e4, 0.003, 2.8e4, 7.9e4],
    "solar": [3.3e3, 3.2e3, 9.1e2, 3.8e1, 5.1e2],
    "other": [6.0, 56.0, 15.8, 1.8e3, 0.95],
    "cabin": [1.6e5, 1.1e5, 6.0e4, 4.0e4, 5.0e4],
    "household": [1.9e6, 1.6e6, 9.0e5, 7.0e5, 8.0e5],
    "primary": [1.5e5, 2.5e5, 2.0e5, 1.5e5, 1.8e5],
    "secondary": [8.0e5, 2.1e6, 8.0e5, 9.0e5, 1.2e6],
    "tertiary": [1.0e6, 8.0e5, 5.0e5, 4.0e5, 5.0e5],
}


# ---- Europe/Oslo time (EU rule; written apart from the C timeutil) -------

def _last_sunday_utc1(year, month):
    last = calendar.monthrange(year, month)[1]
    d = datetime.date(year, month, last)
    d -= datetime.timedelta(days=(d.weekday() + 1) % 7)
    return calendar.timegm((d.year, d.month, d.day, 1, 0, 0))


def oslo_offset(t):
    year = time.gmtime(t).tm_year
    return 7200 if _last_sunday_utc1(year, 3) <= t < _last_sunday_utc1(year, 10) else 3600


def oslo_midnight(day):
    naive = calendar.timegm((day.year, day.month, day.day, 0, 0, 0))
    return naive - 3600 if oslo_offset(naive - 3600) == 3600 else naive - 7200


def oslo_date(t):
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=(t + oslo_offset(t)) // 86400)


def oslo_iso(t):
    off = oslo_offset(t)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t + off)) + ("+02:00" if off == 7200 else "+01:00")


_TIME_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:?\d\d))?$")


def parse_time(s):
    """startDate/endDate as the API takes them; None if malformed."""
    m = _TIME_RE.match(s)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        day = datetime.date(y, mo, d)
    except ValueError:
        return None
    if m[4] is None:
        return oslo_midnight(day)
    if m[7] is None:
        return None
    off = 0 if m[7] == "Z" else (1 if m[7][0] == "+" else -1) * (int(m[7][1:3]) * 3600 + int(m[7][-2:]) * 60)
    return calendar.timegm((y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0))) - off


# ---- the synthetic data -------------------------------------------------

def _mix(a, g, h):
    x = (a * 1000003 + g * 10007 + h * 2654435761) & 0xFFFFFFFFFFFF
    x ^= x >> 17
    x = (x * 0x5DEECE66D + 11) & 0xFFFFFFFFFFFF
    x ^= x >> 13
    return x


def present(area_i, group, hour):
    """NO5 wind has gaps, as in 2021 (there: 5,113 of 8,760 hours)."""
    return not (area_i == 4 and group == "wind" and (hour * 7919) % 12 >= 7)


def value(area_i, group_i, group, hour):
    """The kWh of one hour: a deterministic float with 1-3 decimals."""
    h = _mix(area_i, group_i, hour)
    if group == "solar" and not 6 <= time.gmtime(hour * 3600 + oslo_offset(hour * 3600)).tm_hour <= 19:
        return 0.0
    if h % 97 == 0:
        return 0.0
    frac = (h % 100000) / 100000.0
    return round(SCALE[group][area_i] * (0.6 + 0.8 * frac), 1 + (h >> 20) % 3)


def meter_count(area_i, group_i):
    return 1000 + 997 * area_i + 10007 * group_i


def rows(dataset, first_day, last_day):
    """Yields (area, group, start, end, kwh, meters) for the local days
    first_day..last_day inclusive, in the order the API sends them."""
    _, _, groups = DATASETS[dataset]
    t0 = oslo_midnight(first_day)
    t1 = oslo_midnight(last_day + datetime.timedelta(days=1))
    for ai, (area, _) in enumerate(AREAS):
        for gi, g in enumerate(groups):
            for t in range(t0, t1, 3600):
                h = t // 3600
                if present(ai, g, h):
                    yield area, g, t, t + 3600, value(ai, gi, g, h), meter_count(ai, gi)


def dup_record(body, list_key):
    """The body with the first record of the first non-empty record list
    repeated at the end of that list, its quantityKwh 1.5 higher (a server
    that sent one hour twice, revised)."""
    doc = json.loads(body)
    for area in doc["data"]:
        recs = area["attributes"].get(list_key) or []
        if recs:
            dup = dict(recs[0])
            dup["quantityKwh"] = round(dup["quantityKwh"] + 1.5, 3)
            recs.append(dup)
            break
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def read_maybe_gzip(path):
    """The bytes of a saved response, decompressed if it is gzip."""
    raw = open(path, "rb").read()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


class Body:
    """Renders and caches response bodies (a year is ~45 MB; fine in memory)."""

    def __init__(self):
        self.cache = {}
        self.lock = threading.Lock()

    def empty(self, dataset):
        list_key = DATASETS[dataset][0]
        areas = [("*", "*")] + AREAS
        return ('{"data":[%s],"links":{"self":"x"},"meta":{}}' % ",".join(
            '{"attributes":{"country":"NO","eic":"%s","name":"%s","%s":[]},"id":"%s","type":"price-areas"}'
            % (eic, a, list_key, a) for a, eic in areas)).encode()

    def render(self, dataset, first_day, last_day, self_url):
        key = (dataset, first_day, last_day)
        with self.lock:
            hit = self.cache.get(key)
        if hit:
            return hit
        list_key, group_key, groups = DATASETS[dataset]
        t0 = oslo_midnight(first_day)
        t1 = oslo_midnight(last_day + datetime.timedelta(days=1))
        iso = {t: oslo_iso(t) for t in range(t0, t1 + 3600, 3600)}
        consumption = dataset.startswith("CONSUMPTION")
        out = ['{"data":[{"attributes":{"country":"NO","eic":"*","name":"*","%s":[]},"id":"*","type":"price-areas"}' % list_key]
        for ai, (area, eic) in enumerate(AREAS):
            recs = []
            for gi, g in enumerate(groups):
                mc = meter_count(ai, gi)
                for t in range(t0, t1, 3600):
                    h = t // 3600
                    if not present(ai, g, h):
                        continue
                    v = repr(value(ai, gi, g, h))
                    if consumption:
                        recs.append('{"consumptionGroup":"%s","endTime":"%s","lastUpdatedTime":"%s",'
                                    '"meteringPointCount":%d,"priceArea":"%s","quantityKwh":%s,"startTime":"%s"}'
                                    % (g, iso[t + 3600], UPDATED, mc, area, v, iso[t]))
                    else:
                        recs.append('{"endTime":"%s","lastUpdatedTime":"%s","priceArea":"%s",'
                                    '"productionGroup":"%s","quantityKwh":%s,"startTime":"%s"}'
                                    % (iso[t + 3600], UPDATED, area, g, v, iso[t]))
            out.append(',{"attributes":{"country":"NO","eic":"%s","name":"%s","%s":[%s]},"id":"%s","type":"price-areas"}'
                       % (eic, area, list_key, ",".join(recs), area))
        now = oslo_iso(int(time.time()))
        out.append('],"links":{"self":%s},"meta":{"created":"%s","lastUpdated":"%s"}}'
                   % (json.dumps(self_url), now, now))
        body = "".join(out).encode()
        with self.lock:
            self.cache[key] = body
        return body


# ---- the server ----------------------------------------------------------

class State:
    def __init__(self, args):
        self.lock = threading.Condition()
        self.hold_after = -1  # data requests served before the rest are held; -1: never
        self.data_seen = 0    # data requests that arrived since hold_after was set
        self.held = 0         # requests waiting at the gate now
        self.active = 0       # data requests being handled now
        self.faults = [f for f in (args.faults or "").split(",") if f]
        self.per_url = args.faults_per_url
        self.ignore_params = args.ignore_params
        self.retry_after = args.retry_after
        self.slow = args.slow_seconds
        self.stall = args.stall_seconds
        self.real = read_maybe_gzip(args.real) if args.real else None
        self.empty = args.empty
        self.fail_match = args.fail_match
        self.body = Body()
        self.reset_stats()

    def reset_stats(self):
        self.url_index = {}   # url -> first-seen index
        self.url_count = {}   # url -> requests so far
        self.log = []         # (url, status, fault)

    def fault_for(self, url):
        with self.lock:
            idx = self.url_index.setdefault(url, len(self.url_index))
            n = self.url_count.get(url, 0)
            self.url_count[url] = n + 1
            if self.fail_match and self.fail_match in url:
                return "503"
            if not self.faults:
                return None
            per = self.per_url if self.per_url != 0 else len(self.faults)
            if 0 < per <= n:  # per < 0: every request
                return None
            return self.faults[(idx + n) % len(self.faults)]

    def record(self, url, status, fault):
        with self.lock:
            self.log.append({"url": url, "status": status, "fault": fault})

    def enter(self):
        """A data request arrives: counted, and held at the gate while
        hold_after is reached, until /_control?release=1."""
        with self.lock:
            self.active += 1
            self.data_seen += 1
            if 0 <= self.hold_after < self.data_seen:
                self.held += 1
                while 0 <= self.hold_after < self.data_seen:
                    self.lock.wait()
                self.held -= 1

    def leave(self):
        with self.lock:
            self.active -= 1
            self.lock.notify_all()

    def wait_idle(self, timeout):
        """Blocks until no data request is being handled (or timeout s)."""
        end = time.monotonic() + timeout
        with self.lock:
            while self.active and time.monotonic() < end:
                self.lock.wait(end - time.monotonic())
            return self.active == 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on,
    # a kept-alive connection's body waits for the client's delayed ACK
    # (~40 ms per request), which a real server does not make a client pay.
    disable_nagle_algorithm = True
    server_version = "fake-elhub/1"

    def log_message(self, fmt, *args):  # quiet; /_stats has the log
        pass

    def send_bytes(self, status, body, ctype="application/json; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, title, detail, headers=()):
        body = json.dumps({"errors": [{"status": str(status), "title": title, "detail": detail,
                                        "links": {"self": "https://api.elhub.no" + self.path}}]},
                          separators=(",", ":")).encode()
        self.send_bytes(status, body, "application/vnd.api+json", headers)
        return status

    def do_GET(self):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            with st.lock:
                body = json.dumps({"requests": st.log, "urls": st.url_count, "held": st.held,
                                   "active": st.active}).encode()
            return self.send_bytes(200, body)
        if url.path == "/_control":
            # keep_blank_values: "faults=" must clear the faults.
            q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            with st.lock:
                if "faults" in q:  # new scripts start from each URL's next request
                    st.faults = [f for f in q["faults"][0].split(",") if f]
                    st.url_index, st.url_count = {}, {}
                if "per_url" in q:
                    st.per_url = int(q["per_url"][0])
                if "ignore_params" in q:
                    st.ignore_params = q["ignore_params"][0] == "1"
                if "fail_match" in q:
                    st.fail_match = q["fail_match"][0]
                if "empty" in q:
                    st.empty = q["empty"][0] == "1"
                if "reset_stats" in q:
                    st.reset_stats()
                if "hold_after" in q:
                    st.hold_after, st.data_seen = int(q["hold_after"][0]), 0
                if "release" in q:
                    st.hold_after = -1
                    st.lock.notify_all()
            if "wait_idle" in q and not st.wait_idle(float(q["wait_idle"][0])):
                return self.send_bytes(504, b'{"ok":false,"detail":"handlers still busy"}')
            return self.send_bytes(200, b'{"ok":true}')
        st.enter()
        try:
            status, fault = self.serve(st, url)
            st.record(self.path, status, fault)
        finally:
            st.leave()

    def serve(self, st, url):
        if not self.headers.get("User-Agent"):
            return self.error(403, "Forbidden", "A User-Agent header is required"), None
        if url.path.rstrip("/") != PREFIX + "/price-areas":
            return self.error(404, "Not Found", "No endpoint %s" % url.path), None
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        ds = q.get("dataset", [""])[0].upper()
        if ds not in DATASETS:
            return self.error(400, "Invalid dataset for price-area entity",
                              "dataset %r is not one of %s" % (ds, ", ".join(DATASETS))), None
        fault = st.fault_for(self.path)
        if fault and fault not in ("slow", "stall", "truncate", "badjson", "duprecord"):
            return self.inject(st, fault), fault
        if st.real is not None:
            body = st.real
        else:
            sd, ed = q.get("startDate", [None])[0], q.get("endDate", [None])[0]
            if st.ignore_params or sd is None or ed is None:
                today = oslo_date(int(time.time()))
                first, last = today - datetime.timedelta(days=30), today - datetime.timedelta(days=1)
            else:
                t0, t1 = parse_time(sd), parse_time(ed)
                if t0 is None or t1 is None:
                    bad = sd if t0 is None else ed
                    return self.error(400, "Invalid date format",
                                      "%r: expected yyyy-MM-dd'T'HH:mm:ssXXX" % bad), fault
                if t1 < t0:
                    return self.error(400, "Invalid period", "endDate is before startDate"), fault
                if t1 - t0 > MAX_SPAN:
                    return self.error(400, "Invalid period",
                                      "The time period from startDate to endDate cannot exceed one month"
                                      " (%d h asked)" % ((t1 - t0) // 3600)), fault
                first, last = oslo_date(t0), oslo_date(t1)
            if st.empty:
                body = st.body.empty(ds)
            else:
                body = st.body.render(ds, first, last, "https://api.elhub.no" + self.path)
        if fault == "slow":
            time.sleep(st.slow)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = max(1, len(body) // 5)
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
                time.sleep(st.slow / 5)
            return 200, fault
        if fault == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 3])
            self.wfile.flush()
            time.sleep(st.stall)
            self.close_connection = True
            return 200, fault
        if fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return 200, fault
        if fault == "duprecord":
            body = dup_record(body, DATASETS[ds][0])
        if fault == "badjson":
            mid = len(body) // 2
            body = body[:mid] + b'}]]"x{' + body[mid + 6:]
        self.send_bytes(200, body)
        return 200, fault

    def inject(self, st, fault):
        if fault == "429":
            return self.error(429, "Too Many Requests", "Slow down",
                              [("Retry-After", str(st.retry_after))])
        if fault == "429date":
            when = email.utils.formatdate(time.time() + st.retry_after + 1, usegmt=True)
            return self.error(429, "Too Many Requests", "Slow down", [("Retry-After", when)])
        if fault in ("500", "502", "503", "504"):
            return self.error(int(fault), "Service Unavailable" if fault == "503" else "Server Error",
                              "Injected fault")
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return 0
        if fault.isdigit():
            return self.error(int(fault), "Injected", "Injected status %s" % fault)
        raise ValueError("unknown fault %r" % fault)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a client opening more connections
    # at once (elhub fetch --jobs 8) had the rest dropped and retried 1 s later.
    request_queue_size = 128
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # resets and client aborts are part of the job


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--faults", default="")
    ap.add_argument("--faults-per-url", type=int, default=0)
    ap.add_argument("--ignore-params", action="store_true",
                    help="always serve the default window (as for unknown parameters)")
    ap.add_argument("--retry-after", type=int, default=1)
    ap.add_argument("--slow-seconds", type=float, default=1.0)
    ap.add_argument("--stall-seconds", type=float, default=30.0)
    ap.add_argument("--empty", action="store_true",
                    help="check every rule but answer with no records (fast boundary tests)")
    ap.add_argument("--fail-match", default="",
                    help="answer 503 to every data request whose URL contains this")
    ap.add_argument("--real", help="serve this saved response for every data request")
    ap.add_argument("--warm", help="render DATASET:YYYY before printing the port (benchmarks)")
    args = ap.parse_args(argv)
    state = State(args)
    if args.warm:
        name, year = args.warm.split(":")
        ds = name.upper() if name.upper() in DATASETS else name.upper() + "_PER_GROUP_MBA_HOUR"
        for m in range(1, 13):
            last = calendar.monthrange(int(year), m)[1]
            state.body.render(ds, datetime.date(int(year), m, 1), datetime.date(int(year), m, last), "")
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = state
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
