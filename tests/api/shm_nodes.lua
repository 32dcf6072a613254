-- shm_nodes.lua: shared memory is of one machine: a handle sent to a
-- process on another node cannot be mapped there, a process that maps a
-- segment cannot migrate, and one that is migrating cannot map one.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }

process { name = "here", daemon = true, main = function()
  local a, seg = mem.share(4096)
  local p = port()
  register("seg", seg)
  register("here", p)
  local m = recv(p)
  send(m.back, { seg = seg })
  sleep("1s")
end }

migrate { at = "1500us", process = "here", to = "B" }

process { name = "ctl", start = "1ms", main = function()
  log("migrate here: %s, %s", migrate("here", "B"))
end }

process { name = "there", node = "B", start = "2ms", main = function()
  local back = port()
  send(assert(lookup("here")), { back = back })
  local seg = recv(back).seg
  log("there got %s", tostring(seg))
  log("there maps it: %s, %s", mem.map(seg))
  local ro = mem.restrict(seg, "r")       -- a right is restricted on any node, mapped on one
  log("there restricts it: %s; maps that: %s, %s", tostring(ro), mem.map(ro))
end }

process { name = "mover", start = "1ms", main = function()
  local big = mem.alloc(8 * 4096)
  for i = 0, 7 do mem.write(big + i * 4096, "x") end
  local seg = lookup("seg")
  sleep("1500us")                  -- moving (pre-copy) from 2ms
  log("mover maps while it moves: %s, %s", mem.map(seg))
  log("mover shares while it moves: %s, %s", mem.share(10))
  sleep("10ms")
end }

process { name = "ctl2", start = "2ms", main = function()
  local r = migrate("mover", "B", { strategy = "pre-copy" })
  log("mover moved: %s", r and "yes" or "no")
end }
