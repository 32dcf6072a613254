#!/bin/sh
# lesson_figures.sh - the figures the lessons (doc/tutorial/*.md) and the
# README's walkthrough quote are the ones ukern prints. lessons.sh checks that
# every command of the lessons runs; this checks what they say it prints: for
# each figure a lesson's answers rest on, the text quotes it (so a lesson that
# is edited keeps the figure this test looks for) and the command prints it
# (so a change in the kernel, the cost model or a scheduler that moves the
# figure fails here, and the lesson is brought up to date with it).
. "${top_srcdir:-.}/tests/lib.sh"

# figure LESSON TEXT OUTPUT ARGS...: doc/tutorial/LESSON.md contains TEXT and
# `ukern ARGS...` prints OUTPUT (stdout or stderr); both fixed strings, TEXT
# empty for "the same as OUTPUT". The run may end as a lesson's runs end:
# completed (0), in a deadlock (3) or with a faulted process (4).
figure() {
	lesson=$1 text=$2 output=$3
	shift 3
	[ -n "$text" ] || text=$output
	checks=$((checks + 1))
	grep -F -q -- "$text" "doc/tutorial/$lesson.md" ||
		fail "$lesson.md no longer quotes '$text'"
	checks=$((checks + 1))
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0 | 3 | 4) ;;
	*) fail "ukern $* exited $rc"; sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2 ;;
	esac
	cat "$TMP/out" "$TMP/err" >"$TMP/both"
	grep -F -q -- "$output" "$TMP/both" || {
		fail "$lesson.md quotes '$output', but 'ukern $*' no longer prints it"
		grep -F -- "$(printf '%s' "$output" | cut -c1-12)" "$TMP/both" | head -3 |
			sed 's/^/  it prints: /' >&2
	}
}

# figure_count LESSON TEXT N REGEX ARGS...: doc/tutorial/LESSON.md contains TEXT
# (a fixed string) and exactly N lines that `ukern ARGS...` prints (stdout or
# stderr) match REGEX (grep -E): for a lesson that counts records of a trace.
figure_count() {
	lesson=$1 text=$2 n=$3 regex=$4
	shift 4
	checks=$((checks + 1))
	grep -F -q -- "$text" "doc/tutorial/$lesson.md" ||
		fail "$lesson.md no longer quotes '$text'"
	checks=$((checks + 1))
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err" || fail "ukern $* exited $?"
	got=$(cat "$TMP/out" "$TMP/err" | grep -E -c -- "$regex")
	[ "$got" -eq "$n" ] ||
		fail "$lesson.md counts $n lines /$regex/ of 'ukern $*', it prints $got"
}

# client-server.md: one round trip, and its cost under three profiles.
figure client-server '' '| reply "HI FROM BOB" after 2008.5 us' run scenarios/client-server.lua
figure client-server '| `costs=modern` | 4896 ns |' '100 round trips, 4896 ns each' run scenarios/pingpong.lua
figure client-server '| `costs=firefly-1990` | 442340 ns |' '100 round trips, 442340 ns each' \
	run scenarios/pingpong.lua --set costs=firefly-1990
figure client-server '| `loop=reply_recv` (`modern`) | 4796 ns |' '100 round trips, 4796 ns each' \
	run scenarios/pingpong.lua --set loop=reply_recv

# buffering.md: a queue of two lets the producer finish at 30 ms.
figure buffering '| `qlimit=2` | 0, 0, 10, 20, 30 | 30 ms |' '| sent message 5 at 30 ms' \
	run scenarios/buffering.lua --set qlimit=2

# byte-order.md: the staircase of conversions under firefly-1990.
figure byte-order '' 'Sum(100 integers)       546 + 29 bytes  112 numbers:  1659.45 us to little,  1323.45 us to big' \
	run scenarios/byte-order.lua --set costs=firefly-1990

# thread-models.md: many-to-one loses 50 ms per thread; the race loses updates.
figure thread-models '| many-to-one | 50.01214 ms | 80.01216 ms | 110.01218 ms | 110.0123 ms |' \
	'completed at 110.0123ms' run scenarios/thread-models.lua --set model=many-to-one
figure thread-models '| activations, 2 processors | 50.01284 ms | 30.00286 ms | 30.00324 ms | 50.01296 ms |' \
	'completed at 50.01296ms' run scenarios/thread-models.lua --set model=activations
