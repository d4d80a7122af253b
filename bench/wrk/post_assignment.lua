-- POST /api/v1/assignments: the manager (tsk_bench_manager, role author) assigns a published
-- module to a learner, due in 14 days; every request a new assignment, so every answer is 201.
--
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/post_assignment.lua http://127.0.0.1:PORT -- THREADS
--
-- THREADS is wrk's -t. Pairs: of the F = modules - assigned modules generate.sql did not assign,
-- thread t (0-based) owns the learners and the modules whose number is t modulo THREADS, so no
-- two threads ever take the same learner's numbering lock (of the notification) nor share-lock
-- the same module row, however far apart they drift. Its j-th request takes learner a = j mod
-- nl and module b = (j div nl + a) mod nm of its own (nl learners, nm modules): the requests a
-- thread has in flight at once (16) name different learners and modules too. That is nl * nm
-- pairs per thread (500 * 90 = 45,000 with THREADS=2); bench/run.sh deletes what a run created
-- (assignments and notifications) before the next run, so each run has all of them.
--
-- Any answer other than 201 makes the run invalid (a 409 would mean a pair was used twice): they
-- are counted per thread and printed by done() (bad=…), with the first status and body seen.
-- exhausted=… counts requests past the thread's last pair (they reuse pairs: 409).
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

local threads, t, k, nl, nm
local headers = { ["Authorization"] = "Bearer tsk_bench_manager", ["Content-Type"] = "application/json" }
local due
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
   local free = #ids.modules - ids.assigned_modules
   nl = math.floor((ids.learners - 1 - t) / threads) + 1
   nm = math.floor((free - 1 - t) / threads) + 1
   due = os.date("!%Y-%m-%dT%H:%M:%S.000Z", os.time() + 14 * 86400)
end

function request()
   local a = k % nl
   local q = math.floor(k / nl)
   k = k + 1
   if q >= nm then exhausted = exhausted + 1 end
   local learner = t + threads * a + 1
   local module = ids.assigned_modules + 1 + t + threads * ((q + a) % nm)
   local body = string.format('{"module_id":"%s","user_id":"%s","due_at":"%s"}',
      ids.modules[module], ids.learner_ids[learner], due)
   return wrk.format("POST", "/api/v1/assignments", headers, body)
end

function response(status, headers, body) c.count(status == 201, status, body) end

function done(summary, latency, requests)
   c.report_with_first_bad(summary, latency, { "ok", "bad", "exhausted" })
end
