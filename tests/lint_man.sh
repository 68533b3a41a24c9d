#!/bin/sh
# Lints every man page: groff warnings are errors (groff exits 0 on
# warnings, so any output on stderr fails), and mandoc -Tlint must be clean.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fail=0
checked=0
for page in "$top_srcdir"/man/*.[0-9]; do
	[ -f "$page" ] || continue
	checked=$((checked + 1))
	if command -v groff >/dev/null 2>&1; then
		out=$(groff -mdoc -ww -z -Tutf8 "$page" 2>&1)
		if [ -n "$out" ]; then
			printf 'groff: %s\n%s\n' "$page" "$out"
			fail=1
		fi
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if ! out=$(mandoc -Tlint -Wwarning "$page" 2>&1) || [ -n "$out" ]; then
			printf 'mandoc: %s\n%s\n' "$page" "$out"
			fail=1
		fi
	fi
done
if ! command -v groff >/dev/null 2>&1 && ! command -v mandoc >/dev/null 2>&1; then
	echo "neither groff nor mandoc is installed: cannot lint the man pages" >&2
	exit 99
fi
[ "$checked" -gt 0 ] || { echo "no man pages found under $top_srcdir/man" >&2; exit 99; }
echo "linted $checked man pages"
exit $fail
