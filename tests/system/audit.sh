#!/bin/bash
# audit.sh: the audit trail: rows the application role appends form one
# hash chain, also with two writers at once; that role can neither change
# nor remove them; personal data sits in a side table that can be erased;
# and a superuser's tampering behind the triggers' back (a changed row, a
# deleted last row, two swapped rows) is found by marketctl audit-verify at
# exactly the right seq; truncation and a recomputed chain, which the chain
# alone cannot show, are found against a signed checkpoint.
set -euo pipefail
: "${CTL:?}" "${PSQL:?}"
TMPDIR=${TMPDIR:-/tmp}
APP=${PSQL/-U marketplace/-U mkt_app}
[ "$APP" != "$PSQL" ] || { echo "PSQL does not say -U marketplace"; exit 1; }
q() { $PSQL -c "$1"; }
app() { $APP -c "$1"; }
# What someone holding the superuser's keys can do: triggers off.
tamper() { $PSQL -c "SET session_replication_role = replica; $1"; }
fail() { echo "FAIL: $*"; exit 1; }

verify_ok() {
	local out
	out=$($CTL audit-verify 2>&1) || { echo "$out"; fail "audit-verify: $1"; }
	echo "$out"
	grep -q '^audit chain intact: ' <<<"$out" || fail "audit-verify said: $out"
}

# verify_broken SEQ REASON WHAT: exit status 1 and that seq named first.
verify_broken() {
	local out rc=0
	out=$($CTL audit-verify 2>&1) || rc=$?
	echo "$out"
	[ "$rc" = 1 ] || fail "$3: audit-verify exited $rc, not 1"
	grep -q "audit chain broken at seq $1: $2" <<<"$out" ||
	    fail "$3: expected seq $1 ($2)"
}

# refused ROLE-PSQL SQL PATTERN: the statement fails with that message.
refused() {
	local out
	if out=$($1 -c "$2" 2>&1); then
		fail "accepted: $2"
	fi
	grep -q "$3" <<<"$out" || fail "refused for another reason: $2: $out"
	echo "refused as expected: $2"
}

saved=audit_test_saved
trap '$PSQL -c "DROP TABLE IF EXISTS $saved" >/dev/null 2>&1 || true' EXIT

# ---- appending ----
verify_ok "before the test"
start=$(q "SELECT seq FROM audit_chain_head")
# A writer cannot choose its place in the chain nor leave personal data
# in the chained row: seq, hashes and digests are the trigger's.
app "INSERT INTO audit_log (seq, prev_hash, hash, actor_type, action,
    resource_type, resource_id, client_addr, user_agent, details)
    VALUES (1, '\\x00', '\\x00', 'system', 'test.first', 'test', 'a',
    '192.0.2.1', 'audit.sh', '{\"n\": 1}')" >/dev/null
app "INSERT INTO audit_log (actor_type, action) VALUES ('anonymous',
    'test.second')" >/dev/null
[ "$(q "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM audit_log
    WHERE seq > $start")" = "$((start + 1)),$((start + 2))" ] ||
    fail "appended rows are not numbered after the head"
[ "$(q "SELECT count(*) FROM audit_log WHERE seq > $start AND
    (client_addr IS NOT NULL OR user_agent IS NOT NULL)")" = 0 ] ||
    fail "personal data left in audit_log"
[ "$(q "SELECT host(client_addr) || ' ' || user_agent FROM audit_log_pii
    WHERE seq = $((start + 1))")" = "192.0.2.1 audit.sh" ] ||
    fail "personal data not in audit_log_pii"
[ "$(q "SELECT count(*) FROM audit_log WHERE seq = $((start + 1)) AND
    client_addr_digest IS NOT NULL AND user_agent_digest IS NOT NULL AND
    length(hash) = 32")" = 1 ] || fail "first row has no digests or hash"

# Two writers at once, 500 single-row transactions each.
before=$(q "SELECT seq FROM audit_chain_head")
pids=()
for w in 1 2; do
	for i in $(seq 500); do
		echo "INSERT INTO audit_log (actor_type, action, resource_type," \
		    "resource_id, client_addr, user_agent, details) VALUES" \
		    "('system', 'test.writer$w', 'test', '$i', '192.0.2.$w'," \
		    "'writer $w', '{\"i\": $i}');"
	done > "$TMPDIR/audit-writer$w.sql"
	$APP -v ON_ERROR_STOP=1 < "$TMPDIR/audit-writer$w.sql" >/dev/null &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || fail "a concurrent writer failed"
done
rm -f "$TMPDIR"/audit-writer[12].sql
[ "$(q "SELECT count(*) || ' ' || min(seq) || ' ' || max(seq) FROM audit_log
    WHERE seq > $before")" = "1000 $((before + 1)) $((before + 1000))" ] ||
    fail "1000 rows from two writers are not seq $((before + 1))..$((before + 1000))"
