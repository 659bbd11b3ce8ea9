"""The command line's contract: --help, --version, exit codes, and the
first run as a newcomer meets it (serve's --listen forms, a port taken)."""
import os
import signal
import socket
import subprocess

import pytest

from conftest import BUNDLED_DATA, REPO, elhub_bin, run_elhub


def test_version():
    p = run_elhub("--version")
    assert p.stdout.startswith("elhub ")


def test_help_lists_commands():
    p = run_elhub("--help")
    for cmd in ("fetch", "import", "export", "status", "serve", "plot", "load"):
        assert cmd in p.stdout


def test_unknown_command_is_usage_error():
    p = run_elhub("frobnicate", check=False)
    assert p.returncode == 2
    assert "unknown command" in p.stderr


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_line(args, env=None):
    """Starts serve, returns its first stdout line, stops it."""
    full = dict(os.environ)
    full.pop("ELHUB_STORE", None)
    full.pop("ELHUB_LISTEN", None)
    full.update(env or {})
    proc = subprocess.Popen([elhub_bin(), "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=full)
    try:
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    return line.strip()


@pytest.mark.parametrize("form", ["{p}", ":{p}", "127.0.0.1:{p}"])
def test_serve_listen_forms(tmp_path, form):
    """--listen takes PORT and :PORT (loopback) as well as HOST:PORT."""
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    port = _free_port()
    line = _serve_line(["--store", f"sqlite:{tmp_path / 's.db'}", "--listen", form.format(p=port)])
    assert line == f"serving http://127.0.0.1:{port}/"


def test_serve_listen_from_environment(tmp_path):
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    port = _free_port()
    line = _serve_line(["--store", f"sqlite:{tmp_path / 's.db'}"], env={"ELHUB_LISTEN": f":{port}"})
    assert line == f"serving http://127.0.0.1:{port}/"


def test_serve_port_taken_says_which_and_how_to_choose(tmp_path):
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        p = run_elhub("serve", "--store", f"sqlite:{tmp_path / 's.db'}", "--listen", f":{port}",
                      check=False, timeout=60)
        assert p.returncode == 1
        assert f"127.0.0.1:{port}" in p.stderr and "taken" in p.stderr
        assert "--listen" in p.stderr and "ELHUB_LISTEN" in p.stderr
        # The demo's last step is the same serve: the same message reaches
        # a newcomer running `make demo` with the port busy.
        env = dict(os.environ, ELHUB_STORE=f"sqlite:{tmp_path / 's.db'}", ELHUB_BIN=elhub_bin(),
                   ELHUB_LISTEN=f":{port}")
        d = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True,
                           text=True, env=env, timeout=600)
        assert d.returncode == 1
        assert f"127.0.0.1:{port}" in d.stderr and "ELHUB_LISTEN" in d.stderr


@pytest.mark.parametrize("bad", ["nohost", "127.0.0.1:", ":", "99999", ":-1", "a:b:c", "[::1]8080"])
def test_serve_bad_listen_is_usage_error(bad):
    p = run_elhub("serve", "--listen", bad, check=False)
    assert p.returncode == 2, (bad, p.stderr)
    assert "HOST:PORT" in p.stderr


# ---- issue 12 item 15: the CLI as people read it ------------------------------

import csv  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import zoneinfo  # noqa: E402

from conftest import open_data, read_data  # noqa: E402

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
STATUS_FILES = ("production_2021_slices.csv.gz", "production_2025-10-20_2025-11-19_rows.csv.gz")
COMMANDS = ("fetch", "import", "export", "status", "serve", "plot", "load", "repair")


def _status_rows():
    """(area, group, start UTC seconds, kWh) of the two bundled files the
    status tests import, read here with csv and datetime, not elhub."""
    out = []
    for name in STATUS_FILES:
        with open_data(name[:-3]) as f:
            for r in csv.DictReader(f):
                t = datetime.datetime.fromisoformat(r["startTime"].replace(" ", "T"))
                out.append((r["priceArea"], r["productionGroup"].lower(), int(t.timestamp()),
                            float(r["quantityKwh"])))
    return out


def _year_start(y):
    return int(datetime.datetime(y, 1, 1, tzinfo=OSLO).timestamp())


def _reference_status(rows):
    """Per series: rows, the hours missing per Oslo year inside the series'
    first..last hour (years with rows only), the exact sum; per year over
    every series: rows, series, missing, sum."""
    series = {}
    for a, g, t, v in rows:
        series.setdefault((a, g), []).append((t, v))
    per, years = {}, {}
    for key, pts in series.items():
        first, last = min(t for t, _ in pts), max(t for t, _ in pts)
        by_year = {}
        for t, v in pts:
            y = datetime.datetime.fromtimestamp(t, OSLO).year
            by_year.setdefault(y, []).append(v)
        missing = 0
        for y, vals in by_year.items():
            lo, hi = max(_year_start(y), first), min(_year_start(y + 1), last + 3600)
            m = (hi - lo) // 3600 - len(vals)
            missing += m
            yr = years.setdefault(y, {"series": 0, "rows": 0, "missing": 0, "vals": []})
            yr["series"] += 1
            yr["rows"] += len(vals)
            yr["missing"] += m
            yr["vals"] += vals
        per[key] = {"rows": len(pts), "missing": missing, "kwh": math.fsum(v for _, v in pts),
                    "missing_naive": (last + 3600 - first) // 3600 - len(pts)}
    return per, years


UNITS = {"kWh": 1, "MWh": 1e3, "GWh": 1e6, "TWh": 1e9}


def _check_scaled(text, kwh):
    """text ("21.97 TWh") shows kwh in the unit where it reads 1..999, to
    its last printed digit."""
    num, unit = text.rsplit(" ", 1)
    shown = float(num.replace(",", ""))
    want_unit = max((u for u, d in UNITS.items() if abs(kwh) >= d), key=UNITS.get, default="kWh")
    assert unit == want_unit, (text, kwh)
    decimals = len(num.split(".")[1]) if "." in num else 0
    diff = abs(shown * UNITS[unit] - kwh)
    assert diff <= 0.5 * 10 ** -decimals * UNITS[unit] * (1 + 1e-9), (text, kwh, diff)
    return diff


@pytest.fixture(scope="module")
def status_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("status")
    run_elhub("import", "-q", "--store", f"sqlite:{d / 's.db'}",
              *(BUNDLED_DATA / n for n in STATUS_FILES))
    return d


def _status_text(d):
    p = subprocess.run([elhub_bin(), "status", "--store", "sqlite:s.db"], cwd=d,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_status_fits_100_columns(tmp_path):
    """Item 15: status lines were 136 columns wide; over every bundled file
    (data/elhub/*.gz, production and consumption) none exceeds 100."""
    run_elhub("import", "-q", "--store", f"sqlite:{tmp_path / 's.db'}",
              *sorted(BUNDLED_DATA.glob("*.gz")))
    lines = _status_text(tmp_path).splitlines()
    assert any(line.startswith("NO1  secondary") for line in lines)
    widest = max(len(line) for line in lines)
    print("widest status line:", widest)
    assert widest <= 100, [line for line in lines if len(line) > 100]


def test_status_missing_per_year_against_python(status_store):
    """Item 15: missing hours count only the years that have rows (the
    bundled 2022-2024 gap is not 26,304 missing hours per series), the
    uncovered years are listed apart, and a per-year breakdown is shown;
    every number against a count made here from the CSV files."""
    per, years = _reference_status(_status_rows())
    text = _status_text(status_store)
    table = {}
    for line in text.splitlines():
        m = re.match(r"(NO\d)\s+(\S+)\s+([\d,]+)\s+\S+ \S+\s+\S+ \S+\s+([\d,]+)\s+"
                     r"(?:\S+ \S+|unknown)\s+(-?[\d,.]+ \S+)$", line)
        if m:
            table[(m[1], m[2])] = (int(m[3].replace(",", "")), int(m[4].replace(",", "")), m[5])
    assert table.keys() == per.keys()
    worst = 0
    for key, want in per.items():
        rows, missing, total = table[key]
        assert (rows, missing) == (want["rows"], want["missing"]), (key, table[key], want)
        worst = max(worst, _check_scaled(total, want["kwh"]))
    print("largest total difference (kWh, from rounding to the shown digits):", worst)
    # NO1 hydro spans 2021-01 .. 2025-11: the old count took 2022-2024 as missing.
    assert per[("NO1", "hydro")]["missing_naive"] - per[("NO1", "hydro")]["missing"] == 26304
    all_line = next(line for line in text.splitlines() if line.startswith("all "))
    nums = re.findall(r"[\d,]+(?=\s)", all_line)
    assert int(nums[0].replace(",", "")) == sum(w["rows"] for w in per.values())
    assert f"{sum(w['missing'] for w in per.values()):,}" in all_line.split()
    # The per-year breakdown, with the uncovered years between.
    got_years = {}
    for line in text.splitlines():
        m = re.match(r"(\d{4})\s+(\d+)\s+([\d,]+)\s+([\d,]+)\s+(\S+ \S+)$", line)
        if m:
            got_years[int(m[1])] = (int(m[2]), int(m[3].replace(",", "")),
                                    int(m[4].replace(",", "")), m[5])
    assert got_years.keys() == years.keys() == {2021, 2025}
    for y, w in years.items():
        assert got_years[y][:3] == (w["series"], w["rows"], w["missing"]), (y, got_years[y])
        _check_scaled(got_years[y][3], math.fsum(w["vals"]))
    assert re.search(r"^2022-2024\s+no rows: uncovered, not counted as missing$", text, re.M)


def test_status_json_years(status_store):
    per, _ = _reference_status(_status_rows())
    p = run_elhub("status", "--json", "--store", f"sqlite:{status_store / 's.db'}")
    prod = json.loads(p.stdout)["datasets"][0]
    assert prod["uncovered_years"] == [2022, 2023, 2024]
    assert prod["missing_in_years"] == sum(w["missing"] for w in per.values())
    for s in prod["series"]:
        assert s["missing_in_years"] == per[(s["area"], s["group"])]["missing"], s["area"]
        assert sum(y["rows"] for y in s["years"]) == s["rows"]
        years = [y["year"] for y in s["years"]]
        assert s["uncovered_years"] == [u for u in range(years[0], years[-1] + 1)
                                        if u not in years]


@pytest.mark.parametrize("args,message", [
    (["stauts"], 'unknown command "stauts" (did you mean "status"?)'),
    (["exprot"], 'unknown command "exprot" (did you mean "export"?)'),
    (["plot", "--gruops", "hydro"], "unknown option --gruops (did you mean --groups?)"),
    (["plot", "line", "--aera", "NO1"], "unknown option --aera (did you mean --area?)"),
    (["status", "--jsno"], "unknown option --jsno (did you mean --json?)"),
    (["export", "--stroe", "x"], "unknown option --stroe (did you mean --store?)"),
    (["serve", "--threds", "2"], "unknown option --threds (did you mean --threads?)"),
    (["import", "--verbse"], "unknown option --verbse (did you mean --verbose?)"),
    (["load", "--bacth", "5"], "unknown option --bacth (did you mean --batch?)"),
    (["fetch", "--refersh"], "unknown option --refersh (did you mean --refresh?)"),
    (["repair", "--quite"], "unknown option --quite (did you mean --quiet?)"),
    (["export", "--f", "x"], "option --f is ambiguous (--from, --format)"),
    (["export", "--store"], "option --store needs a value"),
    (["status", "--json=yes"], "option --json takes no value"),
    (["status", "-x"], "unknown option -x"),
    (["plot", "lien"], 'unknown chart "lien" (did you mean line?)'),
    (["status", "--dataset", "prodution"], 'unknown dataset "prodution" (did you mean production?)'),
    (["frobnicate"], 'unknown command "frobnicate"\n'),
])
def test_did_you_mean(args, message):
    """Item 15: a mistyped command or option names the nearest one; usage
    errors exit 2."""
    p = run_elhub(*args, check=False)
    assert p.returncode == 2, (args, p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    if args == ["frobnicate"]:
        assert "did you mean" not in p.stderr


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_lists_every_store_kind(cmd):
    """Item 15: every command's --help names every kind of store."""
    p = run_elhub(cmd, "--help")
    for kind in ("sqlite:PATH", "cassandra://", "mongodb://"):
        assert kind in p.stdout, (cmd, kind)
    assert max(len(line) for line in p.stdout.splitlines()) <= 100


def test_same_flag_names_everywhere(tmp_path):
    """Item 15: --group and --groups are one option wherever groups are
    chosen, and --dataset defaults to production in export as in plot."""
    store = f"sqlite:{tmp_path / 's.db'}"
    run_elhub("import", "-q", "--store", store,
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    a = run_elhub("export", "--store", store, "--group", "hydro").stdout
    b = run_elhub("export", "--store", store, "--groups", "hydro").stdout
    c = run_elhub("export", "--store", store, "--dataset", "production", "--groups", "hydro").stdout
    assert a == b == c and len(a.splitlines()) == 15  # header + the 14 rows
    p = run_elhub("plot", "pie", "-q", "--store", store, "--area", "NO1", "--month", "2021-10",
                  "-o", tmp_path / "q.png")
    assert p.stderr == "" and (tmp_path / "q.png").stat().st_size > 0  # -q as elsewhere
    for flag in ("--group", "--groups"):
        out = tmp_path / f"p{flag}.svg"
        run_elhub("plot", "line", "--store", store, "--area", "NO1", "--month", "2021-10",
                  flag, "hydro", "-o", out)
        assert out.stat().st_size > 0


def test_status_sums_have_the_datas_precision(tmp_path):
    """Item 13: a sum is shown to the data's own precision (Elhub's 3
    decimals of kWh), not with float noise: the whole bundled data
    (data/elhub/*.gz, as the README imports it) summed to
    82670735663.43365 kWh of production, and the 5 real 2021 cabin records
    sum to 833413.1599999999 as doubles. Every sum in the JSON has at most 3
    decimals; the consumption sums are within half a unit of the third
    decimal of math.fsum of the bundled consumption records."""
    files = ("consumption_2021_sample_records.json", "consumption_2025-10-22_2025-11-21_utc.csv")
    store = f"sqlite:{tmp_path / 'c.db'}"
    run_elhub("import", "-q", "--store", store, *sorted(BUNDLED_DATA.glob("*.gz")))
    series, years = {}, {}
    for r in json.loads(read_data(files[0])):
        t = datetime.datetime.fromisoformat(r["startTime"])
        key = (r["priceArea"], r["consumptionGroup"].lower())
        series.setdefault(key, []).append(r["quantityKwh"])
        years.setdefault(key + (t.astimezone(OSLO).year,), []).append(r["quantityKwh"])
    with open_data(files[1]) as f:
        for r in csv.DictReader(f):
            t = datetime.datetime.fromisoformat(r["startTime"])
            key = (r["priceArea"], r["consumptionGroup"].lower())
            series.setdefault(key, []).append(float(r["quantityKwh"]))
            years.setdefault(key + (t.astimezone(OSLO).year,), []).append(float(r["quantityKwh"]))
    assert repr(math.fsum(years[("NO1", "cabin", 2021)])) == "833413.1599999999"
    st = {d["dataset"]: d for d in json.loads(run_elhub("status", "--json", "--store",
                                                        store).stdout)["datasets"]}
    cons = st["consumption"]
    prod = [st["production"]["kwh"]] + [s["kwh"] for s in st["production"]["series"]]
    prod += [y["kwh"] for s in st["production"]["series"] for y in s.get("years", [])]
    assert [v for v in prod if len(repr(v).split(".")[-1]) > 3] == []
    pairs = [(cons["kwh"], math.fsum(v for vals in series.values() for v in vals))]
    for s in cons["series"]:
        pairs.append((s["kwh"], math.fsum(series[(s["area"], s["group"])])))
        for y in s.get("years", []):  # (main has no per-year sums)
            pairs.append((y["kwh"], math.fsum(years[(s["area"], s["group"], y["year"])])))
    worst = 0
    for got, want in pairs:
        assert len(repr(got).split(".")[-1]) <= 3, (got, want)
        worst = max(worst, abs(got - want))
    print("largest difference from fsum (kWh):", worst, "over", len(pairs), "sums")
    assert worst <= 0.0005 + 1e-6
