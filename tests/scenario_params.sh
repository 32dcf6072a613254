#!/bin/sh
# scenario_params.sh - every shipped scenario checks its --set values when it
# loads: a bad value stops the load with exit status 2 and a message that
# names the file, the line and the parameter, and says what is allowed;
# never a run that fails later (a segmentation fault, a division by zero,
# an error in one process and "unknown name" in the next) or that quietly
# ignores the value.
. "${top_srcdir:-.}/tests/lib.sh"

# scenario | --set NAME=VALUE | what stderr says (grep -E); empty: "NAME must be"
# at the scenario's line. The first seven are the ones a student met. A
# duration must be one the API takes (whole ns, under 2^64 ns), not one that
# fails later in a body: the lines after buffering's qlimit. A number of
# processes is bounded: a huge one would keep the load going for hours.
cases='
migration|hot=100|migration.lua:[0-9]+: hot must be a whole number from 1 to pages \(64\), not 100$
cow-fork|touch=some|cow-fork.lua:[0-9]+: touch must be few or all, not "some"$
cow-fork|writes=100|cow-fork.lua:[0-9]+: writes must be a whole number from 0 to pages \(64\), not 100$
pingpong|n=0|pingpong.lua:[0-9]+: n must be a whole number of round trips, at least 1, not 0$
pingpong|n=-5|pingpong.lua:[0-9]+: n must be a whole number of round trips, at least 1, not -5$
client-server|qlimit=-1|client-server.lua:[0-9]+: qlimit must be a whole number of messages from 0 \(a rendezvous\) to 1000000, not -1$
rpc-semantics|semantics=exactly-once|rpc-semantics.lua:[0-9]+: semantics must be maybe, at-least-once or at-most-once, not "exactly-once"$
buffering|qlimit=2.5|
buffering|work=1e300|
client-server|service=1.0001ns|
clock-sync|period=20000000000s|clock-sync.lua:[0-9]+: period = "20000000000s" is too large: a duration must be under 2\^64 ns \(about 584 years\)$
clock-sync|outlier=18446744073709551616ns|clock-sync.lua:[0-9]+: outlier = "18446744073709551616ns" is too large: a duration must be under 2\^64 ns \(about 584 years\)$
clock-sync|timeout=0.0000001|
cristian|min=1.0001ns|
cristian|period=9223372036854775807|cristian.lua:[0-9]+: period = "9223372036854775807" is too large: a duration must be under 2\^64 ns \(about 584 years\)$
fileserver-architectures|think=1e300|
shared-memory|work=20000000000s|shared-memory.lua:[0-9]+: work = "20000000000s" is too large: a duration must be under 2\^64 ns \(about 584 years\)$
buffering|work=-1|
byte-order|costs=fast|machine: unknown cost profile .fast.
byte-order|n=-1|
client-server|service=1e30|client-server.lua:[0-9]+: service = "1e30" is too large: a duration must be under 2\^64 ns \(about 584 years\)$
client-server|service=soon|service must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not "soon"$
clock-sync|rounds=-1|
clock-sync|period=0|period must be more than 0
clock-sync|period=1us|period must be at least 4ms on one machine, not "1us": the observer looks 2 ms after each round.s start, well before the next$
clock-sync|outlier=5m|
clock-sync|net=ethernet|net must be none, lan, man, wan, wireless-lan, wireless-wan or internet, not "ethernet"$
clock-sync|timeout=-1|
convoy|sched=fcfs|machine: unknown scheduler .fcfs.
convoy|long=0|long must be a number of ms, more than 0, not 0$
convoy|short=-1|
convoy|late=-1|
cow-fork|pages=0|
cow-fork|children=0|
cow-fork|costs=slow|machine: unknown cost profile .slow.
cow-fork|frames=0|
cristian|probes=0|
cristian|min=-1|
cristian|drop=2|
cristian|rounds=0|
cristian|period=1 s|
fileserver-architectures|arch=threads|arch = "threads": expected "all", single, thread-per-request, pool, event-driven
fileserver-architectures|clients=0|
fileserver-architectures|clients=1001|
fileserver-architectures|rounds=2.5|
fileserver-architectures|service=-1ms|
fileserver-architectures|disk=fast|disk must be a duration
fileserver-architectures|think=-1|
fileserver-architectures|workers=0|
fileserver-architectures|workers=1e6|workers must be a whole number from 1 to 1024, not 1000000$
invocation-kinds|calls=0|
invocation-kinds|costs=x|machine: unknown cost profile .x.
invocation-kinds|net=x|link: unknown profile .x.
invocation-kinds|size=70000|size must be a whole number of bytes from 0 to 65536, not 70000$
load-balance|queues=one|queues must be per-cpu or global, not "one"$
load-balance|balance=x|
load-balance|migrate=1e3ns|
lottery|sched=x|machine: unknown scheduler .x.
lottery|length=0|
lottery|quantum=-1|
lottery|tickets_b=0|
lrpc-paper|calls=0|
lrpc-vs-rpc|cpus=0|
lrpc-vs-rpc|calls=-1|
lrpc-vs-rpc|bytes=99999|bytes must be a whole number from 0 to 65536, not 99999$
migration|pages=0|
migration|iterations=0|
migration|at=soon|
migration|bandwidth=fast|link: .bandwidth. must be a rate
migration|latency=-1|link: .latency. must be a duration
migration|frames=0|node: .frames. must be an integer
migration|threads=green|
migration|parts=0|
migration|costs=x|machine: unknown cost profile .x.
migration|lrpc=maybe|
mlfq-gaming|boost=2.5|
mlfq-gaming|gamers=-1|
mlfq-gaming|gamers=1000000000|
mlfq-gaming|quantum=1|quantum must be a whole number of ms \(the gamers do I/O 1 ms before it ends\), at least 2, not 1$
nameserver|requests=0|
nameserver|requests=100|requests must be a whole number \(echo-v1 must be gone when echo-v2 starts, at 10 ms\) from 1 to 50, not 100$
nested-servers|arch=x|
nested-servers|workers=0|
nested-servers|clients=0|
nested-servers|clients=1000000000|
nested-servers|calls=0|
nested-servers|recurse=-1|
ool-messages|costs=x|machine: unknown cost profile .x.
ool-messages|touch=some|
ool-messages|max_kib=0|
peer-to-peer|part=gnutella|part must be central, flood or dht, not "gnutella"$
peer-to-peer|peers=3|peers must be a whole number from 4 to 64, not 3$
peer-to-peer|peers=65|
peer-to-peer|sites=9|
peer-to-peer|ttl=0|
peer-to-peer|ttl=2.5|
peer-to-peer|degree=16|degree must be a whole number from 1 to 8, and below peers \(16\), not 16$
peer-to-peer|lookups=0|
pingpong|costs=x|machine: unknown cost profile .x.
pingpong|loop=send|
race|model=x|
reincarnation|semantics=x|
reincarnation|restart_after=x|
reincarnation|check=x|
reincarnation|calls=0|
rpc-semantics|protocol=RRR|
rpc-semantics|drop=-0.5|
rpc-semantics|duplicate=1.5|
rpc-semantics|deposits=0|
rr-quantum|sched=x|machine: unknown scheduler .x.
rr-quantum|quantum=0|
rr-quantum|jobs=0|
rr-quantum|jobs=1000000000|
rr-quantum|length=-1|
rr-quantum|switch=-1|
shared-memory|sync=x|
shared-memory|adds=0|
shared-memory|work=x|work must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not "x"$
shared-memory|size=4|
shared-memory|board=x|board must be none, rw or r$
stateless-vs-stateful|chunk=0|
syscall-vs-rpc|calls=0|
syscall-vs-rpc|costs=x|machine: unknown cost profile .x.
thread-models|model=x|model must be one-to-one, many-to-one, many-to-many or activations, not "x"$
two-nodes-rpc|part=x|
two-nodes-rpc|step=0|
two-nodes-rpc|from=-1|
two-nodes-rpc|max=-1|
two-nodes-rpc|loss=2|
two-nodes-rpc|retries=-1|
two-nodes-rpc|calls=0|
two-nodes-rpc|costs=x|machine: unknown cost profile .x.
'

