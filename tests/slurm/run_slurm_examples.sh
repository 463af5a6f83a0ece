#!/usr/bin/env bash
# Runs the Slurm examples of scripts/slurm/ on a private single-node Slurm started here, against
# the built binary, and checks what they produce (ctest: slurm_examples):
#   - submit_array.sh: a 2-task job array of shards and the dependent merge: every job
#     COMPLETED, the merged file equal to a direct single run with the same config, N and seed;
#   - preemptible.sbatch: the job is stopped twice while it runs, each time after its checkpoint
#     holds a chunk: first a real preemption (a job of a partition of higher PriorityTier,
#     PreemptMode=REQUEUE: Slurm sends SIGTERM and requeues it), then the time-limit warning
#     (SIGUSR1 to the batch shell, as --signal=B:USR1@... sends it; the script stops launchmc and
#     requeues the job itself). It must come back twice (Restarts=2), resume each time
#     ("resumed from"), end COMPLETED, and its file equal the single run's (Slurm holds a
#     requeued job for ~2 minutes: the test releases it with `scontrol update StartTime=now`);
#   - mpi_run.sbatch, when `launchmc --version` says MPI yes: COMPLETED, equal to the single run;
#     otherwise the test says it was skipped.
# Job states and restarts come from `scontrol show job` (no accounting database, so no sacct:
# MinJobAge keeps finished jobs for an hour), the preemption also from Slurm's job completion
# log (jobcomp/filetxt), the restarts and resumes from the job's output.
#
#   tests/slurm/run_slurm_examples.sh LAUNCHMC_BINARY SOURCE_DIR
# Needs root, slurm-wlm and munge (exit 77, ctest's skip, otherwise). KEEP=1 keeps the scratch
# folder (configuration, daemon logs, job outputs, run files). Every wait has a timeout.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
t0=$(date +%s.%N)

