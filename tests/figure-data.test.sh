#!/bin/sh
# Figures read their data through `data:` lines: tangle resolves them against
# the document's experiments and the tables the plugin declares (fx_declared),
# writes build/figvars/FIG.gp, and the figure's rule fails when gnuplot finds
# a data file missing.  Every check of paper/FORMAT.md, "Checked before
# anything runs", fails with one line naming document:line or script:line.
set -eu
fixture=declared
. tests/scratch-tree.sh
fail() { echo "figure-data: $*"; exit 1; }
fence='```'

# doc DATA_LINE [SCRIPT_LINE]: a document with one swept experiment (two
# seeds), one figure reading DATA_LINE, plotted by figures/f.gp.
doc() {
	printf '%s\nname: e\nplugin: fx_declared\nseeds: 2\nset: steps=3\nsweep: rate=0.5,0.25\naggregate: loss\n%s\n\n' \
		"${fence}lindyn-experiment" "$fence" > paper/p.md
	printf '%s\nname: f\nscript: ../figures/f.gp\n%s\n%s\n' "${fence}lindyn-figure" "$1" "$fence" >> paper/p.md
	printf "load lindyn_style\nplot for [f in d] f using %s with lines\n" \
		"${2:-\'step\':\'loss_mean\'}" > figures/f.gp
}
# tangle_fails DATA_LINE SCRIPT_LINE MESSAGE
tangle_fails() {
	doc "$1" "$2"
	if build/lindyn tangle --data data --figures build/figures --blocks build/blocks \
		--figvars build/figvars --lindyn build/lindyn -o build/runs.mk paper/p.md 2> err.log; then
		fail "tangle accepted '$1' / '$2'"
	fi
	grep -qF -- "$3" err.log || { cat err.log; fail "no '$3' for '$1' / '$2'"; }
	[ "$(wc -l < err.log)" -eq 1 ] || { cat err.log; fail "more than one line for '$1'"; }
}

q="'step':'loss_mean'"
tangle_fails 'data: d = e[rate=0.5, seed=0]/los' "$q" "paper/p.md:13: figure 'f': data d: plugin 'fx_declared' declares no table 'los' (its tables: loss, summary)"
tangle_fails 'data: d = e[rate=0.3]/loss.agg' "$q" "selects no point of experiment 'e'"
tangle_fails 'data: d = e[rate=0.5]/loss' "$q" "has 2 seeds: select one with seed=K (0 to 1), or read the aggregate T.agg"
tangle_fails 'data: d = e[rate=0.5]/summary.agg' "$q" "experiment 'e' does not aggregate table 'summary'"
tangle_fails 'data: d = x/loss.final' "$q" "'x' is not an experiment of this document (e)"
tangle_fails 'data: d = e/loss.avg' "$q" "is not T, T.agg or T.final"
tangle_fails 'data: d = e[rate=0.5]/loss.agg' "'step':'loss_maen'" "figures/f.gp:2: no column 'loss_maen' in the figure's data tables (did you mean 'loss_mean'?)"
tangle_fails 'data: d = e[rate=0.5, seed=1]/loss' "'step':(column('los'))" "figures/f.gp:2: no column 'los'"
tangle_fails 'data: d = e[rate=0.5]/loss.agg' '1:2' "figures/f.gp:2: 'using 1:2"
tangle_fails 'data: d = e[rate=0.5]/loss.agg' '1:($2)' "figures/f.gp:2: '\$2)"
tangle_fails 'data: d = e/loss.final' "'rate':'speed'" "no column 'speed' in the figure's data tables (its columns: rate step_mean step_std loss_mean loss_std)"
tangle_fails 'uses: e' "$q" "paper/p.md:13: 'uses:' is replaced by one line per table read"

# claim_tangles MEASURE [QUICK_LINE]: a document with one claim, tangled.
claim_tangles() {
	printf '%s\nname: e\nplugin: fx_declared\nseeds: 2\nsweep: rate=0.5,0.25\nquick-sweep: rate=0.5\naggregate: loss\n%s\n\n' \
		"${fence}lindyn-experiment" "$fence" > paper/p.md
	printf '%s\nid: c\nmeasure: %s\nexpect: > 0\n%s%s\n' "${fence}lindyn-claim" "$1" \
		"${2:+$2
}" "$fence" >> paper/p.md
	build/lindyn tangle --data data --figures build/figures --blocks build/blocks \
		--figvars build/figvars --lindyn build/lindyn -o build/runs.mk paper/p.md 2> err.log
}
# claim_fails MEASURE MESSAGE [QUICK_LINE]
claim_fails() {
	if claim_tangles "$1" "${3:-}"; then
		fail "tangle accepted the claim '$1'"
	fi
	grep -qF -- "$2" err.log || { cat err.log; fail "no '$2' for '$1'"; }
	[ "$(wc -l < err.log)" -eq 1 ] || { cat err.log; fail "more than one line for '$1'"; }
}
claim_fails 'last("e[rate=0.5]/loss.agg", "loss_maen")' \
	"paper/p.md:12: claim 'c': 'e[rate=0.5]/loss.agg': no column 'loss_maen' in table 'loss.agg' (did you mean 'loss_mean'?)"
