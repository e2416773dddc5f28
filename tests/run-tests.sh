#!/bin/sh
# Runs every test binary given, from the repository root, and ends with one
# summary line; exits non-zero if any binary failed.
passed=0 failed=0 failures=""
for t in "$@"; do
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $t"
	fi
done
[ -n "$failures" ] && echo "failed test binaries:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
