#!/usr/bin/env bash
# demo: the README's run command (`make demo` calls it after the build).
# Imports the bundled real Elhub data (data/elhub/, CC BY 4.0, "Elhub") into
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
else
    echo "demo: $ELHUB_STORE already holds data; not importing again"
fi

# The main job: the dashboard over the store, at the URL serve prints.
# ELHUB_DEMO_JOB=status prints the status table instead (the tests use it).
if [ "${ELHUB_DEMO_JOB:-serve}" = status ]; then
    exec "$elhub" status
fi
exec "$elhub" serve ${ELHUB_LISTEN:+--listen "$ELHUB_LISTEN"}
