#!/bin/sh
# shm.sh - shared memory a script maps itself (doc/scenario-api.md section
# 17, "Shared memory"): mem.share, mem.map, the segment handle, fork, the
# end of a mapper, the refusals, the statistics and the trace.
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

run 0 run $A/shm.lua --stats json &&
	expect_err 'maker +\| share: segment\(2 of pid 2\) at 0x10000000 in 200ns' &&
	expect_err 'maker frames 2, free 62 of 64 before' &&
	expect_err 'user +\| map: segment\(4 of pid 3\) at 0x10000000 in 200ns; free frames 62 -> 62' &&
	expect_err 'user reads "made"' && expect_err 'user regions: shared rw 8192' &&
	expect_err 'maker reads "USED"' &&
	expect_err 'maker stat: frames 2, shared 2, shm_pages 2, free 62' &&
	expect_err 'ool of a shared region: nil, bad address' &&
	expect_err 'send on a segment: nil, no right' && expect_err 'call on a segment: nil, no right' &&
	expect_err "child: shm_pages 2; mapping it again: $A/shm.lua:37: mem.map: segment\(2 of pid 2\) is a right of another process, not of 'maker.fork1' \(pid 6\)" &&
	expect_err 'parent reads "from the child" after the fork' &&
	expect_err 'maker unmapped: shm_pages 0, free 62' &&
	expect_err "free again: $A/shm.lua:44: mem.free: no region made by mem.alloc, mem.share, mem.map or an out-of-line message starts at 0x10000000" &&
	expect_err 'user still reads "from the child"' &&
	expect_err 'second mapping, read-only: 0x10003000 reads "USED"' &&
	expect_err "protect it rw: $A/shm.lua:68: mem.protect: 0x10003000 \+ 4096 bytes holds a read-only mapping of a shared segment" &&
	expect_err 'protect the rw one r: ok' && expect_err 'register it: true' &&
	expect_err 'late looks it up: nil, unknown name; free 64' &&
	expect_err 'late registers its own under the name: true' &&
	expect_err "thief: $A/shm.lua:82: mem.map: segment\(2 of pid 2\) is a right of another process, not of 'thief' \(pid 5\): a segment is mapped by the process that shared it or received it in a message" &&
	expect_err 'thief +\| read-only segment segment\(3 of pid 5\), written by its maker: "ok"$' &&
	expect_err "port for a segment: $A/shm.lua:83: bad argument #1 to 'map' \(ukern.segment expected, got port\)" &&
	expect_err "size 0: $A/shm.lua:84: bad argument #1 to 'share' \(a size must be at least 1 byte, not 0\)" &&
	expect_err "perm: $A/shm.lua:85: bad argument #2 to 'share' \(a shared region's permission is \"rw\" or \"r\", not ''\)" &&
	expect_err "rw map of an r segment: $A/shm.lua:89: mem.map: segment\(3 of pid 5\) is read-only \(shared \"r\", or restricted\): it cannot be mapped \"rw\"" &&
	expect_err 'too big: nil, out of memory' &&
	expect_out '"frames_used": 0, "frames_shared": 0, "frames_peak": 3,' &&
	expect_out '"shm": \{ "segments": 3, "maps": 2, "pages_mapped": 8, "dead": 3, "frames": 0, "frames_peak": 3 \},'

run 4 run $A/shm_fault.lua --stats json &&
	expect_err 'reader +\| reader reads "keep"' &&
	expect_err "$A/shm_fault.lua:32: segmentation fault at 0x10000000 \(write to a read-only page\) \(process reader" &&
	expect_err 'crasher: free 15, shared 1' &&
	expect_err 'owner +\| owner: free 15, shared 0; reads "dead"' &&
	expect_err 'owner unmapped: free 16' &&
	expect_err "lcli +\\| in a procedure: $A/shm_fault.lua:46: mem.share: not available inside an LRPC procedure" &&
	expect_out '"frames_used": 0, "frames_shared": 0, "frames_peak": 2,.*"segfaults": 1,' &&
	expect_out '"shm": \{ "segments": 1, "maps": 2, "pages_mapped": 3, "dead": 1, "frames": 0, "frames_peak": 1 \},'

