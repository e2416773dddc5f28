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
grep -q "^build/runs.mk: figures/f.gp" build/runs.mk || fail "the fragment does not depend on its script"
[ -f build/figures/f.png ] || fail "no figure"
grep -q "^# command: .*'\{0,1\}input=paper/inputs/x.txt" data/e/base/s0/loss.tsv ||
	fail "the run's command does not name the resolved input"

for bad in ../../x.txt sub/../../../x.txt; do
	doc "$bad"
	if mk figures > make.log 2>&1; then fail "make figures accepted input=$bad"; fi
	grep -q "lindyn tangle: paper/p.md:[0-9]*: experiment 'e': input=$bad must be a path relative to the document's directory" make.log ||
		{ cat make.log; fail "no one-line message for input=$bad"; }
done
echo "doc-paths: script and input paths resolved against the document, escapes refused"
