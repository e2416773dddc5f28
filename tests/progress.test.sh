#!/bin/sh
# lindyn progress over a make of fake runs: a RUN line per run becomes
# progress lines, every other line (a failing recipe's output in full) passes
# through, the counts come from make -n, and make's exit status is kept.
set -eu
unset MAKEFLAGS MFLAGS MAKELEVEL
root=$PWD
lindyn="$root/${LINDYN_BUILD:-build}/lindyn"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "progress: $*"; exit 1; }

# Twelve runs of two experiments (their target is DIR/.done, as tangled),
# then a line of output and, with BREAK=1, a recipe that fails.
{
	printf 'RUNS := $(foreach p,a b c,$(foreach s,0 1,data/e1/$(p)/s$(s)/.done data/e2/$(p)/s$(s)/.done))\n'
	printf 'all: $(RUNS)\n\t@echo "figures: done"\n'
	printf '\t@if [ -n "$(BREAK)" ]; then echo "broken: the whole message" >&2; echo "and its second line" >&2; exit 7; fi\n'
	printf 'data/%%/.done:\n\t@echo '"'"'  RUN   data/$*'"'"'\n\t@mkdir -p data/$*; sleep 0.01; echo 0 > $@\n'
} > Makefile

TERM=dumb "$lindyn" progress -- make -j2 all > out.log 2> err.log || fail "a clean make failed: $(cat err.log)"
grep -q 'RUN' out.log err.log && fail "RUN lines passed through: $(cat out.log err.log)"
[ "$(cat out.log)" = "figures: done" ] || fail "make's output changed: $(cat out.log)"
grep -q '^lindyn: [0-9]*/12 runs  [0-9]*%  elapsed 0:0[0-9]  ETA ' err.log || fail "no plain progress line: $(cat err.log)"
tail -n 1 err.log | grep -q '^lindyn: 12 runs in 0:[0-9][0-9]$' || fail "no summary line: $(cat err.log)"

# Up to date: nothing to count, no progress, no summary.
"$lindyn" progress -- make all > out.log 2> err.log || fail "an up-to-date make failed"
[ ! -s err.log ] || fail "progress printed for no runs: $(cat err.log)"

# A failure prints in full and make's status comes back.
rm -rf data
rc=0
"$lindyn" progress -- make BREAK=1 all > out.log 2> err.log || rc=$?
[ "$rc" -eq 2 ] || fail "make's exit status 2 came back as $rc"
grep -q '^broken: the whole message$' err.log && grep -q '^and its second line$' err.log ||
	fail "the failure's message is not all there: $(cat err.log)"
grep -q 'Error 7' err.log || fail "make's error line is missing: $(cat err.log)"
tail -n 1 err.log | grep -q '^lindyn: 12 of 12 runs done in 0:[0-9][0-9]$' ||
	fail "no summary after a failure: $(cat err.log)"

# A command that is not there.
"$lindyn" progress > /dev/null 2> err.log && fail "no command accepted"
grep -q '^usage: lindyn progress -- MAKE' err.log || fail "no usage line: $(cat err.log)"

# On a terminal: one status line rewritten in place, cleared before output.
if command -v script > /dev/null 2>&1; then
	rm -rf data
	TERM=xterm script -qec "'$lindyn' progress -- make all" /dev/null > tty.log 2>&1 ||
		fail "make under a terminal failed: $(cat tty.log)"
	grep -q "$(printf '\r\033\\[K\\[ 12/12 runs  100%%  elapsed')" tty.log ||
		fail "no status line on the terminal: $(cat -v tty.log)"
	grep -q "$(printf '\r\033\\[Kfigures: done')" tty.log ||
		fail "the status line was not cleared before output: $(cat -v tty.log)"
else
	echo "progress: util-linux script not found; terminal output not tested"
fi
echo "progress: RUN lines counted and shown as progress; output, failures and exit status kept"
