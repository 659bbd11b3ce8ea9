"""Bad input, from the command line (issue 11, "what gets stored"): each
test drives the real binary with what a hostile or unlucky user gives it
and checks the exit status, the message and what the store holds after
(read with Python's sqlite3, not with elhub). The item of the issue each
test covers is in its docstring. The server items are in
test_server_hostile.py, the fetch items in test_fetch.py."""
import csv
import gzip
import io
import json
import os
import resource
import signal
import sqlite3
import stat
import subprocess
import threading

import pytest

from conftest import elhub_bin, make_empty_store, run_elhub
from web_util import serve

HEADER = "priceArea,productionGroup,startTime,quantityKwh\n"


def rows_in(path, table="production"):
    if not os.path.exists(path):
        return None
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def csv_file(path, lines, header=HEADER):
    path.write_bytes((header + "".join(lines)).encode("latin-1"))
    return path


def hours(n, area="NO1", group="hydro", value="2345701.9"):
    """n hourly CSV lines from 2021-01-01T00:00+01:00."""
    out = []
    for h in range(n):
        d, hh = divmod(h, 24)
        out.append(f"{area},{group},2021-01-{d + 1:02d}T{hh:02d}:00:00+01:00,{value}\n")
    return out


def refused(p, *words):
    assert p.returncode == 1, p.stdout + p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)


# ---- 8: truncated compressed files -------------------------------------------

@pytest.mark.parametrize("cut", ["inside the stream", "the trailer only"])
def test_truncated_gzip_is_rejected_whole(tmp_path, cut):
    """Item 8: a .gz cut inside its deflate stream, or missing only its
    8-byte trailer (CRC and length), stored 24 rows with a wrong last value
    and exit 0. Now the file is rejected whole, from a path and from
    stdin, and the store holds nothing of it."""
    whole = gzip.compress((HEADER + "".join(hours(24))).encode())
    data = whole[:-8] if cut == "the trailer only" else whole[:len(whole) // 2 + 7]
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data)
    store = make_empty_store(tmp_path / "e.db")
    for args, stdin in ((["import", "--store", store, path], None),
                        (["import", "--store", store, "-"], data)):
        p = subprocess.run([elhub_bin(), *map(str, args)], input=stdin, capture_output=True,
                           timeout=60)
        assert p.returncode == 1, p.stderr
        assert b"the compressed data is cut short or corrupt" in p.stderr, p.stderr
        assert b"nothing from it was stored" in p.stderr
        assert rows_in(tmp_path / "e.db") == 0


def test_corrupt_gzip_is_rejected(tmp_path):
    """Item 8: a flipped byte inside the deflate stream."""
    data = bytearray(gzip.compress((HEADER + "".join(hours(48))).encode()))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(bytes(data))
    store = make_empty_store(tmp_path / "e.db")
    refused(run_elhub("import", "--store", store, path, check=False), "bad.csv.gz",
            "nothing from it was stored")
    assert rows_in(tmp_path / "e.db") == 0


# ---- 9, 10, 11, 18: one record validation for every input --------------------

@pytest.mark.parametrize("value", ["1e300", "1.7e308", "-1e300", "inf", "nan", "1e16"])
def test_quantities_outside_the_bound_are_refused_in_csv_and_json(tmp_path, value):
    """Item 9: CSV took 1e300 and 1.7e308 (two of them summed to inf, and
    every JSON answer then held a bare inf). One bound for every input."""
    store = make_empty_store(tmp_path / "e.db")
    c = csv_file(tmp_path / "v.csv", hours(2) + [f"NO1,hydro,2021-01-01T05:00:00+01:00,{value}\n"])
    refused(run_elhub("import", "--store", store, c, check=False), "line 4")
    j = tmp_path / "v.json"
    j.write_text('[{"priceArea":"NO1","productionGroup":"hydro",'
                 '"startTime":"2021-01-01T00:00:00+01:00","quantityKwh":%s}]' % value)
    refused(run_elhub("import", "--store", store, j, check=False))
    assert rows_in(tmp_path / "e.db") == 0
    st = json.loads(run_elhub("status", "--json", "--store", store).stdout)
    assert st is not None


