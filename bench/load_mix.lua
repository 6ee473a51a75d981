-- wrk script of the load bench (bench/load_bench.py): phones doing small syncs and read-backs.
--
-- LOAD_MODE=app  : each request is, at random, POST /api/v1/sync with 1-5 new entries (LOAD_SYNC_SHARE
--                  of requests) or GET /api/v1/entries?updated_since=<the latest cursor this thread saw>,
--                  signed with a bearer token picked at random from LOAD_TOKENS (lines "token unit village").
-- LOAD_MODE=bare : POST /bare {"uuid": ...}, one idempotent INSERT per request (the baseline app).
-- done() prints one JSON line the bench reads: requests, seconds, latency percentiles (ms), errors.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local mode, share, clients, cursor
created, refused, syncs, reads = 0, 0, 0, 0  -- globals: done() reads them per thread

local function hex(n)
  local out = {}
  for i = 1, n do out[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(out)
end

local function uuid4()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", math.random(8, 11)) .. hex(3)
    .. "-" .. hex(12)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  mode = os.getenv("LOAD_MODE") or "app"
  share = tonumber(os.getenv("LOAD_SYNC_SHARE") or "0.5")
  clients = {}
  cursor = os.getenv("LOAD_START_CURSOR") or "0"
  local path = os.getenv("LOAD_TOKENS")
  if path then
    for line in io.lines(path) do
      local token, unit, village = line:match("(%S+) (%d+) (%d+)")
      if token then table.insert(clients, {token = token, unit = unit, village = village}) end
    end
  end
end

local function sync_body(client)
  local parts = {}
  for i = 1, math.random(1, 5) do
    local cost = 50000 * math.random(0, 10)  -- a cost above 0 names its source (issue 11)
    parts[i] = string.format('{"uuid":"%s","kind":"outreach","base_revision":null,"data":{"unit_id":%s,'
      .. '"village_id":%s,"date":"2026-%02d-%02d","participants_male":%d,"participants_female":%d,'
      .. '"cost_vnd":%d,"funding_source":"%s","notes":"Buoi truyen thong so %d","format":"direct_talk"}}',
      uuid4(), client.unit, client.village, math.random(1, 11), math.random(1, 28), math.random(0, 40),
      math.random(1, 60), cost, cost > 0 and "commune_budget" or "none", math.random(1, 100000))
  end
  return '{"entries":[' .. table.concat(parts, ",") .. ']}'
end

function request()
  if mode == "bare" then
    return wrk.format("POST", "/bare", {["Content-Type"] = "application/json"},
      string.format('{"uuid":"%s"}', uuid4()))
  end
  local client = clients[math.random(1, #clients)]
  local headers = {["Authorization"] = "Bearer " .. client.token, ["Content-Type"] = "application/json"}
  if math.random() < share then
    syncs = syncs + 1
    return wrk.format("POST", "/api/v1/sync", headers, sync_body(client))
  end
  reads = reads + 1
  return wrk.format("GET", "/api/v1/entries?updated_since=" .. cursor, headers)
end

function response(status, headers, body)
  if mode == "bare" or status ~= 200 then return end
  for _ in body:gmatch('"status":"created"') do created = created + 1 end
  for _ in body:gmatch('"status":"rejected"') do refused = refused + 1 end
  for _ in body:gmatch('"status":"forbidden"') do refused = refused + 1 end
  for _ in body:gmatch('"status":"conflict"') do refused = refused + 1 end
  local seen = body:match('"cursor":"(%d+)"')
  if seen and tonumber(seen) > tonumber(cursor) then cursor = seen end
end

function done(summary, latency, requests)
  local totals = {created = 0, refused = 0, syncs = 0, reads = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  local e = summary.errors
  io.write(string.format('LOADJSON {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,'
    .. '"max_ms":%.2f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,'
    .. '"errors_timeout":%d,"entries_created":%d,"entries_refused":%d,"syncs_sent":%d,"reads_sent":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout,
    totals.created, totals.refused, totals.syncs, totals.reads))
end
