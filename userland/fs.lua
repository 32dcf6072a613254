-- fs.lua - the file API of scenarios: fs.open, fs.read, fs.write, ...
--
-- Built into ukern and run once per scenario with rpc (rpc.lua) and two
-- primitives of lua_fs.c: pid() and misuse(). Every operation is one or a
-- few RPC calls to a file server (servers/file, doc/file-server.md)
-- through rpc.bind, so each shows in the stats' rpc[] entries.
--
-- The same calls work with both kinds of server. A stateful server keeps
-- the descriptors: fs.read(fd, n) is one "fd_read" call. A stateless
-- server knows only handles, so this library keeps, as an NFS client does,
-- a descriptor table of its own (handle, offset, access) and turns
-- fs.read(fd, n) into "read"(handle, offset, n). Errors a program should
-- handle come back as nil, reason; misuse raises at the script's line.
-- doc/scenario-api.md, "Files", is the contract.
local C, rpc = ...

local pack, unpack = table.pack, table.unpack
local READ_MAX = 16        -- entries asked for per readdir call
-- The most one fs.write takes: its request is one message of at most 1 MiB
-- (wire.c), and this leaves room for the rest of the request.
local WRITE_MAX = 1044480

-- The modes of fs.open, as fopen's, and "rw" for "r+".
local MODES = {
	r = { read = true },
	["r+"] = { read = true, write = true },
	rw = { read = true, write = true },
	w = { write = true, create = true, trunc = true },
	["w+"] = { read = true, write = true, create = true, trunc = true },
	a = { write = true, create = true, append = true },
	["a+"] = { read = true, write = true, create = true, append = true },
}

local function misuse(fmt, ...)
	C.misuse(string.format(fmt, ...))
end

local function check(fn, n, value, want)
	local ok
	if want == "integer" then
		ok = math.type(value) == "integer"
	elseif want == "count" then
		ok = math.type(value) == "integer" and value >= 0
	else
		ok = type(value) == want
	end
	if not ok then
		local got = math.type(value) == "float" and "number (not an integer)" or type(value)
		if want == "count" and math.type(value) == "integer" then
			got = "a negative integer"
		end
		misuse("bad argument #%d to '%s' (%s expected, got %s)", n, fn,
			want == "count" and "non-negative integer" or want, got)
	end
end

local Files = {}
Files.__index = Files