[ "$(q "SELECT seq FROM audit_chain_head")" = "$((before + 1000))" ] ||
    fail "the chain head is not at the last row"
switches=$(q "SELECT count(*) FROM (SELECT action, lag(action) OVER (ORDER BY
    seq) AS prev FROM audit_log WHERE seq > $before) s WHERE action <> prev")
echo "two writers: 1000 rows, seq $((before + 1))..$((before + 1000)), the writers took turns $switches times"
[ "$switches" -gt 0 ] || fail "the two writers did not run concurrently"
verify_ok "after two concurrent writers"
# The application role may verify too (it reads everything).
out=$(MKT_OWNER_DATABASE= $CTL audit-verify 2>&1) || { echo "$out"; fail "audit-verify as mkt_app"; }
echo "as mkt_app: $out"

# ---- the application role cannot change the trail ----
last=$(q "SELECT seq FROM audit_chain_head")
digest=$(q "SELECT md5(string_agg(hash::text, '' ORDER BY seq)) FROM audit_log")
refused "$APP" "UPDATE audit_log SET action = 'x' WHERE seq = $last" 'permission denied'
refused "$APP" "DELETE FROM audit_log WHERE seq = $last" 'permission denied'
refused "$APP" "TRUNCATE audit_log" 'permission denied'
refused "$APP" "UPDATE audit_chain_head SET seq = 0" 'permission denied'
refused "$APP" "DELETE FROM audit_log_pii WHERE seq = $last" 'permission denied'
refused "$APP" "INSERT INTO audit_log_pii (seq, salt) VALUES (0, '\\x00')" 'permission denied'
refused "$APP" "SET session_replication_role = replica" 'permission denied'
# The triggers stop the owner as well.
refused "$PSQL" "UPDATE audit_log SET action = 'x' WHERE seq = $last" 'append-only'
refused "$PSQL" "DELETE FROM audit_log WHERE false" 'append-only'
refused "$PSQL" "TRUNCATE audit_log" 'append-only'
refused "$PSQL" "DELETE FROM audit_chain_head" 'append-only'
[ "$(q "SELECT md5(string_agg(hash::text, '' ORDER BY seq)) FROM audit_log")" = "$digest" ] ||
    fail "the refused statements changed the log"
[ "$(q "SELECT count(*) FROM audit_log")" = "$last" ] || fail "rows went missing"

# ---- tampering as superuser, behind the triggers ----
mid=$((before + 400))
q "CREATE TABLE $saved AS SELECT * FROM audit_log WHERE seq = $mid" >/dev/null
restore() {
	tamper "UPDATE audit_log a SET action = s.action, details = s.details
	    FROM $saved s WHERE a.seq = s.seq" >/dev/null
}

# (a) one row's details changed: exactly that seq.
tamper "UPDATE audit_log SET details = '{\"i\": -1}' WHERE seq = $mid" >/dev/null
verify_broken "$mid" "hash does not match" "changed details"
restore
verify_ok "after restoring the details"

# (b) the last row deleted: every remaining row is intact, the head tells.
q "INSERT INTO $saved SELECT * FROM audit_log WHERE seq = $last" >/dev/null
tamper "DELETE FROM audit_log WHERE seq = $last" >/dev/null
verify_broken "$last" "missing" "deleted last row"
tamper "INSERT INTO audit_log SELECT * FROM $saved WHERE seq = $last" >/dev/null
verify_ok "after restoring the last row"

# (c) two rows' actions swapped: found at the first of them.
s1=$(q "SELECT min(seq) FROM audit_log WHERE seq > $before AND action = 'test.writer1'")
s2=$(q "SELECT min(seq) FROM audit_log WHERE seq > $before AND action = 'test.writer2'")
first=$(( s1 < s2 ? s1 : s2 ))
second=$(( s1 < s2 ? s2 : s1 ))
q "INSERT INTO $saved SELECT * FROM audit_log WHERE seq IN ($s1, $s2)" >/dev/null
tamper "UPDATE audit_log a SET action = b.action FROM audit_log b
    WHERE (a.seq, b.seq) IN (($s1, $s2), ($s2, $s1))" >/dev/null
[ "$(q "SELECT action FROM audit_log WHERE seq = $s1")" = test.writer2 ] ||
    fail "the swap did not happen"
verify_broken "$first" "hash does not match" "swapped actions (seq $first and $second)"
restore
verify_ok "after swapping back"

