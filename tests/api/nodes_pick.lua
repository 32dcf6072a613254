-- nodes_pick.lua - a scheduling policy in Lua with several nodes (doc/
-- scheduling.md section 3.11): machine { }'s pick runs on A and on B (each
-- node its own instance, over its own CPUs and ready threads), C has a pick
-- of its own, D the built-in fifo. machine { }'s pick takes the ready thread
-- whose name sorts last; C's the one that became ready last. Every call
-- checks that it sees only threads of the node it picks for, on a CPU of
-- that node; "report" (on A, at 100 ms) says what the picks saw.
-- --set wrong=true: A's pick returns a thread of B it saw earlier.
local WRONG = param("wrong", false)
local seen = { calls = {}, cpus = {}, bad = 0 }
local FIRST = { A = 0, B = 2, C = 4 }          -- each node's first CPU
local NCPU = { A = 2, B = 2, C = 1 }
local kept

local function check(ready, cpu, node, who)
  seen.calls[who .. node] = (seen.calls[who .. node] or 0) + 1
  seen.cpus[node] = seen.cpus[node] or {}
  seen.cpus[node][cpu] = true
  if cpu < FIRST[node] or cpu >= FIRST[node] + NCPU[node] then seen.bad = seen.bad + 1 end
  for _, t in ipairs(ready) do
    if t.node ~= node then seen.bad = seen.bad + 1 end
  end
end

machine { cpus = 2, costs = "zero", sched = { quantum = "5ms", pick = function(ready, cpu, node)
  check(ready, cpu, node, "machine:")
  if WRONG and node == "A" and kept then return kept end
  local best = ready[1]
  for _, t in ipairs(ready) do
    if t.name > best.name then best = t end
  end
  if node == "B" then kept = best end
  return best
end } }
node { "B", cpus = 2 }
node { "C", cpus = 1, sched = { pick = function(ready, cpu, node)
  check(ready, cpu, node, "own:")
  return #ready
end } }
node { "D", cpus = 1, sched = "fifo" }
for _, n in ipairs { "B", "C", "D" } do link { "A", n } end
for _, n in ipairs { "A", "B", "C", "D" } do
  for i = 1, 3 do
    process { n .. i, node = n, start = "1ms", main = function()
      compute("10ms")
      log("%s%d done at %d", n, i, now())
    end }
  end
end
process { "report", start = "100ms", main = function()
  local parts = {}
  for _, n in ipairs { "A", "B", "C" } do
    local cpus = {}
    for c in pairs(seen.cpus[n] or {}) do cpus[#cpus + 1] = c end
    table.sort(cpus)
    parts[#parts + 1] = string.format("%s on cpus %s", n, table.concat(cpus, ","))
  end
  log("picks: %s; A by machine's %s, B by machine's %s, C by its own %s, D by pick %s; %d mismatches",
      table.concat(parts, "; "), tostring(seen.calls["machine:A"] ~= nil),
      tostring(seen.calls["machine:B"] ~= nil), tostring(seen.calls["own:C"] ~= nil),
      tostring(seen.calls["machine:D"] ~= nil or seen.calls["own:D"] ~= nil), seen.bad)
end }
