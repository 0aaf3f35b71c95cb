--- :checkhealth testany: the binary and its version, the project configuration, and
--- whether the Testany service answers.
local M = {}

local health = vim.health

local KNOWN = {
  url = 'string',
  workspace = 'string',
  pipelines = 'array',
  environment = 'string',
  log_domain = 'string',
  history = 'number',
}
local TABLES = { poll = true, cases = true }

--- Minimal reading of testany.toml's top level: `key = value` before the first table,
--- and the table names. Values: strings, integers, arrays of strings.
---@param text string
---@return table values, table tables, string[] problems
function M.parse_toml(text)
  local values, tables, problems = {}, {}, {}
  local current = nil
  local n = 0
  for raw in (text .. '\n'):gmatch('([^\n]*)\n') do
    n = n + 1
    local line = raw:gsub('\r$', ''):gsub('^%s+', '')
    local tbl = line:match('^%[%s*([%w_.%-]+)%s*%]')
    if tbl then
      current = tbl
      tables[tbl] = true
    elseif line ~= '' and not line:match('^#') then
      local key, value = line:match('^([%w_%-]+)%s*=%s*(.-)%s*$')
      if not key then
        problems[#problems + 1] = ('line %d is not `key = value`'):format(n)
      elseif not current then
        local str = value:match('^"([^"]*)"') or value:match("^'([^']*)'")
        if str then
          values[key] = str
        elseif value:match('^%[') then
          local arr = {}
          for s in value:gmatch('"([^"]*)"') do
            arr[#arr + 1] = s
          end
          values[key] = arr
        elseif value:match('^%-?%d+') then
          values[key] = tonumber(value:match('^%-?%d+'))
        else
          values[key] = value
        end
      end
    end
  end
  return values, tables, problems
end

local function is_loopback(host)
  return host == 'localhost'
    or host:match('%.localhost$') ~= nil
    or host:match('^127%.') ~= nil
    or host == '[::1]'
    or host == '::1'
end

--- Splits an http(s) URL into scheme, host, port and path.
---@param url string
---@return string? scheme, string? host, integer? port, string? path
function M.split_url(url)
  local scheme, rest = url:match('^(https?)://(.+)$')
  if not scheme then
    return nil
  end
  local authority, path = rest:match('^([^/]+)(/?.*)$')
  if not authority then
    return nil
  end
  local host, port = authority:match('^(.-):(%d+)$')
  host = host or authority
  port = tonumber(port) or (scheme == 'https' and 443 or 80)
  return scheme, host, port, path ~= '' and path or '/'
end

--- Problems of a configuration (the file's keys, then the environment's overrides).
--- Returns errors and warnings as lists of sentences.
---@param values table
---@param tables table
---@return string[] errors, string[] warnings
function M.check_config(values, tables)
  local errors, warnings = {}, {}
  if values.token ~= nil then
    errors[#errors + 1] =
      '`token` must not be in testany.toml: put it in the TESTANY_TOKEN environment variable'
  end
  for key, value in pairs(values) do
    local kind = KNOWN[key]
    if key ~= 'token' then
      if not kind then
        warnings[#warnings + 1] = ('unknown key `%s`'):format(key)
      elseif kind == 'array' and type(value) ~= 'table' then
        errors[#errors + 1] = ('`%s` must be a list of strings'):format(key)
      elseif kind ~= 'array' and type(value) ~= kind then
        errors[#errors + 1] = ('`%s` must be a %s'):format(key, kind)
      end
    end
  end
  for name in pairs(tables) do
    if not TABLES[name] then
      warnings[#warnings + 1] = ('unknown table `[%s]`'):format(name)
    end
  end
  local url = vim.env.TESTANY_URL or values.url
  if type(url) ~= 'string' then
    errors[#errors + 1] = 'no `url`: set it in testany.toml or TESTANY_URL'
  else
    local scheme, host = M.split_url(url)
    if not scheme then
      errors[#errors + 1] = ('`url` %s is not an http(s) URL'):format(url)
    elseif scheme == 'http' and not is_loopback(host) then
      errors[#errors + 1] = ('`url` %s must use https (http is only for loopback hosts)'):format(url)
    end
  end
  local pipelines = values.pipelines
  if type(pipelines) == 'table' and #pipelines == 0 then
    warnings[#warnings + 1] = '`pipelines` is empty: no executions will feed the editor'
  elseif pipelines == nil then
    warnings[#warnings + 1] = 'no `pipelines`: no executions will feed the editor'
  end
  table.sort(errors)
  table.sort(warnings)
  return errors, warnings
end

--- Sends an MCP `initialize` to an http endpoint (or, for https, opens a TCP connection).
--- Returns true and a detail, or false and the reason.
---@param url string
---@param timeout_ms? integer
---@return boolean ok, string detail
function M.probe(url, timeout_ms)
  timeout_ms = timeout_ms or 5000
  local uv = vim.uv or vim.loop
  local scheme, host, port, path = M.split_url(url)
  if not scheme then
    return false, 'not an http(s) URL'
  end
  local ip = host
  if is_loopback(host) and not host:match('^127%.') then
    ip = '127.0.0.1'
  elseif not host:match('^%d+%.%d+%.%d+%.%d+$') then
    local res = uv.getaddrinfo(host, tostring(port), { socktype = 'stream' })
    if not res or not res[1] then
      return false, ('cannot resolve %s'):format(host)
    end
    ip = res[1].addr
  end
  local body = vim.json.encode({
    jsonrpc = '2.0',
    id = 1,
    method = 'initialize',
    params = {
      protocolVersion = '2025-06-18',
      capabilities = vim.empty_dict(),
      clientInfo = { name = 'testany.nvim-health', version = '1' },
    },
  })
  -- Read before the callbacks: options and variables are off limits in fast events.
  local token = vim.env.TESTANY_TOKEN
  local tcp = uv.new_tcp()
  local done, ok, detail = false, false, ''
  local chunks = {}
  local function finish(o, d)
    if done then
      return
    end
    done, ok, detail = true, o, d
    if not tcp:is_closing() then
      tcp:close()
    end
  end
  tcp:connect(ip, port, function(err)
    if err then
      return finish(false, ('cannot connect to %s:%d (%s)'):format(host, port, err))
    end
    if scheme == 'https' then
      return finish(true, ('TCP connection to %s:%d works'):format(host, port))
    end
    local headers = {
      'POST ' .. path .. ' HTTP/1.1',
      'Host: ' .. host .. ':' .. port,
      'Content-Type: application/json',
      'Accept: application/json, text/event-stream',
      'Content-Length: ' .. #body,
      'Connection: close',
    }
    -- Plain http is only for loopback: never send the token in clear to anything else.
    if token and token ~= '' and is_loopback(host) then
      headers[#headers + 1] = 'Authorization: Bearer ' .. token
    end
    tcp:write(table.concat(headers, '\r\n') .. '\r\n\r\n' .. body)
    tcp:read_start(function(rerr, data)
      if rerr then
        return finish(false, 'read failed: ' .. rerr)
      end
      if data then
        chunks[#chunks + 1] = data
        return
      end
      local resp = table.concat(chunks)
      local status = tonumber(resp:match('^HTTP/%d[%.%d]* (%d%d%d)'))
      local version = resp:match('"protocolVersion"%s*:%s*"([^"]+)"')
      if status == 200 and version then
        finish(true, ('MCP initialize answered (protocol %s)'):format(version))
      elseif status then
        finish(false, ('MCP initialize answered HTTP %d'):format(status))
      else
        finish(false, 'the answer was not HTTP')
      end
    end)
  end)
  vim.wait(timeout_ms, function()
    return done
  end, 20)
  if not done then
    finish(false, ('no answer from %s:%d within %d ms'):format(host, port, timeout_ms))
  end
  return ok, detail
end

--- Runs `testany status --json ROOT` (exit 0/1: configuration and service fine, 2:
--- configuration error, 3: service error). Returns `{verdict, messages, summary}` with
--- verdict `ok` | `config` | `service` | `unknown`.
---@param bin string
---@param root string
---@return table
function M.ask_binary(bin, root)
  local ok, res = pcall(function()
    return vim.system({ bin, 'status', '--json', root }, { text = true, cwd = root }):wait(20000)
  end)
  if not ok or not res then
    return { verdict = 'unknown', messages = {} }
  end
  local messages = {}
  for _, l in ipairs(vim.split(res.stderr or '', '\n', { trimempty = true })) do
    messages[#messages + 1] = (l:gsub('^error: ', ''):gsub('^testany: ', ''))
  end
  if res.code == 2 then
    return { verdict = 'config', messages = messages }
  elseif res.code == 3 then
    return { verdict = 'service', messages = messages }
  elseif res.code == 0 or res.code == 1 then
    local decoded_ok, report = pcall(vim.json.decode, res.stdout or '')
    local summary = '`testany status` works'
    if decoded_ok and type(report) == 'table' and type(report.pipelines) == 'table' then
      local parts = {}
      for _, p in ipairs(report.pipelines) do
        local e = type(p.execution) == 'table' and p.execution or nil
        parts[#parts + 1] = ('%s: %s %s'):format(
          tostring(p.pipeline),
          e and tostring(e.key) or 'no execution yet',
          e and type(e.result) == 'string' and e.result or ''
        ):gsub('%s+$', '')
      end
      summary = ('`testany status`: %s; %s failing case(s)'):format(
        table.concat(parts, ', '),
        tostring(report.failed or 0)
      )
    end
    return { verdict = 'ok', messages = messages, summary = summary }
  end
  return { verdict = 'unknown', messages = messages }
end

local function binary()
  local cmd = require('testany').config.cmd or { 'testany', 'lsp' }
  return cmd[1]
end

function M.check()
  health.start('testany: binary')
  local bin = binary()
  local path = vim.fn.exepath(bin)
  if path == '' then
    health.error(('`%s` not found'):format(bin), {
      'Install it (`cargo install --path crates/testany-cli`) or set `cmd` in setup()',
    })
  else
    local ok, res = pcall(function()
      return vim.system({ path, '--version' }, { text = true }):wait(5000)
    end)
    local version = ok and res and res.code == 0 and vim.trim(res.stdout or '') or nil
    if version and version ~= '' then
      health.ok(('%s (%s)'):format(version, path))
    else
      health.error(('`%s --version` failed'):format(path))
    end
  end

  health.start('testany: configuration')
  local markers = require('testany').config.root_markers or { 'testany.toml' }
  -- :checkhealth runs in its own buffer: take the root of a running Testany client,
  -- else look up from the current directory.
  local root
  for _, c in ipairs(vim.lsp.get_clients({ name = 'testany' })) do
    root = root or c.root_dir
  end
  root = root or vim.fs.root(vim.fn.getcwd(), markers)
  local values, tables = {}, {}
  if root then
    local file = root .. '/testany.toml'
    local fd = io.open(file, 'r')
    local text = fd and fd:read('*a') or ''
    if fd then
      fd:close()
    end
    local problems
    values, tables, problems = M.parse_toml(text)
    health.ok('found ' .. file)
    for _, p in ipairs(problems) do
      health.error(p)
    end
  elseif vim.env.TESTANY_URL then
    health.ok('no testany.toml; using TESTANY_URL')
  else
    health.warn('no testany.toml above the current file or directory, and TESTANY_URL is not set')
  end
  for k, v in pairs(require('testany').config.settings or {}) do
    values[k] = v
  end
  if vim.env.TESTANY_WORKSPACE then
    values.workspace = vim.env.TESTANY_WORKSPACE
  end
  local status = path ~= '' and (root or vim.env.TESTANY_URL) and M.ask_binary(path, root or vim.fn.getcwd())
  if status and status.verdict ~= 'unknown' then
    -- The binary reads the configuration exactly as the server will: its word counts.
    if status.verdict == 'config' then
      for _, e in ipairs(status.messages) do
        health.error(e)
      end
    else
      local pipelines = type(values.pipelines) == 'table' and table.concat(values.pipelines, ', ')
        or 'none'
      health.ok(
        ('valid: workspace %s, pipelines %s'):format(tostring(values.workspace or '?'), pipelines)
      )
    end
  elseif root or vim.env.TESTANY_URL then
    local errors, warnings = M.check_config(values, tables)
    for _, e in ipairs(errors) do
      health.error(e)
    end
    for _, w in ipairs(warnings) do
      health.warn(w)
    end
    if #errors == 0 then
      local pipelines = type(values.pipelines) == 'table' and table.concat(values.pipelines, ', ')
        or 'none'
      health.ok(
        ('valid: workspace %s, pipelines %s'):format(tostring(values.workspace or '?'), pipelines)
      )
    end
  end

  health.start('testany: service')
  local url = vim.env.TESTANY_URL or values.url
  if type(url) ~= 'string' then
    health.warn('no service URL to try')
    return
  end
  -- What the service and the binary say is shown with non-printing characters visible.
  local shown = require('testany.ansi').for_display
  local ok, detail = M.probe(url)
  if ok then
    health.ok(shown(('%s reachable: %s'):format(url, detail)))
  else
    health.error(shown(('%s unreachable: %s'):format(url, detail)))
  end
  if status and status.verdict == 'ok' then
    health.ok(shown(status.summary))
  elseif status and status.verdict == 'service' then
    health.error(shown('`testany status`: ' .. table.concat(status.messages, ' ')))
  end
  if not vim.env.TESTANY_TOKEN or vim.env.TESTANY_TOKEN == '' then
    health.info('TESTANY_TOKEN is not set (needed by the hosted service, not by `testany mock`)')
  end
end

return M
