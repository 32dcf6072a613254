#!/bin/sh
# mkcorpus.sh - regenerate the seed corpora of the fuzz targets in
# tests/fuzz/corpus (make fuzz-corpus). The seeds are small on purpose: a
# fuzzer mutates short inputs much faster.
#
#   mkcorpus.sh SRCDIR UKERN MKSEEDS
#
# scenario  the shipped scenarios, tests/bad and tests/api
# decl      declaration choices (mkseeds)
# trace     real runs of the shipped scenarios (cut short in simulated time
#           with --until where the whole run is over 8 KiB), a deadlock, LRPC
#           A-stacks, shared segments with a restricted handle, a trace cut
#           inside its records, and one record of every kind (mkseeds)
# marshal   messages as marshal_encode writes them (mkseeds)
# wire      RPC requests, replies and Lua values as the stubs write them (mkseeds)
# units     durations, drifts, offsets, sizes and job programs as people
#           write them, and two followed by a NUL and the clock's numbers
#           (mkseeds)
#
# The regression inputs (tests/fuzz/regress) are not touched.
set -eu
src=$1
ukern=$2
mkseeds=$3
corpus=$src/tests/fuzz/corpus
max=8192

rm -rf "$corpus"
mkdir -p "$corpus/scenario" "$corpus/trace" "$corpus/units"
"$mkseeds" "$corpus"

for f in "$src"/scenarios/*.lua "$src"/tests/bad/*.lua "$src"/tests/api/*.lua; do
	dir=$(basename "$(dirname "$f")")
	cp "$f" "$corpus/scenario/$dir-$(basename "$f")"
done

# trace_run NAME ARGS...: a trace of ukern run ARGS, kept when small enough.
trace_run() {
	name=$1
	shift
	out=$corpus/trace/$name.uktrace
	"$ukern" run "$@" --trace "$out" --quiet --stats json >/dev/null 2>&1 || true
	if [ -f "$out" ] && [ "$(wc -c <"$out")" -gt "$max" ]; then
		rm -f "$out"
	fi
	[ -f "$out" ]
}

for s in "$src"/scenarios/*.lua; do
	b=$(basename "$s" .lua)
	trace_run "$b" "$s" && continue
	for until in 50ms 20ms 10ms 5ms 2ms; do
		trace_run "$b-$until" "$s" --until "$until" && break
	done
done
trace_run nested-deadlock "$src/scenarios/nested-servers.lua" --set deadlock=true
trace_run many-to-many "$src/scenarios/thread-models.lua" --set model=many-to-many || true
trace_run two-nodes-loss "$src/scenarios/two-nodes-rpc.lua" --set part=loss --until 120ms || true
trace_run migration-small "$src/scenarios/migration.lua" --set pages=4 --set iterations=5 \
	--set at=5ms || true
# LRPC A-stacks (page_frame), a fork of their client, a crash of their server
trace_run lrpc-astack "$src/tests/api/astack.lua" || true
# shared segments (shm_new, shm_frame, shm_map, shm_unmap) and a restricted
# handle (shm_restrict), a protection fault through it, a fork of its mapper
trace_run shm-restrict "$src/tests/api/shm_restrict_fault.lua" || true
if [ -f "$corpus/trace/hello.uktrace" ]; then
	n=$(wc -c <"$corpus/trace/hello.uktrace")
	head -c $((n / 2)) "$corpus/trace/hello.uktrace" >"$corpus/trace/hello-cut.uktrace"
fi

i=0
for u in 250ns 5us 10ms 2s 1.5 0.000000001s 18446744073709551615ns 18446744073709.551615s \
	-1.5ms +3ms 50us/s -20ppm 300ppb 0 1.5ppm 1us/ms -999999us/s \
	1280x720 480X320 8192x8192 c3,i,c1 c100000 i,i; do
	printf '%s' "$u" >"$corpus/units/$i"
	i=$((i + 1))
done
