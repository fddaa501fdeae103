#!/bin/bash
# apache.sh: the Apache 2.4 configuration (mod_fcgid) as shipped, with a
# real apache2 on a loopback port: catalog page and API answer through it.
set -euo pipefail
: "${PREFIX:?}" "${APACHE_PORT:?}" "${ADIR:?}"
mods=/usr/lib/apache2/modules
mkdir -p "$ADIR/fcgid" "$ADIR/logs"
user_line=""
if [ "$(id -u)" -eq 0 ]; then
	user_line="User $RUN_USER
Group $(id -gn "$RUN_USER")"
	chown -R "$RUN_USER" "$ADIR"
fi
cat > "$ADIR/httpd.conf" <<CONF
ServerRoot "/etc/apache2"
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile "$ADIR/httpd.pid"
ErrorLog "$ADIR/logs/error.log"
LogLevel warn
$user_line
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule mime_module $mods/mod_mime.so
LoadModule headers_module $mods/mod_headers.so
LoadModule reqtimeout_module $mods/mod_reqtimeout.so
LoadModule fcgid_module $mods/mod_fcgid.so
TypesConfig /etc/mime.types
FcgidIPCDir "$ADIR/fcgid"
FcgidProcessTableFile "$ADIR/fcgid/table"
PassEnv MKT_CONFIG
Include "$PREFIX/share/llm-marketplace/examples/llm-marketplace.conf"
CONF
export MKT_CONFIG
apache2 -f "$ADIR/httpd.conf" -k start
trap 'apache2 -f "$ADIR/httpd.conf" -k stop 2>/dev/null || true' EXIT
base="http://127.0.0.1:$APACHE_PORT"
for i in $(seq 50); do curl -fsS -o /dev/null "$base/services" 2>/dev/null && break; sleep 0.2; done
curl -fsS "$base/services" -o "$ADIR/list.html"
grep -q '<table' "$ADIR/list.html" || { echo "no table in the catalog page"; exit 1; }
curl -fsS "$base/api/v1/services?per_page=3" -o "$ADIR/list.json"
grep -q '"total_items":' "$ADIR/list.json" || { echo "bad API answer"; cat "$ADIR/list.json"; exit 1; }
slug=$(grep -o '"slug":"[^"]*"' "$ADIR/list.json" | head -1 | cut -d'"' -f4)
# To a file, not a pipe: grep -q stops reading at the first match, and
# curl would then fail writing the rest of a large page.
curl -fsS "$base/services/$slug" -o "$ADIR/item.html"
grep -q '<h1' "$ADIR/item.html" || { echo "service page failed"; exit 1; }
curl -fsS "$base/static/css/market.css" -o /dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/nothing-here")
[ "$code" = 404 ] || { echo "unknown route: $code"; exit 1; }
curl -fsS "$base/health/reports" | grep -q '"status":"ok"'
# The gateway's address reaches mkt-consume (which wants an API key).
code=$(curl -s -o "$ADIR/models.json" -w '%{http_code}' "$base/v1/models")
[ "$code" = 401 ] && grep -q '"invalid-api-key"' "$ADIR/models.json" ||
    { echo "gateway through Apache: $code"; cat "$ADIR/models.json"; exit 1; }
echo "apache2 on port $APACHE_PORT served the catalog, a service page, the API and static files"
