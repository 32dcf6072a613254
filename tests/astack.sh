#!/bin/sh
# astack.sh - the frames of LRPC A-stacks (doc/trace-format.md, kind 69
# page_frame; doc/viewer.md, the memory view): a bind traces the frame of
# every page of the A-stacks in the client and in the server, the same
# frames; the memory view draws them in use, split between the processes
# that map them (tests/api/astack.lua: client, its forked child and the
# server map frames 1 to 4; other and the server frames 6 to 9).
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

# lrpc-vs-rpc.lua: one page of A-stacks, frame 1 in both
run 0 run scenarios/lrpc-vs-rpc.lua --quiet --trace "$TMP/vs.uktrace" &&
	run 0 export "$TMP/vs.uktrace" &&
	expect_out '^ +1\.006896ms  page_frame pid=4\(client\) addr=0x10000000 frame=1$' &&
	expect_out '^ +1\.006896ms  page_frame pid=2\(lrpc-server\) addr=0x10000000 frame=1$' &&
	expect_out '^ +1\.006896ms  frames used=1 shared=1$'
checks=$((checks + 1))
grep -A1 'vm_map pid=4(client) addr=0x10000000 pages=1 kind=shared' "$TMP/out" |
	grep -q 'page_frame pid=4(client) addr=0x10000000 frame=1' ||
	fail "lrpc-vs-rpc: the client's page_frame does not follow its vm_map"
run 0 export "$TMP/vs.uktrace" --format csv && expect_out '^1006896,page_frame,2,268435456,1,'

# astack.lua: 4 pages a binding, one page_frame per page and side
run 0 run $A/astack.lua --trace "$TMP/a.uktrace" &&
	expect_err 'client +\| Add\(40, 2\) = 42; shared 4$' &&
	run 0 export "$TMP/a.uktrace" &&
	expect_out 'page_frame pid=3\(client\) addr=0x10003000 frame=4$' &&
	expect_out 'page_frame pid=2\(calc\) addr=0x10003000 frame=4$' &&
	expect_out 'page_frame pid=4\(other\) addr=0x10000000 frame=6$' &&
	expect_out 'page_frame pid=2\(calc\) addr=0x10005000 frame=6$'
checks=$((checks + 1))
[ "$(grep -c ' page_frame ' "$TMP/out")" -eq 16 ] ||
	fail "astack.lua: $(grep -c ' page_frame ' "$TMP/out") page_frame records, expected 16"
# a run without LRPC has none
run 0 run scenarios/cow-fork.lua --quiet --trace "$TMP/c.uktrace" &&
	run 0 export "$TMP/c.uktrace"
checks=$((checks + 1))
! grep -q page_frame "$TMP/out" || fail "cow-fork.lua has page_frame records"

export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
if [ "${UKERN_VIZ:-yes}" = no ]; then
	run 2 render "$TMP/a.uktrace" -o "$TMP/a.png" --view memory &&
		expect_err 'built without the viewer'
	finish
fi
: "${PNGCHECK:?PNGCHECK must name tests/test_pngcheck}"
run 0 render "$TMP/vs.uktrace" -o "$TMP/vs.png" --view memory --to 1.2ms
checks=$((checks + 1))
[ "$("$PNGCHECK" "$TMP/vs.png" size)" = "1280 800" ] || fail "lrpc-vs-rpc: no memory view drawn"

# At 2.5 ms (1280x800, 64 frames: cells of 20 pixels from (60, 99)) frame
# 1's cell holds three processes' colours inside its dark edge; frame 10's
# is free; at 0.5 ms, before the binds, frame 1's was free too.
run 0 render "$TMP/a.uktrace" -o "$TMP/a.png" --view memory --to 2.5ms &&
	run 0 render "$TMP/a.uktrace" -o "$TMP/before.png" --view memory --to 0.5ms
FREE=eef1f4
checks=$((checks + 4))
[ "$("$PNGCHECK" "$TMP/a.png" colours 62 101 15 15)" -eq 3 ] ||
	fail "astack.lua: frame 1 is not split in three processes' colours"
[ "$("$PNGCHECK" "$TMP/a.png" count $FREE 0 62 101 15 15)" -eq 0 ] ||
	fail "astack.lua: frame 1 is drawn free"
[ "$("$PNGCHECK" "$TMP/a.png" count $FREE 0 242 101 15 15)" -eq 225 ] ||
	fail "astack.lua: frame 10 is not drawn free"
[ "$("$PNGCHECK" "$TMP/before.png" count $FREE 0 62 101 15 15)" -eq 225 ] ||
	fail "astack.lua: frame 1 is drawn in use before the bind"

finish
