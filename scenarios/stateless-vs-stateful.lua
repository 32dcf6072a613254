-- stateless-vs-stateful.lua: a file server crashes in the middle of a session.
--
-- Two file servers hold the same file. "sfs" is stateful: it keeps an
-- open-file table (descriptor -> file, offset) for each client. "nfs" is
-- stateless: it knows only file handles; the client library keeps the
-- offsets, as an NFS client does. One client reads the file from each, a
-- few bytes at a time with pauses. At 20 ms both servers crash; the
-- reincarnation server restarts each a few milliseconds later as a new
-- process, with the same files (the disk survives) but empty memory.
--
--   ukern run scenarios/stateless-vs-stateful.lua
--
-- Both clients first see "dead port" (the request in flight when the server
-- died, or the next one), then "unknown name" until the new incarnation has
-- registered, and simply try again. Then they part:
--   - the stateless client goes on where it was: its next read names the
--     handle and the offset, which mean the same to the new server;
--   - the stateful client's descriptor meant something only to the dead
--     server: "bad descriptor". To go on it must open the file again and
--     find its place, here by reading again what it had already read.
-- The log counts the requests each needed and checks that both got the
-- whole file. Try --set crash=false for the session without a crash, and
-- --set chunk=16 for fewer, larger reads.

local chunk = param("chunk", 6)
local crash = param("crash", true)
assert(math.type(chunk) == "integer" and chunk >= 1,
       ("chunk must be a whole number of bytes, at least 1, not %s"):format(chunk))

machine { cpus = 1, costs = "modern" }

local text = "A stateless server keeps nothing a crash can lose; the client keeps the state."
for _, spec in ipairs({ { "sfs", "stateful" }, { "nfs", "stateless" } }) do
  server { "file", name = spec[1], mode = spec[2], disk = "1ms", files = { ["/notes"] = text } }
  if crash then
    fault { at = "20ms", crash = spec[1], restart_after = "3ms", check = "1ms" }
  end
end

-- Read the whole of /notes from the file server called name.
local function reader(name)
  process {
    name = "reader-" .. name,
    start = "1ms",
    main = function()
      local f = fs.bind(name)
      local fd = assert(f:open("/notes"))
      local got, requests, recovered = {}, 1, 0
      local have = 0                          -- bytes read so far
      while true do
        local data, why = f:read(fd, chunk)
        requests = requests + 1
        if data == "" then break end
        if data then
          got[#got + 1] = data
          have = have + #data
          sleep("2ms")                        -- the program works on what it read
        elseif why == "dead port" or why == "unknown name" then
          -- The server is gone, or not registered again yet: wait, retry.
          log("read: %s - try again", why)
          sleep("1ms")
        elseif why == "bad descriptor" then
          -- The new server never heard of fd: open again, then skip what
          -- was read already (the offset was the dead server's too).
          log("read: bad descriptor - the server forgot the open file; reopen and skip %d bytes",
            have)
          repeat
            fd, why = f:open("/notes")
            requests = requests + 1
            if not fd then sleep("1ms") end
          until fd
          local skip = have
          while skip > 0 do
            local d = assert(f:read(fd, math.min(skip, 64)))
            requests = requests + 1
            recovered = recovered + #d
            skip = skip - #d
          end
        else
          error("read: " .. tostring(why))
        end
      end
      f:close(fd)
      local whole = table.concat(got)
      log("%s: %d bytes in %d requests (%d bytes read again to recover); the file %s",
        name, #whole, requests, recovered, whole == text and "is complete" or "IS WRONG")
    end,
  }
end

reader("sfs")
reader("nfs")
