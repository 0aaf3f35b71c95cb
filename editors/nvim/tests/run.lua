-- Test entry point:
--   nvim --headless --clean -u tests/minimal_init.lua -c "luafile tests/run.lua"
-- Env: TESTANY_BIN (path of the testany binary; default: `testany` on PATH),
--      TESTANY_NVIM_TESTS=unit to skip the end-to-end part.
local root = vim.g.testany_plugin_root
package.path = root .. '/tests/?.lua;' .. package.path
local H = require('harness')

-- Notifications on their own lines (headless Neovim writes messages to stdout as is).
vim.notify = function(msg, level)
  H.out(('  notify[%s]: %s'):format(tostring(level or vim.log.levels.INFO), tostring(msg)))
end

local ok, err = xpcall(function()
  require('unit')()
  if vim.env.TESTANY_NVIM_TESTS ~= 'unit' then
    require('e2e')()
  end
end, debug.traceback)
if not ok then
  H.failed[#H.failed + 1] = 'driver error'
  H.out('FAIL driver error:\n  ' .. tostring(err))
end
H.finish()
