#!/bin/bash
# ctl.sh: the operator tool: --help, migrate --status, create-admin (hashed
# password, idempotent), import-catalog run twice (same rows), partitions,
# and refusals that change nothing.
set -euo pipefail
: "${CTL:?}" "${PSQL:?}"
q() { $PSQL -c "$1"; }

$CTL --help | grep -q 'import-catalog'
$CTL migrate --status | grep -q '^applied  0001_catalog.sql'
! $CTL migrate --status | grep -q '^pending'

pw=$(mktemp)
printf 'correct horse battery staple\n' > "$pw"
chmod 644 "$pw"
$CTL create-admin --email Ops@Example.test --name "Ops Team" --password-file "$pw" | grep -q 'ready'
$CTL create-admin --email ops@example.test --name "Ops Team" --password-file "$pw" >/dev/null
[ "$(q "SELECT count(*) FROM users WHERE lower(email) = 'ops@example.test'")" = 1 ]
[ "$(q "SELECT roles FROM users WHERE lower(email) = 'ops@example.test'")" = "{admin}" ]
hash=$(q "SELECT password_hash FROM users WHERE lower(email) = 'ops@example.test'")
case "$hash" in pbkdf2-sha256\$600000\$*) ;; *) echo "unexpected hash format: $hash"; exit 1 ;; esac
grep -q 'correct horse' <<<"$hash" && { echo "password stored in clear"; exit 1; }
# Operator actions are audited (actor "system", no personal data).
[ "$(q "SELECT count(*) FROM audit_log WHERE actor_type = 'system' AND action = 'user.create_by_operator'")" -ge 2 ]
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'user.create_by_operator' AND details::text LIKE '%xample.test%'")" = 0 ]
# A generated password is printed once.
$CTL create-admin --email second@example.test --name "Second" | grep -q 'generated password'
# Refusals change nothing.
users=$(q "SELECT count(*) FROM users")
printf 'short\n' > "$pw"
! $CTL create-admin --email x@example.test --name X --password-file "$pw" 2>/dev/null
! $CTL create-admin --email not-an-address --name X 2>/dev/null
[ "$(q "SELECT count(*) FROM users")" = "$users" ]
rm -f "$pw"

before=$(q "SELECT count(*) || '/' || (SELECT count(*) FROM service_versions) || '/' || (SELECT count(*) FROM providers) FROM services")
imports=$(q "SELECT count(*) FROM audit_log WHERE action = 'catalog.import'")
$CTL -q import-catalog
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'catalog.import'")" = $((imports + 1)) ]
after=$(q "SELECT count(*) || '/' || (SELECT count(*) FROM service_versions) || '/' || (SELECT count(*) FROM providers) FROM services")
echo "services/versions/providers before: $before after a second import: $after"
[ "$before" = "$after" ]
# A catalog that fails half-way changes nothing (one transaction): the
# first model is fine, the second has an impossible date.
bad=$(mktemp)
cat > "$bad" <<'JSON'
{"zz-test-model-1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
 "zz-test-model-2": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06, "deprecation_date": "2026-13-45"}}
JSON
chmod 644 "$bad"
! $CTL import-catalog "$bad" 2>/dev/null
[ "$(q "SELECT count(*) FROM services WHERE name LIKE 'zz-test-model-%'")" = 0 ]
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'catalog.import'")" = $((imports + 1)) ]
[ "$(q "SELECT count(*) || '/' || (SELECT count(*) FROM service_versions) || '/' || (SELECT count(*) FROM providers) FROM services")" = "$before" ]
printf '{"m1": ' > "$bad"
! $CTL import-catalog "$bad" 2>/dev/null
rm -f "$bad"

$CTL partitions --months 2 | grep -q 'partition'
[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'usage_records'::regclass")" -ge 4 ]
! $CTL no-such-command 2>/dev/null
echo "marketctl: help, migrate --status, create-admin, import-catalog, partitions OK"
