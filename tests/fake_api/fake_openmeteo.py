#!/usr/bin/env python3
"""A fake Open-Meteo historical weather API (ERA5 archive) on loopback, for
the weather tests. It speaks the format of docs/OPEN-METEO.md and serves the
REAL bundled weather of data/weather/ (Open-Meteo.com, ERA5 Copernicus/ECMWF,
CC BY 4.0; see data/weather/SOURCES.md):

- near Bergen (60.3913 N, 5.3221 E, within 0.5 degrees): the hourly ERA5 of
  era5_bergen_60.3913N_5.3221E_2019.csv, whose times are at the one fixed
  offset +01:00 it was requested with and whose wind is in km/h;
- near 60.57 N, 7.60 E: open-meteo-subset_2020.csv (wind in m/s), whose times
  are read as UTC (the file does not say; the fake has to pick one).

GET /v1/archive (or /v1/era5) with latitude, longitude, start_date,
end_date (yyyy-mm-dd, inclusive), hourly (a comma-separated list; the old
names windspeed_10m, ... work), wind_speed_unit (kmh default, ms, mph, kn),
timezone (GMT default; an IANA name or auto gets ONE fixed offset for the
whole answer, the offset of the first day's midnight, as the real API does:
both DST days then have 24 hours). The answer's latitude/longitude are the
ERA5 grid cell's (0.25 degrees), not the point asked for. Hours without
data are null, as are the hours null_hours() names (a test's "missing"
values). Errors are HTTP 400 {"error":true,"reason":"..."}.

Faults, per request URL: --faults 429,truncate,... makes the first request
of the i-th distinct URL fail with faults[i % len]; kinds: 429 (with
Retry-After: 1), 500, truncate (Content-Length says more than is sent, then
the connection closes), cutjson (a complete 200 whose JSON stops half-way).
--mode othercell answers for a grid cell 3 degrees north; --mode otherperiod
answers the year before the days asked for. GET /_stats returns every
request served (url, status) and how many are being held as JSON;
/_control?mode=...&faults=... changes the settings at run time, and
/_control?hold=1 holds every data request unanswered until /_control?hold=0
(a test's chosen point: "a request is in flight").

Usage: fake_openmeteo.py [--port 0] [--faults LIST] [--mode M]; prints the
port on the first line of stdout once it listens on 127.0.0.1.
"""
import argparse
import csv
import datetime
import json
import pathlib
import sys
import threading
import urllib.parse
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = pathlib.Path(__file__).resolve().parents[2]
WEATHER = REPO / "data" / "weather"
VARS = ["temperature_2m", "precipitation", "wind_speed_10m", "wind_gusts_10m",
        "wind_direction_10m"]
OLD = {"windspeed_10m": "wind_speed_10m", "windgusts_10m": "wind_gusts_10m",
       "winddirection_10m": "wind_direction_10m"}
UNITS = {"temperature_2m": "°C", "precipitation": "mm", "wind_direction_10m": "°"}
WIND_UNITS = {"kmh": ("km/h", 1 / 3.6), "ms": ("m/s", 1.0), "mph": ("mp/h", 0.44704),
              "kn": ("kn", 1852 / 3600)}
UTC = datetime.timezone.utc


