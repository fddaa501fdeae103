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
# The gateway counts rate limits in memcached: without it, calls go
# through (gateway_ratelimit_fail = open, the default), and it says so.
if [ -n "${PSQL:-}" ]; then
	key=mkt_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	hash=$(printf '%s' "$key" | sha256sum | cut -c1-64)
	svc=$($PSQL -c "SELECT slug FROM services WHERE endpoint->>'url' LIKE 'http://127.0.0.1:%/v1' AND mode = 'chat' AND status = 'active' ORDER BY slug LIMIT 1")
	$PSQL -c "INSERT INTO subscriptions (service_id, plan_id, user_id)
	    SELECT s.id, (SELECT id FROM plans WHERE slug = 'standard' AND service_id IS NULL), u.id
	      FROM services s, users u WHERE s.slug = '$svc' AND u.email = 'consumer@example.com'
	    ON CONFLICT DO NOTHING" >/dev/null
	$PSQL -c "INSERT INTO api_keys (user_id, name, hash, prefix, last4)
	    SELECT id, 'memcached-down.sh', '$hash', 'mkt_test', 'test' FROM users WHERE email = 'consumer@example.com'" >/dev/null
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
	    -H 'Content-Type: application/json' \
	    -d "{\"model\":\"$svc\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
	    "$BASE_URL/v1/chat/completions")
	echo "gateway call without memcached: $code"
	[ "$code" = 200 ] || exit 1
	grep -q 'rate limits fail open' "${MKT_STATE_DIR:?}/log/marketplace.log" || {
		echo "the fail-open call was not logged"; exit 1; }
	curl -s "$BASE_URL/health/consume" | grep -q '"status":"degraded"' || exit 1
fi
as memcached -d -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 -c 4096 -P "$MC_PIDFILE"
for i in $(seq 30); do
	curl -s "$BASE_URL/health/search" | grep -q '"status":"ok"' && exit 0
	sleep 0.2
done
echo "health did not return to ok"
exit 1
