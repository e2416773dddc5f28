#!/bin/sh
# Paths in a document resolve relative to the document: a figure's script:
# and a path parameter's value (LINDYN_P_PATH, fx_declared's `input`) reach
# make and the run as paths from the working directory; one that leaves both
# the working directory and the document's directory is refused at tangle.
set -eu
fixture=declared
. tests/scratch-tree.sh
fail() { echo "doc-paths: $*"; exit 1; }
fence='```'

# doc INPUT: paper/p.md with one experiment reading INPUT, and one figure.
doc() {
	printf '%s\nname: e\nplugin: fx_declared\nset: steps=3 input=%s\n%s\n\n' \
		"${fence}lindyn-experiment" "$1" "$fence" > paper/p.md
	printf '%s\nname: f\nscript: ../figures/f.gp\ndata: d = e/loss\n%s\n' \
		"${fence}lindyn-figure" "$fence" >> paper/p.md
}
printf "load lindyn_style\nplot d using 'step':'loss' with lines\n" > figures/f.gp
mkdir -p paper/inputs
printf '1\n' > paper/inputs/x.txt

doc inputs/x.txt
mk figures > make.log 2>&1 || { cat make.log; fail "make figures failed"; }
grep -q "'input=paper/inputs/x.txt'" build/runs.mk || fail "input not resolved against paper/"
grep -q '^build/runs.mk: $(wildcard figures/f.gp)' build/runs.mk || fail "the fragment does not depend on its script"
[ -f build/figures/f.png ] || fail "no figure"
grep -q "^# command: .*'\{0,1\}input=paper/inputs/x.txt" data/e/base/s0/loss.tsv ||
	fail "the run's command does not name the resolved input"
# The input is a prerequisite of its run: editing it re-runs the run.
grep -q '^data/e/base/s0/.done: .* paper/inputs/x.txt$' build/runs.mk || fail "the input is no prerequisite"
[ -z "$(make -n -o build/lindyn PROGRESS=0 runs-p 2>/dev/null | grep 'RUN')" ] || fail "runs-p not up to date"
touch -d "@$(( $(date +%s) + 3600 ))" paper/inputs/x.txt
[ -n "$(make -n -o build/lindyn PROGRESS=0 runs-p 2>/dev/null | grep 'RUN')" ] || fail "an edited input did not re-run its run"

# A document given as ../paper/q.md, from a directory beside it, reads the
# same input: below the document's directory, so by its absolute path.
mkdir elsewhere
printf '%s\nname: q\nplugin: fx_declared\nset: input=inputs/x.txt\n%s\n' "${fence}lindyn-experiment" "$fence" > paper/q.md
(cd elsewhere && ../build/lindyn tangle --data data --figures figs --blocks blocks --figvars vars \
	--lindyn ../build/lindyn -o runs.mk ../paper/q.md) || fail "tangle of ../paper/q.md failed"
rm paper/q.md
grep -q "'input=$PWD/paper/inputs/x.txt'" elsewhere/runs.mk || fail "../paper/q.md: input not resolved"
rm -rf elsewhere

# A script renamed, and the document edited to name the new one: make re-tangles.
mv figures/f.gp figures/g.gp
sed -i 's|^script: ../figures/f.gp$|script: ../figures/g.gp|' paper/p.md
mk figures > make.log 2>&1 || { cat make.log; fail "make figures failed after a script was renamed"; }
grep -q "^build/runs.mk: \$(wildcard figures/g.gp)" build/runs.mk || fail "not re-tangled after the rename"
mv figures/g.gp figures/f.gp

for bad in ../../x.txt sub/../../../x.txt; do
	doc "$bad"
	if mk figures > make.log 2>&1; then fail "make figures accepted input=$bad"; fi
	grep -q "lindyn tangle: paper/p.md:[0-9]*: experiment 'e': input=$bad must be a path relative to the document's directory" make.log ||
		{ cat make.log; fail "no one-line message for input=$bad"; }
done
echo "doc-paths: script and input paths resolved against the document, escapes refused"
