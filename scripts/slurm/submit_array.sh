#!/bin/bash
# Submits a sharded launchmc run: the job array of array_shards.sbatch (K tasks, shard i/K each)
# and merge.sbatch, which waits for every task to succeed (--dependency=afterok:<array id>) and
# merges the K shard files into OUT_DIR/all.h5. Prints the two job ids.
#
#   scripts/slurm/submit_array.sh CONFIG N K OUT_DIR [SBATCH_OPTION ...]
#   e.g. scripts/slurm/submit_array.sh configs/chollima1_2023.yaml 1000000 16 $PWD/mc \
#          --partition=batch --cpus-per-task=8
#
# The arguments may come from the environment instead (CONFIG, N, K, OUT_DIR; an argument wins),
# as may SEED (default 1), BLOCK_SIZE (default 256), MERGED (default all.h5) and LAUNCHMC (the
# binary; default `launchmc` on PATH). SBATCH_OPTIONs go to both submissions, after the scripts'
# own #SBATCH lines, so they override them (--cpus-per-task, --mem, --time, --partition, ...).
# Sizing (K, --cpus-per-task, --mem, --time): see the header of array_shards.sbatch and
# docs/cluster.md. K must not exceed ceil(N / BLOCK_SIZE).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 4 ]; then
  CONFIG=$1 N=$2 K=$3 OUT_DIR=$4
  shift 4
elif [ $# -gt 0 ] && [ -z "${CONFIG:-}" ]; then
  echo "usage: $0 CONFIG N K OUT_DIR [SBATCH_OPTION ...] (or CONFIG, N, K, OUT_DIR in the environment)" >&2
  exit 2
fi
for v in CONFIG N K OUT_DIR; do
  if [ -z "${!v:-}" ]; then
    echo "submit_array.sh: $v is not set (usage: $0 CONFIG N K OUT_DIR [SBATCH_OPTION ...])" >&2
    exit 2
  fi
done
case $K in
  '' | *[!0-9]* | 0)
    echo "submit_array.sh: K must be a whole number >= 1, not '$K'" >&2
    exit 2
    ;;
esac

# The jobs see this environment (sbatch's default --export=ALL).
export CONFIG N OUT_DIR SHARDS=$K
export SEED=${SEED:-1} BLOCK_SIZE=${BLOCK_SIZE:-256} MERGED=${MERGED:-all.h5}
export LAUNCHMC=${LAUNCHMC:-launchmc}
mkdir -p "$OUT_DIR"

# --parsable prints "jobid" or "jobid;cluster".
array_id=$(sbatch --parsable --array="0-$((K - 1))" "$@" "$here/array_shards.sbatch")
array_id=${array_id%%;*}
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" "$@" "$here/merge.sbatch")
merge_id=${merge_id%%;*}
echo "array job $array_id ($K shards of $CONFIG, -n $N --seed $SEED --block-size $BLOCK_SIZE -> $OUT_DIR/shard_*.h5)"
echo "merge job $merge_id (after every task of $array_id succeeds -> $OUT_DIR/$MERGED)"
