-- lrpc.lua - lightweight RPC for scenarios: lrpc.export and lrpc.bind.
--
-- Built into ukern and run once per scenario with the primitives of
-- lua_lrpc.c (C: the kernel's export, bind and the call itself, whose
-- binding:call is C) and of lua_rpc.c (the clerk's answers to message
-- clients). What is here is the checking and the binding: an interface is
-- exported through the kernel on a clerk port, which is registered with the
-- name server; a client looks the name up and asks the kernel to bind it.
-- doc/scenario-api.md, "Lightweight RPC", is the contract.
local C, R = ...

local EKIND = 6 -- rpc_proto.h: RPC_EKIND
local REQUEST_OK, HANDLER_ERROR, RR = 0, 1, 1 -- rpc_proto.h: statuses; the RR protocol
local NAME_MAX = 64
local pack, unpack = table.pack, table.unpack

-- The clerk's port of each binding (a send right of the client's), for
-- the calls of a global reference.
local clerks = setmetatable({}, { __mode = "k" })

-- A call of a global reference crosses a link that may lose it: it is sent
-- again after GR_TIMEOUT, GR_RETRIES times, with the same request id, and
-- the clerk answers a request it has run from its reply history (the last
-- GR_HISTORY requests): at most once, as rpc.bind's default. Tries while
-- the server migrates do not count: the call waits for the move to end.
local GR_TIMEOUT, GR_RETRIES, GR_HISTORY = R.duration("100ms"), 3, 256

local lrpc = {}

local function misuse(fmt, ...)
	C.misuse(string.format(fmt, ...))
end

local function check_size(what, proc, v, max)
	if v ~= nil and (math.type(v) ~= "integer" or v < 0 or v > max) then
		misuse("lrpc.export: procedure '%s': %s must be an integer from 0 to %d, not %s",
			proc, what, max, tostring(v))
	end
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
			misuse("%s: unknown option '%s'", fn, tostring(k))
		end
	end
	return opts
end

-- The procedures, sorted by name (their numbers, from 1, are the same in
-- every run), each { name, fn, args, results, astacks }.
local function procedures(procs, opts)
	local L = C.limits()
	local list = {}
	check_size("args", "(default)", opts.args, L.max_bytes)
	check_size("results", "(default)", opts.results, L.max_bytes)
	if opts.astacks ~= nil and (math.type(opts.astacks) ~= "integer" or opts.astacks < 1
			or opts.astacks > L.max_astacks) then
		misuse("lrpc.export: astacks must be an integer from 1 to %d", L.max_astacks)
	end
	for name, v in pairs(procs) do
		if type(name) ~= "string" or #name == 0 or #name > NAME_MAX then
			misuse("lrpc.export: procedure names must be strings of 1 to %d bytes (got %s)",
				NAME_MAX, tostring(name))
		end
		local p = { name = name, args = opts.args or L.def_bytes,
			results = opts.results or L.def_bytes, astacks = opts.astacks or L.def_astacks }
		if type(v) == "function" then
			p.fn = v
		elseif type(v) == "table" and type(v[1]) == "function" then
			p.fn = v[1]
			for k in pairs(v) do
				if k ~= 1 and k ~= "args" and k ~= "results" and k ~= "astacks" then
					misuse("lrpc.export: procedure '%s': unknown field '%s'", name, tostring(k))
				end
			end
			check_size("args", name, v.args, L.max_bytes)
			check_size("results", name, v.results, L.max_bytes)
			if v.astacks ~= nil and (math.type(v.astacks) ~= "integer" or v.astacks < 1
					or v.astacks > L.max_astacks) then
				misuse("lrpc.export: procedure '%s': astacks must be an integer from 1 to %d",
					name, L.max_astacks)
			end
			p.args, p.results = v.args or p.args, v.results or p.results
			p.astacks = v.astacks or p.astacks
		else
			misuse("lrpc.export: procedure '%s' must be a function or { function, args = " ..
				"bytes, results = bytes, astacks = n }, not %s", name, type(v))
		end
		list[#list + 1] = p
	end
	if #list == 0 then
		misuse("lrpc.export: no procedures to export")
	end
	if #list > L.max_procs then
		misuse("lrpc.export: at most %d procedures in one interface", L.max_procs)
	end
	table.sort(list, function(a, b) return a.name < b.name end)
	return list
end

-- A call of a global reference (a binding whose client or server has
-- moved to another node, or whose server was stopped for a move): run
-- procedure pr in the clerk's thread and answer as an
-- RPC server does; results that would not fit its A-stacks are an error,
-- as on an LRPC.
local function serve_global(name, id, pr, mid, m)
	C.note(name, pr.name, "execution", 0)
	local r = pack(pcall(pr.fn, unpack(m.args, 2, m.args.n)))
	local status, res
	if r[1] then
		local ok, why = C.check_results(id, mid, unpack(r, 2, r.n))
		if ok then
			status, res = REQUEST_OK, pack(unpack(r, 2, r.n))
		else
			status, res = HANDLER_ERROR, pack(why)
		end
	else
		status, res = HANDLER_ERROR, pack(R.error_text(r[2]))
	end
	if m.reply then
		R.reply(m.reply, false, m.id, status, res)
	end
	return status, res
end

-- The clerk's reply history: the answers to the last GR_HISTORY requests,
-- by client and request id. Simpler than rpc.lua's (no request marked as
-- running, no expiry by time, no acknowledgements): the clerk runs one call
-- at a time, and a fixed count keeps its memory flat.
local function new_history()
	local answers, keys, next = {}, {}, 1
	return {
		get = function(key) return answers[key] end,
		put = function(key, status, res)
			if keys[next] then answers[keys[next]] = nil end
			keys[next], answers[key] = key, { status, res }
			next = next % GR_HISTORY + 1
		end,
	}
