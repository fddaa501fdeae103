#!/bin/bash
# apache-sso.sh: browser single sign-on through Apache's mod_auth_openidc,
# with the shipped llm-marketplace.conf and llm-marketplace-sso.conf in a
# real apache2 on a loopback port and the stand-in provider idp.mjs: a
# portal page sends the browser to the provider and back, the programs
# create the person (roles from the groups claim) and give them a portal
# session; signing out through mod_auth_openidc ends both; the catalog and
# the API never redirect; and without trust_remote_user the same server
# signs nobody in.
set -euo pipefail
: "${PREFIX:?}" "${APACHE_PORT:?}" "${ADIR:?}" "${MKT_CONFIG:?}" "${PSQL:?}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
IDP_PORT=${IDP_PORT:-$(free_port)}
mods=/usr/lib/apache2/modules
base="http://127.0.0.1:$APACHE_PORT"
idp="http://127.0.0.1:$IDP_PORT"
secret=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
run="sso-$(date +%s)-$$"
mkdir -p "$ADIR/fcgid" "$ADIR/logs" "$ADIR/run"
rm -f "$ADIR"/*.jar "$ADIR"/logs/* "$ADIR/idp.log"
started=$(date +%s%N)

fail() {
	echo "FAIL: $*"
	echo "--- apache error log"; tail -20 "$ADIR/logs/error.log" 2>/dev/null || true
	echo "--- access log"; tail -12 "$ADIR/logs/access.log" 2>/dev/null || true
	echo "--- idp.mjs"; tail -10 "$ADIR/idp.log" 2>/dev/null || true
	exit 1
}

# The drop-in as an administrator fills it in: every placeholder replaced.
sed -e "s|\"REPLACE_ME_[^\"]*/.well-known/openid-configuration\"|\"$idp/.well-known/openid-configuration\"|" \
    -e "s|\"REPLACE_ME_client_id\"|\"llm-marketplace\"|" \
    -e "s|\"REPLACE_ME_client_secret\"|\"$secret\"|" \
    -e "s|\"REPLACE_ME_passphrase\"|\"$secret-crypto\"|" \
    "$PREFIX/share/llm-marketplace/examples/llm-marketplace-sso.conf" > "$ADIR/sso.conf"
! grep -n "\"REPLACE_ME_" "$ADIR/sso.conf" || fail "placeholders left in the drop-in"

user_line=""
if [ "$(id -u)" -eq 0 ]; then
	user_line="User $RUN_USER
Group $(id -gn "$RUN_USER")"
	chown -R "$RUN_USER" "$ADIR"
