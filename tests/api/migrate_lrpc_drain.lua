-- A client's LRPC call writes the server's pages while the server's stop
-- waits for it: the pages it wrote (63 of them new) go with the copy.
-- --set strategy=stop-and-copy | pre-copy | on-demand
local strategy = param("strategy", "stop-and-copy")
machine { cpus = 2 }
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "calc", daemon = true, main = function()
  local heap = mem.alloc(64 * mem.page_size())
  mem.write(heap, "x")
  lrpc.export("calc", { Fill = function()
    sleep("3ms")
    for i = 0, 63 do mem.write(heap + i * mem.page_size(), "y") end
    return 1
  end })
end }
process { "near", start = "1ms", main = function()
  local b = assert(lrpc.bind("calc"))
  log("call: %s", b:call("Fill"))
end }
process { "ctl", start = "2ms", main = function()
  local r = assert(migrate("calc", "B", { strategy = strategy }))
  log("moved: pages %d, %d left on A, waited %d ns", r.pages, r.pages_left, r.lrpc_wait_ns)
end }