if [ $# -ne 2 ]; then
  echo "usage: $0 LAUNCHMC_BINARY SOURCE_DIR" >&2
  exit 2
fi
binary=$(realpath "$1")
source_dir=$(realpath "$2")
examples=$source_dir/scripts/slurm
compare=$source_dir/tests/cli/compare_run_files.py
python=/usr/bin/python3 # Debian's, with h5py

skip() {
  echo "slurm_examples: SKIPPED: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (it starts its own slurmctld, slurmd and munged)"
for cmd in slurmctld slurmd sbatch scontrol scancel squeue sinfo munged munge unmunge; do
  command -v "$cmd" >/dev/null || skip "$cmd not found: apt-get install slurm-wlm munge"
done
[ -r /etc/munge/munge.key ] || skip "no /etc/munge/munge.key (apt-get install munge creates it)"
[ -x "$binary" ] || {
  echo "slurm_examples: no binary $binary" >&2
  exit 1
}

# The run every example must reproduce: 375 blocks of 16 samples, long enough (~10 s on 2 cores)
# for the two stops of the pre-emptible job to land mid-run, a checkpoint commit every 0.5 s (a
# commit after every block, --checkpoint-every 0, makes this run 3-4 times slower).
config=$source_dir/configs/hwasong18_2023.yaml
n=6000
seed=11
block=16

fail() {
  echo "slurm_examples: FAILED: $*" >&2
  exit 1
}
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "slurm_examples: [$(elapsed) s] $*"; }

scratch=$(mktemp -d /tmp/launchmc-slurm.XXXXXX)
started_munge=""
# A process that has ended may stay a zombie for a while (where init is slow to reap): ended too.
alive() {
  local st
  st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}
cleanup() {
  local status=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$scratch/slurmctld.pid" ]; then
    # Jobs first (their processes outlive slurmd), then the daemons.
    local jobs
    if mapfile -t jobs < <(timeout 10 squeue -h -o %A 2>/dev/null) && [ ${#jobs[@]} -gt 0 ]; then
      timeout 10 scancel --quiet "${jobs[@]}" 2>/dev/null
      for _ in $(seq 50); do
        [ -z "$(timeout 10 squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  for pidfile in "$scratch/slurmd.pid" "$scratch/slurmctld.pid" $started_munge; do
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do
      alive "$pid" || break
      sleep 0.2
    done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
  done
  if [ $status -ne 0 ] && [ $status -ne 77 ]; then
    for log in "$scratch"/*.out "$scratch"/jobs/*.out "$scratch"/slurmctld.log "$scratch"/slurmd.log; do
      [ -f "$log" ] || continue
      echo "---- last lines of $log"
      tail -n 25 "$log"
    done
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "slurm_examples: scratch kept in $scratch"
  else
    rm -rf "$scratch"
  fi
  echo "slurm_examples: wall time $(elapsed) s"
  exit $status
}
trap cleanup EXIT

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${limit} s waiting for $what"
    sleep 0.25
  done
}

# ---- munge: start munged as the munge user unless one answers already.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- munged
  started_munge=/run/munge/munged.pid
  wait_for 10 "munged" bash -c 'munge -n 2>/dev/null | unmunge >/dev/null 2>&1'
fi

# ---- slurm.conf in the scratch folder; free ports (another Slurm may be running).
free_port() {
  local p=$1
  command -v ss >/dev/null || {
    echo "$p"
    return
  }
  while ss -Htln "sport = :$p" | grep -q . || ss -Htln "sport = :$((p + 1))" | grep -q .; do
    p=$((p + 2))
  done
  echo "$p"
}
port=$(free_port 16817)
host=$(hostname -s)
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/jobs"
cat >"$scratch/slurm.conf" <<EOF
ClusterName=launchmc-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SchedulerType=sched/backfill
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
ReturnToService=2
MinJobAge=3600
KillWait=30
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$scratch/jobcomp.log
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=batch Nodes=$host Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=$host MaxTime=INFINITE State=UP PriorityTier=2
EOF
export SLURM_CONF=$scratch/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
node_idle() { [ "$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1)" = idle ]; }
wait_for 30 "node $host idle (sinfo)" node_idle
say "private Slurm up: $(sinfo -h -o '%P %T %C' | tr '\n' ' ')(conf $SLURM_CONF)"

# ---- jobs: state, restarts.
job_field() { # JOBID FIELD: the field of every line of `scontrol show job -o` (one per array task)
  scontrol show job -o "$1" 2>/dev/null | grep -o "\<$2=[^ ]*" | cut -d= -f2-
}
final_state() { # terminal states, PREEMPTED excepted (a preempted job here is requeued)
  case $1 in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE) return 0 ;; esac
  return 1
}
all_final() { # JOBID EXPECTED_LINES
  local states n=0 s
  states=$(job_field "$1" JobState)
  for s in $states; do
    final_state "$s" || return 1
    n=$((n + 1))
  done
  [ "$n" -eq "$2" ]
}
expect_completed() { # JOBID LINES WHAT
  local s
  for s in $(job_field "$1" JobState); do
    [ "$s" = COMPLETED ] || {
      scontrol show job "$1" >&2
      fail "$3: job $1 ended $s, not COMPLETED"
    }
  done
  say "$3: job $1: $(job_field "$1" JobState | sort | uniq -c | tr -s ' \n' ' ')(scontrol show job)"
}
compare_with_single() { # FILE WHAT [--ignore-attribute NAME ...]
  local file=$1 what=$2
  shift 2
  "$python" "$compare" "$single" "$file" --ignore-attribute created_utc \
    --ignore-attribute elapsed_s --ignore-attribute samples_per_s "$@" ||
    fail "$what: $file differs from the single run $single"
  say "$what: $(basename "$file") equals the single run (compare_run_files.py${*:+ $*})"
}
root_attribute() { # FILE NAME
  "$python" -c 'import sys, h5py; print(h5py.File(sys.argv[1], "r").attrs[sys.argv[2]])' "$1" "$2"
}
export LAUNCHMC=$binary

# ---- the single run every example must reproduce (directly, not through Slurm). Without -j,
# as `merge` records it (threads_requested 0: all cores).
single=$scratch/single.h5
timeout 300 "$binary" run "$config" -n "$n" --seed "$seed" --block-size "$block" -o "$single" \
  >"$scratch/single.out" 2>"$scratch/single.err" || {
  cat "$scratch/single.err" >&2
  fail "the single run failed"
}
say "single run: $n samples of $(basename "$config"), seed $seed, blocks of $block"

# ---- 1. job array of 2 shards + dependent merge (submit_array.sh).
cd "$scratch/jobs"
SEED=$seed BLOCK_SIZE=$block bash "$examples/submit_array.sh" "$config" "$n" 2 "$scratch/shards" \
  --cpus-per-task=1 --mem=500M --time=10:00 | tee "$scratch/submit_array.out"
array_id=$(sed -n 's/^array job \([0-9]*\) .*/\1/p' "$scratch/submit_array.out")
merge_id=$(sed -n 's/^merge job \([0-9]*\) .*/\1/p' "$scratch/submit_array.out")
if [ -z "$array_id" ] || [ -z "$merge_id" ]; then fail "submit_array.sh printed no job ids"; fi
[ "$(job_field "$merge_id" Dependency)" = "afterok:${array_id}_*(unfulfilled)" ] ||
  [ "$(job_field "$merge_id" Dependency)" = "(null)" ] ||
  fail "merge job $merge_id: dependency $(job_field "$merge_id" Dependency), not afterok on $array_id"
wait_for 120 "array job $array_id (2 tasks)" all_final "$array_id" 2
wait_for 60 "merge job $merge_id" all_final "$merge_id" 1
expect_completed "$array_id" 2 "array_shards.sbatch"
expect_completed "$merge_id" 1 "merge.sbatch"
compare_with_single "$scratch/shards/all.h5" "array + merge"

# ---- 2. pre-emptible job: a real preemption, then the time-limit warning, then the end.
out=$scratch/preemptible.h5
checkpoint=$out.checkpoint
chunks() { find "$checkpoint" -maxdepth 1 -name '*.h5' 2>/dev/null | wc -l; }
more_chunks_than() { [ "$(chunks)" -gt "$1" ]; }
job_running() { [ "$(job_field "$1" JobState)" = RUNNING ]; }
restarts_at_least() { [ "$(job_field "$1" Restarts)" -ge "$2" ] 2>/dev/null; }
# Slurm 22.05 holds a requeued job for ~2 minutes (EligibleTime = requeue + 121 s: Reason
# BeginTime); release it at once, as an administrator may (`scontrol update ... StartTime=now`).
# Only once the node is free again (its earlier start wholly ended): released while slurmd still
# ends that start, the job is refused at launch ("Job N already killed, do not launch batch
# job") and ends FAILED; seen about once in five runs before this wait.
release() {
  wait_for 30 "job $1 pending after its requeue" job_pending "$1"
  wait_for 30 "the node free of job $1's earlier start" node_free
  sleep 2
  scontrol update JobId="$1" StartTime=now
}
job_pending() { [ "$(job_field "$1" JobState)" = PENDING ]; }
node_free() { scontrol -o show node | grep -q ' CPUAlloc=0 '; }
pre_id=$(CONFIG=$config N=$n SEED=$seed BLOCK_SIZE=$block OUT=$out CHECKPOINT_EVERY=0.5 \
  sbatch --parsable --partition=batch --cpus-per-task=2 --mem=500M --time=10:00 \
  --output="$scratch/preemptible.out" "$examples/preemptible.sbatch")
pre_id=${pre_id%%;*}
wait_for 60 "job $pre_id running" job_running "$pre_id"
wait_for 60 "a first checkpoint chunk of job $pre_id" more_chunks_than 0
had=$(chunks)
# The urgent job needs both cores: the scheduler preempts the pre-emptible one (REQUEUE).
# shellcheck disable=SC2016 # $(hostname) is for the job's shell
urgent_id=$(sbatch --parsable --partition=urgent --cpus-per-task=2 --mem=100M --time=5:00 \
  --output="$scratch/urgent.out" --wrap 'echo urgent job ran on "$(hostname -s)"')
urgent_id=${urgent_id%%;*}
say "preemptible: job $pre_id has $had checkpoint chunk(s); submitted urgent job $urgent_id"
wait_for 60 "job $pre_id requeued by the preemption" restarts_at_least "$pre_id" 1
wait_for 60 "urgent job $urgent_id" all_final "$urgent_id" 1
expect_completed "$urgent_id" 1 "urgent (preempting) job"
release "$pre_id"
wait_for 60 "job $pre_id running again" job_running "$pre_id"
had=$(chunks)
wait_for 60 "a new checkpoint chunk after the restart" more_chunks_than "$had"
# What --signal=B:USR1@SECONDS sends before the time limit: SIGUSR1 to the batch shell only.
scancel --batch --signal=USR1 "$pre_id"
say "preemptible: job $pre_id has $(chunks) chunk(s); sent the time-limit warning (SIGUSR1 to the batch shell)"
wait_for 60 "job $pre_id requeued by its script" restarts_at_least "$pre_id" 2
release "$pre_id"
wait_for 120 "job $pre_id" all_final "$pre_id" 1
expect_completed "$pre_id" 1 "preemptible.sbatch"
[ "$(job_field "$pre_id" Restarts)" = 2 ] ||
  fail "job $pre_id: Restarts=$(job_field "$pre_id" Restarts), expected 2"
log=$scratch/preemptible.out
count() { grep -c -- "$1" "$log" || true; }
expect_lines() { # PATTERN COUNT WHAT
  [ "$(count "$1")" = "$2" ] || fail "$log: $(count "$1") lines '$1', expected $2: $3"
}
expect_lines '^preemptible: start ' 3 "three starts"
expect_lines 'there is no checkpoint' 1 "the first start starts from the first block"
expect_lines 'launchmc: resumed from ' 2 "the second and third starts resume"
expect_lines 'run interrupted by SIGTERM' 2 "launchmc stopped cleanly by each SIGTERM"
expect_lines 'DUE TO PREEMPTION' 1 "Slurm preempted the job"
expect_lines 'SIGTERM from Slurm' 1 "the preemption's SIGTERM reached the batch shell too"
expect_lines 'SIGUSR1 (time limit near)' 1 "the warning reached the batch shell"
expect_lines 'requeueing job' 1 "the script requeued the job after the warning"
expect_lines 'launchmc ended with status 0' 1 "the last start completed the run"
# The completion log records each end of the job: preempted, requeued (by its script: PENDING),
# completed.
records=$(grep -o "^JobId=$pre_id .*JobState=[A-Z]*" "$scratch/jobcomp.log" | sed 's/.*JobState=//' | tr '\n' ' ')
[ "$records" = "PREEMPTED PENDING COMPLETED " ] ||
  fail "job completion log: job $pre_id ended '$records', expected 'PREEMPTED PENDING COMPLETED '"
grep -- 'preemptible: \|resumed from\|interrupted by\|no checkpoint\|DUE TO' "$log" | sed 's/^/    /'
say "preemptible: job $pre_id Restarts=2; job completion log: $records"
# The job ran -j $SLURM_CPUS_PER_TASK (2), which the file records (threads_requested, and threads
# used): the attributes of how it ran that may differ from the single run's (-j 0: every core).
for attr in threads_requested threads; do
  [ "$(root_attribute "$out" $attr)" = 2 ] ||
    fail "$out: $attr $(root_attribute "$out" $attr), not 2 (--cpus-per-task=2 -> -j 2)"
done
compare_with_single "$out" "preemptible.sbatch" --ignore-attribute threads_requested \
  --ignore-attribute threads
[ ! -e "$checkpoint" ] || fail "the checkpoint $checkpoint was left after the run completed"

# ---- 3. MPI, if this launchmc has it.
mpi=$("$binary" --version 2>&1 | awk '{
  i = match($0, /(^|[^A-Za-z])MPI([^A-Za-z]|$)/)
  if (i) {
    rest = substr($0, RSTART + RLENGTH - 1)
    if (match(rest, /(^|[^A-Za-z])(yes|no)([^A-Za-z]|$)/)) {
      w = substr(rest, RSTART, RLENGTH); gsub(/[^a-z]/, "", w); print w; exit
    }
  }
}')
if [ "$mpi" = yes ]; then
  command -v mpirun >/dev/null || fail "launchmc has MPI but there is no mpirun (apt-get install openmpi-bin)"
  mpi_id=$(CONFIG=$config N=$n SEED=$seed BLOCK_SIZE=$block OUT=$scratch/mpi.h5 \
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    sbatch --parsable --ntasks=2 --cpus-per-task=1 --mem-per-cpu=250M --time=10:00 \
    --output="$scratch/mpi.out" "$examples/mpi_run.sbatch")
  mpi_id=${mpi_id%%;*}
  wait_for 120 "MPI job $mpi_id" all_final "$mpi_id" 1
  expect_completed "$mpi_id" 1 "mpi_run.sbatch"
  # Ranks of -j 1 (threads, threads_requested: how it ran, not what).
  compare_with_single "$scratch/mpi.h5" "mpi_run.sbatch (2 ranks)" \
    --ignore-attribute threads_requested --ignore-attribute threads
else
  echo "mpi_run.sbatch: SKIPPED: this launchmc was built without MPI" \
    "(\`$binary --version\` does not say MPI yes)"
fi

say "all Slurm examples passed"
