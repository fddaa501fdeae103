#!/bin/bash
# gateway.sh: the metering gateway against the mock provider on loopback
# (issue 6), with wrk at 1 and at 32 connections, in one run:
#
#   direct    wrk → mock provider
#   nginx     wrk → nginx (proxy_pass, upstream keep-alive) → mock: the
#             near-limit baseline of a pure reverse proxy
#   gateway   wrk → mkt-consume --http, the gateway's own HTTP port (API
#             key, rate limit, budget reservation, usage record durable in
#             the journal before the answer)
#             → mock
#   gateway-fcgi  the same gateway through lighttpd and FastCGI
#   portkey   wrk → Portkey AI gateway (npm, --headless) → mock: the
#             peer a team might pick instead (no keys, budgets, metering)
#
# Each target first gets WARMUP (3) seconds of unmeasured load. Prints p50
# and p99 latency, requests per second, the latency each adds
# over direct, and the ratios to nginx and Portkey; medians of RUNS runs.
# For the gateway on its own port, also the CPU time per call of the
# gateway's serving process, the database and the mock provider (from
# /proc, over each run): where a call's cost goes.
# Then holds STREAMS concurrent streams through the gateway
# (bench/streams.mjs) and prints the memory of the gateway processes.
#
# TARGETS (default "direct nginx gateway gateway-fcgi portkey", in that
# order) picks some for a quick look; the ratios need direct, nginx,
# gateway and portkey.  STREAMS=0 skips the
# streams.
#
# Needs a running stack (./marketplace up), as root on Debian (it installs
# nginx and wrk when missing, and Portkey from npm into bench/).
#
#   bench/gateway.sh                       # RUNS=3 DURATION=10 STREAMS=1000
#   RUNS=5 DURATION=20 bench/gateway.sh
#   TARGETS="direct gateway" STREAMS=0 bench/gateway.sh   # a quick look
set -euo pipefail

case ${1:-} in
-h|--help)
	sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
	exit 0 ;;
"") ;;
*) printf 'gateway.sh: no arguments (see --help); settings are environment variables\n' >&2
   exit 2 ;;
esac

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${MKT_STATE:-$SRC/var}
STATE=$(cd "$STATE" && pwd -P)
HTTP_PORT=${MKT_HTTP_PORT:-8080}
GATEWAY_PORT=${MKT_GATEWAY_PORT:-8081}
PG_PORT=${MKT_PG_PORT:-15432}
MOCK_PORT=${MKT_MOCK_PORT:-18400}
NGINX_PORT=${NGINX_PORT:-18410}
PORTKEY_PORT=${PORTKEY_PORT:-18420}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
STREAMS=${STREAMS:-1000}
TARGETS=${TARGETS:-direct nginx gateway gateway-fcgi portkey}
BASE=http://127.0.0.1:$HTTP_PORT
MOCK=http://127.0.0.1:$MOCK_PORT
WORK=$STATE/bench-gateway
RUN_USER=${MKT_RUN_USER:-mktdev}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'gateway.sh: %s\n' "$*" >&2; exit 1; }

for p in wrk nginx; do
	command -v "$p" >/dev/null || { [ "$(id -u)" -eq 0 ] ||
	    die "$p is missing (apt-get install $p)"; say "installing $p";
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done
systemctl stop nginx 2>/dev/null || true
curl -fsS -o /dev/null "$BASE/health/consume" || die "no stack on $BASE (./marketplace up)"
GATEWAY=http://127.0.0.1:$GATEWAY_PORT
curl -fsS -o /dev/null "$GATEWAY/health/consume" || die "no gateway on $GATEWAY (./marketplace up)"
curl -fsS -o /dev/null "$MOCK/health" || die "no mock provider on $MOCK"
mkdir -p "$WORK"
psql_() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$RUN_USER" -- psql -h "$STATE/run" -p "$PG_PORT" -U marketplace -d marketplace -qtA "$@"
	else
		psql -h "$STATE/run" -p "$PG_PORT" -U marketplace -d marketplace -qtA "$@"
	fi
}
MOCK_KEY=$(cat "$STATE/etc/mock-provider.key")

