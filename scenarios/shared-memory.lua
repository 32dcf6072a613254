-- shared-memory.lua: two processes share a counter page, and the other way
-- processes communicate needs synchronisation.
--
-- Process "a" makes a shared segment of one page (mem.share) and publishes
-- its handle under the name "counter"; process "b" looks it up and maps the
-- same frame (mem.map). Each adds 1 to the counter `adds` times: read the
-- 8 bytes, work on the value (compute `work`), write it back. The two run on
-- two CPUs at once (a on CPU 0, b on CPU 1; the servers have CPU 2), so one
-- reads while the other works on a value it read before: an update is lost.
-- Then the same, made correct, and the cost of sending the data in messages
-- instead:
--
--   ukern run scenarios/shared-memory.lua                   (race: updates lost)
--   ukern run scenarios/shared-memory.lua --set sync=token  (a token passed around)
--   ukern run scenarios/shared-memory.lua --set sync=lock   (a lock server)
--   ukern run scenarios/shared-memory.lua --set sync=messages (no shared memory:
--                                                            a counter server)
--
-- Each update reads and writes a record of `size` bytes (8 by default: the
-- counter alone). Through shared memory the bytes cost nothing; in messages
-- they are copied in and out of every request and reply: try
-- --set size=65536 with sync=lock and with sync=messages.
--
-- A simulated thread is interleaved with others only at its system calls
-- (here mem.read, compute, mem.write): the loss needs the work between the
-- read and the write. Try --set work=0, and --set shared_cpu=true (a and b
-- on one CPU: the round-robin quantum, 10 ms, is far longer than an update).
--
-- A second part, the board, is about protection rather than ordering: an
-- editor shares a page "rw" and writes headlines on it; a reader and a
-- vandal (a buggy reader that writes) map the handle the editor published:
--
--   ukern run scenarios/shared-memory.lua --set board=rw  (its own handle:
--                                                          the vandal's write lands)
--   ukern run scenarios/shared-memory.lua --set board=r   (a handle made by
--                                                          mem.restrict: it faults)

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local sync = param("sync", "none")        -- none, token, lock, messages
local adds = param("adds", 20)
local work = param("work", "2us")
local size = param("size", 8)              -- bytes of the record an update reads and writes
local shared_cpu = param("shared_cpu", false)
local board = param("board", "none")       -- none (the counter), rw or r (the board)
assert(({ none = 1, token = 1, lock = 1, messages = 1 })[sync],
       "sync must be none, token, lock or messages")
assert(({ none = 1, rw = 1, r = 1 })[board], "board must be none, rw or r")
assert(math.type(size) == "integer" and size >= 8 and size <= 1048576,
       "size must be a whole number of bytes from 8 (the counter) to 1048576")
assert(math.type(adds) == "integer" and adds >= 1, "adds must be a whole number, at least 1")
assert(is_duration(work, "work"),
       ('work must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(work))

machine { cpus = 3, costs = "modern", frames = 64 }   -- a small memory: a picture of it

-- Each part declares its own processes: the counter's with board=none, the
-- board's (at the end of the file) with board=rw or board=r.
local function counter_process(decl) if board == "none" then process(decl) end end
local function board_process(decl) if board ~= "none" then process(decl) end end

-- The port or segment registered under name, once its owner has registered it.
local function find(name)
  local h = lookup(name)
  while not h do sleep("1us"); h = lookup(name) end
  return h
end

-- The record: the counter (8 bytes), then size - 8 bytes of data that an
-- update reads and writes whole.
local pad = string.rep("d", size - 8)
local function get(addr) return (string.unpack("<i8", mem.read(addr, size))) end
local function put(addr, v) mem.write(addr, string.pack("<i8", v) .. pad) end

-- The lock server: one holder at a time; a caller waits for its reply.
counter_process { name = "lock", daemon = true, affinity = { 2 }, main = function()
  local p, held, waiting = port(), false, {}
  register("lock", p)
  while true do
    local m = recv(p)
    if m.op == "acquire" and not held then held = true; reply(m, true)
    elseif m.op == "acquire" then waiting[#waiting + 1] = m
    else
      reply(m, true)
      if #waiting > 0 then reply(table.remove(waiting, 1), true) else held = false end
    end
  end
end }

-- The counter server, for sync=messages: the counter lives in its memory.
counter_process { name = "counter", daemon = true, affinity = { 2 }, main = function()
  local p, n = port(), 0
  register("counter-server", p)
  while true do
    local m = recv(p)
    if m.op == "add" then compute(work); n = n + 1 end
    reply(m, { n = n, data = pad })          -- the record goes back, whole
  end
end }

-- One worker: `adds` increments, synchronised as sync says.
local function worker(me, other, addr)
  local lock = sync == "lock" and find("lock")
  local mine = port()
  register(me, mine)
  local peer
  for i = 1, adds do
    if sync == "token" then
      if not (me == "a" and i == 1) then recv(mine) end   -- "a" holds the token first
    elseif sync == "lock" then
      call(lock, { op = "acquire" })
    end
    local v = get(addr)                     -- read
    compute(work)                           -- work on it
    put(addr, v + 1)                        -- write
    if sync == "token" then
      peer = peer or find(other)
      send(peer, { token = true })
    elseif sync == "lock" then
      call(lock, { op = "release" })
    end
  end
end

local function by_messages()
  local srv = find("counter-server")
  local n
  for _ = 1, adds do n = call(srv, { op = "add", data = pad }).n end
  return n
end

counter_process { name = "a", affinity = { 0 }, main = function()
  local t0 = now()
  if sync == "messages" then
    log("a: its last call returned %d; done in %dns", by_messages(), now() - t0)
    return
  end
  local addr, seg = mem.share(size)         -- whole pages, read-write
  log("a shares %s at 0x%x", tostring(seg), addr)
  local done = port()
  assert(register("counter", seg))          -- a segment handle registers as a port does
  register("done", done)
  worker("a", "b", addr)
  log("a done in %dns", now() - t0)
  recv(done)                                -- b has finished too
  local n = get(addr)
  log("counter = %d of %d: %d updates lost (sync=%s)", n, 2 * adds, 2 * adds - n, sync)
  log("a: %d frames, %d shared with b, %d pages in shared segments", mem.stat().frames,
      mem.stat().shared, mem.stat().shm_pages)
end }

counter_process { name = "b", affinity = { shared_cpu and 0 or 1 }, main = function()
  local t0 = now()
  if sync == "messages" then
    log("b: its last call returned %d; done in %dns", by_messages(), now() - t0)
    return
  end
  local seg = find("counter")
  local addr = mem.map(seg)
  log("b maps %s at 0x%x", tostring(seg), addr)
  worker("b", "a", addr)
  log("b done in %dns", now() - t0)
  send(find("done"), {})
end }

-- The board. The editor shares one page "rw" and writes a headline on it at
-- 100, 200 ... 500 us; it publishes a handle to the page under the name
-- "board": its own with board=rw, and with board=r one made by mem.restrict,
-- which names the same frames but maps them "r" at most. The reader reads
-- the board 50 us after each headline; the vandal writes on it at 240 us.
-- mem.map without a permission maps as much as the handle allows.
local function line(s) return string.format("%-16s", s) end
local function at(us)                      -- sleep until `us` microseconds into the run
  local d = us * 1000 - now()
  if d > 0 then sleep(d .. "ns") end
end

board_process { name = "editor", affinity = { 0 }, main = function()
  local addr, seg = mem.share(4096)                       -- "rw": the editor writes it
  local handle = board == "r" and mem.restrict(seg, "r") or seg
  log("editor shares %s, publishes %s", tostring(seg), tostring(handle))
  register("board", handle)
  for i = 1, 5 do
    at(100 * i)
    local was = mem.read(addr, 16)
    if i > 1 and was ~= line("headline " .. i - 1) then
      log("editor finds %q where it wrote headline %d", was, i - 1)
    end
    mem.write(addr, line("headline " .. i))
  end
  log("editor: %d frame, %d shared", mem.stat().frames, mem.stat().shared)
end }

board_process { name = "reader", affinity = { 1 }, main = function()
  local handle = find("board")
  local addr = mem.map(handle)
  log("reader maps %s %q", tostring(handle), mem.regions()[2].perm)
  for i = 1, 5 do
    at(100 * i + 50)
    log("reader reads %q", mem.read(addr, 16))
  end
end }

board_process { name = "vandal", affinity = { 2 }, start = "200us", main = function()
  local handle = find("board")
  local addr = mem.map(handle)
  log("vandal maps %s %q", tostring(handle), mem.regions()[2].perm)
  at(240)
  mem.write(addr, line("VANDALISED"))   -- through an "r" mapping: a segmentation fault
  log("vandal wrote on the board")
end }
