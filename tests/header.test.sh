#!/bin/sh
# The tables lindyn writes (a run's, its aggregates over seeds and over a
# sweep) read by name in the tools of their users: pandas, numpy and gnuplot
# take the first line after the '#' lines as the column names.
set -eu
build="${LINDYN_BUILD:-build}"
lindyn="$PWD/$build/lindyn"
export LINDYN_PLUGIN_PATH="$PWD/$build/fixtures/good.so"
python=/usr/bin/python3 # Debian's, with python3-pandas and python3-numpy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$lindyn" run fx_good steps=4 --seed 1 --out r1
"$lindyn" run fx_good steps=4 --seed 2 --out r2
"$lindyn" run fx_good steps=4 rate=0.5 --seed 1 --out r3
"$lindyn" aggregate --seeds -o loss.agg.tsv r1/loss.tsv r2/loss.tsv
"$lindyn" aggregate --final -o loss.final.tsv --point rate=0.25 r1/loss.tsv r2/loss.tsv \
	--point rate=0.5 r3/loss.tsv

"$python" - <<'PY'
import numpy, pandas

def check(cond, what):
    if not cond:
        raise SystemExit("header.test: " + what)

run = pandas.read_csv("r1/weights.tsv", sep="\t", comment="#")
check(list(run.columns) == ["step", "w00", "w12"], "pandas columns %s" % list(run.columns))
check(len(run) == 5 and list(run["step"]) == [0, 1, 2, 3, 4], "pandas rows %s" % run)
agg = pandas.read_csv("loss.agg.tsv", sep="\t", comment="#")
check(list(agg.columns) == ["step", "loss_mean", "loss_std"], "agg columns %s" % agg.columns)
r1 = pandas.read_csv("r1/loss.tsv", sep="\t", comment="#")
r2 = pandas.read_csv("r2/loss.tsv", sep="\t", comment="#")
check(abs(agg["loss_mean"][4] - (r1["loss"][4] + r2["loss"][4]) / 2) < 1e-15, "agg mean")
final = pandas.read_csv("loss.final.tsv", sep="\t", comment="#")
check(list(final.columns) == ["rate", "step_mean", "step_std", "loss_mean", "loss_std"],
      "final columns %s" % list(final.columns))
check(list(final["rate"]) == [0.25, 0.5], "final rows")

# genfromtxt names the columns from the first line it reads, '#' or not:
# it is given the lines after the comments.
def data_lines(path):
    return [l for l in open(path) if not l.startswith("#")]
a = numpy.genfromtxt(data_lines("loss.agg.tsv"), names=True, delimiter="\t")
check(a.dtype.names == ("step", "loss_mean", "loss_std"), "numpy names %s" % (a.dtype.names,))
check(a.shape == (5,) and abs(a["loss_mean"][4] - agg["loss_mean"][4]) < 1e-15, "numpy values")
PY

# gnuplot by name; an unknown name is an error, not an empty plot.
out=$(gnuplot -e "set datafile columnheaders; stats 'loss.agg.tsv' using 'step':'loss_mean' nooutput; print STATS_records, STATS_max_x" 2>&1)
[ "$out" = "5 4.0" ] || { echo "header.test: gnuplot read '$out'"; exit 1; }
out=$(gnuplot -e "set datafile columnheaders; stats 'r1/weights.tsv' using 'w12' nooutput; print STATS_records" 2>&1)
[ "$out" = "5" ] || { echo "header.test: gnuplot read '$out'"; exit 1; }
if gnuplot -e "set datafile columnheaders; stats 'loss.agg.tsv' using 'step':'loss' nooutput; print STATS_records" >/dev/null 2>&1; then
	echo "header.test: gnuplot read a column 'loss' that loss.agg.tsv does not have"
	exit 1
fi
echo "header.test: run tables and aggregates read by column name in pandas, numpy and gnuplot"
