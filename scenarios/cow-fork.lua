-- cow-fork.lua: fork without copying. A parent fills 64 pages of memory and
-- forks three children; each child writes a few pages and reads the others.
--
-- After fork the children's pages are the parent's frames, shared read-only
-- with a reference count: nothing is copied. A child's first write to a
-- page faults and copies exactly that page; a page nobody writes stays
-- shared to the end. Each side keeps seeing its own data. Compare:
--
--   ukern run scenarios/cow-fork.lua
--       each child writes 2 pages: 6 pages copied for 3 children
--   ukern run scenarios/cow-fork.lua --set touch=all
--       each child writes every page: copy-on-write copies all of them,
--       one fault at a time, dearer than copying them at the fork
--   ukern run scenarios/cow-fork.lua --set touch=all --set frames=100
--       a child that finds no free frame for its copy is killed
--   ukern run scenarios/cow-fork.lua --stats json
--       the "vm" section: frames used, shared, copy-on-write faults, pages
--       copied; processes[] has each process's share
--
-- The memory that is copied on write is the one mem.* reads and writes:
-- Lua variables are shared by every process of the scenario (one Lua
-- state), so the children read base, k and the parameters from the
-- parent's Lua values, but every byte they change is in mem.

local pages = param("pages", 64)
local children = param("children", 3)
local writes = param("writes", 2)       -- pages each child writes (touch = "few")
local touch = param("touch", "few")     -- "few" or "all"
local costs = param("costs", "modern")
local frames = param("frames", 1024)    -- the machine's physical memory, in frames
assert(touch == "few" or touch == "all", ("touch must be few or all, not %q"):format(touch))
assert(math.type(frames) == "integer" and frames >= 1,
       ("frames must be a whole number, at least 1, not %s"):format(frames))
assert(math.type(pages) == "integer" and pages >= 1 and pages <= frames,
       ("pages must be a whole number from 1 to frames (%d), not %s"):format(frames, pages))
assert(math.type(children) == "integer" and children >= 1 and children <= 100,
       ("children must be a whole number from 1 to 100, not %s"):format(children))
assert(math.type(writes) == "integer" and writes >= 0 and writes <= pages,
       ("writes must be a whole number from 0 to pages (%d), not %s"):format(pages, writes))

machine { cpus = 1, costs = costs, frames = frames, page_size = 4096 }

local PS = 4096

-- The text at addr (up to n bytes, without the zeros that follow it).
local function text(addr, n)
  return (mem.read(addr, n):gsub("%z+$", ""))
end

local function report(who)
  local s = mem.stat()
  log("%s: maps %d frames, %d of them shared; %d zero-fill and %d copy-on-write faults, "
      .. "%d pages copied", who, s.frames, s.shared, s.zero_fill_faults, s.cow_faults,
      s.pages_copied)
end

local function child(k, base)
  local n = touch == "all" and pages or math.min(writes, pages)
  local t0 = now()
  for i = 0, n - 1 do
    mem.write(base + i * PS, string.format("child %d page %03d", k, i))
  end
  log("child %d wrote %d pages in %.1f us", k, n, (now() - t0) / 1000)
  report("child " .. k)
  log("child %d reads page 0: %q; page %d: %q", k, text(base, 32), pages - 1,
      text(base + (pages - 1) * PS, 32))
  return k
end

process { name = "parent", main = function()
  local base = mem.alloc(pages * PS)
  local t0 = now()
  for i = 0, pages - 1 do
    mem.write(base + i * PS, string.format("parent page %03d", i))
  end
  log("filled %d pages in %.1f us (a zero-fill fault each)", pages, (now() - t0) / 1000)
  local kids = {}
  for k = 1, children do
    t0 = now()
    kids[k] = assert(fork(child, k, base))
    log("fork of %s took %.1f us", kids[k].name, (now() - t0) / 1000)
  end
  report("parent after the forks")
  log("the machine has %d frames in use for %d processes of %d pages each",
      frames - mem.stat().free_frames, children + 1, pages)
  for k = 1, children do
    log("%s exited with %d", kids[k].name, wait(kids[k]))
  end
  log("parent reads page 0: %q", text(base, 32))
  report("parent")
  -- The children are gone: the parent is the last sharer of its frames. A
  -- write faults once more, but needs no copy.
  t0 = now()
  mem.write(base, "parent page 000, again")
  log("parent's write to page 0 took %.1f us: a fault, no copy", (now() - t0) / 1000)
  report("parent at the end")
end }
