-- PUT /api/v1/modules/{id}/progress: valid, never stale, compare-and-swap writes.
--
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/put_progress.lua http://127.0.0.1:PORT -- OFFSET
--
-- Thread k acts as learner OFFSET + k (OFFSET defaults to 0) and cycles over the modules in
-- order, one request per module at a time: a module whose last request has not been answered
-- yet is skipped, so with fewer connections than modules no write is ever stale. generate.sql
-- seeds every (learner, module) record at version 1 with the first screen completed; each
-- request re-sends that state ("completed_screen_ids" = [first screen], a content screen
-- without requirement, so completed ⊇ stored holds) with the version the thread last saw for
-- that module, taken from the answers' "module_id" and "version". Use a fresh OFFSET range for
-- each run: the versions live only here.
--
-- Any non-200 answer makes the run invalid: they are counted per thread and printed by done()
-- (bad=…), with the first status and body seen.
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

local learner, idx
local version, busy, index = {}, {}, {}
bad = 0
ok = 0
first_bad = nil

function init(args)
   c.seed()
   local offset = tonumber(args[1] or "0")
   learner = offset + thread_no
   if learner > ids.learners then
      error("learner " .. learner .. " does not exist (OFFSET too large)")
   end
   -- Threads start at different modules so they do not all hit the same rows together.
   idx = (thread_no * 7) % #ids.modules
   for i, id in ipairs(ids.modules) do
      version[i] = 1
      busy[i] = false
      index[id] = i
   end
end

function request()
   repeat idx = idx % #ids.modules + 1 until not busy[idx]
   busy[idx] = true
   local body = string.format(
      '{"version":%d,"progress_data":{"current_screen_id":null,' ..
      '"completed_screen_ids":["%s"],"responses":{}}}', version[idx], ids.first[idx])
   local h = c.auth(learner)
   h["Content-Type"] = "application/json"
   return wrk.format("PUT", "/api/v1/modules/" .. ids.modules[idx] .. "/progress", h, body)
end

function response(status, headers, body)
   local i = index[string.match(body or "", '"module_id":"([^"]+)"') or ""]
   if i ~= nil then busy[i] = false end
   if status == 200 and i ~= nil then
      version[i] = tonumber(string.match(body, '"version":(%d+)'))
   end
   c.count(status == 200 and i ~= nil, status, body)
end

function done(summary, latency, requests)
   c.report_with_first_bad(summary, latency, { "ok", "bad" })
end