run 0 run $A/shm_nodes.lua &&
	expect_err 'migrate here: nil, maps a shared memory region \(shared memory is of one machine\)' &&
	expect_err "kernel +\\| $A/shm_nodes.lua:18: migrate 'here' to 'B': not moved: it maps a shared memory region \\(shared memory is of one machine\\)" &&
	expect_err 'mover +\| mover maps while it moves: nil, moving' &&
	expect_err 'mover shares while it moves: nil, moving' &&
	expect_err 'ctl2 +\| mover moved: yes' &&
	expect_err 'there +\| there got segment\([0-9]+ of pid [0-9]+\)' &&
	expect_err 'there +\| there maps it: nil, on another node$' &&
	expect_err 'there +\| there restricts it: segment\([0-9]+ of pid [0-9]+\); maps that: nil, on another node$'

run 0 run $A/shm_reply.lua &&
	expect_err 'cli +\| reply carried segment\(3 of pid 3\); it reads "rep"' &&
	expect_err 'the same right again: true' &&
	expect_err 'after its maker ended: nil, dead segment'

# The handle mem.share returns, in every thread model.
for model in many-to-one many-to-many one-to-one; do
	run 0 run $A/shm_models.lua --set model=$model &&
		expect_err 'o1 +\| segment\(5 of pid 2\) equals p2\? false$' &&
		expect_err 'o1 +\| mapped twice: hi$' &&
		expect_err 'o1 +\| restricted segment\(6 of pid 2\) maps r: reads hi$' &&
		expect_err "o1 +\\| rw through it: $A/shm_models.lua:18: mem.map: segment\\(6 of pid 2\\) is read-only"
done

# mem.restrict: a handle to the same segment that maps it "r" at most.
R=$A/shm_restrict.lua
ro='is read-only \(shared "r", or restricted\): it cannot be mapped "rw"'
run 0 run $R --stats json &&
	expect_err 'maker +\| restrict: segment\(2 of pid 2\) -> segment\(3 of pid 2\) in 100ns$' &&
	expect_err 'maker +\| again: true; the restricted one: true$' &&
	expect_err 'maker +\| maker maps it: shared r 8192 reads "from the maker"$' &&
	expect_err "maker +\\| rw through it: $R:42: mem.map: segment\\(3 of pid 2\\) $ro" &&
	expect_err "protect it rw: $R:43: mem.protect: 0x10003000 \\+ 4096 bytes holds a read-only mapping of a shared segment \\(mapped \"r\", or through a restricted handle\\): it cannot be made writable" &&
	expect_err 'its own handle still maps rw: reads "From the maker"$' &&
	expect_err "rw: $R:109: bad argument #2 to 'restrict' \\(\"rw\" restricts nothing: a handle is restricted to \"r\", and never widened\\)" &&
	expect_err "x: $R:110: bad argument #2 to 'restrict' \\(a segment handle is restricted to \"r\", not 'x'\\)" &&
	expect_err "none: $R:111: bad argument #2 to 'restrict' \\(string expected, got no value\\)" &&
	expect_err "port: $R:112: bad argument #1 to 'restrict' \\(ukern.segment expected, got port\\)" &&
	expect_err "number: $R:113: bad argument #1 to 'restrict' \\(ukern.segment expected, got number\\)" &&
	expect_err "another's: $R:114: mem.restrict: segment\\(3 of pid 2\\) is a right of another process, not of 'misuse' \\(pid 5\\)" &&
	expect_err "an r segment's handle restricted: the same handle: true$" &&
	expect_err "in a procedure: $R:125: mem.restrict: not available inside an LRPC procedure" &&
	expect_err 'reader +\| received segment\(4 of pid 3\)$' &&
	expect_err 'reader +\| reader maps it: r reads "From the maker"$' &&
	expect_err "reader +\\| rw map: $R:74: mem.map: segment\\(4 of pid 3\\) $ro" &&
	expect_err 'reader +\| r map: ok$' && expect_err 'reader +\| restrict it: true$' &&
	expect_err 'reader +\| lookup gives segment\(4 of pid 3\), the same right: true$' &&
	expect_err "third +\\| third got segment\\(4 of pid 4\\): rw $R:99: mem.map: segment\\(4 of pid 4\\) $ro" &&
	expect_err 'third +\| third maps it r: reads "From the maker"$' &&
	expect_err 'reader +\| reader reads "last words"$' &&
	expect_err 'maker +\| after the segment died: restrict nil, dead segment; map nil, dead segment$' &&
	expect_err 'maker +\| lookup of its name: nil, unknown name$' &&
	expect_out '"shm": \{ "segments": 3, "maps": 5, "pages_mapped": 14, "dead": 3, "frames": 0, "frames_peak": 4 \},'

