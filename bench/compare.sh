#!/usr/bin/env bash
# compare.sh - ukern's host speed next to its peers (SimGrid, GNU Pth, glibc ucontext, Linux
# pipes and futexes) and the floor of a simcall design (bench/floor.c: a minimal kernel loop,
# 4 switches and two 32-byte copies per round trip), measured in one go on this machine and
# printed side by side as ratios.
#
# usage: bench/compare.sh [N]        N peer round trips (default 200000; pipe and futex get N/5)
# env:   UKERN  the ukern binary (default ./ukern)
#        PEERS  the peer sources (default ../shared/peers beside this checkout)
#        REPS   rounds (default 3): each round runs ukern bench once and every peer once, so
#               that all of them share the machine's conditions; every figure is the median over
#               the rounds (and ukern bench's own figure is already a median of 5)
#        QUICK  1: run "ukern bench --quick"
# The peers are built with the compile lines of $PEERS/run.sh; a peer whose library is missing
# is skipped. Needs no network; writes only inside one mktemp directory, removed at the end.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS=${PEERS:-$(cd "$HERE/../.." && pwd)/shared/peers}
UKERN=${UKERN:-./ukern}
N=${1:-200000}
REPS=${REPS:-3}
QUICK=${QUICK:-0}
CF=(-O2 -Wall -Wextra)   # as in run.sh

case "$N$REPS" in
*[!0-9]*) echo "compare.sh: N and REPS must be positive integers" >&2; exit 2 ;;
esac
N=$((10#$N)) REPS=$((10#$REPS))   # "08" is decimal here
if [ "$N" -lt 5 ] || [ "$REPS" -lt 1 ]; then
  echo "compare.sh: N must be at least 5 and REPS at least 1" >&2
  exit 2
fi
if [ ! -x "$UKERN" ]; then
  echo "compare.sh: no ukern binary at '$UKERN' (build it, or set UKERN)" >&2
  exit 2
fi
B=$(mktemp -d "${TMPDIR:-/tmp}/ukern-compare.XXXXXX") || exit 1
trap 'rm -rf "$B"' EXIT
trap 'exit 130' INT TERM
# A private copy: others may rebuild ./ukern while this runs.
cp "$UKERN" "$B/ukern" || exit 1

note() { echo "# $*" >&2; }

# build NAME COMPILER SOURCE [FLAGS...]: compile one peer into $B, or say why not.
build() {
  local name=$1 cc=$2 src=$PEERS/$3
  shift 3
  if [ ! -f "$src" ]; then
    note "skip $name: $src not found"
  elif ! "$cc" "${CF[@]}" -o "$B/$name" "$src" "$@" 2>"$B/$name.log"; then
    note "skip $name: build failed ($(head -c 200 "$B/$name.log" | tr '\n' ' '))"
    rm -f "$B/$name"
  fi
}

# The flags of pth-config and pkg-config are split into words on purpose.
# shellcheck disable=SC2046
build_peers() {
  build ucontext-swap gcc ucontext/swap.c
  build osipc-pipe gcc osipc/pipe.c
  build osipc-threads gcc osipc/threads.c -pthread
  if command -v pth-config >/dev/null; then
    build pth-pingpong gcc pth/pingpong.c $(pth-config --cflags --ldflags --libs)
    build pth-yield gcc pth/yield.c $(pth-config --cflags --ldflags --libs)
  else
    note "skip GNU Pth: pth-config not found (apt-get install libpth-dev)"
  fi
  if pkg-config --exists simgrid 2>/dev/null; then
    build simgrid-pingpong g++ simgrid/pingpong.cpp $(pkg-config --cflags --libs simgrid)
    build simgrid-spawn g++ simgrid/spawn.cpp $(pkg-config --cflags --libs simgrid)
  else
    note "skip SimGrid: pkg-config simgrid not found (apt-get install libsimgrid-dev)"
  fi
}

# median of the numbers on stdin (empty when none)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# peer FILE KEY PROG ARGS...: run a built peer once; append KEY= of its RESULT line to $B/FILE.
peer() {
  local file=$1 key=$2 prog=$3 out
  shift 3
  [ -x "$B/$prog" ] || return 0
  note "run $prog $*"
  # $PIN unquoted on purpose: empty, or "taskset -c 0"
  out=$($PIN "$B/$prog" "$@" 2>/dev/null | grep '^RESULT') || { note "$prog failed"; return 0; }
  tr ' ' '\n' <<<"$out" | sed -n "s/^$key=//p" >>"$B/$file"
}

# ukern_round: run ukern bench once; append each figure to $B/<key>.
ukern_round() {
  local k
  note "run ukern bench --json$([ "$QUICK" = 1 ] && echo ' --quick')"
  # shellcheck disable=SC2046  # no argument, or --quick
  "$B/ukern" bench --json $([ "$QUICK" = 1 ] && echo --quick) >"$B/ukern.json" || return 1
  for k in roundtrip_c_ns roundtrip_lua_ns roundtrip_lua_tables_ns switch_c_ns switch_lua_ns roundtrip_c_n \
           roundtrip_lua_n roundtrip_lua_tables_n switch_c_n switch_lua_n rpc_call_lua_ns lrpc_null_ns cow_fault_ns \
           thread_create_c_ns thread_create_lua_ns thread_create_c_cpu_ns thread_create_lua_cpu_ns \
           thread_c_rss_bytes thread_lua_rss_bytes threads_1m_lua_rss_bytes \
           trace_overhead_ratio trace_overhead_c_ratio evq_1000000_ns viewer_frame_cpu_ns; do
    sed -n "s/.*\"$k\": \\([0-9.]*\\).*/\\1/p" "$B/ukern.json" | head -1 >>"$B/$k"
  done
}

# fig FILE: the median of the figures gathered in $B/FILE (empty when none).
fig() { [ -f "$B/$1" ] && median <"$B/$1"; }

# spread FILE: "min-max" of those figures, to show how noisy the rounds were.
spread() { [ -f "$B/$1" ] && sort -g "$B/$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%g-%g", lo, hi }'; }

# row LABEL PEER_NS UKERN_KEY TARGET: one line of the table (TARGET: minimum ratio, or "-").
row() {
  local label=$1 peer=$2 key=$3 target=$4 u
  u=$(fig "${key}_ns")
  if [ -z "$peer" ] || [ -z "$u" ]; then
    printf '  %-44s %10s  %-20s %10s\n' "$label" "skipped" "$key" "-"
    return
  fi
  awk -v l="$label" -v p="$peer" -v k="$key" -v u="$u" -v t="$target" 'BEGIN {
    r = p / u
    v = t == "-" ? "" : (r >= t ? sprintf("target >= %gx: met", t) : sprintf("target >= %gx: MISSED", t))
    printf "  %-44s %10.1f  %-20s %10.1f %8.1fx  %s\n", l, p, k, u, r, v }'
}

# own LABEL KEY BOUND: ukern's own figure, against an upper bound in ns ("-": none).
own() {
  awk -v l="$1" -v u="$(fig "$2_ns")" -v n="$(fig "$2_n")" -v t="$3" 'BEGIN {
    if (u == "") { printf "  %-56s %10s\n", l, "missing"; exit }
    v = t == "-" ? "" : sprintf("bound %g ns: %s (%.2fx the bound)", t, u <= t ? "met" : "MISSED", u / t)
    printf "  %-56s %10.1f  n=%-9s %s\n", l, u, n, v }'
}

