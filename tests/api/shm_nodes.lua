-- shm_nodes.lua: shared memory is of one machine: a handle sent to a
-- process on another node cannot be mapped there, and a process that maps
-- a segment cannot migrate.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }

process { name = "here", daemon = true, main = function()
  local a, seg = mem.share(4096)
  local p = port()
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
  mem.map(seg)
end }