run 4 run $A/shm_restrict_fault.lua --stats json &&
	expect_err 'writer +\| writer reads "keep"$' &&
	expect_err "^$A/shm_restrict_fault.lua:21: segmentation fault at 0x10000000 \\(write to a read-only page\\) \\(process writer," &&
	expect_err 'forker.fork1\| child reads "keep"; regions: shared r$' &&
	expect_err 'child protects it rw: mem.protect: 0x10000000 \+ 4096 bytes holds a read-only mapping' &&
	expect_err "^$A/shm_restrict_fault.lua:31: segmentation fault at 0x10000000 \\(write to a read-only page\\) \\(process forker.fork1," &&
	expect_err 'forker +\| child ended: 1, faulted true$' &&
	expect_err 'forker +\| forker still reads "keep"$' &&
	expect_err 'owner +\| owner reads "keep"; free 15, shared 0$' &&
	expect_err 'owner +\| owner writes: "mine"$' &&
	expect_out '"segfaults": 2,' &&
	expect_out '"processes":' &&
	expect_out '"name": "writer", "pid": 3, "state": "exited", .*"exit_code": 1, .*"faulted": true' &&
	expect_out '"shm": \{ "segments": 1, "maps": 2, "pages_mapped": 3, "dead": 1, "frames": 0, "frames_peak": 1 \},'

# The trace: a segment's records, and the same bytes for the same seed.
run 0 run $A/shm.lua --trace "$TMP/a.uktrace" &&
	run 0 export "$TMP/a.uktrace" --format text &&
	expect_out 'shm_new +seg=1 pid=2\(maker\) addr=0x10000000 pages=2 perm=3 port=2' &&
	expect_out 'shm_frame +seg=1 page=1 frame=2' &&
	expect_out 'shm_map +seg=1 pid=3\(user\) addr=0x10000000 pages=2 perm=3' &&
	expect_out 'shm_unmap +seg=1 pid=6\(maker.fork1\) addr=0x10000000 maps=2' &&
	expect_out 'shm_unmap +seg=1 pid=3\(user\) addr=0x10003000 maps=1' &&
	expect_out 'shm_unmap +seg=1 pid=3\(user\) addr=0x10000000 maps=0'
run 0 run $A/shm.lua --trace "$TMP/b.uktrace"
checks=$((checks + 1))
cmp -s "$TMP/a.uktrace" "$TMP/b.uktrace" || fail "two runs of shm.lua wrote different traces"

# The trace of a restriction: the read-only port is made once (port_new, then
# shm_restrict naming it and its segment) and dies with the segment.
run 0 run $R --trace "$TMP/r.uktrace" &&
	run 0 export "$TMP/r.uktrace" --format text &&
	expect_out 'port_new port=3 pid=0 qlimit=0' &&
	expect_out 'shm_restrict seg=1 pid=2\(maker\) port=3 perm=1' &&
	expect_out 'shm_map seg=1 pid=2\(maker\) addr=0x10003000 pages=2 perm=1' &&
	expect_out 'name pid=2\(maker\) port=3\(ro\) op=register ok=1 "ro"' &&
	expect_out 'shm_unmap seg=1 pid=2\(maker\) addr=0x10000000 maps=0'
checks=$((checks + 1))
[ "$(grep -c ' shm_restrict ' "$TMP/out")" -eq 1 ] ||
	fail "a segment restricted three times by two processes made more than one read-only port"
checks=$((checks + 1))
awk '/shm_unmap seg=1 .* maps=0/ { f = 1; next } f && /port_dead/ { print $3 } f && !/port_dead/ { exit }' \
	"$TMP/out" | tr '\n' ' ' | grep -q '^port=2 port=3' ||
	fail "the segment's two ports do not die with it: $(grep -A3 'shm_unmap seg=1 .*maps=0' "$TMP/out")"
run 0 run $R --trace "$TMP/r2.uktrace"
checks=$((checks + 1))
cmp -s "$TMP/r.uktrace" "$TMP/r2.uktrace" || fail "two runs of shm_restrict.lua wrote different traces"

finish
