#!/bin/sh
# scenarios.sh - every shipped scenario runs, and the deterministic ones
# give exactly their golden statistics (simulated time only, so golden
# files hold on any machine). UPDATE_GOLDEN=1 rewrites the golden files.
. "${top_srcdir:-.}/tests/lib.sh"

# name | arguments after "ukern run"
cases='
hello|scenarios/hello.lua
pingpong|scenarios/pingpong.lua
pingpong-firefly|scenarios/pingpong.lua --set n=10 --set costs=firefly-1990
buffering|scenarios/buffering.lua
buffering-q2|scenarios/buffering.lua --set qlimit=2
load-balance|scenarios/load-balance.lua
load-balance-none|scenarios/load-balance.lua --set balance=none
load-balance-global|scenarios/load-balance.lua --set queues=global
load-balance-nodes|scenarios/load-balance.lua --set nodes=true
race|scenarios/race.lua
race-unlocked|scenarios/race.lua --set locked=false
thread-models|scenarios/thread-models.lua
thread-models-m1|scenarios/thread-models.lua --set model=many-to-one
thread-models-mm|scenarios/thread-models.lua --set model=many-to-many
thread-models-sa|scenarios/thread-models.lua --set model=activations
convoy|scenarios/convoy.lua --set sched=stcf
rr-quantum|scenarios/rr-quantum.lua --set quantum=1 --set switch=0.1
mlfq-gaming|scenarios/mlfq-gaming.lua
lottery|scenarios/lottery.lua --seed 3
rpc-maybe|scenarios/rpc-semantics.lua --set semantics=maybe
rpc-at-least-once|scenarios/rpc-semantics.lua --set semantics=at-least-once
rpc-at-most-once|scenarios/rpc-semantics.lua --set semantics=at-most-once
nameserver|scenarios/nameserver.lua
nested-servers|scenarios/nested-servers.lua
nested-servers-pool|scenarios/nested-servers.lua --set arch=pool
cristian|scenarios/cristian.lua
cristian-best-of-8|scenarios/cristian.lua --set probes=8
reincarnation|scenarios/reincarnation.lua
reincarnation-maybe|scenarios/reincarnation.lua --set semantics=maybe
fileserver-architectures|scenarios/fileserver-architectures.lua
stateless-vs-stateful|scenarios/stateless-vs-stateful.lua
cow-fork|scenarios/cow-fork.lua
cow-fork-all|scenarios/cow-fork.lua --set touch=all
ool-messages|scenarios/ool-messages.lua
ool-messages-touch|scenarios/ool-messages.lua --set touch=all
shared-memory|scenarios/shared-memory.lua
shared-memory-lock|scenarios/shared-memory.lua --set sync=lock
shared-memory-msgs|scenarios/shared-memory.lua --set sync=messages --set size=65536
client-server|scenarios/client-server.lua
client-server-q1|scenarios/client-server.lua --set qlimit=1
buffering-async|scenarios/buffering.lua --set async=true --set work=30
byte-order|scenarios/byte-order.lua
byte-order-firefly|scenarios/byte-order.lua --set costs=firefly-1990
lrpc-paper|scenarios/lrpc-paper.lua
lrpc-vs-rpc|scenarios/lrpc-vs-rpc.lua
lrpc-vs-rpc-2cpus|scenarios/lrpc-vs-rpc.lua --set cpus=2
syscall-vs-rpc|scenarios/syscall-vs-rpc.lua
remote-objects|scenarios/remote-objects.lua
remote-objects-no-crash|scenarios/remote-objects.lua --set crash=false
remote-objects-nodes|scenarios/remote-objects.lua --set nodes=true
clock-sync|scenarios/clock-sync.lua
clock-sync-wide-bound|scenarios/clock-sync.lua --set outlier=50ms
clock-sync-lan|scenarios/clock-sync.lua --set net=lan
clock-sync-wireless-lan|scenarios/clock-sync.lua --set net=wireless-lan
two-nodes-rpc|scenarios/two-nodes-rpc.lua --set step=1000
invocation-kinds|scenarios/invocation-kinds.lua
invocation-kinds-firefly|scenarios/invocation-kinds.lua --set costs=firefly-1990
two-nodes-rpc-loss|scenarios/two-nodes-rpc.lua --set part=loss
two-nodes-rpc-retries|scenarios/two-nodes-rpc.lua --set part=loss --set retries=5
byte-order-nodes|scenarios/byte-order.lua --set nodes=true
migration|scenarios/migration.lua
migration-hot|scenarios/migration.lua --set hot=32
migration-threads|scenarios/migration.lua --set threads=many-to-many --set parts=2
peer-to-peer|scenarios/peer-to-peer.lua
peer-to-peer-flood|scenarios/peer-to-peer.lua --set part=flood
peer-to-peer-dht|scenarios/peer-to-peer.lua --set part=dht
'

