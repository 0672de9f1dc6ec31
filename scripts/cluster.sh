#!/usr/bin/env bash
# A local 3-node ActorWs cluster on 127.0.0.1, for trying clustering out.
#
#   scripts/cluster.sh                       # HTTP 8091-8093, remoting 4091-4093
#   scripts/cluster.sh --http-ports 0,0,0 --cluster-ports 0,0,0   # free ports, read back from the nodes
#   scripts/cluster.sh -- --logging:level=debug                   # anything after -- goes to every node
#
# Builds the server (Release) unless --dll or ACTORWS_DLL names a built ActorWs.dll, starts node 1, which founds the
# cluster, then nodes 2 and 3 with node 1 as their seed (--cluster-seed), waits until every node's GET /cluster shows
# three Up members (at most --timeout seconds), prints the URLs, and keeps running. Ctrl+C (SIGINT), SIGTERM or SIGHUP
# stops all three the way a supervisor would (SIGTERM: drain, leave the cluster, exit), reports each exit code and exits
# 0 when all three exited 0. If a node fails to start, or stops on its own, the others are stopped and the exit is 1.
# Each node logs to its own file in a temporary folder, named in the output.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
http_ports=(8091 8092 8093)
cluster_ports=(4091 4092 4093)
dll=${ACTORWS_DLL:-}
timeout=90
extra=()

die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 2; }

