#!/bin/sh
# `lindyn compare` end to end on a small data directory and its recorded
# reference: an identical copy is bit-identical (exit 0); one value moved by
# 1e-9 relative makes it fail naming the table, column, row and both values
# (exit 1); 1e-12 agrees; a wall-clock column under a stated `tolerance: any`
# may change; a missing table and a changed claim differ; a damaged reference
# is one line and exit 2.
set -eu
lindyn="$(pwd)/${LINDYN_BUILD:-build}/lindyn"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "compare.test: $1" >&2; [ -f out ] && cat out >&2; exit 1; }
cat > doc.md <<'DOC'
# A document

```lindyn-experiment
name: e
plugin: gd2
sweep: h=1,2
seeds: 2
aggregate: loss
# wall is the machine's clock
tolerance: any wall
```

```lindyn-claim
id: small
claim: the final loss is small
measure: last("e/loss.final", "loss_mean")
expect: < 0.2
```
DOC
# table FILE REVISION "COLUMNS" ROWS: provenance, the header row, the rows
table() { mkdir -p "data/e/$(dirname "$1")"; printf "# lindyn 0.1.0 (git %s)\n%s\n%b" \
	"$2" "$(echo "$3" | tr ' ' '\t')" "$4" > "data/e/$1"; }
table loss.final.tsv aaaa "h loss_mean wall_mean" "1\t0.5\t0.01\n2\t0.1\t0.02\n"
for h in 1 2; do
	table "h-$h/loss.agg.tsv" aaaa "step loss_mean wall_mean" "0\t1\t0\n1\t0.$h\t0.03\n"
	for s in 0 1; do
		table "h-$h/s$s/loss.tsv" aaaa "step loss wall" "0\t1\t0\n1\t0.$h$s\t0.03\n"
	done
done
mkdir ref
"$lindyn" compare --record --data data doc.md > ref/doc.tables
"$lindyn" verify --format tsv --data data doc.md > ref/doc.claims.tsv
grep -q '^table	e/loss.final	1	2	' ref/doc.tables || fail "no fingerprint of e/loss.final"

# an identical copy, whose provenance lines name another revision
cp -r data copy
sed -i 's/git aaaa/git bbbb/' copy/e/loss.final.tsv
"$lindyn" compare ref copy > out || fail "identical copy: exit $?"
[ "$(grep -c '^  bit-identical' out)" -eq 3 ] || fail "identical copy: not 3 bit-identical tables"
grep -q '^  same  *claim small: PASS 0.10000000000000001, reference PASS 0.10000000000000001' out ||
	fail "identical copy: claim not shown beside the reference's"
grep -q 'compare: OK' out || fail "identical copy: no OK"

# one value moved by 1e-9 relative
sed -i 's/^2\t0.1\t/2\t0.10000000010000001\t/' copy/e/loss.final.tsv
rc=0; "$lindyn" compare ref copy > out || rc=$?
[ $rc -eq 1 ] || fail "1e-9 change: exit $rc, expected 1"
grep -q '^  DIFFERS  *e/loss.final: column loss_mean, row 2 (the last): 0.10000000000000001 in the reference, 0.10000000010000001 now' out ||
	fail "1e-9 change: the table, column, row and values are not named"
grep -q '^  DIFFERS  *claim small: PASS 0.10000000010000001, reference PASS 0.10000000000000001' out ||
	fail "1e-9 change: the claim's value is not compared"
grep -q 'compare: DIFFERS from the reference' out || fail "1e-9 change: no DIFFERS summary"

# a column renamed, every number the same: the data lines' digest is equal,
# the table is not
cp -r data renamed
sed -i 's/^h\tloss_mean\twall_mean$/h\tloss_std\twall_mean/' renamed/e/loss.final.tsv
rc=0; "$lindyn" compare ref renamed > out || rc=$?
[ $rc -eq 1 ] || fail "renamed column: exit $rc, expected 1"
grep -q '^  DIFFERS  *e/loss.final: column loss_mean is missing' out ||
	fail "renamed column: not named"
rm -r renamed

# 1e-12 relative agrees, and says by how much
sed -i 's/^2\t0.10000000010000001\t/2\t0.1000000000001\t/' copy/e/loss.final.tsv
"$lindyn" compare ref copy > out || fail "1e-12 change: exit $?"
grep -q '^  agrees to 1e-12 *e/loss.final$' out || fail "1e-12 change: no 'agrees to 1e-12'"

# the wall clock may move: the stated tolerance is named
rm -rf copy && cp -r data copy
sed -i 's/\t0.03$/\t0.7/' copy/e/h-1/s0/loss.tsv
"$lindyn" compare ref copy > out || fail "wall clock: exit $?"
grep -q "agrees to 0 *e/\*/s\*/loss (column wall: 0.96, within the tolerance any stated at doc.md:10)" out ||
	fail "wall clock: the stated tolerance is not shown"

# a value outside the fingerprinted ones: agrees, and says the digests differ
rm -rf copy && cp -r data copy
sed -i 's/^0\t1\t0$/0\t1.5\t0/' copy/e/h-2/s1/loss.tsv
"$lindyn" compare ref copy > out || fail "unfingerprinted value: exit $?"
grep -q "agrees to 0 *e/\*/s\*/loss (the digests differ" out || fail "unfingerprinted value: not said"

# a missing table, and a table the reference does not know
rm copy/e/loss.final.tsv
cp copy/e/h-1/loss.agg.tsv copy/e/extra.tsv
rc=0; "$lindyn" compare ref copy > out || rc=$?
[ $rc -eq 1 ] || fail "missing table: exit $rc"
grep -q '^  DIFFERS  *e/loss.final: missing from the data' out || fail "missing table not named"
grep -q '^  DIFFERS  *e/extra: not in the reference' out || fail "new table not named"
grep -q '^  DIFFERS  *claim small: ERROR' out || fail "claim on a missing table not shown"

# a damaged reference: one line naming file:line, exit 2
sed -i 's/^columns\tstep/columns/' ref/doc.tables
rc=0; "$lindyn" compare ref data > out 2> err || rc=$?
[ $rc -eq 2 ] || fail "damaged reference: exit $rc"
[ "$(wc -l < err)" -eq 1 ] && grep -q 'ref/doc.tables:[0-9]*: statistic' err ||
	fail "damaged reference: $(cat err)"
rc=0; "$lindyn" compare ref nosuch > out 2> err || rc=$?
[ $rc -eq 2 ] && grep -q '^lindyn compare: nosuch: No such file or directory$' err ||
	fail "missing data directory: exit $rc, $(cat err)"
rc=0; "$lindyn" compare ref > out 2> err || rc=$?
[ $rc -eq 2 ] && grep -q usage err || fail "missing argument: exit $rc"
echo "compare.test: bit-identical copy, 1e-9 change named, 1e-12 agrees, stated wall tolerance, missing/new tables, damaged reference"
