-- peer-to-peer.lua: N peers, each both a server (it answers queries and
-- serves the items it holds) and a client (it looks items up and fetches
-- them); three ways to find which peer holds an item. The peers run on
-- `sites` machines joined by LANs (1 ms); their overlay - who knows whom -
-- is laid over that network and ignores it: an overlay hop to a peer on
-- another site crosses a link, one to a peer on the same site does not.
--
-- Each peer is a process with two threads: `peerN` serves its port
-- (registered as "peerN", which stands for the peer's network address),
-- `peerN.1` is its user. The 2N items ("item-001" ...) are spread over the
-- peers by the seed. `lookups` lookups are made, one every 40 ms, by the
-- peers in turn: find the item's holder, then fetch the item (1000 bytes)
-- from it, directly. Then something crashes, and the same lookups are made
-- again.
--
-- Part "central" (the default): a central index (Napster). Every peer
-- publishes the names of its items to the index; a lookup asks the index,
-- then fetches from the holder - the content never goes through the index.
-- Then the index crashes: every later lookup fails, although every item is
-- still there.
--
--   ukern run scenarios/peer-to-peer.lua
--
-- Part "flood": no index (Gnutella). Each peer links itself to `degree`
-- random others; a query goes to all of a peer's neighbours, which pass it
-- on, `ttl` hops in all, each peer dropping a query it has seen before
-- (by its id); the holder answers the asking peer directly. Then peer 2
-- crashes: only its own items are lost.
--
--   ukern run scenarios/peer-to-peer.lua --set part=flood
--   ukern run scenarios/peer-to-peer.lua --set part=flood --set ttl=1   (up to 5)
--
-- Part "dht": a distributed hash table (Chord). Peers and item names are
-- hashed onto a ring of 2^16 identifiers; an item's index entry (who
-- holds it) is stored at the first peer at or after its identifier, and
-- each peer knows the peers at distances 1, 2, 4 ... 2^15 round the ring
-- (its fingers): a lookup halves the distance at each hop, O(log N) hops.
-- Then peer 2 crashes: its items are lost, and so are the index entries it
-- stored for others' items.
--
--   ukern run scenarios/peer-to-peer.lua --set part=dht
--   ukern run scenarios/peer-to-peer.lua --set part=dht --set peers=64
--
-- Each round ends with a line of figures, per lookup: messages (and, when
-- flooding, the copies dropped as duplicates), overlay hops, the time to
-- find the holder, and the fetch; the same figures are recorded as results
-- (found, failed, messages_per_lookup, duplicates_per_lookup,
-- hops_per_lookup, find_ms, fetch_ms; round 2's with "_after_crash"), so
-- that ukern sweep tabulates them:
--
--   ukern sweep scenarios/peer-to-peer.lua --set part=flood --set ttl=1,2,3,4,5 --set crash=false
--
-- --set crash=false leaves out the crash and the second round;
-- --set verbose=true logs every lookup.
--
-- doc/tutorial/peer-to-peer.md is the lesson.

local part = param("part", "central")
local npeers = param("peers", 16)
local sites = param("sites", 4)
local ttl = param("ttl", 3)
local degree = param("degree", 2)
local lookups = param("lookups", 32)
local crash = param("crash", true)
local verbose = param("verbose", false)
assert(part == "central" or part == "flood" or part == "dht",
       ("part must be central, flood or dht, not %q"):format(part))
assert(math.type(npeers) == "integer" and npeers >= 4 and npeers <= 64,
       ("peers must be a whole number from 4 to 64, not %s"):format(npeers))
assert(math.type(sites) == "integer" and sites >= 1 and sites <= 8,
       ("sites must be a whole number from 1 to 8, not %s"):format(sites))
assert(math.type(ttl) == "integer" and ttl >= 1 and ttl <= 16,
       ("ttl must be a whole number of hops from 1 to 16, not %s"):format(ttl))
assert(math.type(degree) == "integer" and degree >= 1 and degree <= 8 and degree < npeers,
       ("degree must be a whole number from 1 to 8, and below peers (%d), not %s"):format(npeers, degree))
assert(math.type(lookups) == "integer" and lookups >= 1 and lookups <= 200,
       ("lookups must be a whole number from 1 to 200, not %s"):format(lookups))

machine { cpus = 1, costs = "modern" }

-- The physical network: `sites` machines, every two joined by a LAN.
local SITES = { "A", "B", "C", "D", "E", "F", "G", "H" }
for s = 2, sites do node { SITES[s] } end
for s = 1, sites do
  for t = s + 1, sites do link { SITES[s], SITES[t], profile = "lan" } end
end
local function site_of(i) return SITES[(i - 1) % sites + 1] end

-- Times: the peers register at 0, find their neighbours at BOOT, publish
-- at PUBLISH; lookup j of round r starts at T0 + ((r-1)(L+1) + j-1) GAP,
-- and the crash comes one GAP after round 1's last lookup.
local MS = 1000000
local BOOT, PUBLISH, T0, GAP, WAIT = 20 * MS, 100 * MS, 300 * MS, 40 * MS, 25 * MS
local function ns(t) return ("%dns"):format(t) end
local ITEM_BYTES = 1000
local VICTIM = 2                       -- the peer that crashes (flood, dht)
local rounds = crash and 2 or 1
local function start_of(r, j) return T0 + ((r - 1) * (lookups + 1) + (j - 1)) * GAP end
local crash_at = start_of(1, lookups + 1)

-- The items and who holds them (drawn from the seed).
local nitems = 2 * npeers
local items, holder_of, held = {}, {}, {}
for i = 1, npeers do held[i] = {} end
for k = 1, nitems do
  local name = ("item-%03d"):format(k)
  local h = math.random(npeers)
  items[k], holder_of[name] = name, h
  held[h][#held[h] + 1] = name
end

-- The flooding overlay: each peer links itself to `degree` others at random.
local nbrs = {}
for i = 1, npeers do nbrs[i] = {} end
local function linked(i, j) for _, k in ipairs(nbrs[i]) do if k == j then return true end end end
local nlinks, local_links = 0, 0
if part == "flood" then
  for i = 1, npeers do
    local made = 0
    while made < degree do
      local j = math.random(npeers)
      if j ~= i and not linked(i, j) then
        nbrs[i][#nbrs[i] + 1], nbrs[j][#nbrs[j] + 1] = j, i
        nlinks, made = nlinks + 1, made + 1
        if site_of(i) == site_of(j) then local_links = local_links + 1 end
      elseif #nbrs[i] >= npeers - 1 then break end
    end
  end
  for i = 1, npeers do table.sort(nbrs[i]) end
end
-- The lookups: lookup j is made by peer (j-1) mod N + 1 (in round 2 the
-- crashed peer's are made by the next one), for an item it does not hold.
local plan = {}
for j = 1, lookups do
  local origin = (j - 1) % npeers + 1
  local key
  repeat key = items[math.random(nitems)] until holder_of[key] ~= origin
  plan[j] = { origin = origin, key = key }
end
local function origin_of(r, j)
  local o = plan[j].origin
  if r == 2 and part ~= "central" and o == VICTIM then o = o % npeers + 1 end
  return o
end

-- Overlay distances (breadth first), to know how far each holder is.
local function distances(from)
  local d, queue, head = { [from] = 0 }, { from }, 1
  while queue[head] do
    local i = queue[head]; head = head + 1
    for _, j in ipairs(nbrs[i]) do
      if not d[j] then d[j] = d[i] + 1; queue[#queue + 1] = j end
    end
  end
  return d
end

-- The ring (dht): identifiers of 16 bits, from a hash of the name.
local BITS, RING = 16, 1 << 16
local function hash(s)
  local h = 2166136261                                  -- FNV-1a, 32 bits
  for c = 1, #s do h = ((h ~ s:byte(c)) * 16777619) & 0xffffffff end
  return (h ~ (h >> 16)) & (RING - 1)
end
local pid_of, taken, ring = {}, {}, {}              -- peer -> id; sorted ids
for i = 1, npeers do
  local id = hash("peer" .. i)
  while taken[id] do id = (id + 1) % RING end
  pid_of[i], taken[id] = id, i
  ring[#ring + 1] = id
end
table.sort(ring)
local function successor(id)                       -- the first peer at or after id
  for _, r in ipairs(ring) do if r >= id then return taken[r] end end
  return taken[ring[1]]
end
local function between(x, a, b)                    -- x in (a, b] round the ring
  if a < b then return x > a and x <= b end
  return x > a or x <= b
end
local fingers, pred_of = {}, {}                    -- peer -> distinct fingers, nearest first
for i = 1, npeers do
  local f, seen = {}, {}
  for k = 0, BITS - 1 do
    local s = successor((pid_of[i] + (1 << k)) % RING)
    if s ~= i and not seen[s] then seen[s] = true; f[#f + 1] = s end
  end
  fingers[i] = f
end
for n, id in ipairs(ring) do pred_of[taken[id]] = taken[ring[(n - 2) % #ring + 1]] end

-- What the scenario measures (kept outside the simulation, as a tally
-- sheet: the peers add to it, the tally reads it).
local tally = { publish = 0, index_msgs = 0, index_bytes = 0 }
local rec = {}                                     -- [r][j] = the record of a lookup
for r = 1, rounds do rec[r] = {} end
local function count(qid, n)
  if qid then local t = rec[qid.r][qid.j]; t.msgs = t.msgs + (n or 1)
  else tally.publish = tally.publish + (n or 1) end
end

-- The central index (part "central").
if part == "central" then
  process { "index", daemon = true, main = function()
    local p = port({ qlimit = 4096 })
    assert(register("index", p))
    local where = {}
    while true do
      local m = recv(p)
      tally.index_msgs, tally.index_bytes = tally.index_msgs + 1, tally.index_bytes + m.size
      if m.op == "publish" then
        for _, key in ipairs(m.keys) do where[key] = { holder = m.holder, peer = m.peer } end
        reply(m, #m.keys)
      else
        local e = where[m.key]
        reply(m, e and { holder = e.holder, peer = e.peer } or { missing = true })
      end
    end
  end }
end

local peer = {}
local function peer_main(i)
  local p = port({ qlimit = 4096 })               -- queries, requests, fetches
  local inbox = port({ qlimit = 4096 })           -- answers to this peer's lookups
  assert(register("peer" .. i, p))
  local mine = {}
  for _, key in ipairs(held[i]) do mine[key] = ("%s:"):format(key) .. ("x"):rep(ITEM_BYTES - #key - 1) end
  local to, seen, entries = {}, {}, {}            -- ports of the peers it knows; queries seen; dht
  sleep(ns(BOOT))                                 -- every peer has registered by now
  local knows = part == "flood" and nbrs[i] or part == "dht" and fingers[i] or {}
  for _, j in ipairs(knows) do to[j] = assert(lookup("peer" .. j)) end
  local index = part == "central" and assert(lookup("index"))

  -- dht: pass m on towards the peer responsible for m.kid; true if that is this one.
  local function route(m)
    local id = pid_of[i]
    if between(m.kid, pid_of[pred_of[i]], id) then return true end
    local f = fingers[i]
    local cands = {}
    if between(m.kid, id, pid_of[f[1]]) then cands[1] = f[1]     -- its successor holds it
    else
      for k = #f, 1, -1 do                                         -- the closest finger before it
        if between(pid_of[f[k]], id, (m.kid - 1) % RING) then cands[#cands + 1] = f[k] end
      end
    end
    local out = { op = m.op, qid = m.qid, key = m.key, kid = m.kid, holder = m.holder, peer = m.peer,
                  origin = m.origin, hops = m.hops + 1 }  -- (not the kernel's fields of m)
    for _, j in ipairs(cands) do                  -- a dead finger: try the next closest
      if send(to[j], out) then count(m.qid); return false end
    end
    if m.origin then                              -- no live peer to pass it to
      local why = #cands == 1 and cands[1] == f[1] and "the peer storing its index entry is down"
                  or "no live finger to pass it to"
      if send(m.origin, { op = "missing", qid = m.qid, why = why }) then count(m.qid) end
    end
    return false
  end
  -- dht: the entry for m.key is here: store it, or answer the lookup.
  local function settle(m)
    if m.op == "store" then
      entries[m.key] = { holder = m.holder, peer = m.peer }
    elseif m.op == "find" then
      local e = entries[m.key]
      local a = e and { op = "found", qid = m.qid, holder = e.holder, peer = e.peer, hops = m.hops }
                  or { op = "missing", qid = m.qid, why = "no entry", hops = m.hops }
      return a
    end
  end

  -- The user: publish, then make this peer's lookups when their time comes.
  thread(function()
    sleep(ns(PUBLISH - BOOT))
    local keys = held[i]
    if part == "central" and #keys > 0 then
      assert(call(index, { op = "publish", keys = keys, holder = p, peer = i }))
      count(nil, 2)
    elseif part == "dht" then
      for _, key in ipairs(keys) do
        local m = { op = "store", key = key, kid = hash(key), holder = p, peer = i, hops = 0 }
        if route(m) then settle(m) end
      end
    end
    for r = 1, rounds do
      for j = 1, lookups do
        if origin_of(r, j) == i then
          local wait = start_of(r, j) - now()
          if wait > 0 then sleep(ns(wait)) end
          local key = plan[j].key
          local t = { origin = i, key = key, msgs = 0, dups = 0, t0 = now() }
          rec[r][j] = t
          local qid = { r = r, j = j }
          local answer, why
          if part == "central" then
            answer, why = call(index, { op = "lookup", key = key }, { timeout = ns(WAIT) })
            if answer then count(qid, 2); answer.hops = 1 end
            if answer and answer.missing then answer, why = nil, "not in the index" end
            if not answer and why == "dead port" then why = "the index: dead port" end
          else
            if part == "flood" then
              seen[r * 1000 + j] = true
              for _, n in ipairs(nbrs[i]) do
                if send(to[n], { op = "query", qid = qid, key = key, ttl = ttl, hops = 1,
                                 origin = inbox, from = i }) then count(qid) end
              end
            else
              local m = { op = "find", qid = qid, key = key, kid = hash(key), origin = inbox, hops = 0 }
              if route(m) then answer = settle(m) end
            end
            local deadline = t.t0 + WAIT
            while not answer do
              local left = deadline - now()
              if left <= 0 then why = "no answer in 25 ms"; break end
              local a = recv(inbox, { timeout = ns(left) })
              if not a then why = "no answer in 25 ms"; break end
              if a.qid.r == r and a.qid.j == j then
                if a.op == "found" or a.op == "hit" then answer = a
                else why = a.why == "no entry" and "the index entry is lost" or a.why; break end
              end
            end
          end
          t.t_found = now() - t.t0
          if answer then
            t.hops, t.peer = answer.hops, answer.peer
            local t1 = now()
            local got, fwhy = call(answer.holder, { op = "get", key = key }, { timeout = ns(WAIT) })
            t.t_fetch = now() - t1
            if got and got.item then t.ok, t.bytes = true, #got.item
            else why = "fetch: " .. tostring(fwhy or "not there") end
          end
          t.why = why
          if verbose then
            log("round %d, lookup %d: peer%d looks for %s (held by peer%d): %s", r, j, i, key,
                holder_of[key], t.ok and ("found at peer%d, %d hop%s, %d messages so far, %.2f ms; fetched in %.2f ms")
                  :format(t.peer, t.hops, t.hops == 1 and "" or "s", t.msgs, t.t_found / 1e6, t.t_fetch / 1e6)
                  or why)
          end
        end
      end
    end
  end)

  -- The server.
  while true do
    local m = recv(p)
    if m.op == "get" then
      reply(m, mine[m.key] and { key = m.key, item = mine[m.key] } or { missing = true })
    elseif m.op == "query" then
      local q = m.qid.r * 1000 + m.qid.j
      if seen[q] then
        local t = rec[m.qid.r][m.qid.j]; t.dups = t.dups + 1
      else
        seen[q] = true
        if mine[m.key] then
          if send(m.origin, { op = "hit", qid = m.qid, holder = p, peer = i, hops = m.hops }) then count(m.qid) end
        end
        if m.ttl > 1 then
          for _, n in ipairs(nbrs[i]) do
            if n ~= m.from and send(to[n], { op = "query", qid = m.qid, key = m.key, ttl = m.ttl - 1,
                                              hops = m.hops + 1, origin = m.origin, from = i }) then
              count(m.qid)
            end
          end
        end
      end
    elseif m.op == "store" or m.op == "find" then
      if route(m) then
        local a = settle(m)
        if a and send(m.origin, a) then count(m.qid) end
      end
    end
  end
end

for i = 1, npeers do
  peer[i] = process { name = "peer" .. i, node = site_of(i), daemon = true, main = function() peer_main(i) end }
end

if crash then
  if part == "central" then fault { at = ns(crash_at), crash = "index" }
  else fault { at = ns(crash_at), crash = peer[VICTIM] } end
end

-- The tally: what the overlay is, then each round's figures.
process { "tally", main = function()
  local where = sites == 1 and "one site" or ("%d sites"):format(sites)
  if part == "flood" then
    local reach, far = 0, 0
    for i = 1, npeers do
      local d = distances(i)
      for j = 1, npeers do if d[j] then reach = reach + 1; far = math.max(far, d[j]) end end
    end
    local lo, hi = npeers, 0
    for i = 1, npeers do lo, hi = math.min(lo, #nbrs[i]), math.max(hi, #nbrs[i]) end
    log("overlay: %d peers on %s, %d links (%d inside a site), %d to %d neighbours each; %s",
        npeers, where, nlinks, local_links, lo, hi,
        reach == npeers * npeers and ("connected, diameter %d"):format(far) or "not connected")
    local within = {}
    for j = 1, lookups do
      local dj = distances(plan[j].origin)[holder_of[plan[j].key]]
      if dj then within[dj] = (within[dj] or 0) + 1 end
    end
    local parts, sum = {}, 0
    for h = 1, 16 do
      if within[h] then
        sum = sum + within[h]
        parts[#parts + 1] = ("%d %s: %d"):format(h, h == 1 and "hop" or "hops", within[h])
      end
    end
    log("round 1's holders are, from the asking peer: %s (%d of %d reachable)",
        table.concat(parts, ", "), sum, lookups)
  elseif part == "dht" then
    local nf = 0
    for i = 1, npeers do nf = nf + #fingers[i] end
    log("ring: %d peers on %s, identifiers of %d bits; %.1f distinct fingers per peer (log2 N = %.1f)",
        npeers, where, BITS, nf / npeers, math.log(npeers, 2))
  else
    log("central index on A; %d peers on %s", npeers, where)
  end
  sleep(ns(PUBLISH + 50 * MS))
  local stored = 0
  for i = 1, npeers do stored = stored + #held[i] end
  if part == "flood" then
    log("published nothing: %d items on %d peers, each answers for what it holds", stored, npeers)
  else
    log("published %d items of %d peers to the %s: %d messages", stored, npeers,
        part == "central" and "index" or "ring", tally.publish)
  end
  for r = 1, rounds do
    local wait = start_of(r, lookups + 1) - now()
    if wait > 0 then sleep(ns(wait)) end
    local n, ok, msgs, dups, hops, tf, tfetch, nf, bytes = 0, 0, 0, 0, 0, 0, 0, 0, 0
    for j = 1, lookups do
      local t = rec[r][j]
      if t then
        n, msgs, dups = n + 1, msgs + t.msgs, dups + t.dups
        if t.ok then ok, hops, tf, tfetch, bytes = ok + 1, hops + t.hops, tf + t.t_found, tfetch + t.t_fetch, bytes + t.bytes end
      end
    end
    local when = r == 1 and (crash and "before the crash" or "no crash") or "after the crash"
    log("round %d (%s): %d lookup%s, %d found and fetched, %d failed", r, when, n,
        n == 1 and "" or "s", ok, n - ok)
    log("  per lookup: %.1f messages%s; %s",
        msgs / n, part == "flood" and (" (%.1f dropped as duplicates)"):format(dups / n) or "",
        ok == 0 and "none found and fetched" or ("found in %.2f hops, %.2f ms; fetched in %.2f ms")
          :format(hops / ok, tf / ok / 1e6, tfetch / ok / 1e6))
    -- The same figures as results, for the statistics and ukern sweep's
    -- columns (round 2's with "_after_crash"); hops and times only when
    -- something was found, duplicates only when flooding.
    local sfx = r == 1 and "" or "_after_crash"
    result("found" .. sfx, ok)
    result("failed" .. sfx, n - ok)
    result("messages_per_lookup" .. sfx, msgs / n)
    if part == "flood" then result("duplicates_per_lookup" .. sfx, dups / n) end
    if ok > 0 then
      result("hops_per_lookup" .. sfx, hops / ok)
      result("find_ms" .. sfx, tf / ok / 1e6)
      result("fetch_ms" .. sfx, tfetch / ok / 1e6)
    end
    if part == "central" then
      log("  the index has received %d requests, %d bytes; the %d items fetched, %d bytes, went peer to peer",
          tally.index_msgs, tally.index_bytes, ok, bytes)
    end
    local reasons, by = {}, {}                   -- the failures, by reason, in order
    for j = 1, lookups do
      local t = rec[r][j]
      if t and not t.ok then
        if not by[t.why] then by[t.why] = { n = 0, keys = {}, seen = {} }; reasons[#reasons + 1] = t.why end
        local b = by[t.why]
        b.n = b.n + 1
        if not b.seen[t.key] then b.seen[t.key] = true; b.keys[#b.keys + 1] = ("%s of peer%d"):format(t.key, holder_of[t.key]) end
      end
    end
    for _, why in ipairs(reasons) do
      local b = by[why]
      local keys = #b.keys <= 4 and table.concat(b.keys, ", ")
                   or table.concat(b.keys, ", ", 1, 3) .. (" and %d more items"):format(#b.keys - 3)
      log("  %d failed: %s (%s)", b.n, why, keys)
    end
  end
end }
