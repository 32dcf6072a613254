-- rpc.lua - message-based RPC for scenarios: rpc.serve and rpc.bind.
--
-- Built into ukern and run once per scenario with the primitives of
-- lua_rpc.c (C: the protocol's messages in the wire encoding, moved by the
-- kernel). What is here is the policy a real RPC library has: binding
-- (lookup, then the server's interface), retransmission for at-least-once,
-- the reply history of an at-most-once server, Spector's R, RR and RRA
-- protocols, asynchronous calls, and the server structures (one thread, a
-- static pool, a thread per request). Arguments and results may hold
-- references to remote objects (objects.lua, the chunk's second argument).
-- doc/scenario-api.md, "RPC" and "Remote objects", is the contract.
local C, objects = ...

local REQUEST_OK, HANDLER_ERROR, NO_METHOD, MALFORMED = 0, 1, 2, 3
local NOT_MESSAGES = 6 -- rpc_proto.h: RPC_EKIND, an LRPC interface's clerk answering
local INTERFACE = 0
local PROTOCOLS = { R = 0, RR = 1, RRA = 2 }
-- Timeouts are kept in ns (integers); C.duration converts the user's.
local SEMANTICS = { maybe = true, ["at-least-once"] = true, ["at-most-once"] = true }
local ARCHS = { single = true, pool = true, ["thread-per-request"] = true }
local pack, unpack = table.pack, table.unpack

local rpc = {}


-- Raise misuse at the scenario's line (the innermost function not of rpc.lua).
local function misuse(fmt, ...)
	C.misuse(string.format(fmt, ...))
end

-- Duration v in ns; when it is not one, misuse with the message `where`
-- formats (its %s: what is wrong).
local function duration(v, where)
	local ns, wrong = C.duration(v)
	if not ns then
		misuse(where, wrong)
	end
	return ns
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

local function check_choice(fn, what, value, choices)
	if value ~= nil and not choices[value] then
		local names = {}
		for k in pairs(choices) do
			names[#names + 1] = '"' .. k .. '"'
		end
		table.sort(names)
		misuse("%s: %s must be one of %s, not '%s'", fn, what, table.concat(names, ", "),
			tostring(value))
	end
end

-- Remote objects (objects.lua): references in arguments and results.
local to_wire, from_wire = objects.to_wire, objects.from_wire
rpc.class, rpc.object, rpc.is_ref = objects.class, objects.object, objects.is_ref

------------------------------------------------------------------ server

-- The interface: method names sorted, so ids are the same in every run.
local function interface_of(handlers)
	local names = {}
	for k, v in pairs(handlers) do
		if type(k) ~= "string" or type(v) ~= "function" then
			misuse("rpc.serve: handlers must map method names to functions (got %s = %s)",
				tostring(k), type(v))
		end
		names[#names + 1] = k
	end
	if #names == 0 then
		misuse("rpc.serve: no methods to serve")
	end
	table.sort(names)
	return names
end

-- The reply history of an at-most-once server: the results of each request
-- by (client, request id), kept until the client acknowledges them (RRA) or
-- they expire. A request still executing is marked, so that a duplicate
-- arriving meanwhile is ignored rather than executed twice.
local function new_history(expiry)
	local h = { entries = {}, order = {}, expiry = expiry }

	function h.key(req)
		return req.sender_pid .. ":" .. req.id
	end

	function h.expire(t)
		local keep = {}
		for _, k in ipairs(h.order) do
			local e = h.entries[k]
			if e and e.expires and e.expires <= t then
				h.entries[k] = nil
			elseif e then
				keep[#keep + 1] = k
			end
		end
		h.order = keep
	end

	function h.start(k)
		h.entries[k] = { running = true }
		h.order[#h.order + 1] = k
	end

	function h.finish(k, status, results, rights)
		h.entries[k] = { status = status, results = results, rights = rights,
			expires = now() + h.expiry }
	end

	return h
end

local function answer(req, status, results, rights)
	if req.reply then
		return C.reply(req.reply, false, req.id, status, results, rights)
	elseif req.reply_port then
		return C.reply(req.reply_port, true, req.id, status, results, rights)
	end
	return true -- R protocol: nobody waits for an answer
end

-- Run the handler for req and answer it.
local function execute(srv, req)
	local method = srv.methods[req.method]
	local hist, key = srv.history, nil

	if hist then
		key = hist.key(req)
		local e = hist.entries[key]
		if e then
			-- copies: the request taken in (C, E), and a reply sent (A, B) if any
			C.stat(srv.name, method, "duplicate", 0, 0,
				(not e.running and (req.reply or req.reply_port)) and "CEAB" or "CE")
			if not e.running then
				answer(req, e.status, e.results, e.rights)
			end
			return
		end
		hist.start(key)
	end
	C.stat(srv.name, method, "execution", 0, 0, (req.reply or req.reply_port) and "CEAB" or "CE")
	local args = req.rights and from_wire(req.args, req.rights) or req.args
	local r = pack(pcall(srv.handlers[method], unpack(args, 1, args.n)))
	local status, results, rights
	if r[1] then
		status, results = REQUEST_OK, pack(unpack(r, 2, r.n))
		if not objects.plain(results) then
			-- a local object among the results leaves as a reference
			rights = {}
			local ok, w = pcall(to_wire, results, rights)
			status, results = ok and REQUEST_OK or HANDLER_ERROR, ok and w or pack(tostring(w))
		end
	else
		status, results = HANDLER_ERROR, pack(C.error_text(r[2]))
	end
	if hist then
		hist.finish(key, status, results, rights)
	end
	answer(req, status, results, rights)
end

-- One request, ack or stray message.
local function dispatch(srv, req)
	if req.kind == "request" and not req.reply and req.proto ~= PROTOCOLS.R then
		-- an asynchronous request: its reply port travels first
		req.reply_port = req.rights and table.remove(req.rights, 1)
	end
	if srv.history then
		srv.history.expire(now())
	end
	if req.kind == "ack" then
		if srv.history then
			srv.history.entries[srv.history.key(req)] = nil
		end
	elseif req.kind == "malformed" then
		if req.reply then
			answer(req, MALFORMED, pack("malformed request: " .. req.reason))
		end
	elseif req.kind == "request" then
		if req.method == INTERFACE then
			answer(req, REQUEST_OK, pack(srv.methods, srv.semantics, srv.protocol))
		elseif not srv.methods[req.method] then
			answer(req, NO_METHOD, pack("no method with id " .. req.method))
		else
			execute(srv, req)
		end
	end
end

local function serve_loop(srv)
	while true do
		local req = C.recv(srv.port)
		if req then
			dispatch(srv, req)
		end
	end
end

-- rpc.serve(name, handlers [, { arch, workers, semantics, protocol, history }])
-- Serves forever in the calling thread (make the process a daemon).
function rpc.serve(name, handlers, opts)
	if type(name) ~= "string" then
		misuse("bad argument #1 to 'rpc.serve' (string expected, got %s)", type(name))
	end
	if type(handlers) ~= "table" then
		misuse("bad argument #2 to 'rpc.serve' (table expected, got %s)", type(handlers))
	end
	opts = check_opts("rpc.serve", opts, { arch = true, workers = true, semantics = true,
		protocol = true, history = true })
	check_choice("rpc.serve", "arch", opts.arch, ARCHS)
	check_choice("rpc.serve", "semantics", opts.semantics, SEMANTICS)
	check_choice("rpc.serve", "protocol", opts.protocol, PROTOCOLS)
	local workers = opts.workers or 4
	if math.type(workers) ~= "integer" or workers < 1 or workers > 1024 then
		misuse("rpc.serve: workers must be an integer from 1 to 1024")
	end
	local srv = {
		name = name,
		handlers = handlers,
		methods = interface_of(handlers),
		semantics = opts.semantics or "maybe",
		protocol = opts.protocol or "RR",
		arch = opts.arch or "single",
	}
	if srv.semantics == "at-most-once" then
		srv.history = new_history(duration(opts.history or "1s", "rpc.serve: option 'history': %s"))
	end
	srv.port = port()
	local ok, why = register(name, srv.port)
	if not ok then
		return nil, why
	end
	if srv.arch == "pool" then
		for _ = 2, workers do
			thread(serve_loop, srv)
		end
		serve_loop(srv)
	elseif srv.arch == "thread-per-request" then
		while true do
			local req = C.recv(srv.port)
			if req then
				thread(dispatch, srv, req)
			end
		end
	else
		serve_loop(srv)
	end
end

------------------------------------------------------------------ client

-- rpc.encode(...) -> bytes, values, numbers: the values as the stubs write
-- them (doc/rpc-wire.md), for a scenario to look at.
rpc.encode = C.encode

local Binding = {}
Binding.__index = Binding

local function bind_port(b)
	local p, why = lookup(b.name)
	if not p then
		return nil, why
	end
	-- asking for the interface is idempotent: retry it freely
	local status, res
	for _ = 0, b.timeout and b.bind_retries or 0 do
		status, res = C.call(p, C.nextid(), b.name, INTERFACE, PROTOCOLS.RR, pack(), b.timeout)
		if status or res ~= "timeout" then
			break
		end
	end
	if not status then
		return nil, res
	end
	if status == NOT_MESSAGES and type(res[1]) == "string" then
		return nil, res[1]
	end
	if status ~= REQUEST_OK or type(res[1]) ~= "table" then
		return nil, "not an RPC server"
	end
	-- At-most-once is the server's doing (its reply history): asked of a server that keeps
	-- none, the client's retransmissions would make it at-least-once without a word. A
	-- binding looks its server up again after a restart: the new one is asked the same.
	if b.asked == "at-most-once" and res[2] and res[2] ~= "at-most-once" then
		return nil, string.format("'%s' keeps no reply history (it serves %s semantics): "
			.. "at-most-once needs the server's rpc.serve(..., { semantics = "
			.. "\"at-most-once\" })", b.name, res[2])
	end
	b.port, b.ids, b.methods = p, {}, res[1]
	for i, m in ipairs(res[1]) do
		b.ids[m] = i
	end
	b.server_semantics, b.server_protocol = res[2], res[3]
	b.server_info = res[4] -- what a built-in server says it is (the file server's mode)
	return true
end

-- rpc.bind(name [, { timeout, retries, semantics, protocol }]) -> binding | nil, reason
function rpc.bind(name, opts)
	if type(name) ~= "string" then
		misuse("bad argument #1 to 'rpc.bind' (string expected, got %s)", type(name))
	end
	opts = check_opts("rpc.bind", opts, { timeout = true, retries = true, semantics = true,
		protocol = true })
	check_choice("rpc.bind", "semantics", opts.semantics, SEMANTICS)
	check_choice("rpc.bind", "protocol", opts.protocol, PROTOCOLS)
	if opts.retries ~= nil and (math.type(opts.retries) ~= "integer" or opts.retries < 0
			or opts.retries > 1000) then
		misuse("rpc.bind: retries must be an integer from 0 to 1000")
	end
	local b = setmetatable({ name = name, pending = {}, bind_retries = opts.retries or 3,
		asked = opts.semantics }, Binding)
	b.timeout = opts.timeout and duration(opts.timeout, "rpc.bind: option 'timeout': %s")
	local ok, why = bind_port(b)
	if not ok then
		return nil, why
	end
	b.semantics = opts.semantics or b.server_semantics or "maybe"
	b.protocol = opts.protocol or b.server_protocol or "RR"
	if b.semantics ~= "maybe" then
		b.timeout = b.timeout or C.duration("100ms")
		b.retries = opts.retries or 3
	else
		b.retries = 0
	end
	return b
end

-- The id of method in binding b, for b:fn(method, ...).
local function method_id(b, method, fn)
	if type(b) ~= "table" then
		-- called with a dot, b.call("Add", 1, 2): the method came as the binding
		misuse("bad argument #1 to '%s' (rpc binding expected, got %s: write binding:%s(method, ...))",
			fn, type(b), fn)
	end
	local id = b.ids[method]
	if not id then
		misuse("rpc: service '%s' has no method '%s'", b.name, tostring(method))
	end
	return id
end

local function results_of(status, res)
	if status == REQUEST_OK then
		return unpack(res, 1, res.n)
	end
	return nil, res[1]
end

-- b:call(method, ...) -> results... | nil, reason
function Binding:call(method, ...)
	local mid, id, t0 = method_id(self, method, "call"), C.nextid(), now()
	local args, rights = to_wire(pack(...))
	if self.protocol == "R" then
		local ok, why = C.send(self.port, id, self.name, mid, PROTOCOLS.R, args, nil, rights)
		C.stat(self.name, method, ok and "ok" or "failed", now() - t0, 0, "AB")
		return ok, why
	end
	local tries = 0
	while true do
		local status, res, got = C.call(self.port, id, self.name, mid, PROTOCOLS[self.protocol],
			args, self.timeout, rights)
		if status then
			if status == REQUEST_OK then
				res = got and from_wire(res, got) or res
			end
			if self.protocol == "RRA" then
				C.ack(self.port, id)
			end
			C.stat(self.name, method, status == REQUEST_OK and "ok" or "failed", now() - t0, tries,
				string.rep("AB", tries + 1) .. "CF")
			return results_of(status, res)
		end
		local retry = self.semantics ~= "maybe" and tries < self.retries
		if retry and res == "dead port" then
			-- the server died: look it up again (a restarted incarnation has
			-- registered a new port under the same name)
			retry = bind_port(self) ~= nil
			if not retry then
				sleep(self.timeout .. "ns")
				retry = true
			end
		elseif res ~= "timeout" then
			retry = false
		end
		if not retry then
			C.stat(self.name, method, "failed", 0, tries, string.rep("AB", tries + 1))
			return nil, res
		end
		tries = tries + 1
	end
end

local Pending = {}
Pending.__index = Pending

-- b:send(method, ...) -> pending | nil, reason: an asynchronous call; the
-- request leaves now, the reply is collected with pending:wait().
function Binding:send(method, ...)
	local mid, id = method_id(self, method, "send"), C.nextid()
	local args, rights = to_wire(pack(...))
	if not self.reply_port then
		self.reply_port = port()
	end
	local ok, why = C.send(self.port, id, self.name, mid, PROTOCOLS.RR, args, self.reply_port,
		rights)
	if not ok then
		return nil, why
	end
	return setmetatable({ binding = self, id = id, method = method, t0 = now() }, Pending)
end

-- pending:wait([timeout]) -> results... | nil, reason. The reply, once
-- taken, stays with the pending call: a second wait returns the same results
-- at once (nothing more arrives on the reply port for this call).
function Pending:wait(timeout)
	if type(self) ~= "table" then
		misuse("bad argument #1 to 'wait' (pending call expected, got %s: write pending:wait([timeout]))",
			type(self))
	end
	local deadline = timeout and now() + duration(timeout, "bad argument #1 to 'wait' (%s)")
	if self.reply then
		return results_of(self.reply.status, self.reply.results)
	end
	local b = self.binding
	while not b.pending[self.id] do
		local left = deadline and deadline - now()
		if left and left <= 0 then
			return nil, "timeout"
		end
		local m, why = C.recv(b.reply_port, left)
		if not m then
			return nil, why
		end
		if m.kind == "reply" then
			if m.status == REQUEST_OK and m.results then
				m.results = m.rights and from_wire(m.results, m.rights) or m.results
			end
			b.pending[m.id] = m
		end
	end
	local m = b.pending[self.id]
	b.pending[self.id], self.reply = nil, m
	C.stat(b.name, self.method, m.status == REQUEST_OK and "ok" or "failed", now() - self.t0, 0,
		"ABCF")
	return results_of(m.status, m.results)
end

return rpc
