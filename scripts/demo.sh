#!/usr/bin/env bash
# demo: the README's run command (`make demo` calls it after the build).
# Imports the bundled real Elhub data (data/elhub/, CC BY 4.0, "Elhub") and
# weather (data/weather/, Open-Meteo.com ERA5, CC BY 4.0) into
# the default store ($ELHUB_STORE, else sqlite:elhub.db) when that store is
# empty, then runs the main job. Idempotent: a second run imports nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
elhub=${ELHUB_BIN:-build/elhub}
export ELHUB_STORE=${ELHUB_STORE:-sqlite:elhub.db}

if [ ! -x "$elhub" ]; then
    echo "demo: $elhub is missing; run 'make' first" >&2
    exit 1
fi

# A store that does not exist yet (status names it and fails) or holds no
# rows gets the bundled data; import creates it.
if ! "$elhub" status --json 2>/dev/null | grep -q '"empty":false'; then
    echo "demo: importing the bundled real data (Elhub, CC BY 4.0) into $ELHUB_STORE"
    "$elhub" import data/elhub/*.gz
    # The bundled weather (Open-Meteo ERA5, CC BY 4.0) for the Weather, Map and
    # Snow-drift pages: the Bergen file (NO5's city, written in a fixed +01:00
    # and km/h) and the course's file at its point (GMT, m/s); docs/WEATHER.md.
    echo "demo: importing the bundled weather (Open-Meteo.com, ERA5, CC BY 4.0)"
    "$elhub" import --location NO5 --utc-offset +01:00 --wind-unit kmh \
        data/weather/era5_bergen_60.3913N_5.3221E_2019.csv
    "$elhub" import --lat 60.57 --lon 7.60 --utc-offset +00:00 data/weather/open-meteo-subset_2020.csv
else
    echo "demo: $ELHUB_STORE already holds data; not importing again"
fi

# The main job: the dashboard over the store, at the URL serve prints.
# ELHUB_DEMO_JOB=status prints the status table instead (the tests use it).
if [ "${ELHUB_DEMO_JOB:-serve}" = status ]; then
    exec "$elhub" status
fi
exec "$elhub" serve ${ELHUB_LISTEN:+--listen "$ELHUB_LISTEN"}
