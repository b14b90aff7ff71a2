#!/usr/bin/env bash
# The whole suite on SQLite and, in CI or with TEST_POSTGRES=1, every database test
# again on PostgreSQL 15. The two passes run at the same time (each in its own data
# folder and temporary folder) so CI takes about as long as the longer of the two; each
# pass's output is printed whole when both have finished, PostgreSQL's last.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=.venv/bin/pytest
if [ "${CI:-}" != "true" ] && [ "${TEST_POSTGRES:-}" != "1" ]; then
  exec "$PYTEST" "$@"
fi
# SCRUTINY_SEQUENTIAL_PASSES=1 runs them one after the other (half the memory, twice the time).
if [ "${SCRUTINY_SEQUENTIAL_PASSES:-}" = "1" ]; then
  "$PYTEST" "$@" || exit $?
  echo "== every database test again on PostgreSQL"
  exec env SCRUTINY_ONLY_DB_TESTS=1 bash scripts/with-postgres.sh "$PYTEST" "$@"
fi
WORK="$(mktemp -d /tmp/scrutiny-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sqlite-data" "$WORK/pg-data" "$WORK/sqlite-tmp" "$WORK/pg-tmp"
echo "== the whole suite on SQLite, and every database test again on PostgreSQL, side by side"
start=$(date +%s)
SCRUTINY_DATA_DIR="$WORK/sqlite-data" "$PYTEST" --basetemp="$WORK/sqlite-tmp" "$@" \
  >"$WORK/sqlite.log" 2>&1 &
sqlite=$!
SCRUTINY_DATA_DIR="$WORK/pg-data" SCRUTINY_ONLY_DB_TESTS=1 \
  bash scripts/with-postgres.sh "$PYTEST" --basetemp="$WORK/pg-tmp" -p no:cacheprovider "$@" \
  >"$WORK/pg.log" 2>&1 &
pg=$!
wait $sqlite; sqlite_rc=$?
wait $pg; pg_rc=$?
echo "== SQLite pass (exit $sqlite_rc)"
cat "$WORK/sqlite.log"
echo "== PostgreSQL pass (exit $pg_rc)"
cat "$WORK/pg.log"
echo "== both passes took $(( $(date +%s) - start )) s"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