def _read(path, time_format, offset, wind_ms):
    """{UTC epoch hour: {variable: value in °C, mm, m/s, °}} of a bundled file."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        head = [OLD.get(h.split(" (")[0], h.split(" (")[0]) for h in next(rows)]
        for row in rows:
            local = datetime.datetime.strptime(row[0], time_format)
            t = int(local.replace(tzinfo=datetime.timezone(offset)).timestamp())
            vals = {}
            for name, cell in zip(head[1:], row[1:]):
                v = float(cell)
                if name in ("wind_speed_10m", "wind_gusts_10m"):
                    v *= wind_ms
                vals[name] = v
            out[t] = vals
    return out


def bergen():
    return _read(WEATHER / "era5_bergen_60.3913N_5.3221E_2019.csv", "%Y-%m-%d %H:%M:%S",
                 datetime.timedelta(hours=1), 1 / 3.6)


def subset():
    return _read(WEATHER / "open-meteo-subset_2020.csv", "%Y-%m-%dT%H:%M",
                 datetime.timedelta(0), 1.0)


# (point, grid cell answered (lat, lon, elevation), data loader)
PLACES = [((60.3913, 5.3221), (60.5, 5.25, 12.0), bergen),
          ((60.57, 7.60), (60.5, 7.5, 1212.0), subset)]


def null_hours(t):
    """The variables the fake answers null for at UTC epoch hour t: a few
    scattered hours (wind speed every 997th hour, temperature every 1499th),
    so a test can check that missing values are missing, not 0."""
    h = t // 3600
    out = set()
    if h % 997 == 13:
        out.add("wind_speed_10m")
    if h % 1499 == 7:
        out.add("temperature_2m")
    return out


class State:
    def __init__(self, faults, mode):
        self.lock = threading.Lock()
        self.faults = faults
        self.mode = mode
        self.seen = {}
        self.requests = []
        self.data = {}
        self.held = 0
        self.release = threading.Event()
        self.release.set()

    def load(self, i):
        with self.lock:
            if i not in self.data:
                self.data[i] = PLACES[i][2]()
            return self.data[i]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on,
    # a kept-alive connection's body waits for the client's delayed ACK
    # (~40 ms per request), which a real server does not make a client pay.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json; charset=utf-8", headers=(),
              cut=None):
        raw = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        for k, v in headers:
            self.send_header(k, v)
        if cut is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(raw if cut is None else raw[:cut])
        self.wfile.flush()
        if cut is not None:
            self.close_connection = True
        st = self.server.state
        with st.lock:
            st.requests.append({"url": self.path, "status": status})

    def error400(self, reason):
        self.reply(400, json.dumps({"error": True, "reason": reason}))

    def do_GET(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if u.path == "/_stats":
            with st.lock:
                body = json.dumps({"requests": st.requests, "held": st.held})
            return self.reply(200, body)
        if u.path == "/_control":
            with st.lock:
                if "mode" in q:
                    st.mode = q["mode"]
                if "faults" in q:
                    st.faults = [f for f in q["faults"].split(",") if f]
                    st.seen = {}
                if q.get("hold") == "1":
                    st.release.clear()
                elif q.get("hold") == "0":
                    st.release.set()
            return self.reply(200, "{}")
        if u.path not in ("/v1/archive", "/v1/era5"):
            return self.reply(404, json.dumps({"error": True, "reason": "Not Found"}))
        if not st.release.is_set():
            with st.lock:
                st.held += 1
            st.release.wait()
            with st.lock:
                st.held -= 1
        with st.lock:
            first = self.path not in st.seen
            idx = st.seen.setdefault(self.path, len(st.seen))
            fault = st.faults[idx % len(st.faults)] if first and st.faults else None
            mode = st.mode
        if fault == "429":
            return self.reply(429, json.dumps({"error": True, "reason": "Too many requests"}),
                              headers=[("Retry-After", "1")])
        if fault == "500":
            return self.reply(500, json.dumps({"error": True, "reason": "Internal error"}))
        try:
            lat, lon = float(q["latitude"]), float(q["longitude"])
        except (KeyError, ValueError):
            return self.error400("Parameter 'latitude' and 'longitude' must be numbers")
        if not -90 <= lat <= 90:
            return self.error400(f"Latitude must be in range of -90 to 90°. Given: {lat}.")
        if not -180 <= lon <= 180:
            return self.error400(f"Longitude must be in range of -180 to 180°. Given: {lon}.")
        try:
            d0 = datetime.date.fromisoformat(q["start_date"])
            d1 = datetime.date.fromisoformat(q["end_date"])
        except (KeyError, ValueError):
            return self.error400("Parameter 'start_date' and 'end_date' must be yyyy-mm-dd")
        if d1 < d0:
            return self.error400("End-date must be larger or equal than start-date")
        names = [n for n in q.get("hourly", "").split(",") if n]
        for n in names:
            if OLD.get(n, n) not in VARS:
                return self.error400(
                    f"Cannot initialize WeatherVariable from invalid String value {n}")
        unit = q.get("wind_speed_unit", "kmh")
        if unit not in WIND_UNITS:
            return self.error400(f"Invalid wind_speed_unit {unit}")
        place = next((i for i, (p, _, _) in enumerate(PLACES)
                      if abs(p[0] - lat) <= 0.5 and abs(p[1] - lon) <= 0.5), None)
        if place is None:
            return self.error400("No data is available for this location")
        data = st.load(place)
        tzname = q.get("timezone", "GMT")
        if tzname in ("GMT", "UTC"):
            offset = 0
            abbrev = "GMT"
        else:
            zone = zoneinfo.ZoneInfo("Europe/Oslo" if tzname == "auto" else tzname)
            # The quirk: one offset for the whole answer, the first day's.
            offset = int(datetime.datetime(d0.year, d0.month, d0.day, tzinfo=zone)
                         .utcoffset().total_seconds())
            abbrev = "CET" if offset == 3600 else "CEST"
        if mode == "otherperiod":
            d0, d1 = d0.replace(year=d0.year - 1), d1.replace(year=d1.year - 1)
        start = int(datetime.datetime(d0.year, d0.month, d0.day, tzinfo=UTC).timestamp()) - offset
        end = int(datetime.datetime(d1.year, d1.month, d1.day, tzinfo=UTC).timestamp()) \
            + 86400 - offset
        label, factor = WIND_UNITS[unit]
        hourly = {"time": []}
        units = {"time": "iso8601"}
        for n in names:
            hourly[n] = []
            units[n] = label if OLD.get(n, n) in ("wind_speed_10m", "wind_gusts_10m") \
                else UNITS[OLD.get(n, n)]
        for t in range(start, end, 3600):
            local = datetime.datetime.fromtimestamp(t + offset, UTC)
            hourly["time"].append(local.strftime("%Y-%m-%dT%H:%M"))
            row = data.get(t)
            nulls = null_hours(t)
            for n in names:
                v = OLD.get(n, n)
                if row is None or v in nulls:
                    hourly[n].append(None)
                else:
                    wind = v in ("wind_speed_10m", "wind_gusts_10m")
                    x = row[v]
                    hourly[n].append(round(x / factor, 2) if wind else x)
        cell = PLACES[place][1]
        body = json.dumps({
            "latitude": cell[0] + (3.0 if mode == "othercell" else 0.0), "longitude": cell[1],
            "generationtime_ms": 1.2, "utc_offset_seconds": offset, "timezone": tzname,
            "timezone_abbreviation": abbrev, "elevation": cell[2], "hourly_units": units,
            "hourly": hourly}, ensure_ascii=False, separators=(",", ":"))
        if fault == "truncate":
            return self.reply(200, body, cut=len(body.encode()) // 2)
        if fault == "cutjson":
            return self.reply(200, body[:len(body) // 2])
        return self.reply(200, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a client opening more connections
    # at once (elhub fetch --jobs 8) had the rest dropped and retried 1 s later.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client that hangs up after a cut body is what a fault asks for.
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--faults", default="")
    ap.add_argument("--mode", default="")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.state = State([f for f in a.faults.split(",") if f], a.mode)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
