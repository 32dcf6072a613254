-- io.lua: a job doing I/O beside a compute-only one, under fifo.
machine { sched = param("sched", "fifo"), costs = "zero" }
job { "A", run = 10, io_every = 5, io_time = 5 }
job { "B", run = 10 }
