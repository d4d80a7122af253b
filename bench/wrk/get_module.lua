-- GET /api/v1/modules/{id}: a random published module, as a random learner.
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/get_module.lua http://127.0.0.1:PORT
local c = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/common.lua")
local ids = c.ids

function setup(thread) c.setup(thread) end

function init(args) c.seed() end

function request()
   local m = ids.modules[math.random(#ids.modules)]
   return wrk.format("GET", "/api/v1/modules/" .. m, c.auth(math.random(ids.learners)))
end

function done(summary, latency, requests) c.report(summary, latency) end