PIN=
[ -d "$PEERS" ] || note "no peers at $PEERS (set PEERS): only ukern's own figures"
[ -d "$PEERS" ] && build_peers
# The floor of a simcall design is ukern's own program, built the way the peers are.
if ! gcc "${CF[@]}" -o "$B/floor" "$HERE/floor.c" 2>"$B/floor.log"; then
  note "skip the floor: $(head -c 200 "$B/floor.log" | tr '\n' ' ')"
  rm -f "$B/floor"
fi

TASKSET=
command -v taskset >/dev/null && TASKSET="taskset -c 0"
for round in $(seq "$REPS"); do
  note "round $round of $REPS"
  if ! ukern_round; then
    echo "compare.sh: ukern bench failed" >&2
    exit 1
  fi
  PIN=
  peer sg_rt ns_per_roundtrip simgrid-pingpong "$N" 2hosts --cfg=contexts/factory:raw
  peer pth_rt ns_per_roundtrip pth-pingpong "$N" wait
  peer pth_yield ns_per_yield pth-yield "$N"
  peer uc_switch ns_per_switch ucontext-swap "$N"
  peer floor_rt ns_per_roundtrip floor $((N * 50))
  peer sg_spawn ns_per_op simgrid-spawn 10000 sleep --cfg=contexts/stack-size:64
  peer sg_spawn_kib rss_after_create_delta_kib simgrid-spawn 10000 sleep --cfg=contexts/stack-size:64
  PIN=$TASKSET
  peer pipe_rt ns_per_roundtrip osipc-pipe $((N / 5))
  peer futex_rt ns_per_roundtrip osipc-threads futex $((N / 5))
done
SG_SPAWN=$(fig sg_spawn)
SG_ACTOR_BYTES=$(awk -v k="$(fig sg_spawn_kib)" 'BEGIN { if (k != "") printf "%.0f", k * 1024 / 10000 }')
SG_RT=$(fig sg_rt) PTH_RT=$(fig pth_rt) PTH_YIELD=$(fig pth_yield) UC_SWITCH=$(fig uc_switch)
PIPE_RT=$(fig pipe_rt) FUTEX_RT=$(fig futex_rt) FLOOR_RT=$(fig floor_rt)

