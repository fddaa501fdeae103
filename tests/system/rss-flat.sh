#!/bin/bash
# rss-flat.sh: the same requests thousands of times leave each FastCGI
# process's resident size flat (no leak across requests).
set -euo pipefail
: "${BASE_URL:?}"
N=${N:-3000}
rss() { local t=0 p; for p in $(pgrep -f "$1"); do t=$((t + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done; echo $t; }
hit() {
	local i
	for i in $(seq "$1"); do
		printf 'url = "%s"\nurl = "%s"\nurl = "%s"\nurl = "%s"\n' \
		    "$BASE_URL/api/v1/services?page=$((i % 50 + 1))" \
		    "$BASE_URL/services?page=$((i % 50 + 1))&lang=de" \
		    "$BASE_URL/api/v1/services/does-not-exist-$i" \
		    "$BASE_URL/services?page=%zz"
	done > "$TMPDIR/urls.$$"
	curl -s -o /dev/null --parallel --parallel-max 4 -K "$TMPDIR/urls.$$" || true
	rm -f "$TMPDIR/urls.$$"
}
hit 250				# warm up: caches, prepared statements, arenas
before=$(rss mkt-search)
hit $((N / 4))
after=$(rss mkt-search)
growth=$((after - before))
echo "mkt-search RSS after warm-up: ${before} kB; after $N more requests: ${after} kB (growth ${growth} kB)"
# Allocator noise is a few pages; a leak of even 100 bytes per request
# would show as ≥ 300 kB here.
[ "$growth" -lt 256 ]
