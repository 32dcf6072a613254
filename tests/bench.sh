#!/bin/sh
# bench.sh - "ukern bench" runs and reports every figure it promises. It
# checks the output's shape only: speed is measured by bench/compare.sh,
# never asserted in a test.
. "${top_srcdir:-.}/tests/lib.sh"

run 0 bench --quick --json &&
	for key in roundtrip_c_ns roundtrip_lua_ns switch_c_ns switch_lua_ns uswitch_lua_ns thread_lua_idle_bytes \
		cow_fault_lua_ns lrpc_lua_ns \
		sched_fifo_1000_ns sched_stcf_100000_ns sched_cfs_10000_ns sched_lottery_1000_ns; do
		expect_out "\"$key\": [0-9]+(\\.[0-9]+)?[,}]"
	done
run 0 bench --quick && expect_out 'round trip, C bodies' && expect_out '^  mlfq|^  stride' && expect_out 'switch, Lua bodies' && expect_out 'memory per idle Lua user thread' &&
	expect_out 'copy-on-write fault, Lua body' && expect_out 'LRPC call, Lua bodies'
run 2 bench --bogus && expect_err "unknown argument '--bogus'"
finish