@pytest.mark.parametrize("when", ["0000-01-01T00:00:00+01:00", "0001-01-01T00:00:00+01:00",
                                  "1900-06-01T00:00:00+01:00", "1989-12-31T23:00:00+01:00",
                                  "2101-01-01T00:00:00+01:00", "9999-12-31T23:00:00+01:00"])
def test_times_outside_1990_2100_are_refused(tmp_path, when):
    """Item 10: a year-0001 row made /api/meta drop real years and status
    count 17 million missing hours. The years 1990-2100 bound every input,
    as they bound every selection."""
    store = make_empty_store(tmp_path / "e.db")
    c = csv_file(tmp_path / "t.csv", hours(3) + [f"NO1,hydro,{when},1.0\n"])
    p = run_elhub("import", "--store", store, c, check=False)
    # Year 0000 is not a calendar year to the parser; the others are
    # refused by the bound, naming it.
    refused(p, "line 5")
    if not when.startswith("0000"):
        assert "1990-2100" in p.stderr
    j = tmp_path / "t.json"
    j.write_text('[{"priceArea":"NO1","productionGroup":"hydro","startTime":"%s",'
                 '"quantityKwh":1.0}]' % when)
    refused(run_elhub("import", "--store", store, j, check=False))
    assert rows_in(tmp_path / "e.db") == 0


def test_a_nul_byte_inside_a_csv_field_is_refused(tmp_path):
    """Item 11: hy\\0dro was stored as "hy" with exit 0."""
    store = make_empty_store(tmp_path / "e.db")
    c = csv_file(tmp_path / "n.csv", ["NO1,hy\0dro,2021-01-01T00:00:00+01:00,1.0\n"])
    refused(run_elhub("import", "--store", store, c, check=False), "NUL", "line 2")
    assert rows_in(tmp_path / "e.db") == 0


@pytest.mark.parametrize("name", ['a"b,c', "-23", "=1+1", "@x", "x y", "h\u00f8"])
def test_names_outside_the_alphabet_are_refused(tmp_path, name):
    """Items 16 and 18: a group a"b,c gave /api/export.csv rows of
    different field counts, and a name starting with = + - @ is a
    spreadsheet formula. No stored name can be either: letters, digits and
    . _ -, starting with a letter or a digit."""
    store = make_empty_store(tmp_path / "e.db")
    buf = io.StringIO()
    csv.writer(buf).writerow(["NO1", name, "2021-01-01T00:00:00+01:00", "1.0"])
    c = tmp_path / "g.csv"
    c.write_text(HEADER + buf.getvalue(), encoding="utf-8")
    refused(run_elhub("import", "--store", store, c, check=False), "line 2")
    assert rows_in(tmp_path / "e.db") == 0


def test_control_bytes_in_messages_are_escaped(tmp_path):
    """Item 18: error messages printed ESC and OSC sequences from the input
    to the terminal."""
    store = make_empty_store(tmp_path / "e.db")
    c = csv_file(tmp_path / "e.csv", ["\x1b]0;pwned\x07,hydro,2021-01-01T00:00:00+01:00,1.0\n"])
    p = subprocess.run([elhub_bin(), "import", "--store", store, str(c)], capture_output=True,
                       timeout=60)
    assert p.returncode == 1
    assert b"\x1b" not in p.stderr and b"\x07" not in p.stderr, p.stderr
    assert b"\\x1b]0;pwned\\x07" in p.stderr, p.stderr


def test_a_repeated_json_key_is_refused(tmp_path):
    """Item 12: "priceArea":"NO1","priceArea":"NO2" was stored as NO2."""
    store = make_empty_store(tmp_path / "e.db")
    j = tmp_path / "r.json"
    j.write_text('[{"priceArea":"NO1","priceArea":"NO2","productionGroup":"hydro",'
                 '"startTime":"2021-01-01T00:00:00+01:00","quantityKwh":1.0}]')
    refused(run_elhub("import", "--store", store, j, check=False), "priceArea")
    assert rows_in(tmp_path / "e.db") == 0


