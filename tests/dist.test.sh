#!/bin/sh
# `make dist`: the tarball of the committed tree, with its revision in
# REVISION, builds on its own (no git, no data) and its driver says the
# version and revision; one of its test binaries passes.  The full `make
# check` of a tarball is run by hand before a release.
set -eu
if [ -n "${LINDYN_SAN:-}" ]; then
	echo "dist.test: skipped under sanitizers (the plain pass builds the tarball)"
	exit 0
fi
if [ ! -d .git ] && [ ! -f .git ]; then
	echo "dist.test: skipped: not a git checkout (this is a dist tarball)"
	exit 0
fi
# Not the options or variables of a make running this test (make check sets BUILD).
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SAN OPT QUICK DATA
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "dist.test: $1" >&2; exit 1; }
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
rev=$(git rev-parse --short=12 HEAD)
make -s dist BUILD="$tmp/build" > /dev/null
tarball="$tmp/build/dist/lindyn-$version.tar.gz"
[ -f "$tarball" ] || fail "no $tarball"
tar -xzf "$tarball" -C "$tmp"
cd "$tmp/lindyn-$version"
[ "$(cat REVISION)" = "$rev" ] || fail "REVISION is '$(cat REVISION)', expected $rev"
for f in LICENSE CITATION.cff README.md Makefile src/cmd/main.c; do
	[ -f "$f" ] || fail "$f missing from the tarball"
done
[ ! -e build ] && [ "$(ls data)" = reference ] || fail "the tarball holds build/ or data/ beyond data/reference"
make -s -j2 > make.log 2>&1 || { cat make.log >&2; fail "make failed in the unpacked tarball"; }
build/lindyn --version | grep -q "^lindyn $version (git $rev) " ||
	fail "lindyn --version says '$(build/lindyn --version | head -n 1)'"
make -s build/tests/test_compare > make.log 2>&1 || { cat make.log >&2; fail "test_compare did not build"; }
build/tests/test_compare > test.log 2>&1 || { cat test.log >&2; fail "test_compare failed"; }
echo "dist.test: lindyn-$version.tar.gz (git $rev) builds alone; --version and test_compare pass"
