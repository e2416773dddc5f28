# scratch-tree.sh -- sourced by the shell tests that run the real Makefile on
# documents of their own: a scratch tree ($tmp, removed on exit) holding the
# Makefile, src/dist/lindyn.mk, figures/style.gp, the page templates and
# the driver as built, with the fixture plugin
# $fixture (tests/fixtures/$fixture.c) as the only plugin; the caller is left
# in it.  mk runs make there.
# Not the options or variables of a make running the test (make check sets BUILD).
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SAN OPT QUICK DATA
root=$PWD
build=${LINDYN_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/paper" "$tmp/build" "$tmp/figures" "$tmp/src/dist" "$tmp/src/page"
cp Makefile "$tmp/"
cp src/dist/lindyn.mk "$tmp/src/dist/"
cp src/page/*.html "$tmp/src/page/"
cp figures/style.gp "$tmp/figures/"
ln -s "$root/$build/lindyn" "$tmp/build/lindyn"
export LINDYN_PLUGIN_PATH="$root/$build/fixtures/$fixture.so"
cd "$tmp"
# -o: take the driver as built; this tree has no sources to build it from
# (PROGRESS=0: in this make, as a second make would not inherit -o).
mk() { make -s -o build/lindyn PROGRESS=0 "$@"; }
