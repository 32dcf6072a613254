-- clock.lua - the clock.* client of the scenario API: a process's own
-- (drifting) clock, and the time server's time, sleeps and alarms through
-- RPC (rpc.bind("time")), with Cristian's algorithm to estimate the
-- server's time and correct the local clock.
--
-- Built into ukern and run once per scenario with the primitives of
-- lua_clock.c (C: the clock and Cristian's arithmetic) and the rpc table.
-- doc/scenario-api.md, "Clocks and the time server", is the contract.
local C, rpc = ...

local SERVICE = "time"
local clock = {}

local function misuse(fmt, ...)
	C.misuse(string.format(fmt, ...))
end

local function check_opts(fn, opts, known)
	if opts == nil then
		return {}
	end
	if type(opts) ~= "table" then
		misuse("%s: options must be a table, not %s", fn, type(opts))
	end
	for k in pairs(opts) do
		if not known[k] then
			local names = {}
			for name in pairs(known) do
				names[#names + 1] = name
			end
			table.sort(names)
			misuse("%s: unknown option '%s' (options: %s)", fn, tostring(k),
				table.concat(names, ", "))
		end
	end
	return opts
end

-- A duration option in ns, or nil when absent.
local function duration_opt(fn, opts, key)
	local v = opts[key]
	if v == nil then
		return nil
	end
	local ns = C.duration(v)
	if not ns then
		misuse("%s: '%s' must be a duration (a number of ms, or \"250ns\", \"5us\", \"10ms\", "
			.. "\"2s\"), not '%s'", fn, key, tostring(v))
	end
	return ns
end

------------------------------------------------------------------ bindings

-- A binding's port right belongs to the process that made it, so each
-- process binds for itself, once per probe timeout. A binding to a server
-- that died is forgotten: the next call looks the name up again and finds
-- the server's new incarnation, if any.
local bindings = {}

local function key_of(pid, timeout)
	return pid .. ":" .. (timeout or "none")
end

local function bind(pid, timeout)
	local key = key_of(pid, timeout)
	local b = bindings[key]
	if b then
		return b
	end
	local why
	b, why = rpc.bind(SERVICE, timeout and { timeout = timeout .. "ns" } or nil)
	if not b then
		-- The reason keeps its first words; when no time server is declared at
		-- all (the first mistake of a clock exercise), it says which name and why.
		if why == "unknown name" and not C.has_process(SERVICE) then
			why = 'unknown name "time" (no process registered it; declare the time '
				.. 'server with server { "time" })'
		end
		return nil, why
	end
	bindings[key] = b
	return b
end

local function failed(pid, timeout, why)
	if why == "dead port" then
		bindings[key_of(pid, timeout)] = nil
	end
	return nil, why
end

-- Call method on the time server for the API function fn.
local function call(fn, timeout, method, ...)
	local pid = C.pid(fn)
	local b, why = bind(pid, timeout)
	if not b then
		return nil, why
	end
	local r
	r, why = b:call(method, ...)
	if r == nil then
		return failed(pid, timeout, why)
	end
	return r
end

-- One probe: this process's clock before and after asking the time.
local function probe(fn, timeout)
	local pid = C.pid(fn)
	local b, why = bind(pid, timeout)
	if not b then
		return nil, why
	end
	local t0 = C.read()
	local server, err = b:call("Time")
	local t1 = C.read()
	if server == nil then
		return failed(pid, timeout, err)
	end
	return { t0, server, t1 }
end

------------------------------------------------------------------ the API

-- clock.now([process]) -> this process's clock reading, ns; given a
-- process (name or handle), that process's clock (the observer's view).
function clock.now(who)
	return C.read(who)
end

-- clock.get([{ min, timeout }]) -> estimate, error, rtt | nil, reason
function clock.get(opts)
	opts = check_opts("clock.get", opts, { min = true, timeout = true })
	local min = duration_opt("clock.get", opts, "min") or 0
	local timeout = duration_opt("clock.get", opts, "timeout")
	local p, why = probe("clock.get", timeout)
	if not p then
		return nil, why
	end
	local best, estimate, err, rtt = C.estimate({ p }, min)
	if not best then
		return nil, estimate
	end
	return estimate, err, rtt
end

-- clock.sync([{ probes, min, slew, timeout }]) -> offset, error, rtt | nil, reason
-- The best of the probes (the smallest round trip) sets the clock: a step,
-- or with slew = true a slew at adjtime()'s rate. A probe that fails
-- (timeout, dead server) is left out; the sync fails when every one did.
function clock.sync(opts)
	opts = check_opts("clock.sync", opts, { probes = true, min = true, slew = true,
		timeout = true })
	local n = opts.probes or 1
	if math.type(n) ~= "integer" or n < 1 or n > C.MAX_PROBES then
		misuse("clock.sync: probes must be an integer from 1 to %d, not '%s'", C.MAX_PROBES,
			tostring(n))
	end
	if opts.slew ~= nil and type(opts.slew) ~= "boolean" then
		misuse("clock.sync: slew must be true or false, not a %s", type(opts.slew))
	end
	local min = duration_opt("clock.sync", opts, "min") or 0
	local timeout = duration_opt("clock.sync", opts, "timeout")
	local got, why = {}, nil
	for _ = 1, n do
		local p, err = probe("clock.sync", timeout)
		if p then
			got[#got + 1] = p
		else
			why = err
			if err ~= "timeout" and err ~= "dead port" then
				break
			end
		end
	end
	if #got == 0 then
		return nil, why
	end
	local best, _, err, rtt, offset = C.estimate(got, min)
	if not best then
		return nil, err
	end
	local ok, reason = (opts.slew and C.slew or C.step)(offset, err)
	if not ok then
		return nil, reason
	end
	return offset, err, rtt
end

-- clock.sleep(d) -> the server's reading when it woke | nil, reason
function clock.sleep(d)
	local ns = C.duration(d)
	if not ns then
		misuse("clock.sleep: invalid duration '%s' (write a number of ms, or \"250ns\", \"5us\", "
			.. "\"10ms\", \"2s\")", tostring(d))
	end
	return call("clock.sleep", nil, "Sleep", ns)
end

-- clock.alarm(t) -> the server's reading when it woke | nil, reason
function clock.alarm(t)
	if math.type(t) ~= "integer" or t < 0 then
		misuse("clock.alarm: the time must be an integer of ns on the time server's clock, "
			.. "at least 0, not '%s'", tostring(t))
	end
	return call("clock.alarm", nil, "Alarm", t)
end

------------------------------------------------------------------ Berkeley

-- Berkeley's algorithm (Gusella and Zatti, the timed of Berkeley UNIX): a
-- master polls the clocks of the processes that joined, its own included,
-- estimates each one's offset from its own (Cristian's way: the reading plus
-- half the round trip), averages the offsets that lie within `outlier` of
-- their median, and sends each clock the adjustment that brings it to the
-- average: a difference, not a time, so its own delay does not matter.
-- The clocks agree with each other, not with true time.

-- A participant's clock daemon: an object served by a service thread of
-- its own process, so that it answers while the process's threads are busy.
local Clockd = rpc.class("Clockd", {
	Time = function()
		return C.read()
	end,
	Adjust = function(_, delta, round)
		return C.adjust(delta, round)
	end,
})

-- The fault-tolerant average of offsets (a sequence of integers, the
-- master's own 0 among them): the mean, rounded down, of those within
-- outlier of their median (the lower median of an even count); also the
-- number used.
function clock.average(offsets, outlier)
	if type(offsets) ~= "table" or #offsets == 0 then
		misuse("clock.average: offsets must be a non-empty sequence of integers (ns)")
	end
	for i, o in ipairs(offsets) do
		if math.type(o) ~= "integer" then
			misuse("clock.average: offset %d is not an integer of ns: '%s'", i, tostring(o))
		end
	end
	if math.type(outlier) ~= "integer" or outlier < 0 then
		misuse("clock.average: outlier must be an integer of ns, at least 0, not '%s'",
			tostring(outlier))
	end
	local sorted = { table.unpack(offsets) }
	table.sort(sorted)
	local median = sorted[(#sorted + 1) // 2]
	local sum, used = 0, 0
	for _, o in ipairs(offsets) do
		if math.abs(o - median) <= outlier then
			sum, used = sum + o, used + 1
		end
	end
	return sum // used, used
end

-- One round: poll every participant, average, adjust.
local function round(m, n)
	local offsets, answered, alive, late = { 0 }, {}, {}, 0
	for _, p in ipairs(m.participants) do
		local t0 = C.read()
		local reading, why = p.ref:call("Time")
		local t1 = C.read()
		if reading then
			local o = reading + (t1 - t0) // 2 - t1
			offsets[#offsets + 1] = o
			answered[#answered + 1] = { ref = p.ref, offset = o }
		end
		if why ~= "dead port" then
			alive[#alive + 1] = p -- a participant that ended is polled no more
		end
		if why == "timeout" then
			late = late + 1
		end
	end
	if late > 0 and not m.warned then
		-- said once: a timeout shorter than the round trip leaves clocks out for good
		m.warned = true
		log("clock.berkeley: round %d: %d of %d clocks did not answer within the timeout " ..
			"(%.3f ms) and are left out of the average; over a slower link give a longer " ..
			"timeout", n, late, #m.participants, m.timeout / 1e6)
	end
	if #m.participants == 0 and m.joined == 0 and not m.warned_alone then
		-- said once: a round before any join adjusts the master's clock alone
		m.warned_alone = true
		log("clock.berkeley: round %d: no clock has joined yet, so the round averages the " ..
			"master's own clock alone (the rounds start %.3f ms apart from the call; join " ..
			"the participants before the first round, or give a longer every)", n,
			m.every / 1e6)
	end
	local polled = #m.participants + 1
	m.participants = alive
	local avg, used = clock.average(offsets, m.outlier)
	C.round(n, polled, #answered + 1, used, avg < 0 and 1 or 0)
	for _, a in ipairs(answered) do
		a.ref:call("Adjust", avg - a.offset, n)
	end
	C.adjust(avg, n)
	m.rounds = n
	m.last = { average = avg, used = used, answered = #answered + 1 }
end

-- clock.berkeley([{ name, every, outlier, timeout, rounds }]): be the
-- master, forever (or for `rounds` rounds, then serve joins only).
function clock.berkeley(opts)
	opts = check_opts("clock.berkeley", opts, { name = true, every = true, outlier = true,
		timeout = true, rounds = true })
	local name = opts.name or "timed"
	if type(name) ~= "string" then
		misuse("clock.berkeley: name must be a string, not a %s", type(name))
	end
	local every = duration_opt("clock.berkeley", opts, "every") or C.duration("100ms")
	local outlier = duration_opt("clock.berkeley", opts, "outlier") or C.duration("10ms")
	local timeout = duration_opt("clock.berkeley", opts, "timeout") or C.duration("10ms")
	local rounds = opts.rounds
	if rounds ~= nil and (math.type(rounds) ~= "integer" or rounds < 0) then
		misuse("clock.berkeley: rounds must be an integer, at least 0, not '%s'", tostring(rounds))
	end
	if every == 0 then
		misuse("clock.berkeley: every must be longer than 0")
	end
	C.pid("clock.berkeley")
	local m = { participants = {}, joined = 0, outlier = outlier, timeout = timeout, every = every }
	thread(function()
		-- round n starts at n * every after the start (true time), however
		-- long the rounds before it took (over a network, a round trip a poll)
		local n, start = 0, now()
		while not rounds or n < rounds do
			n = n + 1
			local wait = start + n * every - now()
			if wait > 0 then
				sleep(wait .. "ns")
			end
			round(m, n)
		end
	end)
	return rpc.serve(name, {
		Join = function(ref)
			if not rpc.is_ref(ref) then
				error("Join takes a reference to a clock daemon")
			end
			ref.timeout = timeout
			m.participants[#m.participants + 1] = { ref = ref }
			m.joined = m.joined + 1
			return #m.participants
		end,
	})
end

-- clock.join([name]) -> the participant's number | nil, reason: start this
-- process's clock daemon and give the master a reference to it.
function clock.join(name)
	if name ~= nil and type(name) ~= "string" then
		misuse("clock.join: the master's name must be a string, not a %s", type(name))
	end
	C.pid("clock.join")
	local master, why = rpc.bind(name or "timed")
	if not master then
		return nil, why
	end
	return master:call("Join", rpc.object(Clockd))
end

return clock
