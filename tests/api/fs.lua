-- fs.lua - the fs.* API against a real file server, in either mode
-- (--set mode=stateless) and any structure (--set arch=...): every
-- operation, every error a program should handle, and misuse raised at the
-- script's line. tests/fileserver.sh reads the log lines.
local mode = param("mode", "stateful")
local arch = param("arch", "single")

machine { cpus = 2 }
server { "file", mode = mode, arch = arch, disk = "1ms",
         files = { ["/motd"] = "hello", ["/etc/passwd"] = "root:x:0:0", ["/etc/group"] = "wheel" } }
server { "file", name = "other", files = { ["/only-here"] = "other server" } }

local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  return table.concat(t, " ")
end

process { name = "client", start = "1ms", main = function()
  -- reading
  local fd = assert(fs.open("/motd"))
  log("open: %s", fd)
  log("read: %q %q %q", fs.read(fd, 2), fs.read(fd, 100), fs.read(fd, 100))
  log("close: %s; again: %s", fs.close(fd), show(fs.close(fd)))
  log("never opened: %s", show(fs.read(17, 1)))

  -- writing, truncating, appending
  local w = assert(fs.open("/new", "w"))
  log("write: %s %s", fs.write(w, "abc"), fs.write(w, "def"))
  log("read on write-only: %s", show(fs.read(w, 1)))
  fs.close(w)
  local r = assert(fs.open("/new", "r"))
  log("written: %s; write on read-only: %s", fs.read(r, 100), show(fs.write(r, "x")))
  fs.close(r)
  local a = assert(fs.open("/new", "a"))
  fs.write(a, "GH")
  fs.close(a)
  local rw = assert(fs.open("/new", "r+"))
  log("appended: %s", fs.read(rw, 100))
  fs.close(rw)
  local t = assert(fs.open("/new", "w+"))
  log("truncated: [%s] size %d", fs.read(t, 100), fs.stat("/new").size)
  fs.write(t, "xyz")
  fs.close(t)

  -- stat and directories
  local st = fs.stat("/motd")
  log("stat: type=%s size=%d nlink=%d ino=%d gen=%d", st.type, st.size, st.nlink, st.ino, st.gen)
  local ds = fs.stat("/etc")
  log("stat dir: type=%s size=%d nlink=%d", ds.type, ds.size, ds.nlink)
  log("readdir /: %s", table.concat(fs.readdir("/"), ","))
  log("readdir /etc: %s", table.concat(fs.readdir("/etc"), ","))
  log("readdir file: %s", show(fs.readdir("/motd")))
  log("readdir missing: %s", show(fs.readdir("/nope")))
  log("mkdir: %s; again: %s", fs.mkdir("/d"), show(fs.mkdir("/d")))
  log("create: %s; again: %s", fs.create("/d/f"), show(fs.create("/d/f")))
  for i = 1, 20 do fs.create("/d/n" .. i) end   -- more than one readdir page
  local names = fs.readdir("/d")
  log("readdir big: %d %s %s", #names, names[1], names[21])
  log("unlink full dir: %s", show(fs.unlink("/d")))
  log("unlink: %s; stat after: %s", fs.unlink("/d/f"), show(fs.stat("/d/f")))
  log("unlink root: %s", show(fs.unlink("/")))

  -- errors by path
  log("open missing: %s", show(fs.open("/nope")))
  log("open dir: %s", show(fs.open("/etc")))
  log("through a file: %s", show(fs.stat("/motd/x")))
  log("invalid path: %s", show(fs.stat("relative")))
  log("name too long: %s", show(fs.create("/" .. string.rep("n", 64))))

  -- a file removed while open: its descriptor goes stale
  fs.create("/gone")
  local g = assert(fs.open("/gone", "r"))
  fs.unlink("/gone")
  log("stale: %s", show(fs.read(g, 1)))
  log("close stale: %s", fs.close(g))

  -- binary data
  local b = assert(fs.open("/bin", "w+"))
  fs.write(b, "\0\255\1")
  fs.close(b)
  local rb = assert(fs.open("/bin"))
  local bytes = fs.read(rb, 10)
  log("binary: %d bytes %d %d %d", #bytes, bytes:byte(1), bytes:byte(2), bytes:byte(3))
  fs.close(rb)

  -- another server under another name
  local other = assert(fs.bind("other"))
  local o = assert(other:open("/only-here"))
  log("other: %s; motd there: %s", other:read(o, 100), show(other:stat("/motd")))
  other:close(o)
  log("bind unknown: %s", show(fs.bind("nobody")))

  -- misuse raises at this file's line
  log("misuse: %s", select(2, pcall(fs.open, 42)))
  log("misuse: %s", select(2, pcall(fs.open, "/motd", "rwx")))
  log("misuse: %s", select(2, pcall(fs.read, 3, -1)))
  log("misuse: %s", select(2, pcall(fs.read, 3, 1.5)))
  log("misuse: %s", select(2, pcall(fs.write, 3, 5)))
  log("misuse: %s", select(2, pcall(fs.bind, "file", 5)))

  -- the server's protocol, straight through rpc.bind
  local f = assert(rpc.bind("file"))
  local h = f:call("lookup", "/motd")
  log("rpc read: %s", f:call("read", h, 1, 3))
  log("rpc open: %s", show(f:call("open", "/motd", "r")))
  log("rpc bad args: %s", show(f:call("read", "x")))
  log("rpc bad offset: %s", show(f:call("read", h, -1, 3)))
  log("rpc async: %s", f:send("read", h, 0, 2):wait())
  local rr = assert(rpc.bind("file", { protocol = "R" }))
  local sent = rr:call("create", "/by-R")   -- R: returns once the request is sent
  sleep("5ms")
  log("rpc R: %s; made: %s", sent, fs.stat("/by-R") and "yes" or "no")

  -- descriptors left open when a client ends are closed by the server
  local l1 = fs.open("/motd")
  local l2 = fs.open("/etc/group")
  log("leaving with %s and %s open", l1, l2)
end }

-- keeps the run going while the server hears that the client has ended
process { name = "later", main = function() sleep("100ms") end }
