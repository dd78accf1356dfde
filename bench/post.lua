-- SPDX-License-Identifier: MIT
-- wrk script: POST the body in $WRK_BODY (a JSON object) to the given URL,
-- or, with $WRK_PATHS (paths separated by spaces), to each path in turn.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"

local paths = {}
for p in (os.getenv("WRK_PATHS") or ""):gmatch("%S+") do paths[#paths + 1] = p end
local i = 0

if #paths > 0 then
  request = function()
    i = i % #paths + 1
    return wrk.format(nil, paths[i])
  end
end
