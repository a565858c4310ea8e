-- wrk script for the transition POST: every request takes over the next case in review
-- (POST /cases/<ref>/do/take_over/ with expected_state=in_review), references read one per
-- line from $REFS_FILE, starting at line $REFS_OFFSET + 1. Run it with one thread (-t1).
-- Cookie and X-CSRFToken (and, for the htmx variant, HX-Request/HX-Target) come from -H.
dofile(os.getenv("WRK_STATS_LUA"))
local refs = {}
local idx = 0

init = function(args)
  for line in io.lines(os.getenv("REFS_FILE")) do
    if line ~= "" then table.insert(refs, line) end
  end
  idx = tonumber(os.getenv("REFS_OFFSET") or "0")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

request = function()
  local ref = refs[(idx % #refs) + 1]
  idx = idx + 1
  return wrk.format("POST", "/cases/" .. ref .. "/do/take_over/", nil, "expected_state=in_review")
end
