#!/bin/sh
# make slurm: the stale runs of paper/*.md as one Slurm job array, then the
# aggregates and figures on this (login) node.  make alone judges what is
# stale; the stale run targets are dealt round-robin into S shards and array
# task i runs `make -k -jCPUS` over shard i with the fragment's own recipes
# (src/slurm/shard.sbatch).  Needs only the Slurm client tools.
#
# The Makefile's slurm target calls it from the checkout with, in the
# environment: RUNS_MK, PAPER, SHARDS, CPUS, PARALLEL, SBATCH, DETACH,
# RETRIES (README, "Running on a cluster"), SLURM_DIR (where batches are
# kept: shard lists, logs) and GATHER_J (the -j of the local gather).
set -u

say() { printf 'slurm: %s\n' "$*"; }
die() {
	printf 'lindyn slurm: %s\n' "$*" >&2
	exit 1
}

# last_line TEXT: the last line of a tool's messages, for a one-line report.
last_line() { printf '%s\n' "$1" | tail -n 1; }

# mk ARGS...: make over the fragment alone, free of the calling make's flags.
mk() (
	unset MAKEFLAGS MFLAGS MAKELEVEL
	"${MAKE:-make}" -f src/slurm/runs.mk RUNS_MK="$RUNS_MK" PAPER="$PAPER" "$@"
)

# check_count NAME VALUE MIN: VALUE is a whole number from MIN to 99999999.
check_count() {
	case $2 in
	'' | *[!0-9]* | ?????????*) die "$1='$2': expected a whole number from $3 to 99999999" ;;
	esac
	[ "$2" -ge "$3" ] || die "$1=$2: expected a whole number from $3 to 99999999"
}

check_options() {
	check_count SHARDS "$SHARDS" 1
	check_count CPUS "$CPUS" 1
	check_count RETRIES "$RETRIES" 0
	[ -z "$PARALLEL" ] || check_count PARALLEL "$PARALLEL" 1
	case $DETACH in
	'' | 0 | 1) ;;
	*) die "DETACH='$DETACH': expected 1 (return once submitted) or nothing" ;;
	esac
	for tool in sbatch squeue scontrol; do
		command -v "$tool" > /dev/null 2>&1 ||
			die "no '$tool' in PATH: make slurm runs where the Slurm client tools are"
	done
}

# stale_runs FILE: the run targets (.../.done) make would update, one a line.
stale_runs() {
	mk -n --trace slurm-stale > "$1.trace" || die "make could not list the stale runs of $RUNS_MK"
	sed -n "s|^[^ ]*:[0-9]*: update target '\(.*/\.done\)' due to: .*|\1|p" "$1.trace" > "$1"
	rm -f "$1.trace"
}

# refuse_in_flight: one array of this checkout at a time (it would write the
# same files, and this one's stale list would be wrong).
refuse_in_flight() {
	jobs=$(squeue -h -u "$(id -un)" -n "$name" -o %F 2>&1) ||
		die "squeue failed: $(last_line "$jobs")"
	jobs=$(printf '%s\n' "$jobs" | sort -u | paste -s -d ' ' -)
	[ -z "$jobs" ] || die "job array $jobs of this checkout ($name) is still queued or running:" \
		"wait for it (squeue -n $name) or cancel it (scancel $jobs)"
}

# array_cap: how many array tasks the cluster allows in one array: cap, why.
array_cap() {
	config=$(scontrol show config 2>&1) || die "scontrol show config failed: $(last_line "$config")"
	max_size=$(printf '%s\n' "$config" | sed -n 's/^MaxArraySize *= *\([0-9]*\).*/\1/p')
	max_tasks=$(printf '%s\n' "$config" |
		sed -n 's/^SchedulerParameters *=.*max_array_tasks=\([0-9]*\).*/\1/p')
	cap=${max_size:-1001} why="MaxArraySize=${max_size:-1001}"
	if [ -n "$max_tasks" ] && [ "$max_tasks" -lt "$cap" ]; then
		cap=$max_tasks why="max_array_tasks=$max_tasks"
	fi
	[ "$cap" -ge 1 ] || die "this cluster allows no job arrays ($why)"
}

