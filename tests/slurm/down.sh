#!/bin/sh
# Stops the cluster tests/slurm/up.sh started in DIR and removes DIR; does
# nothing when DIR is gone.  Processes are found by PID only, never by name:
# the PIDs up.sh recorded, every process whose environment carries the
# fixture's mark LINDYN_SLURM_FIXTURE=DIR (the daemons and the slurmstepd
# they spawned), and all their descendants (the jobs' processes).  Exits
# non-zero, keeping DIR, if one survives SIGKILL.
set -u
[ $# -eq 1 ] || { echo "usage: down.sh DIR" >&2; exit 1; }
DIR=$1
[ -d "$DIR" ] || exit 0
DIR=$(cd "$DIR" && pwd)

# alive PID: true while PID runs (a zombie has already stopped).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$({ sed 's/^.*) \(.\).*/\1/' < "/proc/$1/stat"; } 2> /dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# marked: the PIDs carrying the mark, then their descendants, to a fixed point.
marked() {
	mark="LINDYN_SLURM_FIXTURE=$DIR"
	set --
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		{ tr '\0' '\n' < "$p/environ"; } 2> /dev/null | grep -qxF "$mark" && set -- "$@" "$pid"
	done
	[ -f "$DIR/pids" ] && set -- "$@" $(cat "$DIR/pids")
	found=" $* "
	grew=1
	while [ "$grew" = 1 ]; do
		grew=0
		for p in /proc/[0-9]*; do
			pid=${p#/proc/}
			case $found in *" $pid "*) continue ;; esac
			ppid=$({ sed 's/^.*) . \([0-9]*\).*/\1/' < "$p/stat"; } 2> /dev/null) || continue
			case $found in *" $ppid "*) found="$found$pid " grew=1 ;; esac
		done
	done
	for pid in $found; do
		alive "$pid" && echo "$pid"
	done
}

# Cancel the jobs first, so that slurmd ends their steps itself.
if [ -f "$DIR/slurm.conf" ]; then
	jobs=$(SLURM_CONF="$DIR/slurm.conf" squeue -h -o %A 2>/dev/null | sort -u)
	if [ -n "$jobs" ]; then
		SLURM_CONF="$DIR/slurm.conf" scancel $jobs 2>/dev/null
		i=0
		while [ $i -lt 20 ] && [ -n "$(SLURM_CONF="$DIR/slurm.conf" squeue -h -o %A 2>/dev/null)" ]; do
			sleep 0.5
			i=$((i + 1))
		done
	fi
fi

pids=$(marked)
[ -z "$pids" ] || kill -TERM $pids 2>/dev/null
i=0
while [ -n "$pids" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
	still=""
	for pid in $pids; do
		alive "$pid" && still="$still $pid"
	done
	pids=$still
done
[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
sleep 0.2
left=$(marked)
if [ -n "$left" ]; then
	echo "slurm down: processes still running after SIGKILL:$(echo $left | sed 's/^/ /')" >&2
	exit 1
fi
rm -rf "$DIR"