# ---- 13: a failure part-way through a large file -----------------------------

def big_csv(path):
    """400,000 rows: two store writes of 200,000."""
    with open(path, "w") as f:
        f.write("priceArea,productionGroup,startTime,quantityKwh\n")
        for a in range(5):
            for g in range(10):
                for h in range(8000):
                    d, hh = divmod(h, 24)
                    day = 1577833200 + d * 86400  # 2020-01-01T00:00+01:00, UTC seconds
                    t = day + hh * 3600
                    f.write(f"NO{a + 1},g{g},{t_iso(t)},{(h * 7 + g) % 1000 + 0.5}\n")


def t_iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def test_a_failure_part_way_through_a_large_file_stores_nothing(tmp_path):
    """Item 13: a file larger than one store write (400,000 rows, two
    writes of 200,000) fails in the second write, as on a full disk: the
    process may write at most 8,000 KiB to any file (RLIMIT_FSIZE), which
    the first write fits in and the second does not. Before, the first
    200,000 rows stayed while the message said nothing was stored; now the
    file is one transaction and nothing of it stays."""
    big = tmp_path / "big.csv"
    big_csv(big)
    store = make_empty_store(tmp_path / "e.db")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8000 * 1024, 8000 * 1024))

    p = subprocess.run([elhub_bin(), "import", "--store", store, str(big)], capture_output=True,
                       text=True, timeout=600, preexec_fn=limit)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "storing rows 200001-400000 of 400000" in p.stderr, p.stderr
    assert "nothing from it was stored" in p.stderr
    assert rows_in(tmp_path / "e.db") == 0
    con = sqlite3.connect(tmp_path / "e.db")
    assert con.execute("SELECT COUNT(*) FROM production_daily").fetchone()[0] == 0
    con.close()
    # Without the limit the same file lands whole.
    run_elhub("import", "--store", store, big)
    assert rows_in(tmp_path / "e.db") == 400000


# ---- 14: reading commands never create a store -------------------------------

@pytest.mark.parametrize("cmd", [["status"], ["export", "--dataset", "production"],
                                 ["plot", "pie", "--area", "NO1", "--year", "2021", "-o", "x.png"],
                                 ["load", "--to", "sqlite:copy.db", "--from"]])
