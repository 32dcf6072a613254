-- tinyquantum.lua: a quantum shorter than a context switch still lets every
-- thread progress (the quantum starts after the switch).
machine { costs = "modern", quantum = "1us" }
process { name = "A", main = function() compute("3us") end }
process { name = "B", main = function() compute("3us") end }
