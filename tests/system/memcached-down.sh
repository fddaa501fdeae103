#!/bin/bash
# memcached-down.sh: memcached holds nothing that cannot be rebuilt: with
# it stopped the catalog still answers (a cache failure is a miss) and
# health says "degraded" but 200; started again, health is "ok".
set -euo pipefail
: "${BASE_URL:?}" "${MC_PIDFILE:?}" "${MC_PORT:?}"
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi; }
pid=$(cat "$MC_PIDFILE")
echo "memcached pid $pid: $(ps -o args= -p "$pid")"
kill "$pid"
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
h=$(curl -s "$BASE_URL/health/search")
echo "health: $h"
echo "$h" | grep -q '"status":"degraded"' || exit 1
echo "$h" | grep -q '"memcached":{"status":"down"' || exit 1
for p in 1 2 3; do
	start=$(date +%s%N)
	code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/v1/services?page=$p&per_page=7")
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "page $p without memcached: $code in $ms ms"
	[ "$code" = 200 ] || exit 1
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/services")
[ "$code" = 200 ] || exit 1
as memcached -d -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 -P "$MC_PIDFILE"
for i in $(seq 30); do
	curl -s "$BASE_URL/health/search" | grep -q '"status":"ok"' && exit 0
	sleep 0.2
done
echo "health did not return to ok"
exit 1
