#!/bin/bash
# pg-restart.sh: the programs survive a PostgreSQL crash-restart: while it
# is down they answer 503 with Retry-After (never 500, never hang), and
# afterwards the same worker processes reconnect by themselves.
set -euo pipefail
: "${BASE_URL:?}" "${PGDATA:?}" "${PGBIN:?}"
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi; }
pids_before=$(pgrep -f 'mkt-search' | sort | tr '\n' ' ')
# A page no test has cached, so that the database is asked.
url="$BASE_URL/api/v1/services?page=97&per_page=3&sort=context"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
[ "$code" = 200 ] || { echo "before: $code"; exit 1; }

as "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null
code=$(curl -s -o /tmp/pgdown.$$ -D /tmp/pgdown.h.$$ -w '%{http_code}' --max-time 10 \
    "$BASE_URL/api/v1/services?page=98&per_page=3&sort=context")
echo "while down: $code"
grep -qi '^Retry-After:' /tmp/pgdown.h.$$ || { echo "no Retry-After"; exit 1; }
[ "$code" = 503 ] || { cat /tmp/pgdown.$$; exit 1; }
grep -q '"type":"/problems/service-unavailable"' /tmp/pgdown.$$ || exit 1
hc=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/health/search")
[ "$hc" = 503 ] || { echo "health while down: $hc"; exit 1; }
rm -f /tmp/pgdown.$$ /tmp/pgdown.h.$$

as "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGLOG" -o "$PGOPTS" start >/dev/null
for i in $(seq 50); do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/v1/services?page=99&per_page=3&sort=context")
	[ "$code" = 200 ] && break
	sleep 0.2
done
echo "after restart: $code (attempt $i)"
[ "$code" = 200 ] || exit 1
pids_after=$(pgrep -f 'mkt-search' | sort | tr '\n' ' ')
echo "workers before: $pids_before after: $pids_after"
[ "$pids_before" = "$pids_after" ] || { echo "workers were restarted"; exit 1; }
