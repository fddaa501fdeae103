# lib.sh: shell helpers of tests/run (sourced, not run)

PASSED=0
FAILED=0
FAILED_NAMES=()

# record NAME PASSED FAILED: adds a step's counts to the totals.
record() {
	local name=$1 p=$2 f=$3
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	if [ "$f" -eq 0 ] && [ "$p" -gt 0 ]; then
		printf '  \033[32mok\033[0m    %-44s %d passed\n' "$name" "$p"
	else
		[ "$p" -eq 0 ] && [ "$f" -eq 0 ] && { FAILED=$((FAILED + 1)); f=1; }
		FAILED_NAMES+=("$name")
		printf '  \033[31mFAIL\033[0m  %-44s %d passed, %d failed\n' "$name" "$p" "$f"
	fi
}

# check NAME COMMAND…: one test that passes when the command succeeds;
# its output goes to the log and is shown on failure.
check() {
	local name=$1 log
	shift
	log="$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log"
	if "$@" >"$log" 2>&1; then
		record "$name" 1 0
	else
		record "$name" 0 1
		sed 's/^/        /' "$log" | tail -25
	fi
}

# node_tests NAME DIR…: runs node's test runner and counts its tests.
node_tests() {
	local name=$1 log p f c status=0
	shift
	log="$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log"
	node --test --test-reporter=tap "$@" >"$log" 2>&1 || status=$?
	p=$(grep -E '^# pass ' "$log" | tail -1 | awk '{print $3}')
	f=$(grep -E '^# fail ' "$log" | tail -1 | awk '{print $3}')
	# A suite whose before() failed cancels its tests: they are neither
	# passed nor failed in node's count, but they did not run.
	c=$(grep -E '^# cancelled ' "$log" | tail -1 | awk '{print $3}')
	f=$((${f:-0} + ${c:-0}))
	# A failure outside any test (a suite's hook, a file that did not
	# load) shows only in the exit status.
	[ "$status" != 0 ] && [ "$f" = 0 ] && f=1
	record "$name" "${p:-0}" "$f"
	if [ "${f:-0}" != 0 ] || [ -z "$p" ]; then
		failed_tests "$log"
	fi
}

# failed_tests LOG: each failing test of a TAP log with its diagnostics
# (the YAML block up to its "..."), innermost first as TAP writes them.
# A parent that fails only because a subtest did is named, without its
# block; the long tail of a stack trace is left out.
failed_tests() {
	awk '
	/^ *not ok / { block = $0 "\n"; inblock = 1; stack = 0; next }
	inblock && /^ *\.\.\.$/ {
		if (block ~ /subtestsFailed/)
			sub(/\n.*/, "\n", block)
		printf "%s", block
		inblock = 0; next
	}
	inblock && /^ *stack: / { stack = 1; lines = 0 }
	inblock && stack { if (++lines > 6) next }
	inblock { block = block $0 "\n" }
	' "$1" | head -80 | sed 's/^/        /'
	# A file that did not load fails outside any test.
	grep -E '^# (Error|SyntaxError)|^Error' "$1" | head -10 | sed 's/^/        /'
}

# cunit_tests NAME LOG: counts the tests of a CUnit run summary.
cunit_tests() {
	local name=$1 log=$2 line
	line=$(grep -E '^ +tests +[0-9]' "$log" | tail -1)
	if [ -z "$line" ]; then
		record "$name" 0 1
		tail -20 "$log" | sed 's/^/        /'
		return
	fi
	# "tests  <total>  <ran>  <passed>  <failed>  <inactive>"
	record "$name" "$(echo "$line" | awk '{print $4}')" "$(echo "$line" | awk '{print $5}')"
	if [ "$(echo "$line" | awk '{print $5}')" != 0 ]; then
		grep -B2 -A3 -E 'FAILED|Test:.*FAILED' "$log" | head -30 | sed 's/^/        /'
	fi
}

# free_port: a TCP port nobody uses, never the same twice in a run, and
# below the kernel's range of ephemeral ports: an outgoing connection
# (curl, libpq, node) takes its local port from that range, and did take
# a stand-in's port between this check and the stand-in's listen
# (EADDRINUSE).  $ROOT/ports remembers what was handed out.
free_port() {
	local p low high base span taken=${ROOT:-/tmp}/ports
	read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null ||
	    { low=32768; high=60999; }
	if [ $((low - 10000)) -ge 2000 ]; then
		base=10000 span=$((low - 10000))
	else
		base=$((high + 1)) span=$((65535 - high))
	fi
	while :; do
		p=$((base + RANDOM % span))
		grep -qx "$p" "$taken" 2>/dev/null && continue
		if ! ss -Htan 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; then
			echo "$p" >>"$taken"
			echo "$p"
			return
		fi
	done
}

# wait_http URL [SECONDS]: until the URL answers 2xx.
wait_http() {
	local i
	for i in $(seq $((${2:-20} * 10))); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

section() { printf '\n\033[1m%s\033[0m\n' "$*"; }
