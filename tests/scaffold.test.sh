#!/bin/sh
# A plugin author's own project, as README's "Writing a solver plugin" says:
# install lindyn, `lindyn new-plugin foo DIR` in an empty directory outside
# any lindyn tree, and the project as created builds, passes its test and
# check-plugin, runs its document's experiment, draws its figure, verifies
# its claim and weaves its page through the installed lindyn.mk; per
# document targets judge that document alone; the recorded command of a run
# reproduces it; editing a quick: line leaves the paper-scale runs alone.
set -eu
if [ -n "${LINDYN_SAN:-}" ]; then
	echo "scaffold: skipped under sanitizers (the installed driver is the plain build)"
	exit 0
fi
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SAN OPT QUICK DATA DOC LINDYN_PLUGIN_PATH
fail() { echo "scaffold: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s install BUILD="${LINDYN_BUILD:-build}" PREFIX="$tmp/prefix" > /dev/null
# A staged install (DESTDIR) lays out the same tree under the final prefix.
make -s install BUILD="${LINDYN_BUILD:-build}" DESTDIR="$tmp/stage" PREFIX=/opt/lindyn > /dev/null
[ -f "$tmp/stage/opt/lindyn/share/lindyn/lindyn.mk" ] || fail "DESTDIR install has no lindyn.mk"
grep -qx 'prefix=/opt/lindyn' "$tmp/stage/opt/lindyn/lib/pkgconfig/lindyn.pc" ||
	fail "DESTDIR install's lindyn.pc does not name the final prefix"

export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" PATH="$tmp/prefix/bin:$PATH"
[ "$(pkg-config --variable=mkfile lindyn)" = "$tmp/prefix/share/lindyn/lindyn.mk" ] ||
	fail "pkg-config --variable=mkfile does not locate lindyn.mk"
root=$PWD
mkdir "$tmp/empty" && cd "$tmp/empty"
lindyn new-plugin foo proj > new.log || { cat new.log; fail "new-plugin failed"; }
for f in proj/Makefile proj/foo.c proj/foo.md proj/figures/foo.gp proj/tests/test_foo.c; do
	[ -f "$f" ] || fail "new-plugin did not create $f"
	grep -q "$f" new.log || fail "new-plugin did not list $f"
done
! lindyn new-plugin foo proj > again.log 2>&1 || fail "new-plugin overwrote a project"
grep -q 'exists already; nothing written' again.log || fail "no message for an existing project"
# Names a project cannot take (its experiment, figure and page are named after it).
for name in quick reference index common; do
	! lindyn new-plugin "$name" "p_$name" > res.log 2>&1 || fail "new-plugin accepted the name $name"
	grep -q "not be common, quick, reference or index" res.log || { cat res.log; fail "no message for $name"; }
	[ ! -e "p_$name" ] || fail "new-plugin $name wrote p_$name"
done
# The next: hint is a command that works as printed, quoted where DIR needs it.
lindyn new-plugin foo "odd 'dir" > odd.log
grep -qF "next: make -C 'odd '\''dir' check figures verify paper" odd.log || { cat odd.log; fail "next: hint not quoted"; }
rm -rf "odd 'dir"
# A file where the project wants a directory: refused before anything is written.
mkdir bad && touch bad/tests
! lindyn new-plugin foo bad > bad.log 2>&1 || fail "new-plugin wrote into a file named tests"
grep -q 'bad/tests exists already and is no directory; nothing written' bad.log || { cat bad.log; fail "no message for bad/tests"; }
[ "$(ls -A bad)" = tests ] || fail "new-plugin left partial output: $(ls -A bad)"

make -s -j2 -C proj check figures verify paper > make.log 2>&1 || { cat make.log; fail "make check figures verify paper failed"; }
# figures, verify and paper are one second make: under -j2 no aggregate is made twice
[ "$(grep -c 'AGG   data/foo/eta-0.01/loss.agg.tsv' make.log)" -eq 1 ] ||
	{ cat make.log; fail "figures, verify and paper made the same aggregate twice"; }
for f in build/foo.so build/figures/foo.pdf build/figures/foo.png build/paper/foo.html build/paper/index.html; do
	[ -s "proj/$f" ] || fail "no $f"
done
grep -q 'PASS .*larger_step_is_faster' make.log || fail "the claim was not judged PASS"
grep -q '0 checks failed' make.log || fail "check-plugin did not pass"
make -s -C proj QUICK=1 figures verify > quick.log 2>&1 || { cat quick.log; fail "QUICK=1 failed"; }

# A project's plugin named like an installed one is the one its runs use.
lindyn new-plugin eos eosproj > /dev/null
make -s -C eosproj figures > eos.log 2>&1 || { cat eos.log; fail "a project named eos failed"; }
grep -q '^# plugin: eos 0.1.0 (build/eos.so)$' eosproj/data/eos/eta-0.5/s0/loss.tsv ||
	fail "the installed eos ran instead of the project's"

# One document's targets, and a name that is no document.
make -s -C proj verify-foo > one.log 2>&1 || { cat one.log; fail "verify-foo failed"; }
grep -q '^foo  *1 ' one.log || fail "verify-foo did not judge foo"
! make -s -C proj verify DOC=nope > nope.log 2>&1 || fail "verify DOC=nope succeeded"
grep -q 'no document nope.md among LINDYN_DOCS; documents: foo' nope.log || { cat nope.log; fail "no message for DOC=nope"; }

# Editing a quick: line re-runs the quick runs only.
sed -i 's/^quick: steps=40 seeds=2$/quick: steps=30 seeds=2/' proj/foo.md
make -s -C proj -n figures 2>&1 | grep -q 'RUN' && fail "a quick: edit made paper-scale runs stale"
make -s -C proj -n QUICK=1 figures 2>&1 | grep -q 'RUN' || fail "a quick: edit left the quick runs up to date"
# lindyn installed elsewhere (a new prefix), the old one gone: the project
# re-tangles with the new driver and style.
make -s -C "$root" install BUILD="${LINDYN_BUILD:-build}" PREFIX="$tmp/prefix2" > /dev/null
mv "$tmp/prefix" "$tmp/prefix-gone"
PKG_CONFIG_PATH="$tmp/prefix2/lib/pkgconfig" PATH="$tmp/prefix2/bin:$PATH" make -s -C proj QUICK=1 figures > moved.log 2>&1 ||
	{ cat moved.log; fail "the project failed after lindyn moved to a new prefix"; }
mv "$tmp/prefix-gone" "$tmp/prefix"

# The recorded command reproduces the run, from the project directory.
table=proj/data/foo/eta-0.5/s0/loss.tsv
cmd=$(sed -n 's/^# command: //p' "$table")
cp "$table" before.tsv
(cd proj && sh -c "$cmd") > /dev/null 2>&1 || fail "the recorded command failed: $cmd"
cmp -s before.tsv "$table" || fail "the recorded command did not reproduce $table"
grep -q "^# plugin_sha256: $(sha256sum proj/build/foo.so | cut -d' ' -f1)$" "$table" ||
	fail "the header does not record the plugin file's SHA-256"

echo "scaffold: an installed lindyn, new-plugin in an empty directory, and the project's check, figures, verify and paper pass"
