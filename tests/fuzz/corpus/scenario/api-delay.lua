-- delay.lua: fault { delay } holds messages in flight. Rules add up (a
-- message of "slow" to "echo" takes 5 + 2 ms); a rule on a process delays
-- everything it sends and everything sent to it (its lookups too); a
-- message sent earlier arrives later; a call whose request reaches a port
-- that died meanwhile fails with "dead port".
machine { costs = "zero" }

local slow
fault { name = "echo", delay = "2ms" }
fault { name = "doomed", delay = "3ms" }

process { name = "echo", daemon = true, main = function()
  local p = port(); register("echo", p)
  while true do
    local m = recv(p)
    log("echo got %s from %s at %d", m.text, m.sender, now())
    if m.reply then reply(m, { text = m.text }) end
  end
end }

process { name = "doomed", main = function()
  register("doomed", port())
  sleep("2ms")
end }

slow = process { name = "slow", start = "1ms", main = function()
  local e = lookup("echo")
  log("slow has the port at %d", now())
  send(e, { text = "c" })
end }
fault { process = slow, delay = "5ms" }

process { name = "fast", start = "1ms", main = function()
  local e = lookup("echo")
  local d = lookup("doomed")
  send(e, { text = "a" })
  local r, why = call(d, { text = "x" })   -- in flight when doomed ends, at 2 ms
  log("fast: doomed: %s, %s at %d", tostring(r), why, now())
  r = call(e, { text = "b" })
  log("fast: the call returned %s at %d", r.text, now())
  r, why = call(d, { text = "y" })         -- dead already: no delay
  log("fast: doomed again: %s, %s at %d", tostring(r), why, now())
  sleep("20ms")
end }