end

-- The clerk: the exporting thread serves the calls of global references
-- to the interface, and answers whatever other message reaches the
-- interface's port - a client that tried to bind it as a message server -
-- with the reason it cannot, and waits for the next one, forever.
local function clerk(name, p, id, list)
	local why = "'" .. name .. "' is an LRPC interface: bind it with lrpc.bind"
	local history = new_history()
	while true do
		local m = R.recv(p)
		local pr = m and m.kind == "request" and math.type(m.method) == "integer" and
			list[m.method]
		local key = pr and m.sender_pid .. ":" .. tostring(m.id)
		local done = key and history.get(key)
		if done then
			if m.reply then
				R.reply(m.reply, false, m.id, done[1], done[2])
			end
		elseif pr and m.method >= 1 and type(m.args) == "table" and
				C.gr_check(m.args[1], m.sender_pid, id) then
			history.put(key, serve_global(name, id, pr, m.method, m))
		elseif m and m.kind == "request" then
			if m.reply then
				R.reply(m.reply, false, m.id, EKIND, table.pack(why))
			elseif m.reply_port then
				R.reply(m.reply_port, true, m.id, EKIND, table.pack(why))
			end
		elseif m and m.reply then
			reply(m.reply, { error = why })
		end
	end
end

-- lrpc.export(name, procs [, { args, results, astacks }]) -> nil, reason
-- Exports forever from the calling thread (make the process a daemon).
function lrpc.export(name, procs, opts)
	if type(name) ~= "string" then
		misuse("bad argument #1 to 'lrpc.export' (string expected, got %s)", type(name))
	end
	if #name == 0 or #name > NAME_MAX then
		misuse("bad argument #1 to 'lrpc.export' (a service name has 1 to %d bytes)", NAME_MAX)
	end
	if type(procs) ~= "table" then
		misuse("bad argument #2 to 'lrpc.export' (table expected, got %s)", type(procs))
	end
	opts = check_opts("lrpc.export", opts, { args = true, results = true, astacks = true })
	local list = procedures(procs, opts)
	C.check_model("lrpc.export")
	local p = port()
	local id, why = C.export(p, name, list)
	if not id then
		return nil, why
	end
	local ok
	ok, why = register(name, p)
	if not ok then
		return nil, why
	end
	clerk(name, p, id, list)
end

-- lrpc.bind(name) -> binding | nil, reason
function lrpc.bind(name, opts)
	if type(name) ~= "string" then
		misuse("bad argument #1 to 'lrpc.bind' (string expected, got %s)", type(name))
	end
	check_opts("lrpc.bind", opts, {})
	C.check_model("lrpc.bind")
	local p, why = lookup(name)
	if not p then
		return nil, why
	end
	local b
	b, why = C.bind(p, name)
	if b then
		clerks[b] = p
	end
	return b, why
end

-- binding:call on a global reference: a message RPC to the clerk, over the
-- link; the first argument is the binding, which the clerk checks.
C.set_remote(function(b, pname, ...)
	local bid, mid, name, nested = C.gr_info(b, pname)
	if nested then
		-- inside an LRPC procedure, where a call cannot go by message
		C.note(name, pname, "failed", 0)
		return nil, C.gr_moving(b) and "moving" or "on another node"
	end
	local t0, rid, args = now(), R.nextid(), pack(bid, ...)
	local status, res
	local tries = 0
	repeat
		status, res = R.call(clerks[b], rid, name, mid, RR, args, GR_TIMEOUT)
		if status or res ~= "timeout" then
			break
		end
		if not C.gr_moving(b) then
			tries = tries + 1
		end
	until tries > GR_RETRIES
	if status == REQUEST_OK then
		C.note(name, pname, "ok", now() - t0)
		return unpack(res, 1, res.n)
	end
	C.note(name, pname, "failed", 0)
	if not status then
		-- the server ended (its clerk's port died with it), as a revocation
		return nil, res == "dead port" and "revoked" or res
	end
	return nil, res[1]
end)

return lrpc