echo "$cases" | while IFS='|' read -r name args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	"$UKERN" run $args --stats json --quiet >"$TMP/$name.json" 2>"$TMP/$name.err"
	code=$?
	echo "$name $code" >>"$TMP/codes"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$TMP/$name.json" "tests/golden/$name.json"
	fi
done

while read -r name code; do
	checks=$((checks + 1))
	[ "$code" -eq 0 ] || { fail "$name: exit $code"; cat "$TMP/$name.err" >&2; continue; }
	checks=$((checks + 1))
	if ! cmp -s "$TMP/$name.json" "tests/golden/$name.json"; then
		fail "$name: stats differ from tests/golden/$name.json"
		diff "tests/golden/$name.json" "$TMP/$name.json" | head -20 >&2
	fi
done <"$TMP/codes"

# Every scenario in scenarios/ is covered above.
for f in scenarios/*.lua; do
	checks=$((checks + 1))
	grep -q "$f" "$SELF" || fail "$f has no case in tests/scenarios.sh"
done

# What the stats must say, independently of the golden files.
run 0 run scenarios/pingpong.lua --set n=50 --stats json --quiet &&
	expect_out '"calls": 52' && expect_out '"messages": 104' &&
	expect_out '"outcome": "completed"' && expect_out '"name": "ping", "process": "ping"'
run 0 run scenarios/buffering.lua --set qlimit=2 &&
	expect_err '0ns  producer +\| sent message 2 at 0 ms' &&
	expect_err '10ms  producer +\| sent message 3 at 10 ms'
run 0 run scenarios/buffering.lua &&
	expect_err '10ms  producer +\| sent message 1 at 10 ms'
# Across a lossy link between nodes, retries and the reply history get
# every call through, exactly once, whatever the link's draws.
for seed in 1 2 3; do
	run 0 run scenarios/two-nodes-rpc.lua --set part=loss --set retries=5 --seed $seed &&
		expect_err 'retries 5, loss 0.1: 40 calls ok, 0 failed, 40 executed'
done
# Call semantics under loss and duplication, whatever the network's draws:
# at-most-once executes each deposit once; at-least-once gets every call
# through but runs some twice; maybe never retransmits.
for seed in 1 2 3 4; do
	run 0 run scenarios/rpc-semantics.lua --seed $seed --stats json &&
		expect_err 'acknowledged, 0 failed; the bank holds 200 \(exactly once: 200\)' &&
		expect_out '"method": "Deposit", "kind": "message", "calls": 20, "failed": 0, "retransmissions": [1-9][0-9]*, "executions": 20,'
	run 0 run scenarios/rpc-semantics.lua --seed $seed --set semantics=at-least-once --stats json &&
		expect_err '20 deposits of 10 acknowledged, 0 failed' &&
		expect_out '"calls": 20, "failed": 0, "retransmissions": [1-9][0-9]*, "executions": (2[1-9]|[3-9][0-9]),'
done
run 0 run scenarios/rpc-semantics.lua --set semantics=maybe --stats json &&
	expect_out '"calls": 20, "failed": [1-9][0-9]*, "retransmissions": 0,'

# The name server: owner checks, unknown names, dead names removed, a new
# incarnation registering the same name.
run 0 run scenarios/nameserver.lua &&
	expect_err "impostor +\| register 'echo' -> nil not owner" &&
	expect_err "impostor +\| unregister 'echo' -> nil not owner" &&
	expect_err "lookup 'no-such-service' -> nil unknown name" &&
	expect_err 'the old right: call -> nil dead port' &&
	expect_err "client +\| lookup 'echo' -> nil unknown name" &&
	expect_err 'call 3 answered by echo-v2'
# Nested servers: a single-threaded chain serves one request at a time, a
# pool overlaps them; recursion and a callback deadlock a single thread,
# and the report names the whole cycle, thread -> port -> server.
run 0 run scenarios/nested-servers.lua && expect_err 'arch=single: mean latency 6\.78 ms'
run 0 run scenarios/nested-servers.lua --set arch=pool && expect_err 'arch=pool: mean latency 3\.65 ms'
run 3 run scenarios/nested-servers.lua --set recurse=1 &&
	expect_err 'a cycle of 1 thread' &&
	expect_err 'thread front \(process front\) waits for a reply to its call on port 2 "front" from process front'
run 0 run scenarios/nested-servers.lua --set recurse=1 --set arch=pool --set workers=8 &&
	expect_err 'path of a call: client1 > front > front > middle > back'
run 3 run scenarios/nested-servers.lua --set deadlock=true --stats json &&
	expect_err 'a cycle of 3 threads' &&
	expect_out '"cycle": \[ "front", "middle", "back" \]' &&
	expect_out '"thread": "front", "process": "front", "reason": "reply", "port": 4, "port_name": "middle", "on": "middle", "on_thread": null' &&
	expect_out '"thread": "middle", "process": "middle", "reason": "reply", "port": 6, "port_name": "back", "on": "back"' &&
	expect_out '"thread": "back", "process": "back", "reason": "reply", "port": 2, "port_name": "front", "on": "front"'
run 0 run scenarios/nested-servers.lua --set deadlock=true --set arch=pool --set workers=8 &&
	expect_err 'front \(Check\)'
# The deadlock reaches the trace as wait-for edges, and the viewer draws them.
run 3 run scenarios/nested-servers.lua --set deadlock=true --trace "$TMP/dl.uktrace" --quiet
run 0 export "$TMP/dl.uktrace" &&
	expect_out 'wait tid=[0-9]+\(front\) reason=reply port=4\(middle\) pid=3\(middle\) on_tid=0' &&
	expect_out 'wait tid=[0-9]+\(back\) reason=reply port=2\(front\) pid=2\(front\)'
# The reincarnation lesson's claims: the restart delay doubles with each
# crash, restarts wait for the supervisor's check grid, a crash while the
# service is down finds nothing, at-least-once clients get every answer,
# maybe clients lose the service for good after its first crash.
run 0 run scenarios/reincarnation.lua --stats json &&
	expect_err 'quote \(pid 2\) crashed at 20ms, crash 1: restart after 5ms, at the first check from 25ms' &&
	expect_err '26.0024ms  rs +\| restarted quote as quote#2' &&
	expect_err 'crash 2: restart after 10ms' && expect_err 'crash 3: restart after 20ms' &&
	expect_err 'crash 4: restart after 40ms' &&
	expect_err '140ms  kernel +\| crash of quote .*its process has crashed and is not restarted yet; nothing crashes' &&
	expect_out '"name": "quote#5", "pid": 10, "state": "live", .*"incarnation": 5' &&
	expect_out '"calls": 150, "failed": 0,' && checks=$((checks + 1)) &&
	{ [ "$(grep -c '50 calls: 50 answered, 0 failed' "$TMP/err")" -eq 3 ] ||
		fail "reincarnation: not every client got its 50 answers"; }
run 0 run scenarios/reincarnation.lua --set semantics=maybe --stats json &&
	expect_err 'client1 +\| calls fail: dead port' &&
	expect_err 'client1 +\| 50 calls: [0-9] answered, 4[0-9] failed' && checks=$((checks + 1)) &&
	{ grep -q 'calls are answered again' "$TMP/err" && fail "a maybe binding rebound"; }
run 0 run scenarios/reincarnation.lua --set restart_after=1ms --set check=1ms --stats json &&
	expect_err 'crash 5: restart after 16ms' && expect_out '"calls": 150, "failed": 0,'

# A crash mid-session: the stateless client goes on, the stateful one must
# reopen and find its place; both end with the whole file, on every seed.
for seed in 1 2 3; do
	run 0 run scenarios/stateless-vs-stateful.lua --seed $seed &&
		expect_err 'reader-sfs +\| read: bad descriptor - the server forgot the open file' &&
		expect_err 'nfs: 78 bytes in [0-9]+ requests \(0 bytes read again to recover\); the file is complete' &&
		expect_err 'sfs: 78 bytes in [0-9]+ requests \([1-9][0-9]* bytes read again to recover\); the file is complete'
	checks=$((checks + 1))
	grep -q 'reader-nfs .*bad descriptor' "$TMP/err" && fail "the stateless reader lost its descriptor"
done
run 0 run scenarios/stateless-vs-stateful.lua --set crash=false &&
	expect_err 'sfs: 78 bytes in 15 requests \(0 bytes' && expect_err 'nfs: 78 bytes in 15 requests \(0 bytes'

# Copy-on-write fork (doc/tutorial/cow-fork.md): after fork every page is
# shared; a child's write copies exactly the page written; each side keeps
# its data; the last sharer writes without a copy; no frame is left held.
run 0 run scenarios/cow-fork.lua --stats json &&
	expect_err 'fork of parent.fork1 took 3.3 us' &&
	expect_err 'parent after the forks: maps 64 frames, 64 of them shared' &&
	expect_err 'the machine has 64 frames in use for 4 processes of 64 pages each' &&
	expect_err 'child 1 wrote 2 pages in 2.8 us' &&
	expect_err 'child 3: maps 64 frames, 62 of them shared; 0 zero-fill and 2 copy-on-write faults, 2 pages copied' &&
	expect_err 'child 2 reads page 0: "child 2 page 000"; page 63: "parent page 063"' &&
	expect_err 'parent.fork3 exited with 3' &&
	expect_err 'parent reads page 0: "parent page 000"' &&
	expect_err "parent's write to page 0 took 1.0 us: a fault, no copy" &&
	expect_err 'parent at the end: maps 64 frames, 0 of them shared; 64 zero-fill and 1 copy-on-write faults, 0 pages copied' &&
	expect_out '"frames_used": 0, "frames_shared": 0, "frames_peak": 66, "zero_fill_faults": 64, "cow_faults": 7, "pages_copied": 6, "forks": 3,' &&
	expect_out '"name": "parent.fork2", .*"parent": "parent", "frames": 0, "frames_peak": 64, "zero_fill_faults": 0, "cow_faults": 2, "pages_copied": 2'
for w in 1 5 9; do
	run 0 run scenarios/cow-fork.lua --set writes=$w --stats json --quiet &&
		expect_out "\"pages_copied\": $((3 * w)), \"forks\": 3," &&
		expect_out "\"frames_peak\": $((64 + w)), "
done
run 4 run scenarios/cow-fork.lua --set touch=all --set frames=100 --stats json &&
	expect_err '^scenarios/cow-fork.lua:61: out of memory at 0x10024000: no free frame \(all 100 frames of the machine are in use\) \(process parent.fork3' &&
	expect_err 'parent.fork2 exited with 1' && expect_err "parent's write to page 0 took 1.0 us" &&
	expect_out '"frames_used": 0, .*"out_of_memory": 3 \}'
run 0 run scenarios/cow-fork.lua --set touch=all --stats json &&
	expect_err 'child 1 wrote 64 pages in 89.6 us' &&
	expect_err 'child 2: maps 64 frames, 0 of them shared; 0 zero-fill and 64 copy-on-write faults, 64 pages copied' &&
	expect_out '"frames_used": 0, "frames_shared": 0, "frames_peak": 128, .*"pages_copied": 192,'
# Out-of-line messages (doc/tutorial/ool-messages.md): inline grows by the
# byte, out of line by the page; writing every page received takes the
# advantage away.
run 0 run scenarios/ool-messages.lua --stats json &&
	expect_err '       256        0.90 us        1.00 us   0.90$' &&
	expect_err '       512        1.00 us        1.00 us   1.01$' &&
	expect_err '      4096        2.44 us        1.00 us   2.45$' &&
	expect_err '      8192        4.08 us        1.10 us   3.72$' &&
	expect_err '    524288      210.51 us       13.70 us   15.37$' &&
	expect_out '"frames_used": 0, .*"ool_messages": 13, "ool_pages": 260,'
run 0 run scenarios/ool-messages.lua --set touch=all --stats json &&
	expect_err '      4096        2.44 us        2.40 us   1.02$' &&
	expect_err '      8192        4.08 us        3.90 us   1.05$' &&
	expect_err '    524288      210.51 us      192.90 us   1.09$' &&
	expect_out '"cow_faults": 260, "pages_copied": 260,'
run 4 run scenarios/ool-messages.lua --set max_kib=1024 &&
	expect_err '    524288      210.51 us       13.70 us   15.37$' &&
	expect_err '^scenarios/ool-messages.lua:70: message larger than the limit of 1048576 bytes'
run 0 run scenarios/ool-messages.lua --set costs=firefly-1990 &&
	expect_err '       256      383.72 us      330.34 us   1.16$'
# Shared memory (doc/tutorial/shared-memory.md): a race loses updates; a
# token or a lock server makes the count exact; messages instead of shared
# memory cost by the byte.
run 0 run scenarios/shared-memory.lua --stats json &&
	expect_err 'a +\| a shares segment\(2 of pid 4\) at 0x10000000' &&
	expect_err 'b +\| b maps segment\(2 of pid 5\) at 0x10000000' &&
	expect_err 'counter = 26 of 40: 14 updates lost \(sync=none\)' &&
	expect_err 'a: 1 frames, 0 shared with b, 1 pages in shared segments' &&
	expect_out '"shm": \{ "segments": 1, "maps": 1, "pages_mapped": 2, "dead": 1, "frames": 0, "frames_peak": 1 \},'
for s in token lock; do
	run 0 run scenarios/shared-memory.lua --set sync=$s &&
		expect_err "counter = 40 of 40: 0 updates lost \\(sync=$s\\)"
done
run 0 run scenarios/shared-memory.lua --set sync=lock --set size=65536 &&
	expect_err 'b done in 176558ns' && expect_err 'a done in 177511ns'
run 0 run scenarios/shared-memory.lua --set sync=messages --set size=65536 &&
	expect_err 'a: its last call returned 40; done in 1203534ns'
run 0 run scenarios/shared-memory.lua --set shared_cpu=true &&
	expect_err 'counter = 40 of 40: 0 updates lost \(sync=none\)'
# The board: a vandal's write lands through the editor's own handle, and
# faults through the read-only one mem.restrict makes.
run 0 run scenarios/shared-memory.lua --set board=rw --stats json &&
	expect_err 'editor +\| editor shares segment\(2 of pid 2\), publishes segment\(2 of pid 2\)$' &&
	expect_err 'vandal +\| vandal maps segment\(2 of pid 4\) "rw"$' &&
	expect_err '250.1us  reader +\| reader reads "VANDALISED      "$' &&
	expect_err 'editor finds "VANDALISED      " where it wrote headline 2$' &&
	expect_out '"segfaults": 0,'
run 4 run scenarios/shared-memory.lua --set board=r --stats json &&
	expect_err '2.35us  editor +\| editor shares segment\(2 of pid 2\), publishes segment\(3 of pid 2\)$' &&
	expect_err 'reader +\| reader maps segment\(2 of pid 3\) "r"$' &&
	expect_err 'vandal +\| vandal maps segment\(2 of pid 4\) "r"$' &&
	expect_err '^scenarios/shared-memory.lua:[0-9]+: segmentation fault at 0x10000000 \(write to a read-only page\) \(process vandal, thread vandal, at 240.1us\)$' &&
	expect_err '250.1us  reader +\| reader reads "headline 2      "$' &&
	expect_out '"segfaults": 1,' &&
	expect_out '"name": "vandal", "pid": 4, "state": "exited", .*"exit_code": 1, .*"faulted": true'
checks=$((checks + 1))
grep -q 'VANDALISED      "$\|editor finds' "$TMP/err" && fail "board=r: the vandal's write landed"
run 0 run scenarios/ool-messages.lua --set max_kib=8 --trace "$TMP/ool.uktrace" --quiet
run 0 export "$TMP/ool.uktrace" &&
	expect_out 'ool flow=[0-9]+ pid=3\(client\) addr=0x10000000 len=8192 op=taken' &&
	expect_out 'ool flow=[0-9]+ pid=2\(server\) addr=0x10000000 len=8192 op=mapped' &&
	expect_out 'vm_unmap pid=2\(server\) addr=0x10000000 pages=2'
run 0 run scenarios/ool-messages.lua --set max_kib=8 --set touch=all --trace "$TMP/oolt.uktrace" --quiet
run 0 export "$TMP/oolt.uktrace" &&
	expect_out 'page_fault tid=[0-9]+\(server\) pid=2\(server\) addr=0x10001000 kind=cow_copy frame=' &&
	expect_out 'page_copy pid=2\(server\) addr=0x10001000 from='

# Client and server (doc/tutorial/client-server.md): a send carries no reply
# right, a reply right answers once; on a rendezvous port the second caller
# waits SEND-blocked while the first is served, with a queue it waits
# REPLY-blocked instead, and gets its answer no sooner.
run 0 run scenarios/client-server.lua --stats json --trace "$TMP/cs.uktrace" &&
	expect_err 'server +\| "a note from alice" from alice, sent with send\(\): no reply right, nothing to answer' &&
	expect_err '2.015659ms  server +\| a second reply to alice: no right' &&
	expect_err 'alice +\| reply "HI FROM ALICE" after 1008.0 us' &&
	expect_err 'bob +\| reply "HI FROM BOB" after 2008.5 us' &&
	expect_out '"messages": 11, '
run 0 export "$TMP/cs.uktrace" &&
	expect_out '1.010296ms  thread_state tid=3\(alice\) state=blocked reason=send port=2\(echo\)' &&
	expect_out '1.012649ms  thread_state tid=4\(bob\) state=blocked reason=send port=2\(echo\)' &&
	expect_out '1.014802ms  thread_state tid=3\(alice\) state=blocked reason=reply port=4$' &&
	expect_out '2.015759ms  thread_state tid=4\(bob\) state=blocked reason=reply port=5$' &&
	expect_out '3.018712ms  thread_state tid=2\(server\) state=blocked reason=recv port=2\(echo\)'
run 0 run scenarios/client-server.lua --set qlimit=1 --trace "$TMP/cs1.uktrace" &&
	expect_err 'bob +\| reply "HI FROM BOB" after 2008.5 us'
run 0 export "$TMP/cs1.uktrace" &&
	expect_out 'msg_enqueue flow=8 port=2\(echo\) qlen=1' &&
	expect_out '1.010296ms  thread_state tid=3\(alice\) state=blocked reason=reply port=4$' &&
	expect_out '1.012649ms  thread_state tid=4\(bob\) state=blocked reason=send port=2\(echo\)' &&
	expect_out '1.014802ms  thread_state tid=4\(bob\) state=blocked reason=reply port=5$'
checks=$((checks + 1))
grep -q 'tid=3(alice) state=blocked reason=send' "$TMP/out" && fail "alice SEND-blocked with a queue"
run 0 run scenarios/pingpong.lua && expect_err '100 round trips, 4896 ns each'
run 0 run scenarios/pingpong.lua --set costs=firefly-1990 && expect_err '100 round trips, 442340 ns each'
# The server's reply and next receive in one system call: one trap (100 ns
# modern, 18 us firefly-1990) less per round trip.
run 0 run scenarios/pingpong.lua --set loop=reply_recv && expect_err '100 round trips, 4796 ns each'
run 0 run scenarios/pingpong.lua --set loop=reply_recv --set costs=firefly-1990 &&
	expect_err '100 round trips, 424340 ns each'

# Synchronous, buffered, asynchronous (doc/tutorial/buffering.md): when the
# producer is free, when the run ends with 30 ms of its own work, and the
# consumer's pace the same in every case.
run 0 run scenarios/buffering.lua --set qlimit=5 &&
	expect_err '0ns  producer +\| sent message 5 at 0 ms$' && expect_err '50ms  consumer +\| took message 5'
run 0 run scenarios/buffering.lua --set async=true --stats json &&
	expect_err '0ns  producer +\| sent message 5 at 0 ms \(into the outbox\)' &&
	expect_err '10ms  producer.1 +\| delivered message 1 at 10 ms' &&
	expect_err '50ms  producer.1 +\| delivered message 5 at 50 ms' &&
	expect_out '"name": "producer", "process": "producer", .*"finish_ns": 0,' &&
	expect_out '"name": "producer.1", "process": "producer", .*"finish_ns": 50000000,' &&
	expect_out '"latency_ns": \{ "mean": 5000000, "p50": 0, "p99": 10000000, "max": 10000000 \}'
for q in 0:10000000 2:30000000 16:50000000; do
	run 0 run scenarios/buffering.lua --set qlimit=${q%%:*} --stats json --quiet &&
		expect_out "\"max\": ${q#*:} \}"
done
for w in 0:80000000 2:60000000 async:50000000 16:50000000; do
	case $w in async:*) set -- --set async=true ;; *) set -- --set qlimit=${w%%:*} ;; esac
	run 0 run scenarios/buffering.lua --set work=30 "$@" --stats json &&
		expect_out "\"end_ns\": ${w#*:}," && expect_err 'consumer +\| took message 5'
done
expect_err '30ms  producer +\| done with its own work at 30 ms'

# Marshalling and byte order (doc/tutorial/byte-order.md): the bytes, the
# sizes the kernel sees, and a conversion per number per little-endian side.
run 0 run scenarios/byte-order.lua --trace "$TMP/bo.uktrace" &&
	expect_err 'little-client\| 258 in memory: 02 01 00 00 \(little-endian\), 00 00 01 02 \(big-endian\)$' &&
	expect_err 'little-client\| 258 on the wire: 03 00 00 01 02, whoever writes it$' &&
	expect_err "Add\\(2, 3\\)'s arguments on the wire: 08 00 00 00 02 03 00 00 00 02 03 00 00 00 03\$" &&
	expect_err 'little-client\| Sum\(100 integers\)       546 \+ 29 bytes  112 numbers:     8.52 us to little,     8.40 us to big$' &&
	expect_err 'big-client  \| Sum\(100 integers\)       546 \+ 29 bytes  112 numbers:     8.40 us to little,     8.29 us to big$'
run 0 export "$TMP/bo.uktrace" &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(little-client\) port=2\(le-calc\) size=41 kind=call' &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(little-client\) port=2\(le-calc\) size=51 kind=call' &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(big-client\) port=4\(be-calc\) size=546 kind=call' &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(little-client\) port=2\(le-calc\) size=146 kind=call' &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(big-server\) port=[0-9]+ size=24 kind=reply' &&
	expect_out 'msg_send flow=[0-9]+ tid=[0-9]+\(little-server\) port=[0-9]+ size=29 kind=reply'
run 0 run scenarios/byte-order.lua --set costs=firefly-1990 &&
	expect_err 'little-client\| Null\(\)                   41 \+ 24 bytes   10 numbers:   524.64 us to little,   494.64 us to big$' &&
	expect_err 'little-client\| Add\(2, 3\)                51 \+ 29 bytes   13 numbers:   558.01 us to little,   519.01 us to big$' &&
	expect_err 'little-client\| Sum\(100 integers\)       546 \+ 29 bytes  112 numbers:  1659.45 us to little,  1323.45 us to big$' &&
	expect_err 'little-client\| Len\(100-byte string\)    146 \+ 29 bytes   12 numbers:   582.72 us to little,   546.72 us to big$' &&
	expect_err 'big-client  \| Null\(\)                   41 \+ 24 bytes   10 numbers:   494.64 us to little,   464.64 us to big$' &&
	expect_err 'big-client  \| Sum\(100 integers\)       546 \+ 29 bytes  112 numbers:  1323.45 us to little,   987.45 us to big$'
run 0 run scenarios/byte-order.lua --set costs=firefly-1990 --set n=1000 &&
	expect_err 'little-client\| Sum\(1000 integers\)     5046 \+ 29 bytes 1012 numbers: 11672.56 us to little,  8636.56 us to big$' &&
	expect_err 'big-client  \| Sum\(1000 integers\)     5046 \+ 29 bytes 1012 numbers:  8636.56 us to little,  5600.56 us to big$'

# Remote objects: by value the caller's table is unchanged; through a
# reference everyone sees one account; the id alone names nothing; a
# reference dies with its server, whose new incarnation starts afresh.
run 0 run scenarios/remote-objects.lua --stats json &&
	expect_err "ann +\| by value: the bank's copy says 1005; mine still has total 5, audited nil" &&
	expect_err 'ann +\| two objects: Account#1 \(remote\) and Account#2 \(remote\)' &&
	expect_err "bob's account: 7; ann's: 100$" &&
	expect_err 'carol +\| carol got Account#1 \(remote\), owner ann: deposits 50 -> 150' &&
	expect_err "ann's balance is 150$" &&
	expect_err "with bob's id: no object #2 behind this reference \(it names Account#1\)" &&
	expect_err "after the crash: ann's account: nil, dead port" &&
	expect_err 'the new bank opens Account#1 \(remote\) with balance 0' &&
	expect_out '"binding": "Account", "method": "deposit", "kind": "message", "calls": 3, "failed": 0,'
# Clock synchronisation: Cristian's clients end near the server's true
# time; Berkeley's clocks agree within microseconds, half a millisecond
# off true time (the average), the 30 ms clock left out of the average.
run 0 run scenarios/clock-sync.lua --stats json &&
	expect_err 'after 1: cristian spread [0-9.]+us, worst error -?[0-9]\.[0-9]us \| berkeley spread 0\.[0-9]us, worst error 51[0-9]\.[0-9]us' &&
	expect_out '"process": "b4", .*"berkeley_rounds": 5, "rounds": \[\{ "round": 1,'
run 0 run scenarios/clock-sync.lua --set outlier=50ms &&
	expect_err 'after 1: .* \| berkeley spread 0\.[0-9]us, worst error 6[0-9][0-9][0-9]\.[0-9]us'

# Peer to peer (doc/tutorial/peer-to-peer.md). The central index: every
# lookup is one call to it and fails once it is gone, although no item is;
# the kernel counts exactly the messages the scenario's tally says (name
# server 66, publishing 22, lookups 64, fetches 64).
run 0 run scenarios/peer-to-peer.lua --stats json &&
	expect_err 'round 1 \(before the crash\): 32 lookups, 32 found and fetched, 0 failed' &&
	expect_err 'the 32 items fetched, 32000 bytes, went peer to peer' &&
	expect_err 'round 2 \(after the crash\): 32 lookups, 0 found and fetched, 32 failed' &&
	expect_err '32 failed: the index: dead port'
run 0 run scenarios/peer-to-peer.lua --set sites=1 --set crash=false --stats json &&
	expect_err 'published 32 items of 16 peers to the index: 22 messages' &&
	expect_err 'per lookup: 2.0 messages; found in 1.00 hops' && expect_out '"messages": 216,'
# Flooding, whatever the overlay the seed draws: a TTL of 1 finds exactly
# the holders that are neighbours; a TTL past the diameter finds every item,
# and after peer 2's crash loses only peer 2's items. Messages per lookup
# grow with the TTL until the flood covers the overlay.
for seed in 1 2 3; do
	run 0 run scenarios/peer-to-peer.lua --set part=flood --set ttl=1 --set crash=false --seed $seed
	near=$(sed -n 's/.*from the asking peer: 1 hop: \([0-9]*\),.*/\1/p' "$TMP/err")
	expect_err "round 1 \\(no crash\\): 32 lookups, ${near:-x} found and fetched"
	run 0 run scenarios/peer-to-peer.lua --set part=flood --set ttl=8 --seed $seed &&
		expect_err 'connected, diameter [1-7]$' &&
		expect_err 'round 1 \(before the crash\): 32 lookups, 32 found and fetched, 0 failed' &&
		expect_err 'round 2 \(after the crash\): 32 lookups, [0-9]+ found'
	checks=$((checks + 1))
	grep 'failed: ' "$TMP/err" | grep -v 'round' | sed 's/.*(\(.*\))$/\1/' | tr ',' '\n' |
		grep -v -E '^ ?item-[0-9]+ of peer2$' | grep -q . &&
		fail "flood, seed $seed: a crash of peer 2 lost an item of another peer"
