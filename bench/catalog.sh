#!/bin/bash
# catalog.sh: throughput and latency of the catalog, JSON and HTML, with
# wrk on loopback, and the resident size of every FastCGI process.
#
#   bench/catalog.sh [BASE_URL]     (default http://127.0.0.1:8080, the
#                                    stack of ./marketplace up)
# Each figure is the median of RUNS runs (default 3) of DURATION seconds
# (default 10) with CONNS connections (default 16).  The baseline, measured
# in the same run, is a static file served by the web server alone: the
# ratio says how close the programs come to the server's own ceiling.
set -euo pipefail
BASE=${1:-http://127.0.0.1:8080}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
curl -fsS -o /dev/null "$BASE/health/search" || { echo "bench: nothing answers at $BASE (./marketplace up)" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f\n", v}'; }

# measure NAME URL: prints "NAME rps p50 p99" (medians over the runs).
measure() {
	local name=$1 url=$2 i out rps=() p50=() p99=()
	wrk -t2 -c"$CONNS" -d2s "$url" >/dev/null	# warm-up
	for i in $(seq "$RUNS"); do
		out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$url")
		if echo "$out" | grep -q 'Non-2xx'; then
			echo "bench: $url answered errors:" >&2; echo "$out" >&2; exit 1
		fi
		rps+=("$(echo "$out" | awk '/^Requests\/sec/{print $2}')")
		p50+=("$(echo "$out" | awk '$1=="50%"{print $2}' | to_ms)")
		p99+=("$(echo "$out" | awk '$1=="99%"{print $2}' | to_ms)")
	done
	printf '%s %s %s %s\n' "$name" \
	    "$(printf '%s\n' "${rps[@]}" | median)" \
	    "$(printf '%s\n' "${p50[@]}" | median)" \
	    "$(printf '%s\n' "${p99[@]}" | median)"
}

echo "LLM Marketplace catalog benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores,"
echo "wrk -t2 -c$CONNS, $RUNS × ${DURATION}s, medians; $(git -C "$(dirname "$0")/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
results=$(
	measure "static file (baseline)" "$BASE/static/css/market.css"
	measure "GET /api/v1/services" "$BASE/api/v1/services"
	measure "GET /api/v1/services/{id}" "$BASE/api/v1/services/$(curl -fsS "$BASE/api/v1/services?per_page=1" | grep -o '"slug":"[^"]*"' | head -1 | cut -d'"' -f4)"
	measure "GET /services (HTML)" "$BASE/services"
)
base_rps=$(echo "$results" | head -1 | awk '{print $(NF-2)}')
printf '%-30s %10s %9s %9s %9s\n' endpoint req/s p50_ms p99_ms vs_static
echo "$results" | while read -r line; do
	p99=${line##* }; rest=${line% *}; p50=${rest##* }; rest=${rest% *}
	rps=${rest##* }; name=${rest% *}
	printf '%-30s %10.0f %9s %9s %8.2fx\n' "$name" "$rps" "$p50" "$p99" \
	    "$(echo "$rps $base_rps" | awk '{print $1/$2}')"
done
echo
echo "resident memory of the FastCGI processes (kB; private = not shared with other processes):"
printf '%-14s %8s %8s %8s\n' program rss private pss
for p in $(pgrep -f 'libexec/llm-marketplace/mkt-' | sort -n); do
	name=$(basename "$(readlink /proc/$p/exe)" | sed "s/ (deleted)//")
	awk -v n="$name" '/^Rss:/{r=$2} /^Pss:/{s=$2} /^Private_(Clean|Dirty):/{v+=$2}
	    END {printf "%-14s %8d %8d %8d\n", n, r, v, s}' /proc/$p/smaps_rollup
done
