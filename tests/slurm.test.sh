#!/bin/sh
# make slurm on a one-node cluster (tests/slurm/up.sh) with MaxArraySize=2, in
# a scratch tree holding paper/deep_linear.md: a detached array is capped at 2
# shards and blocks a second make slurm; once it is done, make slurm gathers
# the figures, nothing is stale, and runs equal a direct `lindyn run`; a run
# that cannot write is named with its message and the exit is non-zero; the
# next make slurm runs that run only.  The cluster is stopped in any case,
# by PID, and no process of it may survive.
set -eu
# Not the options or variables of a make running this test (make check sets BUILD).
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SAN OPT QUICK DATA PAPER SHARDS CPUS PARALLEL SBATCH \
	DETACH RETRIES SLURM_CONF
if [ -n "${LINDYN_SAN:-}" ]; then
	echo "slurm: skipped under sanitizers (the submitter is sh; the plain pass runs it)"
	exit 0
fi
for tool in mungekey munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
	if ! command -v "$tool" > /dev/null 2>&1; then
		echo "slurm: skipped: no $tool (as root, make check installs slurm-wlm and munge)"
		exit 0
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "slurm: skipped: the one-node cluster runs its daemons as root"
	exit 0
fi

root=$PWD
build=${LINDYN_BUILD:-build}
tmp=$(mktemp -d)
cluster="$tmp/cluster"
mkdir "$cluster"
trap 'sh "$root/tests/slurm/down.sh" "$cluster"; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
fail() {
	echo "slurm: $*"
	exit 1
}

tree="$tmp/tree"
mkdir -p "$tree/paper" "$tree/src" "$tree/build"
cp Makefile "$tree/"
cp -R figures "$tree/"
cp -R src/slurm src/dist src/page "$tree/src/"
cp paper/deep_linear.md "$tree/paper/"
ln -s "$root/$build/lindyn" "$tree/build/lindyn"
ln -s "$root/$build/plugins" "$tree/build/plugins"

sh tests/slurm/up.sh "$cluster" 2 2
export SLURM_CONF="$cluster/slurm.conf"
cd "$tree"
# -o: take the driver as built; this tree has no sources to build it from.
slurm() { make -s -o build/lindyn slurm QUICK=1 PAPER=deep_linear CPUS=1 "$@"; }

# Submitted on hold and detached: capped at MaxArraySize, and in flight.
slurm SHARDS=4 DETACH=1 SBATCH=--hold > out 2>&1 || { cat out; fail "detached make slurm failed"; }
grep -q '35 stale runs in 2 shards (SHARDS=4 capped by MaxArraySize=2)' out ||
	{ cat out; fail "35 stale runs were not dealt into 2 shards"; }
job=$(sed -n 's/^slurm: submitted job array \([0-9]*\):.*/\1/p' out)
[ -n "$job" ] || { cat out; fail "no job id"; }
if slurm > out 2>&1; then
	fail "make slurm submitted while job array $job was queued"
fi
grep -q "job array $job of this checkout .* is still queued or running" out ||
	{ cat out; fail "no refusal line"; }

# Released; once it is done, make slurm finds nothing stale and gathers.
scontrol release "$job"
i=0
while [ -n "$(squeue -h -j "$job" -o %t 2> /dev/null)" ]; do
	i=$((i + 1))
	[ $i -le 300 ] || fail "job array $job still in the queue after 5 minutes"
	sleep 1
done
slurm > out 2>&1 || { cat out; fail "the gather failed"; }
grep -q '^slurm: nothing stale; gathering$' out || { cat out; fail "runs stale after the array"; }
for f in deep_depth deep_momentum; do
	[ -s "build/figures/quick/$f.pdf" ] && [ -s "build/figures/quick/$f.png" ] ||
		fail "no figure $f"
done
make -q -o build/lindyn QUICK=1 figures-deep_linear || fail "make figures-deep_linear has work left"

# A sample of runs equal a direct `lindyn run`, but for the output path.
for done in $(find data/quick -name .done | sort | awk 'NR % 9 == 1'); do
	run=${done%/.done}
	command=$(sed -n 's/^# command: [^ ]*lindyn //p' "$run/loss.tsv")
	direct="$tmp/direct/$(echo "$run" | tr / _)"
	eval "set -- ${command% --out *}"
	OPENBLAS_NUM_THREADS=1 build/lindyn "$@" --out "$direct" 2> /dev/null || fail "$run: direct run failed"
	[ "$(cd "$run" && ls)" = "$(cd "$direct" && ls)" ] || fail "$run: not the files of a direct run"
	for f in $(cd "$run" && ls); do
		sed "s|^\(# command: .* --out \)$run$|\1OUT|" "$run/$f" > "$tmp/a"
		sed "s|^\(# command: .* --out \)$direct$|\1OUT|" "$direct/$f" > "$tmp/b"
		cmp -s "$tmp/a" "$tmp/b" || fail "$run/$f differs from a direct run's"
	done
done

# A run that cannot write fails, named with its message, and is not retried
# (it would fail the same way); then it alone reruns.
run=$(find data/quick/deep_eta -name .done | sort | head -n 1)
run=${run%/.done}
touch "$tmp/before"
rm -r "$run"
printf 'not a directory\n' > "$run"
if slurm RETRIES=2 > out 2>&1; then
	fail "make slurm succeeded with $run a file"
fi
grep -q "^lindyn slurm: failed run $run (Error 1, log build/slurm/.*/logs/[0-9]*_0.out): lindyn: .*: exists and is not a directory$" out ||
	{ cat out; fail "the failure does not name $run with its message"; }
! grep -q '^slurm: retry' out || { cat out; fail "a run that failed on its own was retried"; }
grep -q '^slurm: job [0-9]*, 1 stale runs, 1 shards: 0 pending, 0 running, 1 done; failed runs: 1$' out ||
	{ cat out; fail "no progress line with the failed run"; }
rm "$run"
slurm > out 2>&1 || { cat out; fail "the rerun failed"; }
grep -q '1 stale runs in 1 shards' out || { cat out; fail "the rerun was not of 1 run"; }
grep -q '^slurm: job [0-9]*, 1 stale runs, 1 shards: 0 pending, 0 running, 1 done; failed runs: 0$' out ||
	{ cat out; fail "no progress line with the run done"; }
[ "$(find data/quick -name .done -newer "$tmp/before")" = "$run/.done" ] ||
	fail "the rerun ran other runs than $run"

# Stopped by PID: nothing of the cluster survives.
pids=$(cat "$cluster/pids")
cd "$root"
sh tests/slurm/down.sh "$cluster" || fail "the cluster did not stop"
for pid in $pids; do
	if [ -d "/proc/$pid" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$pid/stat" 2> /dev/null; then
		fail "daemon $pid still runs"
	fi
done
echo "slurm: 35 runs in 2 capped shards, data equal to direct runs, a failed run named and rerun alone"
