-- The end-to-end environment: `testany mock --port 0` and a temporary copy of
-- examples/shop with the marker overlay (tests/fixtures/shop-markers: pipeline SHP-0601)
-- whose testany.toml points at it; the cache dir is temporary too.
local E = {}

--- Starts the mock and prepares the project. Returns a table with `root`, `url`,
--- `port`, `bin`, `cache`, and `stop()`.
function E.start()
  local bin = vim.env.TESTANY_BIN
  if not bin or bin == '' then
    bin = vim.fn.exepath('testany')
  end
  assert(bin ~= '' and vim.fn.executable(bin) == 1, 'set TESTANY_BIN to the testany binary')
  local first_line
  local buffered = ''
  local mock = vim.system({ bin, 'mock', '--port', '0', '--speed', '20' }, {
    stdout = function(_, data)
      if data and not first_line then
        buffered = buffered .. data
        first_line = buffered:match('^([^\n]*)\n')
      end
    end,
    stderr = function() end,
  })
  local ok = vim.wait(20000, function()
    return first_line ~= nil
  end, 20)
  if not ok then
    mock:kill(15)
    error('testany mock printed no address within 20 s')
  end
  local url = first_line:match('(http://%S+)')
  local port = url and tonumber(url:match(':(%d+)/'))
  assert(port, 'unexpected first mock line: ' .. first_line)

  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp, 'p')
  local root = vim.fn.resolve(tmp) .. '/shop'
  local src = vim.g.testany_plugin_root .. '/../../examples/shop'
  local cp = vim.system({ 'cp', '-R', vim.fn.fnamemodify(src, ':p'):gsub('/$', ''), root }):wait()
  assert(cp.code == 0, 'cannot copy examples/shop: ' .. (cp.stderr or ''))
  -- The marker overlay: SHP-0601's marked test files and its testany.toml, copied over
  -- the shop (which itself carries no marker) for the tests of the marker path.
  local markers = vim.fn.fnamemodify(vim.g.testany_plugin_root .. '/../../tests/fixtures/shop-markers', ':p')
  cp = vim.system({ 'cp', '-R', markers:gsub('/$', '') .. '/.', root }):wait()
  assert(cp.code == 0, 'cannot copy tests/fixtures/shop-markers: ' .. (cp.stderr or ''))
  local toml = root .. '/testany.toml'
  local lines = vim.fn.readfile(toml)
  for i, l in ipairs(lines) do
    if l:match('^url%s*=') then
      lines[i] = ('url = "%s"'):format(url)
    elseif l:match('^idle_secs%s*=') then
      -- Poll often, so a run started elsewhere reaches the editor within the test.
      lines[i] = 'idle_secs = 1'
    end
  end
  vim.fn.writefile(lines, toml)

  local cache = tmp .. '/cache'
  vim.fn.mkdir(cache, 'p')
  vim.env.XDG_CACHE_HOME = cache
  vim.env.TESTANY_URL = nil
  vim.env.TESTANY_TOKEN = nil
  return {
    bin = bin,
    url = url,
    port = port,
    root = root,
    cache = cache,
    stop = function()
      for _, c in ipairs(vim.lsp.get_clients()) do
        c:stop(true)
      end
      mock:kill(15)
      pcall(function()
        mock:wait(2000)
      end)
      vim.fn.delete(tmp, 'rf')
    end,
  }
end

return E
