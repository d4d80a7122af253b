-- The soak's mixed workload (bench/soak.sh): one minute of it per wrk run.
--
--   wrk -t2 -c64 -d60s --latency -s bench/wrk/soak.lua http://127.0.0.1:PORT -- THREADS MINUTE MINUTES
--
-- THREADS is wrk's -t, MINUTE the run's number (0-based) and MINUTES how many runs the soak
-- makes: each (minute, thread) gets its own share of the check-in learners and of the free
-- (learner, module) assignment pairs, so no check-in and no assignment is ever a duplicate.
-- Each request is drawn at random (weights below):
--   reads     GET module, GET screens, GET /users/me/assignments, GET /users/me/progress (the
--             dashboard), GET /checkins/streak, as a random learner;
--   progress  PUT /modules/{id}/progress on one of the 200 modules, with the version this
--             thread last saw for that record, as one of the thread's own 4 learners (the
--             last ones: 997..1000 for thread 1, 993..996 for thread 2, ...) or, one time in
--             five, one of 2 learners all threads share. Records shared between threads, a
--             thread's connections racing for the same record, and the versions a new minute's
--             run does not know yet make some writes stale: 409 "Version conflict", whose body
--             carries the current version (taken here for the next write);
--   check-in  POST /checkins as a fresh check-in learner (tsk_bench_checkin_<n>);
--   assign    POST /assignments as the manager, a fresh (learner, module) pair: the server
--             writes a module_assigned notification (to a stream when the learner holds one);
--   notify    GET /notifications (the thread's learner of this minute), GET unread-count (a
--             random learner), POST /notifications/{id}/read of an id its lists returned.
-- A check-in or assignment past the thread's share becomes a read (counted as exhausted).
-- done() prints the BENCH line of common.lua with per-kind counts, then
--   BENCH_STATUS <status>=<count> ...    the unexpected answers by status, and
--   BENCH_UNEXPECTED <status> <body>     the first answer of each thread that is neither 2xx nor a
--                                        progress version conflict.
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

local OWN_LEARNERS, SHARED_LEARNERS, SHARED_PCT = 4, 2, 20 -- progress writers
local weights = {
   { "module", 12 }, { "screens", 12 }, { "my_assignments", 8 }, { "dashboard", 6 },
   { "streak", 6 }, { "progress", 24 }, { "checkin", 4 }, { "assign", 3 },
   { "notifications", 10 }, { "unread_count", 5 }, { "mark_read", 10 },
}
local total_weight = 0
for _, w in ipairs(weights) do total_weight = total_weight + w[2] end

local threads, t, minute, minutes
local checkin_next, checkin_last, pair_next, pair_last
local notif_learner, unread = nil, {}
local version = {}
local due
local json = { ["Content-Type"] = "application/json" }

-- per-thread counters, read by done()
ok = 0
conflicts = 0
unexpected = 0
exhausted = 0
reads = 0
progress = 0
checkins = 0
assigns = 0
notifs = 0
statuses = ""
first_unexpected = nil
local by_status = {}