figure thread-models '' 'counter = 5 (expected 20): updates were lost' \
	run scenarios/race.lua --set locked=false

# thread-models.md: when each upcall comes after its activation's dispatch.
run 0 run scenarios/thread-models.lua --set model=activations --trace "$TMP/sa.uktrace" --quiet
figure thread-models 'The first upcall comes at 0, the instant `app/lwp0` is dispatched' \
	'0.000000ms  dispatch cpu=1 tid=2(app/lwp0)' export "$TMP/sa.uktrace"
figure thread-models '' '0.000000ms  upcall lwp=2 kind=1 tid=0' export "$TMP/sa.uktrace"
figure thread-models 'dispatched at 0.74 µs, upcall at' '0.000740ms  dispatch cpu=1 tid=8(app/lwp2)' \
	export "$TMP/sa.uktrace"
figure thread-models '' '0.002240ms  upcall lwp=8 kind=3 tid=4(app.1)' export "$TMP/sa.uktrace"
figure thread-models '(0.62 → 2.62 µs: CPU 0' '0.000620ms  dispatch cpu=0 tid=5(app/lwp1)' \
	export "$TMP/sa.uktrace"
figure thread-models '' '0.002620ms  upcall lwp=5 kind=1 tid=0' export "$TMP/sa.uktrace"

# scheduling.md: the textbook's answers, to the tick.
figure scheduling '' 'Average      -- Response:   70.00  Turnaround  102.50  Wait   70.00' \
	run scenarios/convoy.lua --answers
figure scheduling '| stcf | 130 | 10 | 20 | 10 | 7.50 | 42.50 | 10.00 |' \
	'Average      -- Response:    7.50  Turnaround   42.50  Wait   10.00' \
	run scenarios/convoy.lua --set sched=stcf --answers
figure scheduling '| 99 | 298 | 299 | 300 | 99.00 | 299.00 | 199.00 |' \
	'Average      -- Response:   99.00  Turnaround  299.00  Wait  199.00' \
	run scenarios/rr-quantum.lua --set quantum=99 --answers
figure scheduling '| true | 50 | 221 | 637 | 640 |' 'Job A        -- Response:    0.00  Turnaround  221.00' \
	run scenarios/mlfq-gaming.lua --set boost=50 --answers
figure scheduling '122, 110, 110 and 110 ([scheduling.md §5]' 'Job A        -- Response:    0.00  Turnaround  110.00' \
	run scenarios/mlfq-gaming.lua --set io_stay=false --set boost=50 --answers
figure scheduling '"share": 0.033333' '"share": 0.033333' \
	run scenarios/mlfq-gaming.lua --until 300 --stats json --quiet
figure scheduling 'Seed 1: B finishes at 194, A at 200' 'Job B        -- Response:    1.00  Turnaround  194.00' \
	run scenarios/lottery.lua --answers --seed 1
figure scheduling '0.2481 / 0.7519 after 10 000' '"share": 0.248100' \
	run scenarios/lottery.lua --set sched=stride --set tickets_b=300 --set length=100000 \
	--until 10000 --stats json --quiet
figure scheduling '| per-CPU, work stealing | 86.25 ms | 160 ms |' 'Turnaround   86.25' \
	run scenarios/load-balance.lua --answers

# nameserver.md, nested-servers.md, rpc-semantics.md
figure nameserver '' "| lookup 'echo' -> nil unknown name" run scenarios/nameserver.lua
figure nested-servers '| `arch=single` | completed | 6.78 ms | 37.72 ms |' \
	'mean latency 6.78 ms, all done at 37.72 ms' run scenarios/nested-servers.lua
figure nested-servers '' 'deadlock at 2.033662ms: a cycle of 3 threads' \
	run scenarios/nested-servers.lua --set deadlock=true
figure rpc-semantics '| at-least-once | 20 | 0 | **340** | 34 | 20 | 0 | 45.7 ms |' \
	'20 deposits of 10 acknowledged, 0 failed; the bank holds 340' \
	run scenarios/rpc-semantics.lua --set semantics=at-least-once
figure rpc-semantics '| at-most-once | 20 | 0 | **200** | 20 | 20 | 14 | 43.9 ms |' \
	'20 calls (0 failed, 20 retransmissions), 20 executions, 14 duplicates filtered' \
	run scenarios/rpc-semantics.lua --set semantics=at-most-once

