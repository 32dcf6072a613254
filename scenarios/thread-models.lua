-- thread-models.lua: one workload under each thread model.
--
-- A process runs three user threads on a 2-CPU machine: "io" blocks in the
-- kernel for 50 ms (a sleep standing for a disk read), "a" and "b" each
-- compute 30 ms. What happens to a and b while io is blocked?
--
--   one-to-one    every user thread is a kernel thread: io blocks alone;
--                 a and b run in parallel on the two CPUs: done at 30 ms.
--   many-to-one   all three share one LWP: io's blocking call blocks the
--                 LWP, and a and b with it: nothing runs for 50 ms, then a
--                 runs to its end (80 ms), then b (110 ms): the user-level
--                 scheduler is fifo unless the process sets user_quantum.
--   many-to-many  (lwps = 2) io takes one LWP down with it; a and b share
--                 the other, one after the other: a at 30 ms, b at 60 ms.
--   activations   (many-to-many, lwps = 2, activations = true) when io's
--                 activation blocks, the kernel gives the process a new one
--                 ("blocked" upcall): a and b keep both processors: 30 ms.
--
--   ukern run scenarios/thread-models.lua --set model=many-to-one
--   ukern run scenarios/thread-models.lua --set model=many-to-many
--   ukern run scenarios/thread-models.lua --set model=activations --stats json
--
-- Look at each thread's "lost" time (ready, but every LWP of its process
-- blocked in the kernel) and at user versus kernel switches.

local model = param("model", "one-to-one")
local model_ok = { ["one-to-one"] = 1, ["many-to-one"] = 1, ["many-to-many"] = 1, activations = 1 }
assert(model_ok[model],
       ("model must be one-to-one, many-to-one, many-to-many or activations, not %q"):format(model))

machine { cpus = 2, costs = "modern" }

local p = { name = "app", main = function()
  local io = thread(function() sleep("50ms"); log("io: the read completed") end)
  local a = thread(function() compute("30ms"); log("a: done") end)
  local b = thread(function() compute("30ms"); log("b: done") end)
  join(io); join(a); join(b)
end }

if model == "activations" then
  p.threads, p.lwps, p.activations = "many-to-many", 2, true
elseif model == "many-to-many" then
  p.threads, p.lwps = "many-to-many", 2
else
  p.threads = model
end
process(p)
