#!/bin/bash
# audit.sh: what the audit trail costs: appending a row (µs, one writer and
# two at once, next to a plain insert of the same row) and marketctl
# audit-verify (rows/s over 100,000 rows).
#
#   bench/audit.sh      against the cluster of ./marketplace up, in a
#                       scratch database created, migrated and dropped here
#                       (the stack's own audit trail is left alone)
#
# Appends go through pgbench as the application role (mkt_app), one row
# per transaction as a request writes it, prepared; each figure is the
# median of RUNS runs (default 3) of ROWS rows per writer (default 2000).
# "insert µs" is the INSERT's latency as a writer sees it, waiting for the
# chain head's lock included; "µs/row" is wall time per row appended.
# Commits are asynchronous (SYNC_COMMIT=off, the default) so that the
# figures are the trail's own, not the disk's; SYNC_COMMIT=on includes
# the WAL flush, which the head's lock then also waits for.
# VERIFY_ROWS (default 100000) rows are verified RUNS times.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
STATE=${MKT_STATE:-$SRC/var}
PGHOST=${PGHOST:-$STATE/run}
PGPORT=${MKT_PG_PORT:-15432}
RUNS=${RUNS:-3}
ROWS=${ROWS:-2000}
VERIFY_ROWS=${VERIFY_ROWS:-100000}
SYNC_COMMIT=${SYNC_COMMIT:-off}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
CTL=$STATE/prefix/bin/marketctl
CONF=$STATE/prefix/etc/llm-marketplace/marketplace.conf
DB=mkt_audit_bench

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$PGBIN/pgbench" ] || die "pgbench is missing (apt-get install postgresql)"
[ -x "$CTL" ] && [ -f "$CONF" ] || die "no installed stack in $STATE (./marketplace up)"
"$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" ||
    die "no PostgreSQL at $PGHOST port $PGPORT (./marketplace up; ./marketplace status)"

owner="host=$PGHOST port=$PGPORT dbname=$DB user=marketplace"
app="host=$PGHOST port=$PGPORT dbname=$DB user=mkt_app"
admin() { psql -h "$PGHOST" -p "$PGPORT" -U marketplace -d postgres -qtA -c "$1"; }
as_owner() { psql "$owner" -qtA -v ON_ERROR_STOP=1 -c "$1"; }
as_app() { psql "$app" -qtA -v ON_ERROR_STOP=1 -c "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

work=$(mktemp -d)
trap 'admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
admin "CREATE DATABASE $DB" >/dev/null
MKT_CONFIG=$CONF "$CTL" -q -d "$owner" migrate
# The baseline: the same columns and indexes, no chain, no side table.
as_owner "CREATE TABLE audit_plain (LIKE audit_log INCLUDING DEFAULTS
    INCLUDING INDEXES);
    ALTER TABLE audit_plain ALTER seq ADD GENERATED ALWAYS AS IDENTITY,
    ALTER prev_hash DROP NOT NULL, ALTER hash DROP NOT NULL;
    GRANT SELECT, INSERT ON audit_plain TO mkt_app"

# A row as mkt_audit() writes it: a user, a resource, the request's id,
# address and user agent, a small details object.
for t in audit_log audit_plain; do
	cat > "$work/$t.sql" <<EOF
\\set i random(1, 1000000)
BEGIN;
INSERT INTO $t (actor_id, actor_type, action, resource_type, resource_id, request_id, client_addr, user_agent, details) VALUES ('6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f', 'user', 'service.update', 'service', :i, md5(:i::text), '192.0.2.17', 'Mozilla/5.0 (X11; Linux x86_64) bench', jsonb_build_object('field', 'price', 'i', :i::integer));
COMMIT;
EOF
done

# append TABLE WRITERS: prints "insert_us us_per_row" of one run.
append() {
	local out lat tps
	out=$(PGOPTIONS="-c synchronous_commit=$SYNC_COMMIT" "$PGBIN/pgbench" \
	    -n -M prepared -r -c "$2" -j "$2" -t "$ROWS" -f "$work/$1.sql" "$app" 2>&1) ||
	    { echo "$out" >&2; die "pgbench failed"; }
	lat=$(awk '/INSERT INTO/ {print $1 * 1000; exit}' <<<"$out")
	tps=$(awk '/^tps = / {print $3; exit}' <<<"$out")
	# One row per transaction: wall time per row is 1 / tps.
	echo "$lat $(awk -v t="$tps" 'BEGIN {printf "%.1f", 1e6 / t}')"
}

echo "LLM Marketplace audit trail benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores,"
echo "PostgreSQL $(admin 'SHOW server_version'), synchronous_commit=$SYNC_COMMIT, $RUNS runs × $ROWS rows per writer, medians;" \
    "$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
printf '%-32s %8s %12s %10s\n' append writers "insert µs" "µs/row"
for t in audit_plain audit_log; do
	for w in 1 2; do
		append "$t" "$w" >/dev/null		# warm-up
		lat=() per=()
		for _ in $(seq "$RUNS"); do
			r=$(append "$t" "$w")
			lat+=("${r% *}")
			per+=("${r#* }")
		done
		name="audit_log (hash chain)"
		[ "$t" = audit_plain ] && name="plain insert (baseline)"
		printf '%-32s %8d %12.1f %10.1f\n' "$name" "$w" \
		    "$(printf '%s\n' "${lat[@]}" | median)" \
		    "$(printf '%s\n' "${per[@]}" | median)"
	done
done

# Verification over VERIFY_ROWS rows: topped up as mkt_app, 10,000 rows
# per statement (each a row with personal data, as requests write them).
have=$(as_owner "SELECT count(*) FROM audit_log")
start=$(date +%s%N)
left=$((VERIFY_ROWS - have))
while [ "$left" -gt 0 ]; do
	n=$(( left < 10000 ? left : 10000 ))
	as_app "INSERT INTO audit_log (actor_id, actor_type, action, resource_type,
	    resource_id, request_id, client_addr, user_agent, details)
	    SELECT gen_random_uuid(), 'user', 'service.update', 'service',
	    g::text, md5(g::text), '192.0.2.17', 'Mozilla/5.0 bench',
	    jsonb_build_object('i', g) FROM generate_series(1, $n) g" >/dev/null
	left=$((left - n))
done
bulk=$(( ($(date +%s%N) - start) / 1000 ))
[ "$have" -lt "$VERIFY_ROWS" ] &&
    printf '%-32s %8s %12s %10.1f\n' "audit_log, 10,000 per statement" 1 - \
    "$(awk -v t="$bulk" -v n="$((VERIFY_ROWS - have))" 'BEGIN {print t / n}')"
echo
rates=()
for _ in $(seq "$RUNS"); do
	out=$(MKT_CONFIG=$CONF "$CTL" -d "$owner" audit-verify) ||
	    { echo "$out" >&2; die "audit-verify failed"; }
	rates+=("$(sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p' <<<"$out")")
	rows=$(sed -n 's/^audit chain intact: \([0-9]*\) rows.*/\1/p' <<<"$out")
done
printf 'marketctl audit-verify: %d rows, %s rows/s (median of %d)\n' "$rows" \
    "$(printf '%s\n' "${rates[@]}" | median)" "$RUNS"