done
msgs() { sed -n 's/.*round 1 .*//; s/.*per lookup: \([0-9.]*\) messages.*/\1/p' "$TMP/err" | head -1; }
last=0
for t in 1 2 3 4; do
	run 0 run scenarios/peer-to-peer.lua --set part=flood --set ttl=$t --set crash=false
	m=$(msgs)
	checks=$((checks + 1))
	awk -v a="$last" -v b="$m" 'BEGIN { exit !(b > a) }' || fail "flood: ttl=$t gives $m messages per lookup, not more than $last"
	last=$m
done
# The ring: hops grow as log N, not as N; a crash loses the crashed peer's
# items and the index entries it stored, nothing else.
for n in 8 16 32 64; do
	run 0 run scenarios/peer-to-peer.lua --set part=dht --set peers=$n --set crash=false
	h=$(sed -n 's/.*found in \([0-9.]*\) hops.*/\1/p' "$TMP/err" | head -1)
	checks=$((checks + 1))
	awk -v h="$h" -v n=$n 'BEGIN { exit !(h > 0 && h <= log(n) / log(2)) }' ||
		fail "dht: $h hops per lookup with $n peers, more than log2 N"
done
for seed in 1 2 3; do
	run 0 run scenarios/peer-to-peer.lua --set part=dht --set peers=8 --seed $seed &&
		expect_err 'round 1 \(before the crash\): 32 lookups, 32 found and fetched, 0 failed'
	checks=$((checks + 1))
	grep 'failed: ' "$TMP/err" | grep -v 'round' |
		grep -v -E 'failed: (fetch: dead port \((item-[0-9]+ of peer2(, )?)+( and [0-9]+ more items)?\)|the peer storing its index entry is down \(.*\))$' |
		grep -q . && fail "dht, seed $seed: a failure that is neither peer 2's item nor an entry it stored"
