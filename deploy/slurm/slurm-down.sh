#!/usr/bin/env bash
# deploy/slurm/slurm-down.sh [BASE_DIR] [--purge]   (BASE_DIR default /tmp/dkube-slurm)
# Stops the daemons started by slurm-up.sh, using only its PID files (each PID is
# checked against the expected command name first). Running/pending jobs are
# cancelled first so no slurmstepd is left behind. --purge also deletes BASE_DIR.
set -uo pipefail
BASE=${DKUBE_SLURM_DIR:-/tmp/dkube-slurm}; PURGE=0
for a in "$@"; do case "$a" in --purge) PURGE=1 ;; *) BASE=$a ;; esac; done
RUN=$BASE/run
export SLURM_CONF=$BASE/etc/slurm.conf
log() { echo "[dkube slurm-down] $*" >&2; }

alive() { local p; [ -s "$1" ] || return 1; p=$(cat "$1")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && [ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$2" ]; }
stop() { # pidfile comm
  if ! alive "$1" "$2"; then rm -f "$1"; return 0; fi
  local p; p=$(cat "$1"); log "stopping $2 (pid $p)"; kill "$p"
  for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || { rm -f "$1"; return 0; }; sleep 0.1; done
  log "$2 (pid $p) ignored SIGTERM, sending SIGKILL"; kill -9 "$p" 2>/dev/null; rm -f "$1"
}

if alive "$RUN/slurmctld.pid" slurmctld && [ -n "$(squeue -h -o %A 2>/dev/null)" ]; then
  log "cancelling remaining jobs"
  scancel $(squeue -h -o %A) 2>/dev/null
  for _ in $(seq 50); do [ -z "$(squeue -h -t R,CG -o %A 2>/dev/null)" ] && break; sleep 0.2; done
fi
stop "$RUN/slurmrestd.pid" slurmrestd
stop "$RUN/slurmd.pid" slurmd
stop "$RUN/slurmctld.pid" slurmctld
stop "$BASE/munge-run/munged.pid" munged
rm -f "$BASE/env.sh"   # its token points at a daemon that is gone
[ $PURGE = 1 ] && { log "removing $BASE"; rm -rf "${BASE:?}"; }
log "down"