# rpc-semantics.md, answer 1: under maybe, 5 replies and 5 requests lost, and
# one acknowledged deposit run twice (a duplicated request, its reply stale).
run 0 run scenarios/rpc-semantics.lua --set semantics=maybe --trace "$TMP/maybe.uktrace" --quiet
figure_count rpc-semantics 'five drops with `port=4 reason=lost`' 5 'msg_drop flow=[0-9]+ port=4 reason=lost$' \
	export "$TMP/maybe.uktrace"
figure_count rpc-semantics 'five with `port=2(bank) reason=lost`' 5 'msg_drop flow=[0-9]+ port=2\(bank\) reason=lost$' \
	export "$TMP/maybe.uktrace"
figure_count rpc-semantics 'and one with `reason=stale_reply`' 1 'msg_drop .*reason=stale_reply$' export "$TMP/maybe.uktrace"
figure_count rpc-semantics 'flows 15 and 16, sent together at 7.22 ms' 2 \
	'^ +7\.224824ms  msg_send flow=1[56] tid=3\(client\) port=2\(bank\) .*kind=call' export "$TMP/maybe.uktrace"
figure rpc-semantics 'a call already answered, was dropped' 'msg_drop flow=18 port=4 reason=stale_reply' \
	export "$TMP/maybe.uktrace"
figure rpc-semantics '| maybe | 10 | 10 | 160 | 16 | 0 | 0 | 23.3 ms |' \
	'bank.Deposit: 20 calls (10 failed, 0 retransmissions), 16 executions' \
	run scenarios/rpc-semantics.lua --set semantics=maybe

# migration.md: the grep of "Run it" prints the four migrations and nothing
# else (each thread's "migrations": N field must not match it).
checks=$((checks + 1))
grep -F -q -- "ukern run scenarios/migration.lua --stats json | grep -A5 '\"migrations\": \\['" \
	doc/tutorial/migration.md || fail "migration.md no longer shows the grep of the migrations"
