#!/bin/sh
# bench.sh - "ukern bench" runs and reports every figure it promises. It
# checks the output's shape only: speed is measured by bench/compare.sh,
# never asserted in a test.
. "${top_srcdir:-.}/tests/lib.sh"

run 0 bench --quick --json &&
	for key in roundtrip_c_ns roundtrip_lua_ns roundtrip_lua_tables_ns switch_c_ns switch_lua_ns uswitch_lua_ns thread_lua_idle_bytes \
		cow_fault_ns lrpc_null_ns rpc_call_lua_ns sleepers_lua_ns \
		thread_lua_rss_bytes thread_c_rss_bytes thread_create_lua_ns thread_create_c_ns \
		threads_1m_lua_rss_bytes threads_1m_lua_n evq_1000_ns evq_100000_ns evq_1000000_ns \
		trace_overhead_ratio trace_overhead_c_ratio trace_records threads_lua_n threads_c_n \
		sched_fifo_1000_ns sched_stcf_100000_ns sched_cfs_10000_ns sched_lottery_1000_ns; do
		expect_out "\"$key\": [0-9]+(\\.[0-9]+)?[,}]"
	done &&
	# a difference of two timings: on a busy host it can come out below zero
	expect_out '"trace_write_ns": -?[0-9]+(\.[0-9]+)?[,}]' &&
	# sanity, not speed: memory per thread is positive and below a megabyte, a trace
	# file does not make a run faster than half or slower than twenty times
	awk '/"thread_(lua|c)_rss_bytes"/ { split($0, a, ": "); v = a[2] + 0; if (v <= 0 || v > 1048576) bad = 1 }
	     /"trace_overhead_ratio"/ { split($0, a, ": "); v = a[2] + 0; if (v < 0.5 || v > 20) bad = 1 }
	     END { exit bad }' "$TMP/out" || fail "a scale figure is out of any sane range"
run 0 bench --quick && expect_out 'round trip, C bodies' && expect_out '^  mlfq|^  stride' && expect_out 'switch, Lua bodies' && expect_out 'memory per idle Lua user thread' &&
	expect_out 'copy-on-write fault, Lua body' && expect_out 'LRPC call, Lua bodies' &&
	expect_out 'n threads asleep' &&
	expect_out 'Lua thread: resident memory' && expect_out 'event queue: insert \+ pop'
# --big's million Lua threads: its scenario raises the limits a run of that
# size passes (250,000 threads, 1 GiB of Lua memory); a run just past the
# thread limit, in the child --big uses, shows it does.
run 0 bench --child lua-threads 260000 && expect_out '^marks [0-9]+ [0-9]+ '
run 2 bench --bogus && expect_err "unknown argument '--bogus'"
run 2 bench --only roundtrip_c --n 4 && expect_err "bench: --n 4: expected a whole number of at least 10"
run 2 bench --only roundtrip_c --n 1e5 && expect_err "bench: --n 1e5: expected a whole number"
run 1 bench --child nothing 10
finish
