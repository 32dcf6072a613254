-- semaphore.lua: a bounded buffer of 2 slots between a producer and a
-- consumer (semaphores for the slots and the items, a mutex for the buffer).
local model = param("model", "one-to-one")
machine { cpus = 2, costs = "zero" }
process { name = "app", threads = model, main = function()
  local slots, items, mu = semaphore(2), semaphore(0), mutex()
  local buf, most, got = {}, 0, {}
  local prod = thread(function()
    for i = 1, 6 do
      slots:wait(); mu:lock(); buf[#buf + 1] = i
      if #buf > most then most = #buf end
      mu:unlock(); items:post()
    end
  end)
  local cons = thread(function()
    for _ = 1, 6 do
      items:wait(); mu:lock(); got[#got + 1] = table.remove(buf, 1); mu:unlock(); slots:post()
      compute("2ms")
    end
  end)
  join(prod); join(cons)
  log("got %s, at most %d buffered, trylock=%s", table.concat(got, ","), most, tostring(mu:trylock()))
end }