fi
# write_conf TRUST: the server, the programs trusting REMOTE_USER or not.
write_conf() {
	cat > "$ADIR/httpd.conf" <<CONF
ServerRoot "/etc/apache2"
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile "$ADIR/httpd.pid"
DefaultRuntimeDir "$ADIR/run"
ErrorLog "$ADIR/logs/error.log"
LogLevel warn
LogFormat "%u \"%r\" %>s" sso
CustomLog "$ADIR/logs/access.log" sso
$user_line
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule mime_module $mods/mod_mime.so
LoadModule headers_module $mods/mod_headers.so
LoadModule reqtimeout_module $mods/mod_reqtimeout.so
LoadModule fcgid_module $mods/mod_fcgid.so
LoadModule auth_openidc_module $mods/mod_auth_openidc.so
TypesConfig /etc/mime.types
FcgidIPCDir "$ADIR/fcgid"
FcgidProcessTableFile "$ADIR/fcgid/table"
PassEnv MKT_CONFIG
# What an administrator sets in marketplace.conf; here for these
# processes only (the configuration is the stack's).
FcgidInitialEnv MKT_TRUST_REMOTE_USER $1
FcgidInitialEnv MKT_OIDC_ROLE_MAP "${MKT_OIDC_ROLE_MAP:-mkt-admins:admin,mkt-providers:provider,mkt-auditors:auditor}"
Include "$PREFIX/share/llm-marketplace/examples/llm-marketplace.conf"
Include "$ADIR/sso.conf"
CONF
}
apache_start() {
	write_conf "$1"
	! kill -0 "$(cat "$ADIR/httpd.pid" 2>/dev/null)" 2>/dev/null ||
	    fail "an apache2 of an earlier run still has $ADIR/httpd.pid"
	apache2 -f "$ADIR/httpd.conf" -k start || fail "apache2 did not start"
	local _
	for _ in $(seq 50); do
		curl -fsS -o /dev/null "$base/health/admin" 2>/dev/null && return
		sleep 0.2
	done
	fail "apache2 does not answer on $base"
}
apache_stop() {
	local pid
	pid=$(cat "$ADIR/httpd.pid" 2>/dev/null) || return 0
	apache2 -f "$ADIR/httpd.conf" -k stop 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
# idp_start SUB: the provider, signing in SUB (SUB@idp.test, a provider).
idp_start() {
	IDP_CLIENT_ID=llm-marketplace IDP_CLIENT_SECRET=$secret IDP_SUB=$1 \
	    IDP_EMAIL="$1@idp.test" IDP_NAME="SSO $1" IDP_GROUPS=mkt-providers \
	    node "$here/idp.mjs" "$IDP_PORT" 2>>"$ADIR/idp.log" &
	idp_pid=$!
	local _
	for _ in $(seq 50); do
		curl -fsS -o /dev/null "$idp/.well-known/openid-configuration" 2>/dev/null && return
		sleep 0.1
	done
	fail "idp.mjs does not answer on $idp"
}
idp_stop() {
	[ -n "${idp_pid:-}" ] || return 0
	kill "$idp_pid" 2>/dev/null || true
	wait "$idp_pid" 2>/dev/null || true
	idp_pid=
}
trap 'apache_stop; idp_stop' EXIT
trap 'exit 1' INT TERM HUP
export MKT_CONFIG

# browse JAR PATH [curl options]: follows every redirect with the cookie
# jar; the headers of every hop in $ADIR/hops, the page in $ADIR/page;
# prints "status redirects final-url".
browse() {
	local jar=$1 path=$2
	shift 2
	curl -sS -L --max-redirs 10 -c "$ADIR/$jar.jar" -b "$ADIR/$jar.jar" \
	    -D "$ADIR/hops" -o "$ADIR/page" \
	    -w '%{http_code} %{num_redirects} %{url_effective}\n' "$@" "$base$path"
}
hops() { grep -i '^Location:' "$ADIR/hops" | tr -d '\r' | cut -d' ' -f2-; }
sql() { $PSQL -c "$1"; }
has_cookie() { grep -q "	$2	" "$ADIR/$1.jar"; }

# ---- 1. sign-in: /account -> provider -> /sso/callback -> /account ----
person=$run
email=$person@idp.test
idp_start "$person"
apache_start 1
read -r status redirects url < <(browse a /account)
[ "$status" = 200 ] || fail "/account after sign-in: $status $url"
[ "$url" = "$base/account" ] || fail "sign-in ended at $url"
mapfile -t loc < <(hops)
if [ "${#loc[@]}" -ne 3 ] || [ "$redirects" != 3 ]; then
	fail "expected 3 redirects, got $redirects: ${loc[*]}"
fi
case ${loc[0]} in "$idp/authorize?"*) ;; *) fail "1st hop not to the provider: ${loc[0]}" ;; esac
case ${loc[0]} in *"redirect_uri=http%3A%2F%2F127.0.0.1%3A$APACHE_PORT%2Fsso%2Fcallback"*) ;;
    *) fail "authorization request without our redirect_uri: ${loc[0]}" ;; esac
case ${loc[1]} in "$base/sso/callback?code="*"state="*) ;; *) fail "2nd hop not the callback: ${loc[1]}" ;; esac
case ${loc[2]} in "$base/account" | /account) ;; *) fail "3rd hop not back to /account: ${loc[2]}" ;; esac
grep -q "$email" "$ADIR/page" || fail "the account page does not show $email"
grep -q 'data-role="provider"' "$ADIR/page" || fail "the account page shows no provider role"
grep -q '>Provider<' "$ADIR/page" || fail "the account page does not say Provider"
has_cookie a mkt_session || fail "no portal session cookie"
has_cookie a mod_auth_openidc_session || fail "no mod_auth_openidc session cookie"
grep -q "^$person \"GET /account " "$ADIR/logs/access.log" ||
    fail "apache did not set REMOTE_USER=$person for /account"

# The user, from the provider's claims, with the mapped role.
row=$(sql "SELECT email, roles, oidc_subject FROM users WHERE email = '$email'")
[ "$row" = "$email|{provider}|$idp|$person" ] || fail "user row: '$row'"

