-- A tiny test harness for headless Neovim: named checks with exact expected values,
-- results on stdout, a non-zero exit (`cquit 1`) when any check failed.
local H = { passed = 0, failed = {} }

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end
H.out = out

--- Records `got == want` (deep) under `name`.
function H.eq(name, got, want)
  if vim.deep_equal(got, want) then
    H.passed = H.passed + 1
    out('ok   ' .. name)
  else
    H.failed[#H.failed + 1] = name
    out('FAIL ' .. name)
    out('  want: ' .. vim.inspect(want):gsub('\n', '\n        '))
    out('  got:  ' .. vim.inspect(got):gsub('\n', '\n        '))
  end
end

--- Records that `cond` holds; `detail` explains a failure.
function H.truthy(name, cond, detail)
  if cond then
    H.passed = H.passed + 1
    out('ok   ' .. name)
  else
    H.failed[#H.failed + 1] = name
    out('FAIL ' .. name .. (detail and ('\n  ' .. tostring(detail)) or ''))
  end
end

--- Waits up to `ms` for `fn()` to return a truthy value and returns it (nil on timeout).
function H.wait(ms, fn)
  local result
  vim.wait(ms, function()
    local ok, v = pcall(fn)
    if ok and v then
      result = v
      return true
    end
    return false
  end, 50)
  return result
end

--- Runs `fn` as a group; an error inside fails the group without stopping the others.
function H.group(name, fn)
  out('--- ' .. name)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    H.failed[#H.failed + 1] = name .. ' (error)'
    out('FAIL ' .. name .. ' raised:\n  ' .. tostring(err):gsub('\n', '\n  '))
  end
end

--- Prints the summary and leaves Neovim with 0 (all passed) or 1.
function H.finish()
  out(('%d passed, %d failed'):format(H.passed, #H.failed))
  for _, n in ipairs(H.failed) do
    out('  failed: ' .. n)
  end
  vim.cmd((#H.failed == 0) and 'qall!' or 'cquit 1')
end

return H
