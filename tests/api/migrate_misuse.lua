-- migrate_misuse.lua - migrate's mistakes raise at the calling line; what
-- the kernel finds at the call comes back as nil, reason.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
node { "C", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }

process { "idle", daemon = true, main = function() sleep("1s") end }
process { "calc", daemon = true, main = function()
  lrpc.export("calc", { Add = function(a, b) return a + b end })
end }
process { "lrpcli", daemon = true, main = function()
  local calc = assert(lrpc.bind("calc"))
  log("lrpcli: %d", calc:call("Add", 40, 2))
  sleep("1s")
end }

process { "ctl", start = "1ms", main = function()
  local function try(...)
    local ok, err = pcall(migrate, ...)
    log("%s", ok and "no error" or err)
  end
  try("nobody", "B")
  try("idle", "Z")
  try("idle", "C")
  try("idle", "A")
  try("idle", "B", { strategy = "teleport" })
  try("idle", "B", { mobility = "medium" })
  try("idle", "B", { clock = "reset" })
  try("idle", "B", { rounds = 0 })
  try("idle", "B", { speed = 1 })
  try("idle", "B", { mobility = "weak", strategy = "on-demand" })
  try("ctl", "B")
  try("name", "B", { mobility = "weak" })
  try("net.A", "B")
  try(42, "B")
  try({}, "B")
  sleep("1ms")
  local r = migrate("lrpcli", "B")
  log("lrpc client: to %s, %d binding(s) made global references", r.to, r.lrpc_global)
  r = migrate("calc", "B")       -- it follows its client: rebound there
  log("lrpc server: to %s, %d client binding(s) rebound", r.to, r.lrpc_clients_rebound)
  migrate("idle", "Q")
end }