split_ports() { # "a,b,c" -> three ports, each 0-65535
  local IFS=,; local -a ports=($1)
  [ ${#ports[@]} -eq 3 ] || die "$2 takes three ports, such as 8091,8092,8093 (0 picks a free one), got $1"
  for p in "${ports[@]}"; do [[ $p =~ ^[0-9]+$ ]] && [ "$p" -le 65535 ] || die "$2: $p is not a port"; done
  printf '%s\n' "${ports[@]}"
}

while [ $# -gt 0 ]; do
  case $1 in
    --http-ports) [ $# -ge 2 ] || die "--http-ports needs a value"; mapfile -t http_ports < <(split_ports "$2" --http-ports) || exit 2; shift 2 ;;
    --cluster-ports) [ $# -ge 2 ] || die "--cluster-ports needs a value"; mapfile -t cluster_ports < <(split_ports "$2" --cluster-ports) || exit 2; shift 2 ;;
    --dll) [ $# -ge 2 ] || die "--dll needs a path"; dll=$2; shift 2 ;;
    --timeout) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--timeout takes seconds"; timeout=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[ ${#http_ports[@]} -eq 3 ] && [ ${#cluster_ports[@]} -eq 3 ] || exit 2
command -v curl >/dev/null || die "curl is needed to ask the nodes' /cluster (apt-get install curl)"
command -v dotnet >/dev/null || die "the .NET SDK is needed (dotnet on PATH)"

if [ -z "$dll" ]; then
  echo "Building the server (dotnet build -c Release src/ActorWs)..."
  dotnet build "$root/src/ActorWs" -c Release -nologo -v quiet >/dev/null || die "the build failed (run dotnet build -c Release src/ActorWs to see why)"
  dll="$root/src/ActorWs/bin/Release/net10.0/ActorWs.dll"
fi
[ -f "$dll" ] || die "no ActorWs.dll at $dll"

logs=$(mktemp -d "${TMPDIR:-/tmp}/actorws-cluster.XXXXXX")
pids=()
urls=()
addresses=()
stopping=0

# Stops every node still running: SIGTERM (graceful: drain, leave, exit), then SIGKILL after 60 s. Prints each exit code;
# returns 0 when every node exited 0. Runs once, whichever way the script ends.
stop_all() {
  [ $stopping -eq 0 ] || return "${stop_status:-0}"
  stopping=1
  trap '' INT TERM HUP
  local pid i status=0 code
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for i in "${!pids[@]}"; do
    pid=${pids[$i]}
    for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "node$((i + 1)) (pid $pid) did not stop within 60 s: killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null; code=$?
    echo "node$((i + 1)) (pid $pid) exited with $code"
    [ "$code" -eq 0 ] || status=1
  done
  stop_status=$status
  return $status
}

fail() {
  echo "cluster.sh: $*" >&2
  local i
  local err
  for i in "${!pids[@]}"; do
    # A node's own one-line error first: the runtime's shutdown lines that follow it could push it out of the tail.
    err=$(grep -m1 '^ActorWs: ' "$logs/node$((i + 1)).log" 2>/dev/null) && echo "node$((i + 1)): $err" >&2
    echo "--- last lines of node$((i + 1)).log:" >&2
    tail -n 15 "$logs/node$((i + 1)).log" >&2
  done
  stop_all
  exit 1
}

trap 'echo; echo "Stopping the cluster..."; stop_all; exit $?' INT TERM HUP
trap 'stop_all >/dev/null 2>&1' EXIT

# Starts node N (1-based) with the given extra arguments; its log goes to node<N>.log.
start_node() {
  local n=$1; shift
  dotnet "$dll" --config "$root/hocon.conf" --host 127.0.0.1 --port "${http_ports[$((n - 1))]}" \
    --akka:actor:provider=cluster --cluster-host 127.0.0.1 --cluster-port "${cluster_ports[$((n - 1))]}" \
    "$@" "${extra[@]}" >"$logs/node$n.log" 2>&1 &
  pids+=($!)
}

deadline=$((SECONDS + timeout))

# Waits for node N's startup line and records its HTTP URL (the port it really bound, also when it was 0).
wait_for_url() {
  local n=$1 line
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "${pids[$((n - 1))]}" 2>/dev/null || fail "node$n exited while starting"
    line=$(grep -m1 -o 'listening on http://127\.0\.0\.1:[0-9]*/' "$logs/node$n.log" 2>/dev/null) && {
      urls[$((n - 1))]=${line#listening on }
      return 0
    }
    sleep 0.2
  done
  fail "node$n did not start listening within ${timeout} s"
}

# Waits until node N's /cluster shows it Up with exactly UP members, all Up and none unreachable.
wait_until_up() {
  local n=$1 up=$2 json
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "${pids[$((n - 1))]}" 2>/dev/null || fail "node$n exited"
    json=$(curl -s --max-time 2 "${urls[$((n - 1))]}cluster") || json=
    if [[ $json == *'"membersByStatus":{"up":'$up'}'* && $json == *'"unreachable":[]'* && $json == *'"self":{"address":"'*'","status":"up"'* ]]; then
      addresses[$((n - 1))]=$(sed -E 's/.*"self":\{"address":"([^"]*)".*/\1/' <<<"$json")
      return 0
    fi
    sleep 0.3
  done
  fail "node$n did not see $up Up members within ${timeout} s (last /cluster: ${json:-no answer})"
}

echo "Starting a 3-node ActorWs cluster on 127.0.0.1 (logs in $logs)..."
started=$SECONDS
start_node 1
wait_for_url 1
wait_until_up 1 1
seed=${addresses[0]#*@}
start_node 2 --cluster-seed "$seed"
start_node 3 --cluster-seed "$seed"
wait_for_url 2
wait_for_url 3
for n in 1 2 3; do wait_until_up "$n" 3; done

echo "ActorWs cluster of 3 nodes is Up (in $((SECONDS - started)) s):"
for i in 0 1 2; do
  ws=${urls[$i]/http:/ws:}
  echo "  node$((i + 1))  ${urls[$i]}  ${ws}ws  ${urls[$i]}cluster  ${addresses[$i]}  (pid ${pids[$i]}, log $logs/node$((i + 1)).log)"
done
echo "Press Ctrl+C to stop all three."

# Until a signal (the trap stops the nodes) or a node stops on its own.
while true; do
  wait -n "${pids[@]}"
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || fail "node$((i + 1)) (pid ${pids[$i]}) stopped on its own"
  done
done
