#!/bin/sh
# check-templates.sh: stylesheets are well-formed, never disable output
# escaping nor load documents, and po/templates-msgids.c is up to date.
set -u
srcdir=${top_srcdir:-.}
fail=0
for f in $(find "$srcdir/templates" -name '*.xsl'); do
	if ! ${XMLLINT:-xmllint} --noout --nonet "$f"; then
		echo "FAIL: $f is not well-formed XML"; fail=1
	fi
	if grep -n 'disable-output-escaping' "$f"; then
		echo "FAIL: $f uses disable-output-escaping"; fail=1
	fi
	if grep -nE 'document\(|exsl:document|<xsl:include' "$f"; then
		echo "FAIL: $f loads documents at run time"; fail=1
	fi
done
tmp=$(mktemp)
sh "$srcdir/po/xsl-msgids.sh" "$srcdir" > "$tmp"
if ! cmp -s "$tmp" "$srcdir/po/templates-msgids.c"; then
	echo "FAIL: po/templates-msgids.c is out of date: run"
	echo "      sh po/xsl-msgids.sh . > po/templates-msgids.c"
	diff "$srcdir/po/templates-msgids.c" "$tmp" | head -20
	fail=1
fi
rm -f "$tmp"
[ $fail -eq 0 ] && echo "templates OK"
exit $fail
