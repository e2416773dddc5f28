#!/bin/sh
# A one-node Slurm cluster for tests, with its own MUNGE, as plain background
# processes in DIR (an empty directory of the caller's, e.g. from mktemp -d):
#
#   tests/slurm/up.sh DIR [CPUS [MAXARRAY]]    then: export SLURM_CONF=DIR/slurm.conf
#   tests/slurm/down.sh DIR                    stops it (by PID) and removes DIR
#
# Needs root and Debian's slurm-wlm and munge (no systemd).  The ports are
# derived from this process's PID unless SLURM_TEST_PORT (the controller's;
# the node daemon takes the next) is set, so a test never meets a system
# Slurm.  Every daemon started here is recorded in DIR/pids at once, and its
# environment carries LINDYN_SLURM_FIXTURE=DIR, the mark down.sh looks for.
set -eu
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: up.sh DIR [CPUS [MAXARRAY]]" >&2; exit 1; }
DIR=$(cd "$1" && pwd)
CPUS=${2:-2}
MAXARRAY=${3:-1001}
CTLD_PORT=${SLURM_TEST_PORT:-$((20000 + $$ % 20000 * 2))}
SLURMD_PORT=$((CTLD_PORT + 1))
export LINDYN_SLURM_FIXTURE="$DIR"
export SLURM_CONF="$DIR/slurm.conf"

# start NAME COMMAND...: runs a daemon in the foreground, in the background,
# and records its PID before anything else happens.
start() {
	name=$1
	shift
	"$@" < /dev/null >> "$DIR/log/$name.out" 2>&1 &
	echo "$!" >> "$DIR/pids"
}

mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" "$DIR/log"
chmod 700 "$DIR/munge"
[ -f "$DIR/munge/munge.key" ] || mungekey --create --keyfile="$DIR/munge/munge.key"
chmod 400 "$DIR/munge/munge.key"
start munged munged --foreground --force --socket="$DIR/munge/munge.socket.2" \
	--key-file="$DIR/munge/munge.key" --pid-file="$DIR/munge/munged.pid" \
	--log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed"
i=0
until [ -S "$DIR/munge/munge.socket.2" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { echo "slurm up: munged did not start (see $DIR/log)" >&2; exit 1; }
	sleep 0.1
done

cat > "$SLURM_CONF" <<CONF
ClusterName=lindyn
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket.2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MaxArraySize=$MAXARRAY
DependencyParameters=kill_invalid_depend
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
start slurmctld slurmctld -D -c -f "$SLURM_CONF"
# The host is not called "localhost": name the node explicitly.
start slurmd slurmd -D -f "$SLURM_CONF" -N localhost
i=0
until sinfo -h -n localhost -o %t 2>/dev/null | grep -qx idle; do
	i=$((i + 1))
	[ $i -le 60 ] || { echo "slurm up: node not idle after 30 s (see $DIR/log)" >&2; exit 1; }
	sleep 0.5
done
