-- byte-order.lua: RPC messages in one canonical byte order, and what converting costs.
--
-- What to look at:
--   * a process keeps an integer in its own byte order: 258 is 02 01 00 00 in
--     a little-endian (x86) memory and 00 00 01 02 in a big-endian (SPARC)
--     one. On the wire every number is big-endian, after a one-byte tag
--     (rpc.encode shows the bytes the stubs write): both sides agree on the
--     bytes, whoever wrote them;
--   * a request is a header (type, request id, service, method id, protocol:
--     36 bytes here) and the arguments; the reply is 19 bytes and the
--     results. Each multi-byte number in them - a payload, a length, a
--     count - is converted by a little-endian process on each side, at the
--     cost "byteswap"; a big-endian process converts none;
--   * one little- and one big-endian client call one little- and one
--     big-endian server: four pairs, the same calls, their round trips;
--   * an array of integers has a number per element, a string of the same
--     size only its length: strings cost no conversion;
--   * with --set nodes=true the big-endian server and client run on a
--     big-endian node "BE", a LAN away from the little-endian machine "A":
--     the trace's convert records say where each message crossing between
--     the two was converted to or from the canonical form (always on A,
--     the little-endian side) and how many numbers.
--
-- Run:   ukern run scenarios/byte-order.lua
--        ukern run scenarios/byte-order.lua --set costs=firefly-1990
--        ukern run scenarios/byte-order.lua --set n=1000
--        ukern run scenarios/byte-order.lua --set nodes=true --trace bo.uktrace
--        ukern export bo.uktrace | grep convert

local costs = param("costs", "modern")
local n = param("n", 100)          -- integers in Sum's array, bytes in Len's string
assert(math.type(n) == "integer" and n >= 0 and n <= 100000,
       ("n must be a whole number from 0 to 100000, not %s"):format(n))

machine { cpus = 1, costs = costs }

-- Where the big-endian processes run: on the machine, or on a node of their own.
local big_node = "A"
if param("nodes", false) then
  node { "BE", byte_order = "big" }
  link { "A", "BE", profile = "lan" }
  big_node = "BE"
end

local handlers = {
  Null = function() end,
  Add = function(a, b) return a + b end,
  Sum = function(t)
    local s = 0
    for _, v in ipairs(t) do s = s + v end
    return s
  end,
  Len = function(s) return #s end,
}

-- The same service twice, under names of the same length, so that the
-- requests to both are the same size.
for _, order in ipairs { "little", "big" } do
  process { name = order .. "-server", byte_order = order, daemon = true,
            node = order == "big" and big_node or "A", main = function()
    rpc.serve(order:sub(1, 1) .. "e-calc", handlers)
  end }
end

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x ", c:byte()) end):sub(1, -2))
end

-- The request header as rpc_proto.h writes it: i32 type, i64 request id,
-- string service, i32 method id, i32 protocol; the reply's: i32 type, i64
-- request id, i32 status. Then the arguments or results, as an array.
local function header(service) return 5 + 9 + (5 + #service) + 5 + 5, 5 end
local REPLY_HEADER, REPLY_NUMBERS = 5 + 9 + 5, 3

local ints = {}
for i = 1, n do ints[i] = i end
local calls = {
  { "Null()", "Null", {}, {} },
  { "Add(2, 3)", "Add", { 2, 3 }, { 5 } },
  { string.format("Sum(%d integers)", n), "Sum", { ints }, { n * (n + 1) // 2 } },
  { string.format("Len(%d-byte string)", n), "Len", { string.rep("x", n) }, { n } },
}

-- A list as the stubs send it: an array (for the empty one, the same 5 bytes).
local function list(t)
  local bytes, _, numbers = rpc.encode(t)
  return #bytes, numbers
end

local function show_encoding()
  log("258 in memory: %s (little-endian), %s (big-endian)",
      hex(string.pack("<i4", 258)), hex(string.pack(">i4", 258)))
  log("258 on the wire: %s, whoever writes it", hex(rpc.encode(258)))
  log("Add(2, 3)'s arguments on the wire: %s", hex(rpc.encode({ 2, 3 })))
end

local function client(order)
  return function()
    local s = { little = assert(rpc.bind("le-calc")), big = assert(rpc.bind("be-calc")) }
    if order == "little" then show_encoding() end
    for _, c in ipairs(calls) do
      local hbytes, hnumbers = header("le-calc")
      local abytes, anumbers = list(c[3])
      local rbytes, rnumbers = list(c[4])
      local rtt = {}
      for _, to in ipairs { "little", "big" } do
        local t0 = now()
        local r = s[to]:call(c[2], table.unpack(c[3]))
        assert(r == c[4][1], c[1] .. ": wrong result")
        rtt[to] = now() - t0
      end
      log("%-22s %4d + %2d bytes %4d numbers: %8.2f us to little, %8.2f us to big",
          c[1], hbytes + abytes, REPLY_HEADER + rbytes, hnumbers + anumbers + REPLY_NUMBERS + rnumbers,
          rtt.little / 1000, rtt.big / 1000)
    end
  end
end

-- (across the LAN the servers' names take a millisecond to reach the name server)
process { name = "little-client", byte_order = "little", start = big_node == "A" and "1ms" or "20ms",
          main = function()
  client("little")()
  send(assert(lookup("big-client")), { go = true })     -- the other client's turn
end }

process { name = "big-client", byte_order = "big", node = big_node, main = function()
  local p = port()
  assert(register("big-client", p))
  recv(p)
  client("big")()
end }
