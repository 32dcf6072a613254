-- whole.lua: under lottery a job that finishes inside its quantum keeps the
-- CPU to the quantum's end (the clock advances a full quantum, as in
-- lottery.py); blocking for I/O does not, and neither does a thread that is
-- not a job. Under stride the next thread starts at once.
machine { sched = param("sched", "lottery"), quantum = 10, costs = "zero" }
job { "A", run = 6, io_every = 3, io_time = 2 }
process { "P", start = 20, main = function() compute("5ms") end }
process { "Q", start = 20, main = function() compute("5ms") end }
