-- POST /api/v1/checkins: every request checks in a check-in learner who has not checked in
-- today (a fresh learner-day), so every answer is 201.
--
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/post_checkin.lua http://127.0.0.1:PORT -- THREADS
--
-- THREADS is wrk's -t. Thread t (0-based) takes the check-in learners t + 1, t + 1 + THREADS,
-- t + 1 + 2 * THREADS, ... (token tsk_bench_checkin_<n>, generate.sql), one request each, so no
-- two requests share a learner-day and no two threads share a learner's streak row. There are
-- ids.checkin_pool of them (100,000 by default: 50,000 per thread at THREADS=2); bench/run.sh
-- deletes what a run created and restores the learners' runs and streaks before the next run.
-- The body is the same for every request: mood and confidence vary, a short note, no module
-- (a module_id would add the module check's statement; the benchmark measures the check-in).
--
-- Any answer other than 201 makes the run invalid (a 409 "Already checked in today" would mean
-- a learner was used twice, and runs other statements): they are counted per thread and printed
-- by done() (bad=…), with the first status and body seen. exhausted=… counts requests past the
-- thread's last learner (they reuse learners: 409).
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

local threads, t, k
bad = 0
ok = 0
exhausted = 0
first_bad = nil

function init(args)
   c.seed()
   threads = tonumber(args[1] or "1")
   t = thread_no - 1
   if t >= threads then
      error("thread " .. thread_no .. " of " .. threads .. ": pass wrk's -t after --")
   end
   k = 0
end

function request()
   local n = t + 1 + threads * k
   k = k + 1
   if n > ids.checkin_pool then
      exhausted = exhausted + 1
      n = (n - 1) % ids.checkin_pool + 1
   end
   local body = string.format('{"mood":%d,"confidence":%d,"note":"Bench check-in."}',
      math.random(5), math.random(5))
   return wrk.format("POST", "/api/v1/checkins", {
      ["Authorization"] = "Bearer tsk_bench_checkin_" .. n,
      ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body) c.count(status == 201, status, body) end

function done(summary, latency, requests)
   c.report_with_first_bad(summary, latency, { "ok", "bad", "exhausted" })
end