# ---- 2. the portal as them; the same session when they come back ----
code=$(curl -sS -o "$ADIR/page" -w '%{http_code}' -b "$ADIR/a.jar" "$base/publish")
[ "$code" = 200 ] || fail "/publish for a provider: $code"
grep -q '<h1' "$ADIR/page" || fail "/publish is not a page"
read -r status redirects url < <(browse a /account)
[ "$status $redirects" = "200 0" ] || fail "/account again: $status, $redirects redirects to $url"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$ADIR/page" | head -1 | cut -d'"' -f4) || true
[ -n "$csrf" ] || fail "no sign-out form on the account page"
n=$(sql "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.email = '$email' AND s.revoked_at IS NULL")
[ "$n" = 1 ] || fail "$n portal sessions for one person"
n=$(sql "SELECT count(*) FROM audit_log a JOIN users u ON a.resource_id = u.id::text
    WHERE u.email = '$email' AND a.action = 'user.sign_in'")
[ "$n" = 1 ] || fail "$n sign-ins audited"

# ---- 3. public pages and the API: never sent to the provider ----
code=$(curl -sS -o "$ADIR/page" -w '%{http_code} %{redirect_url}' "$base/services")
[ "$code" = "200 " ] || fail "catalog: $code"
grep -q '<table' "$ADIR/page" || fail "no table in the catalog page"
code=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$base/static/css/market.css")
[ "$code" = "200 " ] || fail "static file: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Accept: application/json' "$base/api/v1/account")
[ "$code" = 401 ] || fail "/api/v1/account without a token: $code"
curl -fsS "$base/health/admin" | grep -q '"status":"ok"' || fail "/health/admin"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{}' "$base/publish/registry/webhook")
[ "$code" != 302 ] || fail "the registry webhook is behind the sign-in"

# ---- 4. "Sign out": the portal, then mod_auth_openidc and the provider ----
portal_cookie=$(awk '$6 == "mkt_session" { print $7 }' "$ADIR/a.jar")
oidc_cookie=$(awk '$6 == "mod_auth_openidc_session" { print $7 }' "$ADIR/a.jar")
if [ -z "$portal_cookie" ] || [ -z "$oidc_cookie" ]; then
	fail "no session cookies to replay"
fi
read -r status redirects url < <(browse a /logout --data-urlencode "csrf=$csrf" -H "Origin: $base")
[ "$status $url" = "200 $base/services" ] || fail "sign-out: $status at $url"
mapfile -t loc < <(hops)
[ "${#loc[@]}" -eq 3 ] || fail "sign-out took ${#loc[@]} redirects: ${loc[*]}"
[ "${loc[0]}" = "/sso/callback?logout=$base/services" ] ||
    fail "the portal's sign-out did not go on to mod_auth_openidc: ${loc[0]}"
case ${loc[1]} in "$idp/logout?"*) ;; *) fail "no logout at the provider: ${loc[1]}" ;; esac
grep -qi '^Set-Cookie: mkt_session=;' "$ADIR/hops" || fail "the portal cookie was not dropped"
n=$(sql "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.email = '$email' AND s.revoked_at IS NULL")
[ "$n" = 0 ] || fail "$n portal sessions left after signing out"
# The old cookies, replayed, are worth nothing.
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: mkt_session=$portal_cookie" \
    -H 'Accept: application/json' "$base/api/v1/account")
[ "$code" = 401 ] || fail "the old portal cookie still works: $code"
code=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
    -H "Cookie: mod_auth_openidc_session=$oidc_cookie" "$base/account")
case $code in "302 $idp/authorize?"*) ;; *) fail "/account with the old mod_auth_openidc cookie: $code" ;; esac

# ---- 5. without trust_remote_user: REMOTE_USER is set, nobody signed in ----
apache_stop
idp_stop
other=$run-untrusted
idp_start "$other"
apache_start 0
read -r status redirects url < <(browse b /account)
[ "$status" = 200 ] || fail "/account untrusted: $status at $url"
case $url in "$base/login?next="*) ;; *) fail "untrusted /account ended at $url (not the sign-in form)" ;; esac
grep -q "^$other \"GET /account " "$ADIR/logs/access.log" ||
    fail "apache did not set REMOTE_USER=$other"
! grep -q "$other@idp.test" "$ADIR/page" || fail "the untrusted page names the person"
! has_cookie b mkt_session || fail "a portal session without trust_remote_user"
code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$ADIR/b.jar" -H 'Accept: application/json' \
    "$base/api/v1/account")
[ "$code" = 401 ] || fail "/api/v1/account untrusted: $code"
n=$(sql "SELECT count(*) FROM users WHERE email = '$other@idp.test'")
[ "$n" = 0 ] || fail "a user row for $other without trust_remote_user"

ms=$((($(date +%s%N) - started) / 1000000))
echo "apache2 + mod_auth_openidc on port $APACHE_PORT, provider on $IDP_PORT: signed in $email (3 redirects, role provider), /publish, one session on return, sign-out of both, catalog and API untouched, nobody signed in without trust_remote_user (${ms} ms)"