echo "ukern compared with its peers on $(uname -m), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$REPS rounds, medians over them; peers at N=$N (pipe, futex: N/5, pinned to CPU 0);"
echo "$("$B/ukern" --version): ukern bench$([ "$QUICK" = 1 ] && echo ' --quick') (each figure a median of 5)"
echo
echo "ukern's own figures (host ns per operation):"
own "round trip, C bodies (roundtrip_c)" roundtrip_c 200
own "round trip, Lua bodies (roundtrip_lua)" roundtrip_lua 1000
own "the same, a table each way (roundtrip_lua_tables)" roundtrip_lua_tables -
own "switch, C bodies (switch_c)" switch_c -
own "switch, Lua bodies (switch_lua)" switch_lua -
awk -v u="$(fig roundtrip_c_ns)" -v f="$FLOOR_RT" 'BEGIN {
  if (f == "") { printf "  %-56s %10s\n", "minimal kernel loop (bench/floor.c)", "skipped"; exit }
  printf "  %-56s %10.1f", "minimal kernel loop (bench/floor.c)", f
  if (u != "") printf "  roundtrip_c is %.1fx the floor: %s", u / f, u <= 10 * f ? "met (target within 10x)" : "MISSED (target within 10x)"
  printf "\n" }'
echo
printf '  %-44s %10s  %-20s %10s %9s\n' "peer (ns per round trip, or as stated)" "peer ns" "ukern figure" "ukern ns" "ratio"
row "SimGrid 3.32 mailbox ping-pong, raw ctx" "$SG_RT" roundtrip_c 25
row "SimGrid 3.32 mailbox ping-pong, raw ctx" "$SG_RT" roundtrip_lua 5
row "SimGrid 3.32 mailbox ping-pong, raw ctx" "$SG_RT" roundtrip_lua_tables -
row "GNU Pth message-port ping-pong" "$PTH_RT" roundtrip_c -
row "GNU Pth message-port ping-pong" "$PTH_RT" roundtrip_lua -
row "Linux pipe ping-pong, one core" "$PIPE_RT" roundtrip_c -
row "Linux futex ping-pong, one core" "$FUTEX_RT" roundtrip_c -
row "glibc swapcontext, per switch" "$UC_SWITCH" switch_c -
row "GNU Pth pth_yield, per yield" "$PTH_YIELD" switch_c -
row "GNU Pth pth_yield, per yield" "$PTH_YIELD" switch_lua -
row "SimGrid: create and run one actor" "$SG_SPAWN" thread_create_c -
row "SimGrid: create and run one actor" "$SG_SPAWN" thread_create_lua -
echo "  ratio = peer ns / ukern ns: how many times faster ukern is (below 1: slower)."
echo
echo "memory and scale (ukern bench's scale figures; SimGrid's actor from its spawn benchmark):"
for k in thread_c_rss_bytes thread_lua_rss_bytes threads_1m_lua_rss_bytes thread_create_c_cpu_ns \
         thread_create_lua_cpu_ns trace_overhead_ratio trace_overhead_c_ratio evq_1000000_ns \
         viewer_frame_cpu_ns rpc_call_lua_ns lrpc_null_ns cow_fault_ns; do
  v=$(fig "$k")
  printf '  %-28s %14s\n' "$k" "${v:-missing}"
done
[ -n "$SG_ACTOR_BYTES" ] && printf '  %-28s %14s\n' "simgrid_actor_rss_bytes" "$SG_ACTOR_BYTES"
awk -v c="$(fig thread_c_rss_bytes)" -v l="$(fig threads_1m_lua_rss_bytes)" -v t="$(fig trace_overhead_ratio)" \
    -v tc="$(fig trace_overhead_c_ratio)" 'BEGIN {
  if (c != "") printf "  C thread at most 16 KiB resident: %s\n", c <= 16384 ? "met" : "MISSED"
  if (l != "") printf "  1M Lua threads under 4 GiB: %s\n", l < 4294967296 ? "met" : "MISSED"
  if (t != "") printf "  trace file at most 25%% extra (Lua round trips): %s\n", t <= 1.25 ? "met" : "MISSED"
  if (tc != "") printf "  trace file at most 25%% extra (C round trips): %s\n", tc <= 1.25 ? "met" : "MISSED" }'
echo
echo "spread over the rounds (min-max, ns):"
for f in roundtrip_c_ns roundtrip_lua_ns roundtrip_lua_tables_ns switch_c_ns switch_lua_ns floor_rt sg_rt pth_rt pth_yield uc_switch \
         pipe_rt futex_rt sg_spawn thread_create_c_ns thread_create_lua_ns; do
  [ -f "$B/$f" ] && printf '  %-18s %s\n' "$f" "$(spread "$f")"
done
