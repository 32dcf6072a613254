-- A file server on node B (server { "file", node = "B" }): a client on A
-- opens, reads and writes through the link; the server's process is on B.
node { "B", cpus = 1 }
link { "A", "B", profile = "lan" }
server { "file", name = "file", node = "B", files = { ["/hello"] = "hi there" } }
process { "c", main = function()
  sleep("10ms")
  local f = fs.open("/hello")
  log("read: %s", tostring(f and fs.read(f, 100)))
  fs.close(f)
end }
