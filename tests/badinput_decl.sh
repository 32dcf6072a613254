#!/bin/sh
# badinput_decl.sh - every declaration (machine, process, job, server, fault,
# param) with a wrong type, a value out of range or an unknown field name:
# the message names the declaration, the field and the value, at FILE:LINE,
# and the scenario does not load (exit status 2).
# One case per line: SCENARIO @ LINE @ REGEX. The scenario is written with
# printf %b (\n starts a line); the message must match ^FILE:LINE: REGEX.
# A value that is not a string, number or boolean is named by its type,
# never by an address (messages are the same in every run).
. "${top_srcdir:-.}/tests/lib.sh"

F="$TMP/d.lua"
while IFS='@' read -r text line re; do
	case "$text" in '' | '#'*) continue ;; esac
	line=$(echo $line)
	re=$(echo "$re" | sed 's/^ *//; s/ *$//')
	printf '%b\n' "$text" >"$F"
	run 2 run "$F" --quiet && expect_err "^$F:$line: $re"
	checks=$((checks + 1))
	! grep -q '0x[0-9a-f]\{6,\}' "$TMP/err" || fail "an address in the message of: $text"
done <<'CASES'
# machine
machine { cpus = 0 }                        @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not '0'
machine { cpus = 257 }                      @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not '257'
machine { cpus = 1.5 }                      @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not '1.5'
machine { cpus = "two" }                    @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not 'two'
machine { cpus = {} }                       @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not 'a table'
machine { cpus = 0/0 }                      @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not '-?nan'
machine { cpus = math.huge }                @ 1 @ machine: 'cpus' must be an integer from 1 to 256, not 'inf'
machine { seed = -1 }                       @ 1 @ machine: 'seed' must be an integer from 0 to 9223372036854775807
machine { seed = 2^63 }                     @ 1 @ machine: 'seed' must be an integer from 0 to 9223372036854775807
machine { sched = "fair" }                  @ 1 @ machine: unknown scheduler 'fair' \(available: fifo, rr,
machine { sched = 3 }                       @ 1 @ machine: 'sched' must be a string, not a number
machine { costs = "fast" }                  @ 1 @ machine: unknown cost profile 'fast' \(profiles: zero, modern, firefly-1990\)
machine { costs = 3 }                       @ 1 @ machine: 'costs' must be a profile name or a table
machine { costs = { bogus = 1 } }           @ 1 @ machine: costs: unknown cost 'bogus'
machine { quantum = 0 }                     @ 1 @ machine: 'quantum' must be greater than 0
machine { quantum = -5 }                    @ 1 @ machine: 'quantum' must be a duration .*not '-5'
machine { quantum = "1xs" }                 @ 1 @ machine: 'quantum' must be a duration .*not '1xs'
machine { qlimit = -1 }                     @ 1 @ machine: 'qlimit' must be an integer from 0 to 1000000, not '-1'
machine { frames = 1e9 }                    @ 1 @ machine: 'frames' must be an integer from 1 to 16777216
machine { page_size = "4k" }                @ 1 @ machine: 'page_size' must be an integer from 64 to 1048576, not '4k'
machine { lua_memory = true }               @ 1 @ machine: 'lua_memory' must be a size such as "256MiB", not a boolean
machine { lua_memory = {} }                 @ 1 @ machine: 'lua_memory' must be a size such as "256MiB", not a table
machine { lua_memory = 1.5 }                @ 1 @ machine: 'lua_memory' must be a whole number of bytes or a size such as "256MiB"
machine { lua_memory = 0/0 }                @ 1 @ machine: 'lua_memory' must be a whole number of bytes or a size such as "256MiB"
machine { lua_memory = -1 }                 @ 1 @ machine: 'lua_memory' must be at least 1MiB, not -1 bytes
machine { lua_memory = "lots" }             @ 1 @ machine: 'lua_memory' = "lots": expected a size \(bytes, or with KiB, MiB, GiB or TiB: "256MiB"\)
machine { lua_memory = "1.5MiB" }           @ 1 @ machine: 'lua_memory' = "1.5MiB": expected a size
machine { lua_memory = "512KiB" }           @ 1 @ machine: 'lua_memory' must be at least 1MiB, not 524288 bytes
machine { lua_memory = 1000 }               @ 1 @ machine: 'lua_memory' must be at least 1MiB, not 1000 bytes
machine { lua_memory = "0" }                @ 1 @ machine: 'lua_memory' must be at least 1MiB, not 0 bytes
machine { threads = "many" }                @ 1 @ machine: threads = "many": expected "one-to-one", "many-to-one" or "many-to-many"
machine { sched = "mlfq", queues = 17 }     @ 1 @ machine: 'queues' must be an integer from 1 to 16, not '17'
machine { bogus = 1 }                       @ 1 @ machine: unknown field 'bogus' \(known fields: cpus, sched,
machine { [1] = 2 }                         @ 1 @ machine: unknown field '1' \(known fields:
machine { [{}] = 1 }                        @ 1 @ machine: unknown field 'a table' \(known fields:
machine "x"                                 @ 1 @ bad argument #1 to 'machine' \(table expected, got string\)
machine { cpus = 2 }\nmachine { cpus = 3 }  @ 2 @ machine: declared twice
# process
process { "p" }                             @ 1 @ process 'p': 'main' must be a function
process { "p", main = 3 }                   @ 1 @ process 'p': 'main' must be a function
process { main = function() end }           @ 1 @ process: 'name' must be a string of 1 to 63 characters
process { "", main = function() end }       @ 1 @ process: 'name' must be a string of 1 to 63 characters
process { ("x"):rep(64), main = function() end } @ 1 @ process: 'name' must be a string of 1 to 63 characters
process { "a b", main = function() end }    @ 1 @ process: 'name' must be a string of 1 to 63 characters without spaces
process { 42, main = function() end }       @ 1 @ process: 'name' must be a string \("42"\), not the number 42
process { name = 4.5, main = function() end } @ 1 @ process: 'name' must be a string \("4.5"\), not the number 4.5
process { name = "b", "c", main = function() end } @ 1 @ process: the name is given twice, 'c' and name = 'b'; give one
process { name = "b", 42, main = function() end } @ 1 @ process: the name is given twice, '42' and name = 'b'; give one
process { "p", main = function() end, start = "soon" } @ 1 @ process: 'start' must be a duration .*not 'soon'
process { "p", main = function() end, start = print }  @ 1 @ process: 'start' must be a duration .*not 'a function'
process { "p", main = function() end, start = 0/0 }    @ 1 @ process: 'start' must be a duration
process { "p", main = function() end, start = 1e18 }   @ 1 @ process: 'start' = 1e\+18 ms is too large \(a duration is under 2\^64 ns, about 584 years\)
machine { quantum = 18446744073710 }        @ 1 @ machine: 'quantum' = 18446744073710 ms is too large
process { "p", main = function() end, daemon = "yes" } @ 1 @ process: 'daemon' must be true or false, not a string
process { "p", main = function() end, priority = "high" } @ 1 @ process: 'priority' must be an integer from -1000 to 1000, not 'high'
process { "p", main = function() end, tickets = 0 }    @ 1 @ process: 'tickets' must be an integer from 1 to 1000000, not '0'
process { "p", main = function() end, nice = 100 }     @ 1 @ process: 'nice' must be an integer from -20 to 19, not '100'
process { "p", main = function() end, affinity = "0" } @ 1 @ process: 'affinity' must be a list of CPU numbers
process { "p", main = function() end, affinity = { 64 } } @ 1 @ process: affinity: CPU numbers go from 0 to 63
process { "p", main = function() end, threads = "many" } @ 1 @ process: threads = "many": expected "one-to-one"
process { "p", main = function() end, threads = "many-to-many", lwps = 2000 } @ 1 @ process: 'lwps' must be an integer from -1 to 1024, not '2000'
process { "p", main = function() end, lwps = 0 }       @ 1 @ process: 'lwps' must be at least 1
process { "p", main = function() end, byte_order = "middle" } @ 1 @ process: byte_order must be "little" or "big", not 'middle'
process { "p", main = function() end, drift = "fast" } @ 1 @ process: drift 'fast': expected a rate
process { "p", main = function() end, bogus = 1 }      @ 1 @ process: unknown field 'bogus' \(known fields: name, main, start,
process { "p", main = function() end, [5] = 1 }        @ 1 @ process: unknown field '5'
process { "p", main = function() end }\nprocess { "p", main = function() end } @ 2 @ process: a process named 'p' is already declared
process(3)                                  @ 1 @ bad argument #1 to 'process' \(table expected, got number\)
# job
job { "A" }                                 @ 1 @ job 'A': 'run' \(the CPU it needs\) must be given and above 0
job { run = 10 }                            @ 1 @ job: 'name' must be a string of 1 to 63 characters
job { 7, run = 10 }                         @ 1 @ job: 'name' must be a string \("7"\), not the number 7
job { name = "B", "C", run = 10 }           @ 1 @ job: the name is given twice, 'C' and name = 'B'; give one
job { "A", run = -1 }                       @ 1 @ job: 'run' must be a duration .*not '-1'
job { "A", run = 10, arrive = "x" }         @ 1 @ job: 'arrive' must be a duration .*not 'x'
job { "A", run = 10, io_every = "x" }       @ 1 @ job: 'io_every' must be a duration .*not 'x'
job { "A", run = 10, tickets = -1 }         @ 1 @ job: 'tickets' must be an integer from 1 to 1000000, not '-1'
job { "A", run = 10, affinity = { -1 } }    @ 1 @ job: affinity: CPU numbers go from 0 to 63
job { "A", program = "c0" }                 @ 1 @ job 'A': program "c0": 'c0' is neither cN \(N ticks of CPU\) nor i
job { "A", program = "x5" }                 @ 1 @ job 'A': program "x5": 'x5' is neither cN
job { "A", run = 10, bogus = 1 }            @ 1 @ job: unknown field 'bogus' \(known fields: name, arrive, run,
# server
server "nosuch"                             @ 1 @ server 'nosuch': this version has the name, time and file servers
server(3)                                   @ 1 @ server: expected a server's name
server { "name", name = "ns" }              @ 1 @ server 'name': unknown field 'name' \(it takes none\)
server { "name", 3 }                        @ 1 @ server 'name': unknown field '2' \(it takes none\)
server { "time", bogus = 1 }                @ 1 @ server 'time': unknown field 'bogus' \(known fields: drift, offset, node\)
server { "time", drift = "1xs" }            @ 1 @ server 'time': drift '1xs': expected a rate such as
server { "time", offset = "x" }             @ 1 @ server 'time': offset 'x': expected a duration with an optional sign
server { "file", arch = "weird" }           @ 1 @ server 'file': arch = "weird": expected "single", "thread-per-request", "pool" or "event-driven"
server { "file", workers = 0 }              @ 1 @ server 'file': 'workers' is a parameter of arch = "pool"
server { "file", max_open = 0 }             @ 1 @ server: 'max_open' must be an integer from 1 to 1024, not '0'
server { "file", disk = { [{}] = 1 } }      @ 1 @ server 'file': disk: unknown field 'a table' \(known fields: access, bandwidth\)
# fault (more in badinput.sh)
fault { name = "x", dorp = 0.1 }            @ 1 @ fault: unknown field 'dorp'
fault { name = "x", drop = -0.1 }           @ 1 @ fault: 'drop' must be a probability from 0 to 1
fault { name = "x", duplicate = "half" }    @ 1 @ fault: 'duplicate' must be a probability from 0 to 1
fault { at = {}, crash = "x" }              @ 1 @ fault: 'at' must be a duration .*not 'a table'
# param
param()                                     @ 1 @ bad argument #1 to 'param' \(string expected, got no value\)
param("n")                                  @ 1 @ param 'n': the default must be a number, string or boolean
param("n", {})                              @ 1 @ param 'n': the default must be a number, string or boolean
param("n", 1)\nparam("n", 2)                @ 2 @ param 'n' declared twice
param(3, 1)                                 @ 1 @ param: the name must be a string of 1 to 63 letters, digits, '_', '.' or '-' that starts with a letter or '_', not '3'
param("a b", 1)                             @ 1 @ param: the name must be a string .*not 'a b'
param("a=b", 1)                             @ 1 @ param: the name must be a string .*not 'a=b'
param("", 1)                                @ 1 @ param: the name must be a string .*not ''
param(("n"):rep(64), 1)                     @ 1 @ param: the name must be a string of 1 to 63
CASES
finish
