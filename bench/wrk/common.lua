-- Shared by the wrk scripts (loaded with dofile). Not a wrk script itself.
--
-- BENCH_IDS names the ids file written by run.sh after loading generate.sql:
--   return { learners = 1000, modules = {"<uuid>", …}, first = {"<first screen uuid>", …} }
-- Every thread numbers itself from setup(), seeds its own generator, and reports its counters
-- back through done(), which prints one machine-readable line for run.sh:
--   BENCH requests=… duration_s=… rps=… p50_ms=… p99_ms=… non2xx=… errors=…

local M = {}

M.ids = dofile(os.getenv("BENCH_IDS") or "bench/ids.lua")
M.threads = {}
local counter = 0

-- Numbers the threads 1..N; call from setup(thread).
function M.setup(thread)
   counter = counter + 1
   thread:set("thread_no", counter)
   table.insert(M.threads, thread)
end

function M.seed()
   math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end

function M.auth(n)
   return { ["Authorization"] = "Bearer tsk_bench_" .. n }
end

-- Prints the result line, with the per-thread counters named in `names` added up.
function M.report(summary, latency, names)
   local e = summary.errors
   local sums = {}
   for _, name in ipairs(names or {}) do
      sums[name] = 0
      for _, t in ipairs(M.threads) do
         sums[name] = sums[name] + (t:get(name) or 0)
      end
   end
   local secs = summary.duration / 1e6
   local line = string.format(
      "BENCH requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d",
      summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout)
   for _, name in ipairs(names or {}) do
      line = line .. string.format(" %s=%d", name, sums[name])
   end
   io.write(line .. "\n")
end

-- Counts one answer in the calling thread's globals `ok` and `bad` (the script declares them,
-- and `first_bad = nil`): `good` -> ok, else bad, keeping the first bad status and body.
function M.count(good, status, body)
   if good then
      ok = ok + 1
   else
      bad = bad + 1
      if first_bad == nil then
         first_bad = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

-- report(), then each thread's first bad answer as a BENCH_FIRST_BAD line.
function M.report_with_first_bad(summary, latency, names)
   M.report(summary, latency, names)
   for _, t in ipairs(M.threads) do
      local fb = t:get("first_bad")
      if fb ~= nil then
         io.write("BENCH_FIRST_BAD thread=" .. t:get("thread_no") .. " " .. fb .. "\n")
      end
   end
end

return M
