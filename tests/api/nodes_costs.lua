-- nodes_costs.lua - each node has its own cost model: a system call on B
-- costs B's trap, on C the Firefly's. Each node's network server runs
-- first on its CPU, up to its first recv (one trap of its node), and on C
-- the switch to c then costs the Firefly's two switches (33 + 33 us).
machine { costs = "zero" }
node { "B", costs = { profile = "zero", trap = "1ms" } }
node { "C", costs = "firefly-1990" }
link { "A", "B" }
link { "A", "C" }
process { "a", main = function() getpid(); getpid(); log("A: two getpid in %d ns", now()) end }
process { "b", node = "B", main = function() getpid(); getpid(); log("B: two getpid in %d ns", now()) end }
process { "c", node = "C", main = function() getpid(); log("C: one getpid in %d ns", now()) end }
