-- ipc_options.lua: a misspelt option of port, send, call, recv or
-- reply_recv is refused, naming the options the function has, instead of
-- being ignored (recv(p, { timout = "1ms" }) would wait for ever).
machine { costs = "zero" }

local function try(f, ...)
  local ok, a, b = pcall(f, ...)
  if not ok then return "raised " .. tostring(a) end
  return tostring(a) .. ", " .. tostring(b)
end

process { "p", main = function()
  local p = port()
  log("port: %s", try(port, { qlim = 2 }))
  log("send: %s", try(send, p, {}, { timeout = "1ms", zz = 1, aa = 2 }))
  log("call: %s", try(call, p, {}, { timout = "1ms" }))
  log("recv: %s", try(recv, p, { "1ms" }))
  log("reply_recv: %s", try(reply_recv, {}, nil, p, { time = "1ms" }))
  log("recv, known option: %s", try(recv, p, { timeout = "1ms" }))
  log("port, known option: %s", type(port({ qlimit = 0 })))
end }
