#!/bin/sh
# One document's targets judge that document alone: verify-NAME (and
# verify DOC=NAME) runs only NAME's experiments and exits with NAME's
# verdicts, whatever another document's claims say; paper-NAME weaves only
# NAME's page; a NAME that is no document gets the list of names.
set -eu
fixture=declared
. tests/scratch-tree.sh
fail() { # A document called index would be overwritten by the index of the pages.
doc index '> 0'
if mk verify > index.log 2>&1; then fail "a document called index was accepted"; fi
grep -q 'paper/index.md: a document may not be called index' index.log || { cat index.log; fail "no message for index.md"; }
rm paper/index.md
echo "doc-scope: $*"; exit 1; }
fence='```'

# doc NAME EXPECT: paper/NAME.md, one experiment NAME_e and a claim on its
# final loss (0.5^3 = 0.125) expected to be EXPECT.
doc() {
	printf '%s\nname: %s_e\nplugin: fx_declared\nset: steps=3\n%s\n\n' \
		"${fence}lindyn-experiment" "$1" "$fence" > "paper/$1.md"
	printf '%s\nid: c\nclaim: the final loss\npaper: -\nmeasure: last("%s_e/summary", "final_loss")\nexpect: %s\n%s\n' \
		"${fence}lindyn-claim" "$1" "$2" "$fence" >> "paper/$1.md"
}
doc good '0.125 +- 1e-12'
doc bad '< 0.1'

mk verify-good > good.log 2>&1 || { cat good.log; fail "verify-good failed on a passing document"; }
[ -e data/good_e ] || fail "verify-good did not run good's experiment"
[ ! -e data/bad_e ] || fail "verify-good ran the other document's experiment"
grep -q '^bad' good.log && fail "verify-good judged the other document"
if mk verify-bad > bad.log 2>&1; then fail "verify-bad passed a failing claim"; fi
grep -q 'FAIL' bad.log || { cat bad.log; fail "verify-bad did not report FAIL"; }
mk verify DOC=good > doc.log 2>&1 || { cat doc.log; fail "verify DOC=good failed"; }
if mk verify > all.log 2>&1; then fail "verify of both documents passed"; fi

mk paper-good > page.log 2>&1 || { cat page.log; fail "paper-good failed"; }
[ -s build/paper/good.html ] || fail "paper-good wrote no page"
[ ! -e build/paper/bad.html ] || fail "paper-good wove the other document"

# QUICK=0 is the paper scale, as QUICK= is.
mk verify-good QUICK=0 > q0.log 2>&1 || { cat q0.log; fail "verify-good QUICK=0 failed"; }
grep -q '^paper scale' q0.log || { cat q0.log; fail "QUICK=0 was taken for the quick scale"; }

if mk verify-nope > nope.log 2>&1; then fail "verify-nope succeeded"; fi
grep -q 'no document nope.md among LINDYN_DOCS; documents: bad good' nope.log ||
	{ cat nope.log; fail "no list of documents for verify-nope"; }
# A document called index would be overwritten by the index of the pages.
doc index '> 0'
if mk verify > index.log 2>&1; then fail "a document called index was accepted"; fi
grep -q 'paper/index.md: a document may not be called index' index.log || { cat index.log; fail "no message for index.md"; }
rm paper/index.md
echo "doc-scope: verify-NAME, verify DOC=NAME and paper-NAME judge one document alone"
