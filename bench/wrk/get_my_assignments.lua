-- GET /api/v1/users/me/assignments: a random learner's list, default page (generate.sql assigned
-- each learner 5-20 modules, so the page holds all of them and next_cursor is null).
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/get_my_assignments.lua http://127.0.0.1:PORT
-- Answers other than 2xx are counted by wrk (non2xx=) and make the run invalid; this GET answers
-- nothing but 200 on success.
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

function init(args) c.seed() end

function request()
   return wrk.format("GET", "/api/v1/users/me/assignments", c.auth(math.random(ids.learners)))
end

function done(summary, latency, requests) c.report(summary, latency) end
