-- SPDX-License-Identifier: MIT
-- wrk script for the soak: a mix of page, fragment, API and push requests.
-- Env: SOAK_COOKIE (a session cookie), SOAK_TOKEN (a push token).
local cookie = os.getenv("SOAK_COOKIE")
local token = os.getenv("SOAK_TOKEN")
local n = 0
request = function()
  n = n + 1
  local k = n % 10
  local headers = { ["Cookie"] = cookie }
  if k == 0 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/widgets/s" .. (n % 4 + 1), headers,
      '{"auth_token":"' .. token .. '","current":' .. n .. '}')
  elseif k < 4 then
    return wrk.format("GET", "/d/soak", headers)
  elseif k < 7 then
    return wrk.format("GET", "/widget/s" .. (n % 4 + 1), headers)
  else
    return wrk.format("GET", "/api/widgets/s" .. (n % 4 + 1), headers)
  end
end
