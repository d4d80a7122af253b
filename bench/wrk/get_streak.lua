-- GET /api/v1/checkins/streak: a random learner's streak, from learners LO..HI (default all).
--
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/get_streak.lua http://127.0.0.1:PORT -- LO HI
--
-- generate.sql gives learners 1..500 short check-in histories (30-60 days back) and 501..1000
-- long ones (300-400 days back), both with gaps, in 16 time zones; bench/run.sh runs this
-- script as get_streak (1..1000), get_streak_short (1..500) and get_streak_long (501..1000).
-- Answers other than 2xx are counted by wrk (non2xx=) and make the run invalid.
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

local lo, hi

function init(args)
   c.seed()
   lo = tonumber(args[1] or "1")
   hi = tonumber(args[2] or tostring(ids.learners))
end

function request()
   return wrk.format("GET", "/api/v1/checkins/streak", c.auth(math.random(lo, hi)))
end

function done(summary, latency, requests) c.report(summary, latency) end
