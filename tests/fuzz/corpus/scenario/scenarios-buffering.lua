-- buffering.lua: rendezvous versus buffered ports.
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

local qlimit = param("qlimit", 0)

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

process {
  name = "producer",
  main = function()
    local sink = assert(lookup("sink"))
    for i = 1, 5 do
      send(sink, { i = i, at = now() })
      log("sent message %d at %d ms", i, now() // 1000000)
    end
  end,
}
