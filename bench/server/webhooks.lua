-- wrk script: cycles through pre-signed SePay webhooks (bench/server/make_requests.cpp output),
-- one unique transaction per request. With T threads pass T as the third argument: thread k
-- takes every T-th line, so threads never send the same id. Counts non-200 answers and how often
-- the list wrapped around (then ids repeat and the server answers duplicates).
--   wrk -t1 -c64 -d10s -s bench/server/webhooks.lua http://127.0.0.1:PORT -- FILE [INSTANCE] [T]
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  local instance = args[2] or "sepay-bench"
  local nthreads = tonumber(args[3] or "1")
  path = "/v1/webhooks/" .. instance
  requests = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == (tid or 0) then
      local ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["X-SePay-Timestamp"] = ts,
        ["X-SePay-Signature"] = sig,
      }, body)
    end
    i = i + 1
  end
  idx = 0
  wrapped = 0
  non200 = 0
end

function request()
  idx = idx + 1
  if idx > #requests then
    idx = 1
    wrapped = wrapped + 1
  end
  return requests[idx]
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests_)
  local bad, wraps = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
    wraps = wraps + (t:get("wrapped") or 0)
  end
  io.write(string.format("non200 %d\nwrapped %d\np99_ms %.3f\n", bad, wraps, latency:percentile(99) / 1000))
end