-- The server's binding, made (or made again, after the server died) on use.
local function connect(f)
	if f.b then
		return true
	end
	local b, why = rpc.bind(f.name, f.opts)
	if not b then
		-- The reason keeps its first words; when no file server of that name
		-- is declared at all, it says which name and why ("name" is the
		-- name server's process, which registers no service of that name).
		if why == "unknown name" and f.name == "name" then
			why = 'unknown name "name" (that is the name server, which registers nothing under '
				.. 'its own name; a file server is "file" unless declared with name = "...")'
		elseif why == "unknown name" and not C.has_process(f.name) then
			why = string.format('unknown name "%s" (no process registered it; declare %s)',
				f.name, f.name == "file" and 'the file server with server { "file" }'
				or string.format('a file server with server { "file", name = "%s" }', f.name))
		end
		return nil, why
	end
	f.b = b
	f.stateless = type(b.server_info) == "table" and b.server_info.mode == "stateless"
	return true
end

-- One RPC call; a dead port (the server crashed) makes the next call look
-- the server up again, and finds a restarted incarnation.
local function call(f, method, ...)
	local ok, why = connect(f)
	if not ok then
		return nil, why
	end
	local r = pack(f.b:call(method, ...))
	if r[1] == nil and r[2] == "dead port" then
		f.b = nil
	end
	return unpack(r, 1, r.n)
end

local function new_files(name, opts)
	return setmetatable({ name = name, opts = opts, pid = C.pid(), fds = {} }, Files)
end

------------------------------------------------------------ by path

-- f:stat(path) -> { type, size, ino, gen, nlink, mtime, handle } | nil, reason
function Files:stat(path)
	check("fs.stat", 1, path, "string")
	local h, st = call(self, "lookup", path)
	if not h then
		return nil, st
	end
	return st
end

local function by_path(method)
	return function(self, path)
		check("fs." .. method, 1, path, "string")
		local r, why = call(self, method, path)
		if r == nil then
			return nil, why
		end
		return true
	end
end

Files.create = by_path("create")
Files.mkdir = by_path("mkdir")
Files.unlink = by_path("unlink")

-- f:readdir(path) -> { names... } in the order they were added | nil, reason
function Files:readdir(path)
	check("fs.readdir", 1, path, "string")
	local h, st = call(self, "lookup", path)
	if not h then
		return nil, st
	end
	if st.type ~= "dir" then
		return nil, "not a directory"
	end
	local names, cookie = {}, 0
	while true do
		local ents, nxt, eof = call(self, "readdir", h, cookie, READ_MAX)
		if not ents then
			return nil, nxt
		end
		for _, e in ipairs(ents) do
			names[#names + 1] = e.name
		end
		if eof or #ents == 0 then
			return names
		end
		cookie = nxt
	end
end

------------------------------------------------------------ by descriptor

-- Stateless: the lowest descriptor free in this client's own table.
local function new_fd(f, entry)
	local fd = 3
	while f.fds[fd] do
		fd = fd + 1
	end
	f.fds[fd] = entry
	return fd
end

-- Stateless open: look the file up (creating or emptying it as the mode
-- says) and remember its handle; the server keeps nothing.
local function open_stateless(f, path, m)
	local h, st = call(f, "lookup", path)
	if not h and st == "no such file" and m.create then
		h, st = call(f, "create", path)
		st = h and { type = "file", size = 0 } or st
	end
	if not h then
		return nil, st
	end
	if st.type == "dir" then
		return nil, "is a directory"
	end
	if m.trunc and st.size > 0 then
		local ok, why = call(f, "truncate", h, 0)
		if not ok then
			return nil, why
		end
	end
	return new_fd(f, { handle = h, off = 0, mode = m })
end

-- f:open(path [, mode]) -> fd | nil, reason; mode "r" (default), "r+",
-- "rw", "w", "w+", "a", "a+" as in C's fopen.
function Files:open(path, mode)
	check("fs.open", 1, path, "string")
	mode = mode or "r"
	if type(mode) ~= "string" or not MODES[mode] then
		misuse("fs.open: mode must be \"r\", \"r+\", \"rw\", \"w\", \"w+\", \"a\" or \"a+\", not '%s'",
			tostring(mode))
	end
	local ok, why = connect(self)
	if not ok then
		return nil, why
	end
	if self.stateless then
		return open_stateless(self, path, MODES[mode])
	end
	return call(self, "open", path, mode)
end

-- The stateless entry of fd, if it allows access ("read" or "write").
local function entry(f, fd, access)
	local e = f.fds[fd]
	if not e or (access and not e.mode[access]) then
		return nil, "bad descriptor"
	end
	return e
end

-- f:read(fd, n) -> up to n bytes ("" at the end) | nil, reason
function Files:read(fd, n)
	check("fs.read", 1, fd, "integer")
	check("fs.read", 2, n, "count")
	local ok, why = connect(self)
	if not ok then
		return nil, why
	end
	if not self.stateless then
		return call(self, "fd_read", fd, n)
	end
	local e, bad = entry(self, fd, "read")
	if not e then
		return nil, bad
	end
	local data, rwhy = call(self, "read", e.handle, e.off, n)
	if data then
		e.off = e.off + #data
	end
	return data, rwhy
end

-- f:write(fd, data) -> bytes written | nil, reason
function Files:write(fd, data)
	check("fs.write", 1, fd, "integer")
	check("fs.write", 2, data, "string")
	if #data > WRITE_MAX then
		misuse("fs.write: %d bytes in one write, more than %d (a request travels as one "
		       .. "message of at most 1 MiB): write the data in pieces", #data, WRITE_MAX)
	end
	local ok, why = connect(self)
	if not ok then
		return nil, why
	end
	if not self.stateless then
		return call(self, "fd_write", fd, data)
	end
	local e, bad = entry(self, fd, "write")
	if not e then
		return nil, bad
	end
	if e.mode.append then
		-- no offset on the server: ask where the end is now
		local st, swhy = call(self, "stat", e.handle)
		if not st then
			return nil, swhy
		end
		e.off = st.size
	end
	local n, wwhy = call(self, "write", e.handle, e.off, data)
	if n then
		e.off = e.off + n
	end
	return n, wwhy
end

-- f:close(fd) -> true | nil, reason
function Files:close(fd)
	check("fs.close", 1, fd, "integer")
	local ok, why = connect(self)
	if not ok then
		return nil, why
	end
	if not self.stateless then
		return call(self, "close", fd)
	end
	if not self.fds[fd] then
		return nil, "bad descriptor"
	end
	self.fds[fd] = nil
	return true
end

------------------------------------------------------------ the module

local fs = {}

-- fs.bind(name [, options]) -> files | nil, reason: the file server
-- registered under name; options as rpc.bind's.
function fs.bind(name, opts)
	check("fs.bind", 1, name, "string")
	if opts ~= nil and type(opts) ~= "table" then
		misuse("fs.bind: options must be a table, not %s", type(opts))
	end
	local f = new_files(name, opts)
	local ok, why = connect(f)
	if not ok then
		return nil, why
	end
	return f
end

-- fs.open, fs.read ...: the server named "file", one binding per process
-- (port rights belong to a process).
local default = {}

local function files_of_process()
	local pid = C.pid()
	local f = default[pid]
	if not f then
		f = new_files("file")
		default[pid] = f
	end
	return f
end

for _, op in ipairs({ "open", "read", "write", "close", "stat", "create", "mkdir", "unlink",
		"readdir" }) do
	fs[op] = function(...)
		return Files[op](files_of_process(), ...)
	end
end

return fs
