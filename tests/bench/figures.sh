#!/bin/sh
# Workload 5 of the bench: every paper's figures at paper scale from an empty
# data directory, paper by paper, with make -j2 and then -j1 (JOBS="2 1"),
# in a fresh clone of the committed tree under $TMPDIR so that the working
# tree and its data/ are left alone.  Prints wall time, CPU time and the
# peak memory of one process per paper, and the totals; the sum of the
# per-paper -j2 walls bounds one `make -j2 figures`.
# PAPERS="eos lora_gf" restricts it to those documents.
set -eu
JOBS=${JOBS:-"2 1"}
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lindyn-figures-XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/lindyn"
cd "$work/lindyn"
echo "bench figures: clean clone of $(git rev-parse --short HEAD) in $work" >&2
make -s all >/dev/null
make -s build/runs.mk >/dev/null
papers=${PAPERS:-$(for p in paper/*.md; do b=$(basename "$p" .md); [ "$b" = FORMAT ] || echo "$b"; done)}

export OPENBLAS_NUM_THREADS=1
echo
echo "| paper | make -jN | wall | CPU (user+sys) | peak memory of a process |"
echo "|---|---|---|---|---|"
for j in $JOBS; do
	total_wall=0 total_cpu=0
	for p in $papers; do
		rm -rf data build/figures
		log="$work/$p-j$j.log"
		if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
			make -s -j"$j" PROGRESS=0 "figures-$p" >"$log" 2>&1; then
			echo "bench figures: make figures-$p -j$j failed; the end of its log:" >&2
			tail -5 "$log" >&2
			exit 1
		fi
		read -r wall user sys peak <"$work/time"
		cpu=$(awk "BEGIN { print $user + $sys }")
		total_wall=$(awk "BEGIN { print $total_wall + $wall }")
		total_cpu=$(awk "BEGIN { print $total_cpu + $cpu }")
		printf '| %s | -j%s | %.0f s | %.0f s | %.0f MB |\n' "$p" "$j" "$wall" "$cpu" \
			"$(awk "BEGIN { print $peak / 1024 }")"
	done
	printf '| **all papers** | -j%s | **%.0f s** (%.1f min) | %.0f s | |\n' "$j" "$total_wall" \
		"$(awk "BEGIN { print $total_wall / 60 }")" "$total_cpu"
done
