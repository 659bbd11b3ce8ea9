"""`elhub forecast` as a command: what -o accepts (.json and .csv, and the
chart files .png, .svg and .pdf of test_forecast_plot.py; anything else is a
usage error, exit 2, naming the suffixes it takes), the
CSV table, and usage errors from the one parameter parser. The numbers
themselves are checked against statsmodels in test_forecast_refs.py."""
import csv
import io
import json

import pytest

from conftest import data_path, run_elhub

BASE = ["--series", "production:NO1:hydro", "--train-from", "2021-01-04", "--train-to",
        "2021-02-28", "--order", "1,0,1", "--seasonal-order", "1,1,1,24"]
PARAMS = {"ar.L1": 0.82, "ma.L1": 0.1, "ar.S.L24": 0.16, "ma.S.L24": -0.6, "sigma2": 4.4e9}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("fc") / "f.db"
    run_elhub("import", "-q", "--store", f"sqlite:{db}", data_path("production_2021_slices.csv"))
    return f"sqlite:{db}"


@pytest.mark.parametrize("name", ["f.txt", "f", "f.gif"])
def test_unknown_output_suffixes_are_usage_errors(store, tmp_path, name):
    p = run_elhub("forecast", "--store", store, *BASE, "--horizon", "24", "-o",
                  tmp_path / name, check=False)
    assert p.returncode == 2, p.stderr
    assert ".json, .csv, .png, .svg or .pdf" in p.stderr
    assert not (tmp_path / name).exists()


def test_csv_file_and_json_file_agree(store, tmp_path):
    pf = tmp_path / "p.json"
    pf.write_text(json.dumps(PARAMS))
    run_elhub("forecast", "--store", store, *BASE, "--horizon", "48", "--params", pf, "-o",
              tmp_path / "f.csv")
    run_elhub("forecast", "--store", store, *BASE, "--horizon", "48", "--params", pf, "-o",
              tmp_path / "f.json")
    rows = list(csv.reader(io.StringIO((tmp_path / "f.csv").read_text())))
    js = json.loads((tmp_path / "f.json").read_text())
    assert rows[0] == ["time", "mean", "lower", "upper"]
    assert len(rows) == 49
    assert [r[0] for r in rows[1:]] == js["forecast"]["time"]
    for k, col in (("mean", 1), ("lower", 2), ("upper", 3)):
        assert [float(r[col]) for r in rows[1:]] == js["forecast"][k]
    assert js["params"] == PARAMS and js["method"] == "given" and js["converged"] is None


def test_format_must_match_output(store, tmp_path):
    p = run_elhub("forecast", "--store", store, *BASE, "--horizon", "24", "--format", "csv",
                  "-o", tmp_path / "f.json", check=False)
    assert p.returncode == 2 and "does not match" in p.stderr


@pytest.mark.parametrize("args, words", [
    (["--order", "9,0,0"], "order"),
    (["--horizon", "0"], "horizon"),
    (["--series", "production:NO1"], "DATASET:AREA:GROUP"),
    (["--fill", "spline"], "fill"),
])
def test_bad_parameters_name_themselves(store, args, words):
    base = list(BASE)
    for i in range(0, len(args), 2):
        if args[i] in base:
            j = base.index(args[i])
            del base[j:j + 2]
    extra = [] if "--horizon" in args else ["--horizon", "24"]
    p = run_elhub("forecast", "--store", store, *base, *args, *extra, check=False)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr


def test_unknown_area_names_what_the_store_has(store):
    p = run_elhub("forecast", "--store", store, *BASE[2:], "--series", "production:NO3:hydro",
                  "--horizon", "24", check=False)
    assert p.returncode == 2, p.stderr
    assert "NO1, NO4, NO5" in p.stderr
