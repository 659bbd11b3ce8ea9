"""`elhub import --dataset weather` of the export's own wide CSV (issue 13):
`location,time,temperature_2m,...`, times with their Oslo offsets, wind in
m/s. Export -> import into a new store -> export must give the same bytes
(the real ERA5 Bergen file and the course's 2020 file at a point, both
Open-Meteo.com, ERA5 Copernicus/ECMWF, CC BY 4.0; and a copy with cells
emptied, which must stay missing, not become 0). The rows stored are also
checked against the first store with Python's sqlite3. A location column
that conflicts with --location / --lat --lon, or two locations in one
file, are refused with nothing stored."""
import csv
import io
import sqlite3

import pytest

from conftest import REPO, run_elhub

BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
SUBSET = REPO / "data" / "weather" / "open-meteo-subset_2020.csv"
POINT = "60.5700N_7.6000E"


def export(db, area):
    return run_elhub("export", "--dataset", "weather", "--area", area, "--format", "csv",
                     "--store", f"sqlite:{db}").stdout


def rows(db):
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute("SELECT location, time, variable, value FROM weather"))
    finally:
        con.close()


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    d = tmp_path_factory.mktemp("rt")
    db = d / "a.db"
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", "--store", f"sqlite:{db}", BERGEN)
    run_elhub("import", "--dataset", "weather", "--lat", "60.57", "--lon", "7.60",
              "--utc-offset", "+00:00", "--store", f"sqlite:{db}", SUBSET)
    return db


@pytest.mark.parametrize("area", ["NO5", POINT])
def test_export_import_export_same_bytes(first, tmp_path, area):
    text = export(first, area)
    lines = text.splitlines()
    assert lines[0] == ("location,time,temperature_2m,precipitation,wind_speed_10m,"
                        "wind_gusts_10m,wind_direction_10m")
    assert len(lines) > 8000 and all(ln.startswith(area + ",") for ln in lines[1:])
    f = tmp_path / "export.csv"
    f.write_text(text, encoding="utf-8")
    db = tmp_path / "b.db"
    run_elhub("import", "--dataset", "weather", "--store", f"sqlite:{db}", f)
    again = export(db, area)
    assert again == text
    assert rows(db) == [r for r in rows(first) if r[0] == area]


def test_missing_cells_stay_missing(first, tmp_path):
    src = list(csv.reader(io.StringIO(export(first, "NO5"))))
    # Empty every 7th hour's temperature and every 11th hour's wind speed.
    emptied = 0
    for i, r in enumerate(src[1:], 1):
        if i % 7 == 0:
            r[2] = ""
            emptied += 1
        if i % 11 == 0:
            r[4] = ""
            emptied += 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(src)
    f = tmp_path / "holes.csv"
    f.write_text(buf.getvalue(), encoding="utf-8")
    db = tmp_path / "h.db"
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--store", f"sqlite:{db}",
              f)
    assert export(db, "NO5") == buf.getvalue()
    assert len(rows(db)) == 5 * (len(src) - 1) - emptied


@pytest.mark.parametrize("opts,message", [
    (["--location", "NO1"], "the file's location column says NO5, not NO1 as given"),
    (["--lat", "60.57", "--lon", "7.60"], f"says NO5, not {POINT} as given"),
])
def test_conflicting_location_refused(first, tmp_path, opts, message):
    f = tmp_path / "export.csv"
    f.write_text(export(first, "NO5"), encoding="utf-8")
    db = tmp_path / "c.db"
    p = run_elhub("import", "--dataset", "weather", *opts, "--store", f"sqlite:{db}", f,
                  check=False)
    assert p.returncode == 1 and message in p.stderr, p.stderr
    assert "nothing from it was stored" in p.stderr
    # The same location given is fine (either case).
    run_elhub("import", "--dataset", "weather", "--location", "no5", "--store", f"sqlite:{db}", f)
    assert export(db, "NO5") == f.read_text(encoding="utf-8")


def test_two_locations_in_one_file_refused(first, tmp_path):
    a = export(first, "NO5").splitlines(keepends=True)
    b = export(first, POINT).splitlines(keepends=True)
    f = tmp_path / "two.csv"
    f.write_text("".join(a[:3] + b[1:3]), encoding="utf-8")
    p = run_elhub("import", "--dataset", "weather", "--store", f"sqlite:{tmp_path / 'd.db'}", f,
                  check=False)
    assert p.returncode == 1 and f"location {POINT} after NO5" in p.stderr, p.stderr