echo "$cases" | while IFS='|' read -r scn set msg; do
	[ -n "$scn" ] || continue
	name=${set%%=*}
	[ -n "$msg" ] || msg="scenarios/$scn.lua:[0-9]+: $name must be"
	if run 2 run "scenarios/$scn.lua" --set "$set" --quiet; then
		expect_err "^scenarios/$scn.lua:[0-9]+: "
		expect_err "$msg"
		[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$scn --set $set: more than one line on stderr"
	fi
	echo "checks=$checks failures=$failures" >"$TMP/count"
done
. "$TMP/count"

# Every parameter of every shipped scenario that takes a number or a string
# has a bad value above (a boolean takes only true or false: param() checks it).
for f in scenarios/*.lua; do
	scn=$(basename "$f" .lua)
	for name in $(grep -o 'param("[A-Za-z_0-9.-]*", *[^)]*)' "$f" |
	              grep -v ', *\(true\|false\))' | sed 's/param("\([^"]*\)".*/\1/'); do
		checks=$((checks + 1))
		echo "$cases" | grep -q "^$scn|$name=" ||
			fail "$f: parameter '$name' has no bad value in tests/scenario_params.sh"
	done
done

# The values the scenarios' headers and lessons suggest still load.
run 0 run scenarios/migration.lua --set hot=32 --quiet
run 4 run scenarios/cow-fork.lua --set touch=all --set frames=100 --quiet
run 0 run scenarios/cow-fork.lua --set writes=5 --quiet
run 0 run scenarios/shared-memory.lua --set work=0 --quiet
run 0 run scenarios/client-server.lua --set qlimit=1 --set service=250us --quiet
run 0 run scenarios/clock-sync.lua --set outlier=50ms --quiet
run 0 run scenarios/peer-to-peer.lua --set part=dht --set peers=64 --quiet
# A whole number written the Lua way (1e3, 1000.0, 2^10) is an integer to
# the scenario: param() gives math.tointeger of a number, --set or default.
run 0 run scenarios/pingpong.lua --set n=1e3 --quiet
run 0 run scenarios/pingpong.lua --set n=1000.0 --stats json && expect_out '"params": { "n": 1000, '
printf '%s\n' 'local a, b, c = param("a", 2^10), param("b", 1.5), param("c", 7.0)' \
	'process { "p", main = function()' \
	'  log("%s %s %s %s %s", math.type(a), a, math.type(b), math.type(c), param_shown) end }' \
	'param_shown = param("d", 3)' >"$TMP/w.lua"
run 0 run "$TMP/w.lua" --set d=3e0 && expect_err 'p +\| integer 1024 float integer 3$'
finish
