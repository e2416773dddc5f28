#!/bin/sh
# The woven page through pandoc, as `make paper` runs it: block texts come out
# literally (no Markdown emphasis in 3*sqrt(x), no 45*0.9 turned into 450.9),
# prose math becomes MathML, and a weave into a full disk fails.
set -eu
lindyn="${LINDYN_BUILD:-build}/lindyn"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data/exp/base/s0"
printf '# columns: step loss\n0\t1\n1\t0.5\n' > "$tmp/data/exp/base/s0/loss.tsv"
cat > "$tmp/doc.md" <<'DOC'
# A page

The factor is $W \in R^{m \times h}$ and the flattest sharpness is $\lambda^*$.

```lindyn-experiment
name: exp
plugin: fx_good
```

```lindyn-claim
id: halves
claim: the loss *halves* to 45*0.9/81
paper: x* = 1 and y* = 2
measure: last("exp/loss", "loss")
expect: 3*sqrt(0.25)/3 +- 0.01
```
DOC
"$lindyn" weave --data "$tmp/data" --figures ../figures "$tmp/doc.md" > "$tmp/page.md"
pandoc --standalone --mathml --from markdown --to html5 -M pagetitle=t -o "$tmp/page.html" \
	"$tmp/page.md"
fail() { echo "weave.test: $1" >&2; exit 1; }
grep -q '<code>3\*sqrt(0.25)/3 +- 0.01</code>' "$tmp/page.html" || fail "expect: not literal"
grep -q 'the loss \*halves\* to 45\*0.9/81' "$tmp/page.html" || fail "claim: not literal"
grep -q 'x\* = 1 and y\* = 2' "$tmp/page.html" || fail "paper: not literal"
grep -q '<em>' "$tmp/page.html" && fail "Markdown emphasis in block text"
grep -q '<math' "$tmp/page.html" || fail "no MathML for the prose's math"
grep -q '<td><span class="verdict pass">PASS</span></td>' "$tmp/page.html" ||
	fail "no coloured verdict cell"
if "$lindyn" weave --data "$tmp/data" "$tmp/doc.md" > /dev/full 2> "$tmp/err"; then
	fail "weave into /dev/full exited 0"
fi
grep -q 'writing the page failed' "$tmp/err" || fail "no reason for the failed write"
echo "weave.test: block texts literal, MathML, coloured verdicts, failed writes reported"
