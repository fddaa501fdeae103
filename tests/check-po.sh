#!/bin/sh
# check-po.sh: every catalog compiles with format checks (a translation
# cannot change a %s), and German translates every message.
set -u
srcdir=${top_srcdir:-.}
fail=0
for po in "$srcdir"/po/*.po; do
	if ! ${MSGFMT:-msgfmt} -c -o /dev/null "$po"; then
		echo "FAIL: $po does not compile with msgfmt -c"; fail=1
	fi
done
stats=$(LC_ALL=C ${MSGFMT:-msgfmt} --statistics -o /dev/null "$srcdir/po/de.po" 2>&1)
case "$stats" in
*untranslated*|*fuzzy*)
	echo "FAIL: po/de.po is incomplete: $stats"; fail=1 ;;
esac
# Every message id of the sources must be in the German catalog.
pot=$(mktemp)
(cd "$srcdir" && xgettext --from-code=UTF-8 --keyword=mkt_tr:2 --keyword=N_ \
    --keyword=tr --language=C -o "$pot" $(grep -v '^#' po/POTFILES.in)) &&
missing=$(msgcmp "$srcdir/po/de.po" "$pot" 2>&1 | grep -c 'this message is used but not defined')
if [ "${missing:-0}" -gt 0 ]; then
	echo "FAIL: $missing message(s) missing from po/de.po: run make -C po update-po"
	msgcmp "$srcdir/po/de.po" "$pot" 2>&1 | head -10
	fail=1
fi
rm -f "$pot"
[ $fail -eq 0 ] && echo "catalogs OK ($stats)"
exit $fail
