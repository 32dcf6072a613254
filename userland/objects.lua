-- objects.lua - remote objects for scenarios: rpc.class, rpc.object and
-- the references that travel in messages (doc/scenario-api.md, "Remote
-- objects"). A local object is exported at its first journey: a port of its
-- own, the next object id of its process, a service thread serving its
-- calls. A reference travels as a send right carried by the message plus a
-- record { __objref, id, class, methods } in the bytes, and is called
-- through with ref:call, an RPC on the object's port.
--
-- Built into ukern and run once per scenario, before rpc.lua, with the
-- primitives of lua_rpc.c; it returns the module rpc.lua builds on
-- (to_wire, from_wire for arguments and results) and publishes (class,
-- object, is_ref). Plain messages (send, call, reply, recv) carry
-- references too: marshal.c's encoder and decoder call the hooks registered
-- at the end of this file, only for the tables that are objects, references
-- or their records, so that a message without any pays nothing for them.
local C = ...

local REQUEST_OK, HANDLER_ERROR, NO_METHOD, MALFORMED = 0, 1, 2, 3 -- rpc_proto.h
local RR = 1
local pack, unpack = table.pack, table.unpack

local M = {}

local function misuse(fmt, ...)
	C.misuse(string.format(fmt, ...))
end

local function results_of_status(status, res)
	if status == REQUEST_OK then
		return unpack(res, 1, res.n)
	end
	return nil, res[1]
end

-- A class: a name and its methods, sorted so that method ids (from 1) are
-- the same in every run. A local object is a table whose metatable is its
-- class's; objinfo says which process made it and, once it has travelled,
-- its port and id. A reference to a remote object is a Ref.
local Class = {}
local Ref = {}
Ref.__index = Ref
Ref.__wire = true -- marshal.c: a table to hand to the out hook
local REF_KEY = "__objref" -- on the wire: { __objref = k, id, class, methods }
local objinfo = setmetatable({}, { __mode = "k" })
local next_object = {} -- per process id: the last object id given
local to_wire, from_wire

-- rpc.class(name, methods) -> class
function M.class(name, methods)
	if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
		misuse("rpc.class: the name must be an identifier (a string), not '%s'", tostring(name))
	end
	if type(methods) ~= "table" then
		misuse("bad argument #2 to 'rpc.class' (table expected, got %s)", type(methods))
	end
	local names = {}
	for k, v in pairs(methods) do
		if type(k) ~= "string" or type(v) ~= "function" then
			misuse("rpc.class: methods must map names to functions (got %s = %s)",
				tostring(k), type(v))
		end
		names[#names + 1] = k
	end
	if #names == 0 then
		misuse("rpc.class: a class needs at least one method")
	end
	table.sort(names)
	local c = setmetatable({ name = name, methods = names, ids = {} }, Class)
	for i, m in ipairs(names) do
		c.ids[m] = i
	end
	c.meta = { __index = methods, __name = name, __wire = true }
	c.handlers = methods
	return c
end

-- rpc.object(class, state) -> object: state (or a new table), now an object
-- of class; a plain table of methods makes a class named "Object".
function M.object(class, state)
	if getmetatable(class) ~= Class then
		if type(class) ~= "table" then
			misuse("bad argument #1 to 'rpc.object' (a class or a table of methods expected, "
				.. "got %s)", type(class))
		end
		class = M.class("Object", class)
	end
	if state ~= nil and (type(state) ~= "table" or getmetatable(state) ~= nil) then
		misuse("rpc.object: the state must be a table without a metatable, not a %s",
			type(state))
	end
	state = setmetatable(state or {}, class.meta)
	objinfo[state] = { class = class, pid = C.pid() }
	return state
end

-- Serve the requests on one object's port: the object's own loop, in a
-- service thread of the process that made it.
local function answer_object(req, status, results, rights)
	if req.reply then
		return C.reply(req.reply, false, req.id, status, results, rights)
	end
	return true
end

local function object_call(obj, info, req)
	local class, mname = info.class, info.class.methods[req.method]
	local args = req.args
	if not mname then
		return answer_object(req, NO_METHOD, pack("no method with id " .. req.method))
	end
	if args.n < 1 or args[1] ~= info.id then
		-- the right names this object; an id naming another is refused
		C.trace_object("call", info.port, math.type(args[1]) == "integer" and args[1] or 0,
			string.format("%s#%s.%s", class.name, tostring(args[1]), mname), req.method, false)
		return answer_object(req, HANDLER_ERROR, pack(string.format(
			"no object #%s behind this reference (it names %s#%d)", tostring(args[1]),
			class.name, info.id)))
	end
	C.trace_object("call", info.port, info.id, string.format("%s#%d.%s", class.name, info.id,
		mname), req.method, true)
	C.stat(class.name, mname, "execution", 0, 0, req.reply and "CEAB" or "CE")
	args = M.from_wire(args, req.rights)
	local r = pack(pcall(class.handlers[mname], obj, unpack(args, 2, args.n)))
	if not r[1] then
		return answer_object(req, HANDLER_ERROR, pack(C.error_text(r[2])))
	end
	local rights = {}
	local ok, results = pcall(M.to_wire, pack(unpack(r, 2, r.n)), rights)
	if not ok then
		return answer_object(req, HANDLER_ERROR, pack(tostring(results)))
	end
	return answer_object(req, REQUEST_OK, results, rights)
end

local function object_loop(obj, info)
	while true do
		local req = C.recv(info.port)
		if req and req.kind == "request" then
			object_call(obj, info, req)
		elseif req and req.kind == "malformed" and req.reply then
			answer_object(req, MALFORMED, pack("malformed request: " .. req.reason))
		end
	end
end

-- The port and id of a local object, exported at its first journey.
local function export(obj, info)
	if info.port then
		return info
	end
	local pid, many_to_one = C.pid()
	if info.pid ~= pid then
		misuse("rpc: a %s made by another process cannot travel from this one: pass a "
			.. "reference to it instead", info.class.name)
	end
	if many_to_one then
		-- the object's thread would hold the one kernel thread in its receive
		misuse("rpc: a %s cannot be exported from a many-to-one process (its thread would "
			.. "block the whole process in receive): use one-to-one or many-to-many",
			info.class.name)
	end
	if info.exporting then
		-- another thread of this process is exporting it (port() yields)
		while not info.port do
			yield()
		end
		return info
	end
	info.exporting = true
	local id = (next_object[info.pid] or 0) + 1
	next_object[info.pid] = id
	info.port, info.id, info.exporting = port(), id, nil
	C.trace_object("export", info.port, id, info.class.name .. "#" .. id)
	C.service_thread(object_loop, obj, info)
	return info
end

-- Keys in the wire's order (marshal.h): integers, other numbers, strings,
-- false before true; any other key last, by its string form.
local KEY_RANK = { number = 0, string = 2, boolean = 3 }
local function key_before(a, b)
	local ra = (KEY_RANK[type(a)] or 4) + (math.type(a) == "float" and 1 or 0)
	local rb = (KEY_RANK[type(b)] or 4) + (math.type(b) == "float" and 1 or 0)
	if ra ~= rb then
		return ra < rb
	elseif ra == 3 then
		return not a and b
	elseif ra == 4 then
		return tostring(a) < tostring(b)
	end
	return a < b
end

-- The value v as it travels in an RPC's arguments or results: a local
-- object or a reference becomes a record naming its right in rights (the
-- port travels beside the bytes); a plain table is copied only if something
-- in it had to change. (Plain messages: the hooks below.)
function to_wire(v, rights, depth)
	if type(v) ~= "table" or depth > 32 then
		return v
	end
	local info, class, id, port_, methods = objinfo[v], nil, nil, nil, nil
	if info then
		export(v, info)
		class, id, port_, methods = info.class.name, info.id, info.port, info.class.methods
	elseif getmetatable(v) == Ref then
		class, id, port_, methods = v.class, v.id, v.port, v.methods
	end
	if port_ then
		rights[#rights + 1] = port_
		return { [REF_KEY] = #rights, id = id, class = class, methods = methods }
	end
	local keys
	for k, x in pairs(v) do
		if type(x) == "table" then
			keys = keys or {}
			keys[#keys + 1] = k
		end
	end
	if not keys then
		return v
	end
	-- exporting has effects (ids, ports, the trace): in a fixed order
	table.sort(keys, key_before)
	local out
	for _, k in ipairs(keys) do
		local x = v[k]
		local y = to_wire(x, rights, depth + 1)
		if y ~= x then
			if not out then
				out = {}
				for k2, x2 in pairs(v) do
					out[k2] = x2
				end
			end
			out[k] = y
		end
	end
	return out or v
end

local function new_ref(port_, id, class, methods)
	local ids = {}
	for i, m in ipairs(methods) do
		ids[m] = i
	end
	return setmetatable({ port = port_, id = id, class = class, methods = methods, ids = ids },
		Ref)
end

-- The value v as it arrived (a fresh table: changed in place): records
-- naming a right given with the message become references.
function from_wire(v, rights, depth)
	if type(v) ~= "table" or depth > 32 then
		return v
	end
	local k = v[REF_KEY]
	local p = math.type(k) == "integer" and rights[k]
	if p and math.type(v.id) == "integer" and type(v.class) == "string"
			and type(v.methods) == "table" then
		return new_ref(p, v.id, v.class, v.methods)
	end
	for key, x in pairs(v) do
		if type(x) == "table" then
			v[key] = from_wire(x, rights, depth + 1)
		end
	end
	return v
end

Ref.__tostring = function(r)
	return string.format("%s#%d (remote)", r.class, r.id)
end

-- ref:call(method, ...) -> results... | nil, reason
function Ref:call(method, ...)
	if type(self) ~= "table" then
		-- called with a dot, ref.call("Get"): the method came as the reference
		misuse("bad argument #1 to 'call' (remote reference expected, got %s: write ref:call(method, ...))",
			type(self))
	end
	local mid = self.ids[method]
	if not mid then
		misuse("rpc: %s#%d has no method '%s'", self.class, self.id, tostring(method))
	end
	local t0 = now()
	local args, rights = M.to_wire(pack(self.id, ...))
	local status, res, got = C.call(self.port, C.nextid(), self.class, mid, RR, args,
		self.timeout, rights)
	if not status then
		C.stat(self.class, method, "failed", 0, 0, "AB")
		return nil, res
	end
	C.stat(self.class, method, status == REQUEST_OK and "ok" or "failed", now() - t0, 0, "ABCF")
	if status == REQUEST_OK then
		res = M.from_wire(res, got)
	end
	return results_of_status(status, res)
end

-- The plain messages of send, call, reply and recv carry references too,
-- through marshal.c's hooks (marshal.h): the encoder hands out(v) each table
-- whose metatable has __wire, and the decoder hands in(v) each table with
-- the key __objref. A local object not yet exported makes out give nil: the
-- encoder notes it, and the primitive calls export with the list of them,
-- in the wire's key order, then encodes the message again.
local function wire_record(port_, id, class, methods)
	return { [REF_KEY] = true, port = port_, id = id, class = class, methods = methods }
end

local function plain_out(v)
	local info = objinfo[v]
	if info then
		if not info.port then
			return nil
		end
		return wire_record(info.port, info.id, info.class.name, info.class.methods)
	elseif getmetatable(v) == Ref then
		return wire_record(v.port, v.id, v.class, v.methods)
	end
	return v
end

local function plain_in(v)
	local p = v[REF_KEY] == true and type(v.port) == "userdata" and v.port
	if p and math.type(v.id) == "integer" and type(v.class) == "string"
			and type(v.methods) == "table" then
		return new_ref(p, v.id, v.class, v.methods)
	end
	return v
end

local function export_all(list)
	for _, v in ipairs(list) do
		export(v, objinfo[v])
	end
end

C.wire_hooks(plain_out, plain_in, export_all)

-- rpc.is_ref(v) -> true if v is a reference to a remote object
function M.is_ref(v)
	return getmetatable(v) == Ref
end

-- For RPC's arguments and results: the walks in Lua only for the values
-- that hold an object or a reference (C.plain looks, in C).

-- M.plain(v) -> true if v holds no local object or reference: it travels
-- as it is, with no rights.
function M.plain(v)
	return C.plain(v, true)
end

-- M.to_wire(v [, rights]) -> v as it travels, and the rights to carry with
-- it: those added to rights, or a new sequence if v needs one (nil if not).
function M.to_wire(v, rights)
	if C.plain(v, true) then
		return v, rights
	end
	rights = rights or {}
	return to_wire(v, rights, 0), rights
end

-- M.from_wire(v, rights) -> v as it arrived with rights (nil: none).
function M.from_wire(v, rights)
	if not rights or next(rights) == nil or C.plain(v, false) then
		return v
	end
	return from_wire(v, rights, 0)
end

return M
