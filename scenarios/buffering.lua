-- buffering.lua: rendezvous versus buffered ports, and asynchronous sends.
--
-- A producer sends 5 messages as fast as it can; a consumer takes one every
-- 10 ms. With qlimit = 0 the port is a rendezvous: each send waits
-- (SEND-blocked) until the consumer is there to take the message, so the
-- producer advances in step with the consumer. With qlimit = 2 the kernel
-- buffers up to two messages: the first sends return at once and the
-- producer only blocks when the queue is full. Compare the "sent" times:
--
--   ukern run scenarios/buffering.lua                 (qlimit = 0)
--   ukern run scenarios/buffering.lua --set qlimit=2
--   ukern run scenarios/buffering.lua --set qlimit=16
--
-- With async = true the producer's sends are asynchronous: each message goes
-- into an outbox in the producer's own memory and a sender thread
-- (producer.1) hands them to the kernel, blocking in its place; the
-- producer never waits, whatever the queue limit. With work = N the producer
-- then computes for N ms of its own: see when the run ends.
--
--   ukern run scenarios/buffering.lua --set async=true
--   ukern run scenarios/buffering.lua --set work=30 --set async=true

local qlimit = param("qlimit", 0)
local async = param("async", false)
local work = param("work", 0)          -- ms the producer computes after its sends
assert(math.type(qlimit) == "integer" and qlimit >= 0 and qlimit <= 1000000,
       ("qlimit must be a whole number of messages from 0 to 1000000, not %s"):format(qlimit))
assert(work >= 0 and work * 1e6 < 2^64,   -- a duration: fewer than 2^64 ns
       ("work must be a number of ms, at least 0 and under 2^64 ns (584 years), not %s"):format(work))

machine { cpus = 2, costs = "zero" }

process {
  name = "consumer",
  main = function()
    local p = port { qlimit = qlimit }
    assert(register("sink", p))
    for i = 1, 5 do
      sleep("10ms")                    -- a slow consumer
      local m = recv(p)
      log("took message %d (queued since %d ms)", m.i, m.at // 1000000)
    end
  end,
}

-- An asynchronous send built from a synchronous one: a buffer in user space
-- (the outbox, unbounded) and a thread that sends from it in order.
local function outbox(sink)
  local queue, items = {}, semaphore(0)
  thread(function()
    for _ = 1, 5 do
      items:wait()
      local m = table.remove(queue, 1)
      send(sink, m)
      log("delivered message %d at %d ms", m.i, now() // 1000000)
    end
  end)
  return function(p, m)
    queue[#queue + 1] = m
    items:post()
  end
end

process {
  name = "producer",
  main = function()
    local sink = assert(lookup("sink"))
    local post = async and outbox(sink) or send
    for i = 1, 5 do
      post(sink, { i = i, at = now() })
      log("sent message %d at %d ms%s", i, now() // 1000000, async and " (into the outbox)" or "")
    end
    if work > 0 then
      compute(work)
      log("done with its own work at %d ms", now() // 1000000)
    end
  end,
}
