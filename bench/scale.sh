#!/bin/bash
# bench/scale.sh: the scale benchmark of issue 5 ("Scale and speed"):
# a catalog of N services (default 1,000,000 synthetic ones on top of the
# demo catalog), search measured per query class through the HTTP API and
# in SQL, next to the plain approach and SQLite FTS5.
#
#   bench/scale.sh [--up] [--load-only | --measure-only]
#
#   (default)       reuse the stack of MKT_STATE if it answers, else bring
#                   it up (./marketplace up); top the catalog up to N
#                   synthetic services (bench/generate.sql: nothing to do
#                   when they are there), refresh the search figures
#                   (marketctl search-refresh), VACUUM ANALYZE, measure
#                   (bench/scale.mjs)
#   --up            run ./marketplace up even if the stack answers: builds
#                   and installs the current tree, migrates, restarts
#                   lighttpd (it also re-imports the demo catalog, which
#                   leaves the synthetic services alone)
#   --load-only     stop after loading and refreshing
#   --measure-only  only measure (the stack must run and hold the data)
#
# Environment: N (1000000), BATCH (100000), MKT_STATE (./var/scale: a stack
# of its own, never the development stack), MKT_HTTP_PORT (8090),
# MKT_PG_PORT (15442), MKT_MC_PORT (11321); for the measurement RUNS (API
# requests per class, 100), SQL_RUNS (5), FTS_RUNS (20), CLIENTS (2),
# SKIP_SQL=1, SKIP_FTS=1.
#
# Time on 2 cores: the first ./marketplace up builds for a few minutes;
# loading 1,000,000 services about 10 minutes with the index builds;
# search-refresh and VACUUM ANALYZE a few minutes; the measurement 10 to
# 20 minutes (the plain approach takes seconds per common-word query).
# Disk: about 3 GB for the database at 1M, 0.5 GB for the FTS5 copy.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MKT_STATE=${MKT_STATE:-$SRC/var/scale}
export MKT_HTTP_PORT=${MKT_HTTP_PORT:-8090}
export MKT_PG_PORT=${MKT_PG_PORT:-15442}
export MKT_MC_PORT=${MKT_MC_PORT:-11321}
# A database server sized for a million services (the table and its
# indexes are about 2.5 GB: all of it in shared buffers), and the exact
# counting threshold such a catalog wants (README: "At scale").  Both only
# take effect when this script starts the stack.  Huge pages when the
# kernel has them reserved (as root: sysctl vm.nr_hugepages=2200): with
# 4 KB pages every server process pays a page fault for each page of
# shared buffers it touches first, tens of milliseconds for a search that
# reads a few thousand rows (measured: a name search over 729 rows, 32 ms
# the first time in a session and 4 ms the second; 4 to 5 ms both times
# with huge pages).
export MKT_PG_OPTIONS=${MKT_PG_OPTIONS:--c shared_buffers=4GB -c effective_cache_size=12GB -c huge_pages=try}
export MKT_SEARCH_EXACT_MAX=${MKT_SEARCH_EXACT_MAX:-1000}
N=${N:-1000000}
BATCH=${BATCH:-100000}
UP=0
LOAD=1
MEASURE=1

usage() { sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
for a in "$@"; do
	case "$a" in
	--up) UP=1 ;;
	--load-only) MEASURE=0 ;;
	--measure-only) LOAD=0 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

say() { printf '\033[1m==> %s %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }
mkdir -p "$MKT_STATE"
MKT_STATE=$(cd "$MKT_STATE" && pwd)
PSQL=(psql -X -q -h "$MKT_STATE/run" -p "$MKT_PG_PORT" -U marketplace -d marketplace -v ON_ERROR_STOP=1)
BASE=http://127.0.0.1:$MKT_HTTP_PORT

answers() {
	curl -fsS -o /dev/null "$BASE/health/search" 2>/dev/null &&
	    "${PSQL[@]}" -tAc 'SELECT 1' >/dev/null 2>&1
}

if [ "$UP" = 1 ] || ! answers; then
	[ "$LOAD" = 1 ] || [ "$UP" = 1 ] || {
		echo "scale.sh: no stack answers on $BASE (state $MKT_STATE); run without --measure-only" >&2
		exit 1
	}
	say "bringing up the stack in $MKT_STATE (http $MKT_HTTP_PORT, pg $MKT_PG_PORT, memcached $MKT_MC_PORT)"
	"$SRC/marketplace" up
fi

if [ "$LOAD" = 1 ]; then
	say "loading up to $N synthetic services (bench/generate.sql)"
	t0=$(date +%s)
	"${PSQL[@]}" -v n="$N" -v batch="$BATCH" -f "$SRC/bench/generate.sql" 2>&1 |
	    sed -u -e 's/^psql:[^ ]* NOTICE:  /  /' -e '/^\(CREATE\|SET\|DO\|CALL\)/d'
	loaded=$(( $(date +%s) - t0 ))
	say "refreshing the search figures (marketctl search-refresh)"
	t0=$(date +%s)
	"$SRC/marketplace" _stack ctl search-refresh
	refresh=$(( $(date +%s) - t0 ))
	say "VACUUM ANALYZE of the catalog tables"
	t0=$(date +%s)
	"${PSQL[@]}" -c 'VACUUM (ANALYZE) services, service_versions, version_history, providers'
	vacuum=$(( $(date +%s) - t0 ))
	"${PSQL[@]}" -c "INSERT INTO bench.load_log (step, seconds) VALUES
	    ('marketctl search-refresh', $refresh), ('vacuum analyze', $vacuum)"
	say "load step done in $loaded s, search-refresh $refresh s, vacuum analyze $vacuum s"
fi

if [ "$MEASURE" = 1 ]; then
	# Measured warm, as a server that has run for a while: the catalog
	# and its search indexes read into shared buffers first.
	say "reading the catalog into shared buffers (pg_prewarm)"
	"${PSQL[@]}" -tAc "CREATE EXTENSION IF NOT EXISTS pg_prewarm;
	    SELECT sum(pg_prewarm(c.oid::regclass)) FROM pg_class c
	    WHERE c.relname IN ('services', 'service_versions', 'providers',
	      'service_ratings', 'search_vocabulary')
	       OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN
	         ('services'::regclass, 'service_versions'::regclass))" >/dev/null
	say "measuring (bench/scale.mjs)"
	if ! grep -q '^HugePages_Total: *[1-9]' /proc/meminfo 2>/dev/null; then
		echo "  no huge pages reserved: the first searches of each server process pay page faults (see the top of this script)"
	fi
	node "$SRC/bench/scale.mjs"
fi
say "done; the stack still runs: MKT_STATE=$MKT_STATE $SRC/marketplace down stops it"