checks=$((checks + 1))
"$UKERN" run scenarios/migration.lua --stats json 2>/dev/null | grep -A5 '"migrations": \[' >"$TMP/mig"
{ [ "$(sed -n 1p "$TMP/mig")" = '  "migrations": [' ] &&
  [ "$(grep -c '^    { "id": [1-4], "process": "worker\.' "$TMP/mig")" -eq 4 ] &&
  [ "$(sed -n '6{p;q}' "$TMP/mig")" = '  ],' ] && [ "$(wc -l <"$TMP/mig")" -eq 6 ]; } ||
	{ fail "migration.md's grep does not print the four migrations alone"; head -8 "$TMP/mig" | cut -c1-80 >&2; }

# shared-memory.md, answer 2: the token run's one dropped message is b's last
# token, destroyed with a's port when a exits.
figure shared-memory 'that is the `1 dropped` of the `ipc` line' \
	'ipc    67 messages, 1557 bytes, 11 calls, 1 dropped' run scenarios/shared-memory.lua --set sync=token
run 0 run scenarios/shared-memory.lua --set sync=token --trace "$TMP/token.uktrace" --quiet
figure shared-memory '(`msg_drop flow=60 port=10(a)' 'msg_send flow=60 tid=5(b) port=10(a) size=16 kind=send' \
	export "$TMP/token.uktrace"
figure_count shared-memory 'reason=dead_port` in `ukern export`' 1 \
	'^ +0\.157174ms  msg_drop flow=60 port=10\(a\) reason=dead_port$' export "$TMP/token.uktrace"
figure_count shared-memory 'It stays queued on `a`'"'"'s port until `a` exits' 1 \
	'^ +0\.157174ms  proc_exit pid=4\(a\) ' export "$TMP/token.uktrace"

# cristian.md, clock-sync.md: the bound, and agreement against truth.
figure cristian '' 'round 3: rtt 1206.2us, bound +-603.1us, correction +473.1us | off the server by -69.3us before, +403.8us after' \
	run scenarios/cristian.lua
figure clock-sync '' 'after 1: cristian spread 4.4us, worst error 2.8us | berkeley spread 0.2us, worst error 515.2us, middle 515.1us' \
	run scenarios/clock-sync.lua
figure clock-sync 'and the group goes to it: 1020 µs ahead after round 1' \
	'after 1: cristian spread 4.4us, worst error 2.8us | berkeley spread 0.2us, worst error 1020.2us' \
	run scenarios/clock-sync.lua --set outlier=0

# reincarnation.md, stateless-vs-stateful.md: crashes and what survives them.
figure reincarnation '' 'quote.Get: 150 calls (0 failed, 126 retransmissions), 152 executions' \
	run scenarios/reincarnation.lua
figure stateless-vs-stateful '' 'sfs: 78 bytes in 21 requests (36 bytes read again to recover)' \
	run scenarios/stateless-vs-stateful.lua

# fileserver-architectures.md: the disk bounds every concurrent structure.
# The log block is the lines as printed, the thread column included.
for line in '310.985872ms  pool-3      | pool                60 fetches in  307.9 ms = 194.9/s' \
	'314.08618ms  thread-per-request-1| thread-per-request  60 fetches in  311.0 ms = 192.9/s' \
	'315.799762ms  event-driven-1| event-driven        60 fetches in  312.7 ms = 191.9/s' \
	'490.552329ms  single-1    | single              60 fetches in  487.5 ms = 123.1/s'; do
	figure fileserver-architectures '' "$line" run scenarios/fileserver-architectures.lua
done
# Answer 4: the CPU of the servers with no CPU work, side by side and alone;
# the event loop's migrations explain its figure side by side.
figure fileserver-architectures 'the thread-per-request server uses 1.71 ms of CPU, the' \
	'server thread-per-request (file, thread-per-request, stateful): cpu 1.710344ms' \
	run scenarios/fileserver-architectures.lua --set service=0
figure fileserver-architectures 'single thread 0.35 ms: five times' \
	'server single (file, single, stateful): cpu 352.608us' \
	run scenarios/fileserver-architectures.lua --set service=0
figure fileserver-architectures '**1.81 ms**: four servers and 24 clients' \
	'server event-driven (file, event-driven, stateful): cpu 1.811773ms' \
	run scenarios/fileserver-architectures.lua --set service=0
figure fileserver-architectures '1.55 ms against 0.26 ms' \
	'server thread-per-request (file, thread-per-request, stateful): cpu 1.553212ms' \
	run scenarios/fileserver-architectures.lua --set arch=thread-per-request --set service=0
figure fileserver-architectures '1.55 ms against 0.26 ms' \
	'server single (file, single, stateful): cpu 258.461us' \
	run scenarios/fileserver-architectures.lua --set arch=single --set service=0
figure fileserver-architectures '**0.32 ms**' \
	'server event-driven (file, event-driven, stateful): cpu 315.773us' \
	run scenarios/fileserver-architectures.lua --set arch=event-driven --set service=0
# fs_thread ARGS...: the event loop's own thread in the JSON statistics.
fs_thread() {
	"$UKERN" run scenarios/fileserver-architectures.lua --stats json --quiet "$@" 2>/dev/null |
		grep -F '{ "name": "event-driven", "process": "event-driven",'
}
checks=$((checks + 2))
grep -F -q '184 switches, and 126 wake-ups' doc/tutorial/fileserver-architectures.md &&
	grep -F -q '(`migrations` 1 in the JSON' doc/tutorial/fileserver-architectures.md ||
	fail "fileserver-architectures.md no longer quotes the event loop's switches and migrations"
fs_thread --set service=0 | grep -F '"kernel_switches": 184,' | grep -F -q '"migrations": 126,' ||
	fail "fileserver-architectures.md: side by side, the event loop no longer has 184 switches, 126 migrations"
fs_thread --set service=0 --set arch=event-driven | grep -F '"kernel_switches": 61,' |
	grep -F -q '"migrations": 1,' ||
	fail "fileserver-architectures.md: alone, the event loop no longer has 61 switches, 1 migration"

# cow-fork.md, ool-messages.md: pages copied, mapped, not copied.
figure cow-fork '' '(peak 66); 64 zero-fill, 7 copy-on-write faults, 6 pages copied' run scenarios/cow-fork.lua
figure ool-messages '' '524288      210.51 us       13.70 us   15.37' run scenarios/ool-messages.lua

# lrpc-paper.md, lrpc-vs-rpc.md, syscall-vs-rpc.md, invocation-kinds.md
figure lrpc-paper '' 'BigInOut  219.0    219  1.000   227.0    227  1.000   617.1    636  0.970' \
	run scenarios/lrpc-paper.lua
figure lrpc-vs-rpc '' 'Null         1372       5052     3.68' run scenarios/lrpc-vs-rpc.lua
# Two CPUs: the table leaves out the warm-up call, the statistics count it.
figure lrpc-vs-rpc 'Null          972        952     0.98' 'Null          972        952     0.98' \
	run scenarios/lrpc-vs-rpc.lua --set cpus=2
figure lrpc-vs-rpc 'latency mean 1.047us max 2.952us`. They count all 21 calls' \
	'counter-msg.Null: 21 calls (0 failed, 0 retransmissions), 21 executions, 0 duplicates filtered; latency mean 1.047us max 2.952us' \
	run scenarios/lrpc-vs-rpc.lua --set cpus=2
figure lrpc-vs-rpc 'one `counter.Null (lrpc)` call at 1.372 µs' \
	'counter.Null (lrpc): 1 calls (0 failed); latency mean 1.372us max 1.372us' run scenarios/lrpc-vs-rpc.lua --set cpus=2
figure lrpc-vs-rpc 'then 20 `lrpc-mp` calls at 972 ns' \
	'counter.Null (lrpc-mp): 20 calls (0 failed); latency mean 972ns max 972ns' run scenarios/lrpc-vs-rpc.lua --set cpus=2
figure syscall-vs-rpc '' 'getpid() = 4 by a message to pm: 4836 ns a call (48.4 times the system call)' \
	run scenarios/syscall-vs-rpc.lua
figure invocation-kinds '' 'message RPC, another machine (lan)            2043880 ns' \
	run scenarios/invocation-kinds.lua

# two-nodes-rpc.md, remote-objects.md: several machines.
figure two-nodes-rpc '| 1431 | 1473 (2 packets) | 2 163 364 | 201 305 284 |' '1431         5688      2163364    201305284' \
	run scenarios/two-nodes-rpc.lua --set from=1428 --set step=1 --set max=1432
figure two-nodes-rpc '| `retries=5` | 40 | 0 | 40 | 6 | 3 | 3, 3 |' \
	'40 calls (0 failed, 6 retransmissions), 40 executions, 3 duplicates filtered' \
	run scenarios/two-nodes-rpc.lua --set part=loss --set retries=5
figure two-nodes-rpc '' '10 calls (0 failed, 8 retransmissions), 10 executions, 5 duplicates filtered' \
	run tests/api/nodes_route.lua --set loss=0.2
figure remote-objects '' 'a refused withdrawal: scenarios/remote-objects.lua:58: insufficient funds' \
	run scenarios/remote-objects.lua
figure remote-objects '' 'ann deposits 100 -> 100 (a call through a reference: 2044828 ns)' \
	run scenarios/remote-objects.lua --set nodes=true

# peer-to-peer.md: the index's crash, flooding's cost against the TTL and
# the crash it survives, the ring's hops against N next to flooding's.
figure peer-to-peer '' '32 failed: the index: dead port' run scenarios/peer-to-peer.lua
figure peer-to-peer '' 'crash of index (fault at scenarios/peer-to-peer.lua:380): process index (pid 6) crashes' \
	run scenarios/peer-to-peer.lua
figure peer-to-peer '' 'crash of peer2 (fault at scenarios/peer-to-peer.lua:381): process peer2 (pid 7) crashes' \
	run scenarios/peer-to-peer.lua --set part=dht
figure peer-to-peer '' 'the index has received 43 requests, 2871 bytes; the 32 items fetched, 32000 bytes, went peer to peer' \
	run scenarios/peer-to-peer.lua
figure peer-to-peer 'statistics say `216 messages`' 'ipc    216 messages' \
	run scenarios/peer-to-peer.lua --set sites=1 --set crash=false
# The two series are ukern sweep's CSV with the tally's results, quoted
# whole; the tables round its rows as the tally's log lines do.
sweep_block() {
	lesson=$1
	shift
	checks=$((checks + 2))
	awk -v p="\$ ukern $*" '$0 == p { f = 1; next } f && /^```$/ { exit } f' \
		"doc/tutorial/$lesson.md" >"$TMP/want"
	[ -s "$TMP/want" ] || { fail "$lesson.md no longer quotes '\$ ukern $*' and its output"; return; }
	"$UKERN" "$@" >"$TMP/got" 2>"$TMP/err" || fail "ukern $* exited $?"
	cmp -s "$TMP/want" "$TMP/got" || {
		fail "$lesson.md quotes the CSV of 'ukern $*', which no longer prints it (< doc, > ukern):"
		diff "$TMP/want" "$TMP/got" | grep '^[<>]' | cut -c1-160 | head -6 >&2
	}
}
sweep_block peer-to-peer sweep scenarios/peer-to-peer.lua --set part=flood --set ttl=1,2,3,4,5 --set crash=false
sweep_block peer-to-peer sweep scenarios/peer-to-peer.lua --set part=flood,dht --set peers=8,16,32,64 --set ttl=8 --set crash=false
figure peer-to-peer '| 1 | 8 | 4.2 | 0.0 | 1.00 | 1.57 ms |' \
	'per lookup: 4.2 messages (0.0 dropped as duplicates); found in 1.00 hops, 1.57 ms' \
	run scenarios/peer-to-peer.lua --set part=flood --set ttl=1 --set crash=false
figure peer-to-peer '| 1 | 8 | 4.2 | 0.0 | 1.00 | 1.57 ms |' \
	'flood,1,false,1,0,completed,1580002100,1,12384,1580002100,12384,804,88,325966,1102804,0,5779,8,24,4.25,0.0,1.0,1.57162,' \
	sweep scenarios/peer-to-peer.lua --set part=flood --set ttl=1 --set crash=false
figure peer-to-peer '| 5 | 32 | 50.0 | 34.0 | 2.16 | 2.38 ms |' \
	'per lookup: 50.0 messages (34.0 dropped as duplicates); found in 2.16 hops, 2.38 ms' \
	run scenarios/peer-to-peer.lua --set part=flood --set ttl=5 --set crash=false
figure peer-to-peer '' '4 failed: no answer in 25 ms (item-003 of peer2, item-014 of peer13, item-019 of peer2)' \
	run scenarios/peer-to-peer.lua --set part=flood
figure peer-to-peer '| 64 | 193.9 | 3.66 | 4.9 | 3.91 | 4.16 ms |' 'per lookup: 193.9 messages' \
	run scenarios/peer-to-peer.lua --set part=flood --set ttl=8 --set peers=64 --set crash=false
figure peer-to-peer '| 64 | 193.9 | 3.66 | 4.9 | 3.91 | 4.16 ms |' \
	'per lookup: 4.9 messages; found in 3.91 hops, 4.16 ms' \
	run scenarios/peer-to-peer.lua --set part=dht --set peers=64 --set crash=false
# the results agree with the tally's log line they stand for
figure peer-to-peer '| 64 | 193.9 | 3.66 | 4.9 | 3.91 | 4.16 ms |' '"results": { "found": 32, "failed": 0, "messages_per_lookup": 4.90625, "hops_per_lookup": 3.90625, "find_ms": 4.156370875,' \
	run scenarios/peer-to-peer.lua --set part=dht --set peers=64 --set crash=false --stats json
figure peer-to-peer '' '1 failed: the peer storing its index entry is down (item-008 of peer1)' \
	run scenarios/peer-to-peer.lua --set part=dht --set peers=8

# shared-memory.md, the trace: what the lesson's grep shows of a mapping's end
# (each process's exit), and the vm_unmap it leaves out.
run 0 run scenarios/shared-memory.lua --trace "$TMP/shm.uktrace" --quiet
"$UKERN" export "$TMP/shm.uktrace" >"$TMP/shm.txt"
checks=$((checks + 1))
grep -F -q 'A mapping ends here when its process exits: a `shm_unmap` with the number of' \
	doc/tutorial/shared-memory.md || fail "shared-memory.md no longer says how a mapping ends"
checks=$((checks + 1))
grep -E 'shm_|vm_map pid=[45]|frames' "$TMP/shm.txt" | sed 's/^ *[0-9.]*ms  //' |
	awk '/^shm_unmap/ { u = $0; getline; print u " / " $0 } /vm_unmap/ { print }' >"$TMP/shm.got"
printf '%s\n' 'shm_unmap seg=1 pid=5(b) addr=0x10000000 maps=1 / frames used=1 shared=0' \
	'shm_unmap seg=1 pid=4(a) addr=0x10000000 maps=0 / frames used=0 shared=0' >"$TMP/shm.want"
cmp -s "$TMP/shm.want" "$TMP/shm.got" ||
	{ fail "shared-memory.md: its grep does not show each unmapping as it says"; cat "$TMP/shm.got" >&2; }
checks=$((checks + 1))
[ "$(grep -B1 'shm_unmap' "$TMP/shm.txt" | grep -c 'vm_unmap pid=[45]([ab]) addr=0x10000000 pages=1$')" -eq 2 ] ||
	fail "shared-memory.md: the trace has no vm_unmap of the region just before each shm_unmap"

# shared-memory.md, part 2: the vandal's write lands through the editor's own
# handle, and faults through the restricted one, which cost the editor a trap.
figure shared-memory '' '250.1us  reader      | reader reads "VANDALISED      "' \
	run scenarios/shared-memory.lua --set board=rw
figure shared-memory '' '302.1us  editor      | editor finds "VANDALISED      " where it wrote headline 2' \
	run scenarios/shared-memory.lua --set board=rw
figure shared-memory '' 'scenarios/shared-memory.lua:214: segmentation fault at 0x10000000 (write to a read-only page) (process vandal, thread vandal, at 240.1us)' \
	run scenarios/shared-memory.lua --set board=r
figure shared-memory '' '250.1us  reader      | reader reads "headline 2      "' \
	run scenarios/shared-memory.lua --set board=r
figure shared-memory '' '2.35us  editor      | editor shares segment(2 of pid 2), publishes segment(3 of pid 2)' \
	run scenarios/shared-memory.lua --set board=r
figure shared-memory '' '2.25us  editor      | editor shares segment(2 of pid 2), publishes segment(2 of pid 2)' \
	run scenarios/shared-memory.lua --set board=rw
figure shared-memory '`1 segfaults` in the statistics' '1 segfaults, 0 out of memory' \
	run scenarios/shared-memory.lua --set board=r
figure shared-memory 'says `0 segfaults`' '0 segfaults, 0 out of memory' \
	run scenarios/shared-memory.lua --set board=rw
# migration.md: on demand, worker.od's pages move to D's frames one by one,
# each when its pull arrives: by 80 ms only its 2 hot pages have (the memory
# view's "2 used" on D), the other 62 are in A's frames until 200 ms and more.
"$UKERN" run scenarios/migration.lua --trace "$TMP/mig.uktrace" --quiet >/dev/null 2>&1 ||
	fail "ukern run scenarios/migration.lua --trace failed"
figure migration "\`worker.od\`'s two at 54.8 and 57.2 ms" \
	'54.836920ms  page_move pid=10(worker.od) addr=0x10000000 from=10 to=12289' \
	export "$TMP/mig.uktrace"
checks=$((checks + 1))
grep -F -q '(`node D ... 2 used`)' doc/tutorial/migration.md ||
	fail "migration.md no longer quotes D's 2 frames used at 80 ms"
checks=$((checks + 1))
awk '/page_move pid=10\(worker.od\)/ { t = $1; sub("ms", "", t); if (t + 0 <= 80) early++; n++ }
	END { exit !(early == 2 && n == 64) }' "$TMP/both" ||
	fail "migration.md: worker.od's pages do not move 2 by 80 ms, 64 in all"

# README.md: the quick start's output, line for line (readme.sh does the same
# for the first scenario of the walkthrough).
checks=$((checks + 1))
awk '/^\$ \.\/ukern run scenarios\/hello.lua$/ { on = 1; next } on && /^```/ { exit } on' \
	README.md >"$TMP/shown"
[ -s "$TMP/shown" ] || fail "README: no output block after '\$ ./ukern run scenarios/hello.lua'"
run 0 run scenarios/hello.lua
cat "$TMP/err" "$TMP/out" >"$TMP/got"
checks=$((checks + 1))
cmp -s "$TMP/shown" "$TMP/got" ||
	{ fail "README: the quick start's output is not what 'ukern run scenarios/hello.lua' prints"; \
	  diff "$TMP/shown" "$TMP/got" >&2; }

finish
