#!/bin/sh
# The Makefile's literate section on documents written to a scratch tree:
# a document added (even with an old mtime) or removed is re-tangled; a
# document whose fields try to reach make or the shell makes make fail
# before anything runs, and writes nothing outside build/ and data/.
set -eu
fixture=good
. tests/scratch-tree.sh
fail() { echo "tangle-make: $*"; exit 1; }
# A document rewritten within the filesystem's timestamp tick of the fragment
# looks no newer to make: date the fragment back (still after 2000-01-01).
stale_fragment() { touch -d '2000-01-02' build/runs.mk; }

printf 'prose only\n' > paper/first.md
mk build/runs.mk
grep -q '^LINDYN_TANGLED += paper/first.md$' build/runs.mk || fail "first document not tangled"

# A new document older than the fragment is tangled all the same.
printf 'more prose\n' > paper/second.md
touch -d '2000-01-01' paper/second.md
mk build/runs.mk
grep -q '^LINDYN_TANGLED += paper/second.md$' build/runs.mk || fail "an old new document was not tangled"
rm paper/second.md
mk build/runs.mk
! grep -q 'second' build/runs.mk || fail "a removed document stayed in the fragment"

# Fields that would run commands through make or sh: make fails at tangle.
fence='```'
files_before=$(find . -path ./build -prune -o -print | sort)
for field in 'name: $(shell touch PWNED)' 'name: f`touch PWNED`' 'name: ../../PWNED' \
		'script: ../figures/$(shell touch PWNED).gp' 'data: d = e1[$(shell touch PWNED)]/loss' \
		'data: d = e1/$(shell touch PWNED)'; do
	key=${field%%:*}
	name='name: fig'; script='script: ../figures/style.gp'; uses='data: d = e1/loss'
	case $key in
	name) name=$field ;;
	script) script=$field ;;
	data) uses=$field ;;
	esac
	printf '%s\nname: e1\nplugin: fx_good\nset: steps=2\n%s\n\n%s\n%s\n%s\n%s\n%s\n' \
		"${fence}lindyn-experiment" "$fence" "${fence}lindyn-figure" "$name" "$script" "$uses" \
		"$fence" > paper/first.md
	stale_fragment
	if mk figures > make.log 2>&1; then
		fail "make figures accepted '$field'"
	fi
	grep -q "lindyn tangle: paper/first.md:[0-9]*: " make.log || fail "no tangle message for '$field'"
	rm -f make.log
	[ -z "$(find . -name PWNED)" ] || fail "'$field' ran a command"
	[ ! -e data ] || fail "'$field' ran experiments"
done
# Document names are data too: make stops before they reach it twice or sh
# (a script reaches make only as tangle writes it, in plain characters).
for name in 'paper/$(touch PWNED).md' 'paper/a`touch PWNED`.md' 'paper/my notes.md'; do
	printf 'x\n' > "$name"
	if mk figures > make.log 2>&1; then
		fail "make figures accepted a file named '$name'"
	fi
	grep -q "may hold only \[A-Za-z0-9_./-\]" make.log || fail "no message for '$name'"
	rm -f make.log "$name"
	[ -z "$(find . -name PWNED)" ] || fail "the name '$name' ran a command"
done
[ "$(find . -path ./build -prune -o -print | sort)" = "$files_before" ] ||
	fail "files appeared outside build/ and data/"

# Values that look odd but are plain data reach the run intact, quoted.
printf '%s\nname: e1\nplugin: fx_good\nset: steps=2 label=a:b,c=d+e\n%s\n' \
	"${fence}lindyn-experiment" "$fence" > paper/first.md
stale_fragment
mk verify > make.log 2>&1 || { cat make.log; fail "make verify failed"; }
grep -q ' label=a:b,c=d+e ' data/e1/base/s0/loss.tsv || fail "label did not reach the run"

# Quick mode keeps its own block stamps: a quick build leaves the paper-scale
# runs up to date.
mk runs-first QUICK=1 > /dev/null 2>&1 || fail "make runs-first QUICK=1 failed"
! make -n -o build/lindyn runs-first 2>/dev/null | grep -q 'RUN' ||
	fail "a quick build made the paper-scale runs stale"
# A directory variable is one path: two words, or none, stop make with its name.
for bad in 'DATA=data/a b' 'DATA=' 'BUILD=x y'; do
	if mk figures "$bad" > make.log 2>&1; then fail "make figures accepted $bad"; fi
	grep -q 'expected one path of \[A-Za-z0-9_./-\]' make.log || { cat make.log; fail "no message for $bad"; }
done
echo "tangle-make: documents re-tangled on change; no field reached make or sh"
