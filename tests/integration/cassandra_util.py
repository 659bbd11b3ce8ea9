"""Helpers for the Cassandra tests and benchmark: synthetic SQLite stores in
the exact schema of src/store/store_sqlite.c, the node's address, and an
independent reader (PyPI cassandra-driver) to check what elhub wrote."""
import os
import random
import sqlite3

AREAS = ["NO1", "NO2", "NO3", "NO4", "NO5"]
PROD_GROUPS = ["hydro", "other", "solar", "thermal", "wind"]
CONS_GROUPS = ["business", "household", "industry", "private", "*"]
HOST = "127.0.0.1"


def port():
    return int(os.environ.get("ELHUB_CASSANDRA_PORT", "9042"))


def create_sqlite(path):
    """Creates the tables exactly as store_sqlite.c does."""
    db = sqlite3.connect(path)
    for name, col in (("production", "productiongroup"), ("consumption", "consumptiongroup")):
        db.execute(f"CREATE TABLE IF NOT EXISTS {name} ("
                   " pricearea TEXT NOT NULL, starttime INTEGER NOT NULL,"
                   f" {col} TEXT NOT NULL, endtime INTEGER NOT NULL,"
                   " quantitykwh REAL NOT NULL, lastupdatedtime INTEGER NOT NULL DEFAULT 0,"
                   " meteringpointcount INTEGER,"
                   f" PRIMARY KEY (pricearea, starttime, {col})) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS fetch_log (dataset TEXT NOT NULL, key TEXT NOT NULL,"
               " rows INTEGER NOT NULL, fetched_at INTEGER NOT NULL,"
               " PRIMARY KEY (dataset, key)) WITHOUT ROWID")
    db.commit()
    return db


def synthetic_rows(start, hours, groups, seed=1, meter=False, areas=AREAS):
    """Deterministic hourly rows (area, start, group, end, kwh, updated, meters)."""
    rnd = random.Random(seed)
    rows = []
    for h in range(hours):
        t = start + 3600 * h
        upd = t + 86400 * 5 if h % 97 else 0  # a few rows with unknown update time
        for a in areas:
            for g in groups:
                kwh = round(rnd.uniform(0, 2_000_000), 3)
                if rnd.random() < 0.02:
                    kwh = 0.0
                mc = rnd.randint(1, 500000) if meter else None
                rows.append((a, t, g, t + 3600, kwh, upd, mc))
    return rows


def fill_sqlite(path, production=(), consumption=()):
    db = create_sqlite(path)
    db.executemany("INSERT INTO production (pricearea, starttime, productiongroup, endtime,"
                   " quantitykwh, lastupdatedtime, meteringpointcount) VALUES (?,?,?,?,?,?,?)",
                   production)
    db.executemany("INSERT INTO consumption (pricearea, starttime, consumptiongroup, endtime,"
                   " quantitykwh, lastupdatedtime, meteringpointcount) VALUES (?,?,?,?,?,?,?)",
                   consumption)
    db.commit()
    db.close()


def sqlite_totals(path, table, col):
    db = sqlite3.connect(path)
    out = {(a, g): (n, s) for a, g, n, s in db.execute(
        f"SELECT pricearea, {col}, COUNT(*), SUM(quantitykwh) FROM {table}"
        f" GROUP BY pricearea, {col}")}
    db.close()
    return out


def session(user=None, password=None, p=None):
    from cassandra.cluster import Cluster
    from cassandra.auth import PlainTextAuthProvider
    auth = PlainTextAuthProvider(user, password) if user else None
    cluster = Cluster([HOST], port=p or port(), auth_provider=auth, protocol_version=4,
                      connect_timeout=30)
    return cluster, cluster.connect()


def cassandra_totals(sess, ks, table, col):
    """Per area x group row count and kWh sum, read row by row."""
    out = {}
    stmt = sess.prepare(f"SELECT pricearea, {col}, quantitykwh FROM {ks}.{table}")
    stmt.fetch_size = 5000
    for a, g, kwh in sess.execute(stmt):
        n, s = out.get((a, g), (0, 0.0))
        out[(a, g)] = (n + 1, s + kwh)
    return out