function init(args)
   c.seed()
   threads = tonumber(args[1] or "1")
   minute = tonumber(args[2] or "0")
   minutes = tonumber(args[3] or "1")
   t = thread_no - 1
   if t >= threads then
      error("thread " .. thread_no .. " of " .. threads .. ": pass wrk's -t after --")
   end
   local share = (minute * threads + t)
   local slots = threads * minutes
   local chunk = math.floor(ids.checkin_pool / slots)
   checkin_next, checkin_last = share * chunk + 1, share * chunk + chunk
   local pairs_total = ids.learners * (#ids.modules - ids.assigned_modules)
   chunk = math.floor(pairs_total / slots)
   pair_next, pair_last = share * chunk, share * chunk + chunk - 1
   notif_learner = (share * 37) % ids.learners + 1
   due = os.date("!%Y-%m-%dT%H:%M:%S.000Z", os.time() + 14 * 86400)
end

local function with_auth(n, extra)
   local h = c.auth(n)
   for k, v in pairs(extra or {}) do h[k] = v end
   return h
end

local function pick()
   local r = math.random() * total_weight
   for _, w in ipairs(weights) do
      r = r - w[2]
      if r < 0 then return w[1] end
   end
   return weights[#weights][1]
end

local function read_request(kind)
   local l = math.random(ids.learners)
   local m = math.random(#ids.modules)
   reads = reads + 1
   if kind == "module" then
      return wrk.format("GET", "/api/v1/modules/" .. ids.modules[m], c.auth(l))
   elseif kind == "screens" then
      return wrk.format("GET", "/api/v1/modules/" .. ids.modules[m] .. "/screens", c.auth(l))
   elseif kind == "my_assignments" then
      return wrk.format("GET", "/api/v1/users/me/assignments", c.auth(l))
   elseif kind == "dashboard" then
      return wrk.format("GET", "/api/v1/users/me/progress?limit=20", c.auth(l))
   end
   return wrk.format("GET", "/api/v1/checkins/streak", c.auth(l))
end

function request()
   local kind = pick()
   if kind == "progress" then
      local l
      if math.random(100) <= SHARED_PCT then
         l = ids.learners - OWN_LEARNERS * threads - SHARED_LEARNERS + math.random(SHARED_LEARNERS)
      else
         l = ids.learners - OWN_LEARNERS * (t + 1) + math.random(OWN_LEARNERS)
      end
      local m = math.random(#ids.modules)
      local key = ids.modules[m] .. "|" .. ids.learner_ids[l]
      progress = progress + 1
      local body = string.format(
         '{"version":%d,"progress_data":{"current_screen_id":null,' ..
         '"completed_screen_ids":["%s"],"responses":{}}}', version[key] or 1, ids.first[m])
      return wrk.format("PUT", "/api/v1/modules/" .. ids.modules[m] .. "/progress",
         with_auth(l, json), body)
   elseif kind == "checkin" then
      if checkin_next > checkin_last then
         exhausted = exhausted + 1
         return read_request("streak")
      end
      local n = checkin_next
      checkin_next = checkin_next + 1
      checkins = checkins + 1
      local body = string.format('{"mood":%d,"confidence":%d,"note":"Soak check-in."}',
         math.random(5), math.random(5))
      return wrk.format("POST", "/api/v1/checkins", {
         ["Authorization"] = "Bearer tsk_bench_checkin_" .. n,
         ["Content-Type"] = "application/json" }, body)
   elseif kind == "assign" then
      if pair_next > pair_last then
         exhausted = exhausted + 1
         return read_request("my_assignments")
      end
      local j = pair_next
      pair_next = pair_next + 1
      assigns = assigns + 1
      local learner = j % ids.learners + 1
      local module = ids.assigned_modules + 1 + math.floor(j / ids.learners)
      local body = string.format('{"module_id":"%s","user_id":"%s","due_at":"%s"}',
         ids.modules[module], ids.learner_ids[learner], due)
      return wrk.format("POST", "/api/v1/assignments", {
         ["Authorization"] = "Bearer tsk_bench_manager",
         ["Content-Type"] = "application/json" }, body)
   elseif kind == "notifications" or (kind == "mark_read" and #unread == 0) then
      notifs = notifs + 1
      return wrk.format("GET", "/api/v1/notifications?limit=10", c.auth(notif_learner))
   elseif kind == "unread_count" then
      notifs = notifs + 1
      return wrk.format("GET", "/api/v1/notifications/unread-count",
         c.auth(math.random(ids.learners)))
   elseif kind == "mark_read" then
      notifs = notifs + 1
      local id = table.remove(unread)
      return wrk.format("POST", "/api/v1/notifications/" .. id .. "/read", c.auth(notif_learner))
   end
   return read_request(kind)
end

-- the unexpected answers by status, as "status=count ..." in the global `statuses`
local function count_status(status)
   by_status[status] = (by_status[status] or 0) + 1
   local parts = {}
   for s, n in pairs(by_status) do parts[#parts + 1] = s .. "=" .. n end
   statuses = table.concat(parts, " ")
end

function response(status, headers, body)
   body = body or ""
   if status == 200 then
      -- a progress answer: the version this thread saw last for the record
      local m, u, v = string.match(body, '^{"module_id":"([^"]+)","user_id":"([^"]+)".-"version":(%d+)')
      if m ~= nil then version[m .. "|" .. u] = tonumber(v) end
      -- a notification list (only this minute's learner's are fetched): ids to mark read
      if string.sub(body, 1, 16) == '{"items":[{"id":' and string.find(body, '"seq":', 1, true) then
         for id, read in string.gmatch(body, '{"id":"([^"]+)","seq":%d+.-"read":(%a+)') do
            if read == "false" and #unread < 64 then unread[#unread + 1] = id end
         end
      end
   end
   if status >= 200 and status < 300 then
      ok = ok + 1
      return
   end
   if status == 409 and string.find(body, '"detail":"Version conflict"', 1, true) then
      conflicts = conflicts + 1
      local m, u, v = string.match(body, '"current":{"module_id":"([^"]+)","user_id":"([^"]+)".-"version":(%d+)')
      if m ~= nil then version[m .. "|" .. u] = tonumber(v) end
      return
   end
   unexpected = unexpected + 1
   count_status(status)
   if first_unexpected == nil then
      first_unexpected = status .. " " .. string.sub(body, 1, 300)
   end
end

function done(summary, latency, requests)
   c.report(summary, latency,
      { "ok", "conflicts", "unexpected", "exhausted", "reads", "progress", "checkins",
        "assigns", "notifs" })
   for _, th in ipairs(c.threads) do
      local s = th:get("statuses")
      if s ~= nil and s ~= "" then io.write("BENCH_STATUS thread=" .. th:get("thread_no") .. " " .. s .. "\n") end
      local fb = th:get("first_unexpected")
      if fb ~= nil then
         io.write("BENCH_UNEXPECTED thread=" .. th:get("thread_no") .. " " .. fb .. "\n")
      end
   end
end