def test_reading_a_missing_store_is_an_error_naming_it(tmp_path, cmd):
    """Item 14: status, export, plot and load --from on a mistyped sqlite:
    path created an empty 16 KB database (export then wrote a header and
    exited 0, load copied 0 rows)."""
    missing = tmp_path / "typo.db"
    args = [*cmd, f"sqlite:{missing}"] if cmd[0] == "load" else [*cmd, "--store",
                                                                 f"sqlite:{missing}"]
    p = subprocess.run([elhub_bin(), *args], capture_output=True, text=True, timeout=60,
                       cwd=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert str(missing) in p.stderr, p.stderr
    assert not missing.exists()
    assert p.stdout == ""


def test_serving_a_missing_store_is_an_error_naming_it(tmp_path):
    """Item 14, serve."""
    missing = tmp_path / "typo.db"
    p = subprocess.run([elhub_bin(), "serve", "--store", f"sqlite:{missing}", "--listen",
                        "127.0.0.1:0"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    assert str(missing) in p.stderr
    assert not missing.exists()


@pytest.mark.parametrize("uri", ["sqlite::memory:", "sqlite:file:x.db", "sqlite:file:x.db?mode=memory",
                                 "sqlite:"])
def test_stores_that_would_lose_writes_are_usage_errors(tmp_path, uri):
    """Items 14 and 21: sqlite::memory: and file: URIs made import exit 0
    with nothing saved; "sqlite:" with no path was exit 1."""
    c = csv_file(tmp_path / "a.csv", hours(2))
    p = subprocess.run([elhub_bin(), "import", "--store", uri, str(c)], capture_output=True,
                       text=True, timeout=60, cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "sqlite:PATH" in p.stderr
    assert os.listdir(tmp_path) == ["a.csv"]


@pytest.mark.parametrize("uri", ["postgres://127.0.0.1/elhub", "elhub.db", "mysql:x"])
def test_an_unknown_store_scheme_is_a_usage_error(tmp_path, uri):
    """Item 21."""
    p = run_elhub("status", "--store", uri, check=False)
    assert p.returncode == 2, p.stderr
    assert "unknown store" in p.stderr



# ---- 7, and "nothing invalid is ever served": a store edited by hand ----------

MARKUP = "<img src=x id=pwn>"
EDITS = {
    "a row with markup for a group":
        f"INSERT INTO production SELECT pricearea, starttime, '{MARKUP}', endtime, quantitykwh,"
        " 0, NULL FROM production",
    "a row with a value past the bound":
        "UPDATE production SET quantitykwh = 1e308 WHERE starttime ="
        " (SELECT MIN(starttime) FROM production)",
    "day and month rollups with markup for a group": "".join(
        f"INSERT INTO production_{level} SELECT pricearea, {t}, '{MARKUP}', quantitykwh, sum0,"
        f" sum1, sum2, hours, firsttime, lasttime, lastupdatedtime FROM production_{level};"
        for level, t in (("daily", "day"), ("monthly", "month"))),
}
READS = ["/api/meta", "/api/totals?area=NO1&from=2021-01-01&to=2021-01-02",
         "/api/series?area=NO1&from=2021-01-01&to=2021-01-02&step=hour",
         "/api/series?area=NO1&from=2021-01-01&to=2021-01-02&step=day",
         "/api/export.csv?area=NO1&from=2021-01-01&to=2021-01-02&step=hour&chart=series"]


@pytest.mark.parametrize("edit", EDITS)
def test_a_store_edited_by_hand_is_not_served(tmp_path, small_store, edit):
    """Item 7 and the rule behind it: the tooltips escape names, and below
    them no name or value the import would refuse reaches a client. Rows
    and rollups written into the SQLite file behind elhub's back are
    checked as they are read: the reads that meet them fail (500, the
    cause in the server log; exit 1 on the command line), the others
    answer, and no answer holds the markup or the huge value."""
    con = sqlite3.connect(tmp_path / "e.db")
    con.executescript(EDITS[edit])
    con.commit()
    con.close()
    failed = 0
    with serve(small_store) as srv:
        for path in READS:
            st, _, body = srv.get(path)
            text = body.decode()
            assert st in (200, 500), (path, st, text)
            assert "img" not in text and "e+308" not in text and "1e308" not in text, (path, text)
            failed += st == 500
    assert failed >= 1
    cli = [export(small_store, "--from", "2021-01-01", "--to", "2021-01-02", check=False),
           run_elhub("status", "--store", small_store, check=False),
           run_elhub("plot", "line", "--store", small_store, "--area", "NO1", "--month",
                     "2021-01", "-o", tmp_path / "p.png", check=False)]
    for p in cli:
        assert p.returncode in (0, 1), p.stderr
        assert "img src" not in p.stdout and "e+308" not in p.stdout
    bad = [p for p in cli if p.returncode == 1]
    assert bad, [p.stderr for p in cli]
    for p in bad:
        assert "holds production data elhub would not store" in p.stderr, p.stderr
        assert "delete it and import again" in p.stderr


# ---- 15: -o writes through links and into devices ----------------------------

@pytest.fixture
def small_store(tmp_path):
    store = make_empty_store(tmp_path / "e.db")
    run_elhub("import", "--store", store, csv_file(tmp_path / "a.csv", hours(48)))
    return store


def export(store, *args, **kw):
    return run_elhub("export", "--store", store, "--dataset", "production", *args, **kw)


def test_export_and_plot_write_through_a_symlink(tmp_path, small_store):
    """Item 15: a symlink became a regular file."""
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    export(small_store, "-o", link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().count("\n") == 49
    png = tmp_path / "real.png"
    png.write_bytes(b"old")
    plink = tmp_path / "chart.png"
    plink.symlink_to(png)
    run_elhub("plot", "line", "--store", small_store, "--area", "NO1", "--month", "2021-01",
              "-o", plink)
    assert plink.is_symlink() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_writes_into_a_fifo(tmp_path, small_store):
    """Item 15: a FIFO's reader got nothing (the FIFO was replaced)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = {}

    def reader():
        with open(fifo, "rb") as f:
            got["data"] = f.read()

    t = threading.Thread(target=reader)
    t.start()
    export(small_store, "-o", fifo)
    t.join(60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got["data"].decode().count("\n") == 49


@pytest.fixture
def full_device(tmp_path):
    """A private node of the "full" device (char 1:7: every write fails
    with ENOSPC), so a binary that replaces it harms only the test's own
    directory, never /dev/full. Needs root (CAP_MKNOD), as CI runs."""
    node = tmp_path / "full"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return node


def test_export_to_a_full_device_fails_and_leaves_the_device(small_store, full_device):
    """Item 15: as root, -o /dev/full replaced the device node with a CSV.
    Now it is written into, fails with ENOSPC, exit 1, and stays a device."""
    p = export(small_store, "-o", full_device, check=False)
    assert p.returncode == 1, p.stderr
    assert str(full_device) in p.stderr and "No space left" in p.stderr, p.stderr
    assert stat.S_ISCHR(os.lstat(full_device).st_mode)


def test_export_picks_json_from_the_extension(tmp_path, small_store):
    """Item 15: -o x.json wrote CSV."""
    out = tmp_path / "x.json"
    export(small_store, "-o", out)
    assert len(json.loads(out.read_text())) == 48
    out2 = tmp_path / "y.json"
    export(small_store, "-o", out2, "--format", "csv")
    assert out2.read_text().startswith("pricearea,")


# ---- 16: /api/export.csv is RFC 4180 ------------------------------------------

def test_api_export_csv_parses_with_one_field_count(tmp_path, small_store):
    """Item 16: /api/export.csv is written by the one CSV writer: every row
    has the header's field count, CRLF line ends."""
    with serve(small_store) as srv:
        for chart in ("series", "totals"):
            st, hd, body = srv.get(f"/api/export.csv?area=NO1&from=2021-01-01&to=2021-01-02"
                                   f"&step=hour&chart={chart}")
            assert st == 200, body
            text = body.decode()
            assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
            rows = list(csv.reader(io.StringIO(text)))
            assert len({len(r) for r in rows}) == 1, rows[:3]


# ---- 17: write errors of status ----------------------------------------------

@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_status_to_a_full_disk_fails(small_store, full_device, fmt):
    """Item 17: status > /dev/full exited 0."""
    with open(full_device, "w") as full:
        p = subprocess.run([elhub_bin(), "status", "--store", small_store, *fmt], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    assert p.returncode == 1
    assert "No space left" in p.stderr, p.stderr


# ---- 19: a password never reaches a resolver or a message --------------------

@pytest.mark.parametrize("uri", ["mongodb://admin:S3c@ret@127.0.0.1:18199/elhub",
                                 "cassandra://admin:S3c@ret@127.0.0.1:18198/elhub"])
def test_an_unescaped_at_in_a_password_is_refused_before_connecting(tmp_path, uri):
    """Item 19: libmongoc looked up the host "ret@127.0.0.1" through the
    system resolver and printed it; the Cassandra URI took the password's
    tail for a host. Both are refused before any connection, with the rule
    and nothing of the password."""
    c = csv_file(tmp_path / "a.csv", hours(2))
    p = run_elhub("import", "--store", uri, c, check=False, timeout=30)
    assert p.returncode == 2, p.stderr
    assert "%40" in p.stderr
    assert "S3c" not in p.stderr and "ret" not in p.stderr.replace("URI", ""), p.stderr


# ---- 21: usage errors ----------------------------------------------------------

@pytest.mark.parametrize("listen", ["example.com:8080", "example.com"])
def test_a_host_name_to_listen_on_is_a_usage_error(listen):
    """Item 21: --listen example.com:... was exit 1."""
    p = run_elhub("serve", "--listen", listen, check=False, timeout=30)
    assert p.returncode == 2, p.stderr
    assert "example.com" in p.stderr