done
run 0 run scenarios/peer-to-peer.lua --set part=dht --set peers=8 &&
	expect_err '1 failed: the peer storing its index entry is down \(item-008 of peer1\)'

run 0 run scenarios/hello.lua --stats csv --quiet &&
	expect_out '^thread,process,state,arrival_ns' && expect_out '^client,client,exited,1000000,'

# The text summary marks a daemon caught with work in hand when the run
# ended (the name server, woken by the notice of echo-v2's dead port as
# the client exits) and says why under the table; JSON keeps the state.
# A daemon waiting for work, and threads that are not a daemon's (stopped
# running or ready by --until), get no mark and no note.
run 0 run scenarios/nameserver.lua &&
	expect_out '^name +name +running\* +24\.976us ' &&
	expect_out '^\* a daemon that had work in hand when the run ended: the run ends with the last$' &&
	expect_out '^  process that is not a daemon, without waiting for the daemons to block again$'
run 0 run scenarios/nameserver.lua --stats json --quiet &&
	expect_out '"name": "name", "process": "name", .*"state": "running" \}'
run 0 run scenarios/convoy.lua --until 50 &&
	expect_out '^name +name +blocked ' && expect_out '^A +A +running +50ms ' && expect_out '^B +B +ready '
checks=$((checks + 1))
grep -q '\*' "$TMP/out" && fail "convoy --until 50: a mark with no daemon at work"
finish