# deal BATCH STALE: S shards, round-robin, as BATCH/shard-<i>.txt; sets S.
deal() {
	n=$(wc -l < "$2" | tr -d ' ')
	S=$SHARDS capped=""
	[ "$n" -ge "$S" ] || S=$n
	array_cap
	if [ "$cap" -lt "$S" ]; then
		S=$cap capped=" (SHARDS=$SHARDS capped by $why)"
	fi
	awk -v dir="$1" -v s="$S" '{ f = dir "/shard-" (NR - 1) % s ".txt"; print >> f; close(f) }' "$2"
}

# submit BATCH: the array over BATCH's shards; sets job.
submit() {
	array="0-$((S - 1))${PARALLEL:+%$PARALLEL}"
	set -f # $SBATCH is split into words, never globbed
	job=$(sbatch --parsable --job-name="$name" --chdir="$root" --array="$array" \
		--cpus-per-task="$CPUS" --requeue --output="$1/logs/%A_%a.out" $SBATCH \
		src/slurm/shard.sbatch "$1" "$RUNS_MK") || die "sbatch did not take the job array (its message is above)"
	set +f
	job=${job%%;*}
}

# new_batch: a fresh directory for one submission's shards, logs and states.
new_batch() {
	submissions=$((submissions + 1))
	batch="$slurm_dir/$(date -u +%Y%m%dT%H%M%SZ)-$$-$submissions"
	mkdir "$batch" && mkdir "$batch/logs" "$batch/done" || die "cannot create $batch"
	batches="$batches $batch"
}

# show_progress LINE: one updating line on a terminal, else a line per change.
show_progress() {
	if [ -t 1 ]; then
		printf '\r%s\033[K' "$*"
	elif [ "$*" != "$last_progress" ]; then
		printf '%s\n' "$*"
	fi
	last_progress=$*
}

# failed_so_far BATCH: how many runs of BATCH's shards have failed so far.
failed_so_far() {
	cat "$1"/logs/*.out 2> /dev/null | grep -c '^make: \*\*\* \[.*/\.done\]'
}

# wait_array BATCH: polls squeue (every 1 s, slowing to 10 s) until no task
# of the array is pending or running, showing the progress.
wait_array() {
	delay=1 errors=0 last_progress=""
	trap 'stop_waiting' INT TERM
	while :; do
		if states=$(squeue -h -r -j "$job" -o %t 2>&1); then
			errors=0
		else
			case $states in
			*'Invalid job id'*) states="" ;; # purged: long finished
			*)
				errors=$((errors + 1))
				[ $errors -lt 30 ] || die "squeue keeps failing ($(last_line "$states"));" \
					"job array $job may still run:" \
					"make slurm again once it is done"
				sleep "$delay"
				continue
				;;
			esac
		fi
		pending=$(printf '%s\n' "$states" | grep -c '^PD$')
		running=$(printf '%s\n' "$states" | grep -c -v -e '^PD$' -e '^$')
		finished=0
		for f in "$1"/done/*; do
			case $f in *.tmp | *'/*') ;; *) finished=$((finished + 1)) ;; esac
		done
		show_progress "slurm: job $job, $n stale runs, $S shards: $pending pending," \
			"$running running, $finished done; failed runs: $(failed_so_far "$1")"
		[ -n "$states" ] || break
		sleep "$delay"
		[ $delay -ge 10 ] || delay=$((delay + 1))
	done
	[ ! -t 1 ] || printf '\n'
	trap - INT TERM
}

stop_waiting() {
	printf '\n'
	say "stopped waiting; job array $job goes on: make slurm again once it is done" \
		"(squeue -j $job), or stop it (scancel $job)"
	exit 130
}

# explain STALE RETRY: one line per run of STALE that the batches of this
# make slurm ($batches, in order) did not make: its make error and the line
# the run printed before it, or the shard whose task never reached it; writes
# to RETRY the runs worth another try (never ran, or were killed: a signal or
# an exit status above 128), not those that failed on their own (they would
# fail the same way).
explain() {
	stale_list=$1 retry=$2
	set --
	for b in $batches; do
		set -- "$@" "$b"/shard-*.txt
		for f in "$b"/logs/*.out; do
			[ ! -e "$f" ] || set -- "$@" "$f"
		done
	done
	awk -v retry="$retry" -v root="$root/" '
	function rel(path) { return index(path, root) == 1 ? substr(path, length(root) + 1) : path }
	FILENAME ~ /\/shard-[0-9]+\.txt$/ { # a later batch ran it again
		i = FILENAME; sub(/.*\/shard-/, "", i); sub(/\.txt$/, "", i)
		logs = FILENAME; sub(/\/shard-[0-9]+\.txt$/, "/logs", logs)
		shard[$0] = i; shard_logs[$0] = logs; delete err[$0]; next
	}
	FILENAME ~ /\.out$/ {
		if ($0 ~ /^make: \*\*\* \[.*\/\.done\] /) { # make: *** [FRAGMENT:LINE: TARGET] Error N
			t = $0; sub(/^make: \*\*\* \[/, "", t); why = t
			sub(/\] .*/, "", t); sub(/.*: /, "", t); sub(/^[^]]*\] /, "", why)
			err[t] = why; where[t] = FILENAME
			msg[t] = prev ~ /^  RUN   / ? "" : ": " prev # what the run printed, if anything
		}
		prev = $0; next
	}
	{
		run = $0; sub(/\/\.done$/, "", run)
		if ($0 in err) {
			printf "lindyn slurm: failed run %s (%s, log %s)%s\n", run, err[$0], rel(where[$0]), msg[$0]
			if (err[$0] !~ /^Error ([1-9]|[1-9][0-9]|1[01][0-9]|12[0-7])$/) print > retry
		} else {
			printf "lindyn slurm: run %s did not run (shard %s, log %s/*_%s.out)\n", run, shard[$0],
				rel(shard_logs[$0]), shard[$0]
			print > retry
		}
	}' "$@" "$stale_list" >&2
	[ -f "$retry" ] || : > "$retry"
}

