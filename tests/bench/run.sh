#!/bin/sh
# make bench: lindyn against a NumPy/SciPy reference on the workloads of
# tests/bench/bench.py, then (with --figures, or FULL=1 from make) the whole
# `make figures` at paper scale with -j1 and -j2 (tests/bench/figures.sh).
# Prints one Markdown table per part; exits non-zero when lindyn and the
# reference disagree.
#   sh tests/bench/run.sh [--figures] [--only gd2|lora|flow|eos ...]
set -eu
BUILD=${BUILD:-build}
figures=${FULL:+1}
rest=
for arg; do
	case $arg in
	--figures) figures=1 ;;
	*) rest="$rest $arg" ;;
	esac
done

# One BLAS thread on both sides; independent runs are parallelised by make, not BLAS.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

mkdir -p "$BUILD/bench"
cc -O2 -Wall -Wextra -Werror -Iinclude tests/bench/dgemm.c -o "$BUILD/bench/dgemm" \
	$(gsl-config --libs-without-cblas) -lopenblas

echo "bench: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), command: make bench${figures:+ FULL=1}" >&2
# Debian's interpreter: its NumPy and SciPy are the packages make installed.
/usr/bin/python3 tests/bench/bench.py --lindyn "$BUILD/lindyn" --dgemm "$BUILD/bench/dgemm" $rest

if [ -n "$figures" ]; then
	sh tests/bench/figures.sh
fi
