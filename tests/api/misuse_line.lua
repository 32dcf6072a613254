-- misuse_line.lua: misuse of a built-in library (rpc, fs, clock) ends the
-- body with a report at the scenario's own line, nowhere inside the library.
server "file"
server "time"
process { name = "r", main = function() rpc.bind(42) end }
process { name = "f", start = "1ms", main = function() fs.read() end }
process { name = "c", start = "1ms", main = function() clock.sync({ probes = 0 }) end }