# ---- a service, a plan without limits, a subscription and a key ----
say "setting up the benchmark service, plan and key"
psql_ >/dev/null <<SQL
INSERT INTO services (provider_id, slug, name, description, category, mode, status,
                      endpoint, endpoint_secret, sla, compliance_level)
SELECT p.id, 'bench-gateway', 'Gateway benchmark', 'The mock provider, for bench/gateway.sh',
       'text-generation', 'chat', 'active',
       jsonb_build_object('url', '$MOCK/v1', 'model', 'mock-chat'),
       (SELECT endpoint_secret FROM services WHERE endpoint->>'url' = '$MOCK/v1'
          AND endpoint_secret IS NOT NULL LIMIT 1),
       '{"max_latency_ms": 30000}', 'internal'
  FROM providers p WHERE p.slug = 'mistral'
ON CONFLICT (slug) DO NOTHING;
INSERT INTO service_versions (service_id, version, status, input_price_per_mtok,
                              output_price_per_mtok, published_at)
SELECT id, '1.0.0', 'active', 0.5, 1.5, now() FROM services WHERE slug = 'bench-gateway'
ON CONFLICT DO NOTHING;
INSERT INTO plans (service_id, slug, name, description)
SELECT id, 'bench', 'Benchmark', 'no limits' FROM services WHERE slug = 'bench-gateway'
ON CONFLICT DO NOTHING;
SQL
# An account of its own: its calls must not become a demo account's
# usage, which recommendations learn from.
KEY=$(cd "$SRC" && BASE_URL=$BASE node --input-type=module -e "
import { get } from './tests/integration/helpers.mjs';
import { signIn, PASSWORD } from './tests/integration/session.mjs';
const admin = await signIn('admin@example.com');
const email = 'bench-' + Date.now() + '@example.com';
await get('/api/v1/admin/users', { method: 'POST', body: new URLSearchParams({ email, name: 'Bench Mark',
  password: PASSWORD, role_consumer: 'on' }).toString(), headers: { Cookie: 'mkt_session=' + admin.session,
  'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/x-www-form-urlencoded' } });
const s = await signIn(email);
const H = { Cookie: 'mkt_session=' + s.session, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' };
await get('/api/v1/subscriptions', { method: 'POST', headers: H, body: JSON.stringify({ service: 'bench-gateway', plan: 'bench' }) });
const r = await get('/api/v1/keys', { method: 'POST', headers: H, body: JSON.stringify({ name: 'bench/gateway.sh' }) });
console.log(r.json().secret);")
[ -n "$KEY" ] || die "could not create an API key"

BODY='{"model":"MODEL","messages":[{"role":"user","content":"Hello, how are you?"}],"max_tokens":16}'
lua() {	# file, model, extra header lines
	cat > "$WORK/$1.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
$3
wrk.body = '${BODY/MODEL/$2}'
EOF
}
lua direct mock-chat "wrk.headers[\"Authorization\"] = \"Bearer $MOCK_KEY\""
lua nginx mock-chat "wrk.headers[\"Authorization\"] = \"Bearer $MOCK_KEY\""
lua gateway bench-gateway "wrk.headers[\"Authorization\"] = \"Bearer $KEY\""
lua gateway-fcgi bench-gateway "wrk.headers[\"Authorization\"] = \"Bearer $KEY\""
lua portkey mock-chat "wrk.headers[\"Authorization\"] = \"Bearer $MOCK_KEY\"
wrk.headers[\"x-portkey-provider\"] = \"openai\"
wrk.headers[\"x-portkey-custom-host\"] = \"$MOCK/v1\""

# ---- nginx: a pure reverse proxy with upstream keep-alive ----
say "starting nginx on 127.0.0.1:$NGINX_PORT"
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
# ---- Portkey ----
if [ ! -d "$SRC/bench/node_modules/@portkey-ai/gateway" ]; then
	say "installing Portkey (npm ci in bench/)"
	(cd "$SRC/bench" && npm ci --no-audit --no-fund >/dev/null 2>&1) || die "npm ci failed in bench/"
fi
say "starting Portkey on 127.0.0.1:$PORTKEY_PORT"
NODE_ENV=production node "$SRC/bench/node_modules/@portkey-ai/gateway/build/start-server.js" \
    --headless --port="$PORTKEY_PORT" > "$WORK/portkey.log" 2>&1 &
PORTKEY_PID=$!
cleanup() {
	kill "$PORTKEY_PID" 2>/dev/null || true
	[ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
	curl -fsS -o /dev/null "http://127.0.0.1:$PORTKEY_PORT/" 2>/dev/null && break
	sleep 0.1
done

url() {
	case $1 in
	direct) echo "$MOCK/v1/chat/completions" ;;
	nginx) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;;
	gateway) echo "$GATEWAY/v1/chat/completions" ;;
	gateway-fcgi) echo "$BASE/v1/chat/completions" ;;
	portkey) echo "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" ;;
	esac
}
# Each target answers once before measuring (a wrong key shows here).
check() {
	local t=$1; shift
	code=$(curl -s -o "$WORK/check-$t.json" -w '%{http_code}' -X POST "$(url "$t")" \
	    -H 'Content-Type: application/json' "$@" \
	    --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$WORK/$t.lua")")
	[ "$code" = 200 ] || die "$t answered $code: $(head -c 300 "$WORK/check-$t.json")"
}
check direct -H "Authorization: Bearer $MOCK_KEY"
check nginx -H "Authorization: Bearer $MOCK_KEY"
check gateway -H "Authorization: Bearer $KEY"
check gateway-fcgi -H "Authorization: Bearer $KEY"
check portkey -H "Authorization: Bearer $MOCK_KEY" -H "x-portkey-provider: openai" \
    -H "x-portkey-custom-host: $MOCK/v1"

# wrk's latency line in microseconds: "50%  1.23ms" → 1230.
to_us() { awk '{ v=$2; if (v ~ /us$/) { sub(/us$/,"",v); print v } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v*1000 } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000000 } }'; }
median() { sort -n | awk '{ a[NR]=$1 } END { print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }

# CPU time (user and system, clock ticks) the processes of a call's path
# have used so far: where a gateway call's time goes, per call, comes
# from the difference over a run.  The database's are the postmaster's
# children (the gateway's connections last).
ticks() { local s=0 p v; for p in "$@"; do v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || v=0; s=$((s + ${v:-0})); done; echo "$s"; }
gateway_pids() { pgrep -P "$(cat "$STATE/run/gateway.pid")"; }
pg_pids() { pgrep -P "$(head -1 "$STATE/pg/postmaster.pid")"; }
mock_pids() { cat "$STATE/run/mock-provider.pid"; }
declare -A CPU

declare -A P50 P99 RPS NON2XX
for conns in 1 32; do
	threads=$([ "$conns" -eq 1 ] && echo 1 || echo 2)
	for t in $TARGETS; do
		: > "$WORK/p50" ; : > "$WORK/p99"; : > "$WORK/rps"; : > "$WORK/cpu"; bad=0
		# Unmeasured: connections made, leases grown, Portkey's JIT warm.
		say "wrk -c$conns $t (warm-up, ${WARMUP}s)"
		wrk -t"$threads" -c"$conns" -d"${WARMUP}s" -s "$WORK/$t.lua" "$(url $t)" >/dev/null
		for run in $(seq "$RUNS"); do
			say "wrk -c$conns $t (run $run/$RUNS, ${DURATION}s)"
			g0=$(ticks $(gateway_pids)) d0=$(ticks $(pg_pids)) m0=$(ticks $(mock_pids))
			wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$WORK/$t.lua" "$(url $t)" > "$WORK/wrk.out"
			g1=$(ticks $(gateway_pids)) d1=$(ticks $(pg_pids)) m1=$(ticks $(mock_pids))
			calls=$(awk '/requests in/ { print $1 }' "$WORK/wrk.out")
			[ "$t" != gateway ] || [ "${calls:-0}" -eq 0 ] ||
			    echo "$((g1 - g0)) $((d1 - d0)) $((m1 - m0)) $calls" >> "$WORK/cpu"
			grep -E '^ +50%' "$WORK/wrk.out" | to_us >> "$WORK/p50"
			grep -E '^ +99%' "$WORK/wrk.out" | to_us >> "$WORK/p99"
			awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.out" >> "$WORK/rps"
			n=$(awk '/Non-2xx/ { print $5 }' "$WORK/wrk.out"); bad=$((bad + ${n:-0}))
			sleep 1
		done
		P50[$t,$conns]=$(median < "$WORK/p50")
		P99[$t,$conns]=$(median < "$WORK/p99")
		RPS[$t,$conns]=$(median < "$WORK/rps")
		NON2XX[$t,$conns]=$bad
		# µs per call of each, the median over the runs
		[ ! -s "$WORK/cpu" ] || CPU[$conns]=$(hz=$(getconf CLK_TCK)
			for i in 1 2 3; do
				awk -v i="$i" -v hz="$hz" '{ print $i * 1000000 / hz / $4 }' "$WORK/cpu" | median
			done | paste -sd' ' | awk '{ printf "gateway %.0f µs, PostgreSQL %.0f µs, mock provider %.0f µs", $1, $2, $3 }')
	done
done

printf '\n%s\n' "Gateway benchmark: POST /v1/chat/completions (16 tokens), mock provider on loopback"
printf '%s\n' "medians of $RUNS runs of ${DURATION}s; latency in ms; 'added' is over direct"
for conns in 1 32; do
	printf '\n%-14s %9s %9s %11s %11s %10s %8s\n' "c=$conns" "p50" "p99" "added p50" "added p99" "req/s" "non-2xx"
	for t in $TARGETS; do
		awk -v t="$t" -v p50="${P50[$t,$conns]}" -v p99="${P99[$t,$conns]}" \
		    -v d50="${P50[direct,$conns]}" -v d99="${P99[direct,$conns]}" \
		    -v rps="${RPS[$t,$conns]}" -v bad="${NON2XX[$t,$conns]}" 'BEGIN {
			printf "%-14s %9.3f %9.3f %11.3f %11.3f %10.0f %8d\n", t,
			    p50/1000, p99/1000, (p50-d50)/1000, (p99-d99)/1000, rps, bad }'
	done
	for need in direct nginx gateway portkey; do
		[[ " $TARGETS " == *" $need "* ]] || continue 2
	done
	awk -v g="${RPS[gateway,$conns]}" -v n="${RPS[nginx,$conns]}" -v p="${RPS[portkey,$conns]}" \
	    -v g50="${P50[gateway,$conns]}" -v n50="${P50[nginx,$conns]}" -v p50="${P50[portkey,$conns]}" \
	    -v d50="${P50[direct,$conns]}" 'BEGIN {
		printf "ratios   requests/s: gateway/nginx %.2f, gateway/portkey %.2f;", g/n, g/p
		printf " added p50: gateway/nginx %.1f, gateway/portkey %.2f\n",
		    (g50-d50)/((n50-d50) > 1 ? (n50-d50) : 1), (g50-d50)/((p50-d50) > 1 ? (p50-d50) : 1) }'
done
[ -z "${CPU[1]:-}${CPU[32]:-}" ] || printf '\nCPU per call through the gateway on its own port (the database: all its processes)\n'
for conns in 1 32; do
	[ -z "${CPU[$conns]:-}" ] || printf '  c=%-3s %s\n' "$conns" "${CPU[$conns]}"
done
n=$(psql_ -c "SELECT count(*) FROM usage_records u JOIN services s ON s.id = u.service_id WHERE s.slug = 'bench-gateway' AND u.status = 'success'")
printf '\nusage records of successful benchmark calls so far: %s\n' "$n"

# ---- concurrent streams ----
[ "$STREAMS" -gt 0 ] || exit 0
say "holding $STREAMS concurrent streams through the gateway"
BASE_URL=$GATEWAY KEY=$KEY STREAMS=$STREAMS RSS_MATCH=--http node "$SRC/bench/streams.mjs"