claim_fails 'at("e[rate=0.5,seed=1]/loss", "loss", "stp", 2)' "no column 'stp' in table 'loss' (did you mean 'step'?)"
claim_fails 'rows("e[seed=0]/loss")' "selects 2 points of experiment 'e', which differ in 'rate'"
claim_fails 'rows("e[rate=0.5,seed=0]/weights")' "plugin 'fx_declared' declares no table 'weights' (its tables: loss, summary)"
claim_fails 'first("e/loss.final", "rate") + status("e[rate=0.5]")' "paper/p.md:12: claim 'c': 'e[rate=0.5]': experiment 'e' has 2 seeds"
claim_fails 'rows("e[rate=0.25]/loss.agg")' "paper/p.md:12: claim 'c' (quick scale): 'e[rate=0.25]/loss.agg' selects no point"
claim_tangles 'rows("e[rate=0.25]/loss.agg")' 'quick: n/a the quick sweep has rate=0.5 only' ||
	{ cat err.log; fail "quick: n/a did not skip the quick-scale check"; }
claim_tangles 'last("e/loss.final", "loss_mean") + last("e[rate=0.5]/loss.agg", "loss_std")' ||
	{ cat err.log; fail "a good claim was refused"; }

# A good figure: figvars names the selected files (sweep order) and each
# point's swept values; the figure is made from them.
doc 'data: d = e/loss.agg
data: r = e[rate=0.25, seed=1]/loss'
cat > figures/f.gp <<'GP'
load lindyn_style
plot for [f in d] f using 'step':'loss_mean' with lines, \
     lindyn_pick('d', 'rate=0.25') using 'step':(column('loss_mean') + column('loss_std')), \
     r using 'step':'loss' with points
GP
mk runs-p > make.log 2>&1 || { cat make.log; fail "make runs-p failed"; }
# Tables written with a '# columns:' line get the header row gnuplot reads
# (a no-op for tables that already have it).
find data -name '*.tsv' -exec sed -i '/^# columns: /{s/^# columns: //;s/ /\t/g}' {} +
mk figures > make.log 2>&1 || { cat make.log; fail "make figures failed"; }
grep -qx "d = 'data/e/rate-0.5/loss.agg.tsv data/e/rate-0.25/loss.agg.tsv'" build/figvars/f.gp ||
	{ cat build/figvars/f.gp; fail "figvars: no file list"; }
grep -qx "d_rate = '0.5 0.25'" build/figvars/f.gp || fail "figvars: no key values"
grep -qx "r = 'data/e/rate-0.25/s1/loss.tsv'" build/figvars/f.gp || fail "figvars: no run table"
[ -s build/figures/f.pdf ] && [ -s build/figures/f.png ] || fail "no figure"
# Only the selected runs are prerequisites of the figure.
grep '^build/figures/f.pdf:' build/runs.mk | grep -q 'data/e/rate-0.25/s1/.done' || fail "no run prerequisite"
! grep '^build/figures/f.pdf:' build/runs.mk | grep -q 'rate-0.5/s1/.done' || fail "an unselected run is a prerequisite"

# Data files with a header row are read by column name (set datafile
# columnheaders); a missing file fails the figure, naming the file.
mkdir -p hdr
printf '# table: loss\nstep\tloss_mean\tloss_std\n0\t1\t0\n1\t0.5\t0\n' > hdr/a.tsv
cat > figures/g.gp <<'GP'
load lindyn_style
plot for [f in d] f using 'step':'loss_mean' with lines
GP
printf "d = 'hdr/a.tsv'\n" > hdr/vars.gp
gnuplot -e "outbase='hdr/ok'; term='png'; lindyn_style='figures/style.gp'; load 'hdr/vars.gp'" figures/g.gp 2> gp.log ||
	{ cat gp.log; fail "gnuplot did not read a header-row file by column name"; }
[ ! -s gp.log ] || { cat gp.log; fail "gnuplot warned on a header-row file"; }
# lindyn_pick of a selection matching no file names a file that is not there.
printf "d = 'hdr/a.tsv'\nd_rate = '0.5'\n" > hdr/vars.gp
printf "load lindyn_style\nplot lindyn_pick('d', 'rate=9') using 'step':'loss_mean'\n" > figures/g.gp
gnuplot -e "outbase='hdr/bad'; term='png'; lindyn_style='figures/style.gp'; load 'hdr/vars.gp'" figures/g.gp 2> gp.log || :
grep -q 'Cannot find or open file "d: 0 points match rate=9"' gp.log ||
	{ cat gp.log; fail "lindyn_pick of no point did not name it"; }
# lindyn_num reads the shortest texts of sweep values (5e-3, 1e3) as numbers.
sum=$(gnuplot -e "outbase='hdr/num'; term='png'; load 'figures/style.gp'; print lindyn_num('5e-3') + lindyn_num('1e3') + lindyn_num('0.25') + lindyn_num('-2e-1')" 2>&1)
[ "$sum" = "1000.055" ] || fail "lindyn_num: 5e-3 + 1e3 + 0.25 - 2e-1 gave '$sum'"

rm data/e/rate-0.25/s1/loss.tsv build/figures/f.pdf
if mk figures > make.log 2>&1; then
	fail "make figures passed with a run's table deleted"
fi
grep -q 'Cannot find or open file "data/e/rate-0.25/s1/loss.tsv"' make.log ||
	{ cat make.log; fail "the failure does not name the missing file"; }
grep -q 'lindyn: figure build/figures/f.pdf failed' make.log || fail "no figure failure line"
[ ! -e build/figures/f.pdf ] || fail "a failed figure was left behind"
echo "figure-data: data lines resolved and checked; figures fail on missing data"