# run_batch LIST: submits the runs of LIST; in wait mode waits, then leaves
# the runs still stale in $stale.
run_batch() {
	new_batch
	cp "$1" "$batch/runs.txt"
	deal "$batch" "$1"
	submit "$batch"
	if [ "$DETACH" = 1 ]; then
		say "submitted job array $job: $n stale runs in $S shards$capped; logs in ${batch#"$root"/}/logs;" \
			"make slurm again once it is done to gather (squeue -j $job)"
		exit 0
	fi
	say "job array $job: $n stale runs in $S shards$capped, logs in ${batch#"$root"/}/logs"
	wait_array "$batch"
	stale_runs "$stale"
	if [ -s "$stale" ]; then # a shared filesystem may show fresh files late
		sleep 2
		stale_runs "$stale"
	fi
}

main() {
	check_options
	root=$PWD
	case $SLURM_DIR in
	/*) slurm_dir=$SLURM_DIR ;;
	*) slurm_dir="$root/$SLURM_DIR" ;;
	esac
	name="lindyn-$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
	refuse_in_flight
	mkdir -p "$slurm_dir" || die "cannot create $slurm_dir"
	submissions=0 batches=""
	stale="$slurm_dir/stale.$$"
	trap 'rm -f "$stale" "$stale.retry" "$stale.again"' EXIT
	stale_runs "$stale"
	if [ ! -s "$stale" ]; then
		say "nothing stale; gathering"
	else
		before=$(wc -l < "$stale") total=$before
		run_batch "$stale"
		tries=0
		while [ -s "$stale" ]; do
			explain "$stale" "$stale.retry"
			now=$(wc -l < "$stale")
			[ "$tries" -lt "$RETRIES" ] && [ "$now" -lt "$before" ] && [ -s "$stale.retry" ] || {
				die "$now runs failed or did not run; make slurm runs them again (and only them)"
			}
			tries=$((tries + 1)) before=$now
			say "retry $tries of $RETRIES: $(wc -l < "$stale.retry") runs"
			mv "$stale.retry" "$stale.again"
			run_batch "$stale.again"
			rm -f "$stale.again"
		done
		say "all $total runs done; gathering"
	fi
	mk ${GATHER_J:+"$GATHER_J"} slurm-gather || die "the gather (aggregates, figures) failed on this node"
}

main