# ---- signed checkpoints: truncation and a recomputed chain ----
# A superuser who deletes the newest rows and moves the head back, or who
# rewrites rows and recomputes every hash after them, leaves a chain that
# verifies.  A checkpoint signed earlier and kept outside the database
# tells.
key=$TMPDIR/audit-checkpoint.pem pub=$TMPDIR/audit-checkpoint.pub
cp=$TMPDIR/audit-checkpoint.json forged=$TMPDIR/audit-checkpoint-forged.json
openssl genpkey -algorithm ed25519 -out "$key" 2>/dev/null
openssl pkey -in "$key" -pubout -out "$pub" 2>/dev/null
chmod 644 "$key" "$pub"
app "INSERT INTO audit_log (actor_type, action) VALUES ('system',
    'test.before-checkpoint')" >/dev/null
$CTL audit-checkpoint --key "$key" > "$cp" || fail "audit-checkpoint"
chmod 644 "$cp"
cat "$cp"
cseq=$(sed -n 's/.*"head_seq": *\([0-9]*\).*/\1/p' "$cp")
[ "$cseq" = "$(q "SELECT seq FROM audit_chain_head")" ] ||
    fail "the checkpoint does not name the head"
checkpoint() { $CTL audit-verify --checkpoint "$1" --public-key "$pub" 2>&1; }
checkpoint_ok() {
	local out
	out=$(checkpoint "$cp") || { echo "$out"; fail "checkpoint: $1"; }
	grep -q "checkpoint of .* holds" <<<"$out" || fail "checkpoint: $1: $out"
	echo "checkpoint holds: $1"
}
checkpoint_broken() {
	local out rc=0
	out=$(checkpoint "$1") || rc=$?
	echo "$out"
	[ "$rc" = 1 ] || fail "$3: audit-verify --checkpoint exited $rc, not 1"
	grep -q "$2" <<<"$out" || fail "$3: expected \"$2\""
}
checkpoint_ok "right after it was taken"
app "INSERT INTO audit_log (actor_type, action) VALUES ('system',
    'test.after-checkpoint')" >/dev/null
checkpoint_ok "with newer rows"
sed -E "s/(\"head_seq\": *)$cseq/\1$((cseq - 1))/" "$cp" > "$forged"
chmod 644 "$forged"
checkpoint_broken "$forged" "signature does not hold" "a changed checkpoint"

q "CREATE TABLE ${saved}_tail AS SELECT * FROM audit_log WHERE seq >= $cseq;
   CREATE TABLE ${saved}_pii AS SELECT * FROM audit_log_pii
   WHERE seq >= $cseq" >/dev/null
trap '$PSQL -c "DROP TABLE IF EXISTS $saved, ${saved}_tail, ${saved}_pii" >/dev/null 2>&1 || true' EXIT
tamper "DELETE FROM audit_log_pii WHERE seq >= $cseq;
    DELETE FROM audit_log WHERE seq >= $cseq;
    UPDATE audit_chain_head SET seq = $((cseq - 1)),
    hash = (SELECT hash FROM audit_log WHERE seq = $((cseq - 1)))" >/dev/null
verify_ok "truncated behind the head's back (the chain alone cannot tell)"
checkpoint_broken "$cp" "audit log truncated" "truncation"
app "INSERT INTO audit_log (actor_type, action) VALUES ('system',
    'test.rewritten')" >/dev/null
[ "$(q "SELECT action FROM audit_log WHERE seq = $cseq")" = test.rewritten ] ||
    fail "the rewritten row did not take the checkpoint's seq"
verify_ok "rewritten and recomputed (the chain alone cannot tell)"
checkpoint_broken "$cp" "audit chain rewritten: seq $cseq" "a recomputed chain"
tamper "DELETE FROM audit_log_pii WHERE seq >= $cseq;
    DELETE FROM audit_log WHERE seq >= $cseq;
    INSERT INTO audit_log SELECT * FROM ${saved}_tail;
    INSERT INTO audit_log_pii SELECT * FROM ${saved}_pii;
    UPDATE audit_chain_head SET (seq, hash) = (SELECT seq, hash FROM audit_log
    ORDER BY seq DESC LIMIT 1)" >/dev/null
verify_ok "after restoring the tail"
checkpoint_ok "after restoring the tail"

# ---- personal data: checked against its digest, erasable ----
tamper "UPDATE audit_log_pii SET client_addr = '198.51.100.9' WHERE seq = $mid" >/dev/null
verify_broken "$mid" "client address in audit_log_pii does not match" "changed client address"
# Erasure removes the side row (its salt with it): the chain still holds.
q "DELETE FROM audit_log_pii WHERE seq = $mid" >/dev/null
verify_ok "after erasing a row's personal data"

echo "audit trail: chain, two writers, append-only, tampering (a) (b) (c), signed checkpoints (truncation, recomputation) and erasure OK"
