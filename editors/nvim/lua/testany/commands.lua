--- The user commands (:TestanyRun, :TestanyLog, :TestanyFailures, :TestanyRerun,
--- :TestanyHealth) and the small renderers behind them.
local M = {}

local function testany()
  return require('testany')
end

local function notify(msg, level)
  vim.notify('testany: ' .. msg, level or vim.log.levels.INFO)
end

--- Service text (names, errors, environments) for one line of a float or quickfix entry,
--- non-printing characters made visible (`testany.printable`).
local function shown(text)
  return testany().printable(text)
end

--- Testany lenses of `bufnr` whose range covers 0-based `line`, in column order.
---@param bufnr integer
---@param line integer
---@return lsp.CodeLens[]
function M.lenses_at(bufnr, line)
  local out = {}
  for i, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    if lens.range and lens.range.start.line <= line and lens.range['end'].line >= line then
      out[#out + 1] = { i, lens }
    end
  end
  -- Stable: lenses sharing a range keep the server's order (result first, then Re-run).
  table.sort(out, function(a, b)
    local ca, cb = a[2].range.start.character, b[2].range.start.character
    return ca < cb or (ca == cb and a[1] < b[1])
  end)
  return vim.tbl_map(function(x)
    return x[2]
  end, out)
end

--- The lens with `command` on the cursor line, else the nearest one above the cursor.
---@param bufnr integer
---@param line integer 0-based
---@param command string
---@return lsp.CodeLens?
function M.nearest_lens(bufnr, line, command)
  local best
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    local l = lens.range and lens.range.start.line
    if l and l <= line and lens.command and lens.command.command == command then
      if not best or l > best.range.start.line then
        best = lens
      end
    end
  end
  return best
end

--- Runs a lens's command and handles its result like the lens would.
function M.run_lens(lens, bufnr)
  local cmd = lens.command
  if not cmd or not cmd.command or cmd.command == '' then
    notify(lens.command and lens.command.title or 'this lens has no action')
    return
  end
  local args = cmd.arguments and cmd.arguments[1] or nil
  testany().exec(cmd.command, args, function(err, result, client, started)
    if err then
      return
    end
    M.handle_result(cmd.command, result, client, bufnr, started)
  end, bufnr)
end

function M.handle_result(command, result, client, bufnr, started)
  if command == 'testany.openLog' then
    testany().on_open_log_result(result, client, started)
  elseif command == 'testany.showExecution' then
    M.float(M.execution_lines(result), 'Testany execution')
  elseif command == 'testany.runPipeline' then
    local key = type(result) == 'table' and (result.execution_id or result.execution) or nil
    notify(type(key) == 'string' and shown('run ' .. key .. ' started') or 'pipeline run requested')
  end
  testany().refresh_lenses(bufnr)
end

--- :TestanyRun [N]: the lens on the cursor line (the Nth when several; asks without N).
function M.run(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local lenses = M.lenses_at(bufnr, line)
  if #lenses == 0 then
    notify('no code lens on this line', vim.log.levels.WARN)
    return
  end
  local n = tonumber(opts and opts.args)
  if n then
    if not lenses[n] then
      notify(('only %d lens(es) on this line'):format(#lenses), vim.log.levels.WARN)
      return
    end
    return M.run_lens(lenses[n], bufnr)
  end
  if #lenses == 1 then
    return M.run_lens(lenses[1], bufnr)
  end
  vim.ui.select(lenses, {
    prompt = 'Testany:',
    kind = 'codelens',
    format_item = function(l)
      return l.command and l.command.title or '?'
    end,
  }, function(choice)
    if choice then
      M.run_lens(choice, bufnr)
    end
  end)
end

--- :TestanyLog: the failure log of the case under the cursor.
function M.log()
  local bufnr = vim.api.nvim_get_current_buf()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local lens = M.nearest_lens(bufnr, line, 'testany.openLog')
  if not lens then
    -- On a failure location: follow the diagnostic to its case's marker.
    for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = line })) do
      local info = d.user_data and d.user_data.lsp and d.user_data.lsp.relatedInformation
      local target = info and info[1]
      if target and target.uri == vim.uri_from_bufnr(bufnr) then
        lens = M.nearest_lens(bufnr, target.range.start.line, 'testany.openLog')
        if lens then
          break
        end
      end
    end
  end
  if not lens then
    notify('no failed case at or above the cursor', vim.log.levels.WARN)
    return
  end
  M.run_lens(lens, bufnr)
end

--- A pipeline for commands that need one: the Re-run lens of this buffer, then the
--- `pipelines` setting, then the configuration as the binary reads it (`testany doctor`).
function M.default_pipeline(bufnr)
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    local c = lens.command
    if c and c.command == 'testany.runPipeline' and type(c.arguments) == 'table' then
      local a = c.arguments[1]
      if type(a) == 'table' and type(a.pipeline) == 'string' then
        return a.pipeline
      end
    end
  end
  local p = testany().config.settings.pipelines
  if type(p) == 'table' and type(p[1]) == 'string' then
    return p[1]
  end
  local client = testany().client(bufnr)
  local root = client and (client.root_dir or client.config.root_dir)
  local report = root and require('testany.health').doctor(root)
  local configured = type(report) == 'table' and type(report.config) == 'table' and report.config.pipelines
  if type(configured) == 'table' and type(configured[1]) == 'string' then
    return configured[1]
  end
  return nil
end

local function split_args(opts)
  return vim.split(opts and opts.args or '', '%s+', { trimempty = true })
end

--- :TestanyRerun [PIPELINE]
function M.rerun(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local pipeline = split_args(opts)[1] or M.default_pipeline(bufnr)
  if not pipeline then
    notify('which pipeline? give one: :TestanyRerun PIPELINE', vim.log.levels.WARN)
    return
  end
  testany().exec('testany.runPipeline', { pipeline = pipeline }, function(err, result, client)
    if not err then
      M.handle_result('testany.runPipeline', result, client, bufnr)
    end
  end, bufnr)
end

local function file_of(loc, root)
  local uri = loc.uri or loc.targetUri
  if type(uri) == 'string' then
    return vim.uri_to_fname(uri)
  end
  local file = loc.file or loc.path
  if type(file) ~= 'string' then
    return nil
  end
  if file:sub(1, 1) ~= '/' and root then
    return root .. '/' .. file
  end
  return file
end

--- Quickfix items from a testany.recentFailures result (newest first). Accepts a list or
--- `{failures = [...]}`; each failure has `locations` (the server's `uri` + 0-based
--- `line`, LSP `uri` + `range`, or core's resolved `{location, file}` with 1-based
--- lines), else its own `file`/`line`. One entry per case and location: the newest
--- failure's, noting how many runs failed there.
---@param result any
---@param root? string
---@return table[]
function M.quickfix_items(result, root)
  local list = type(result) == 'table' and (result.failures or result) or {}
  local raw = {}
  M._collect(list, root, raw)
  local items, index = {}, {}
  for _, it in ipairs(raw) do
    local key = table.concat({ it.case or '', it.filename, it.lnum }, '\0')
    local at = index[key]
    if at then
      items[at].runs = items[at].runs + (items[at].execution ~= it.execution and 1 or 0)
      items[at].execution = it.execution
    else
      it.runs = 1
      items[#items + 1] = it
      index[key] = #items
    end
  end
  for _, it in ipairs(items) do
    if it.runs > 1 then
      it.text = ('%s (failed in %d runs)'):format(it.text, it.runs)
    end
    it.text = shown(it.text)
    it.case, it.execution, it.runs = nil, nil, nil
  end
  return items
end

function M._collect(list, root, items)
  for _, f in ipairs(list) do
    if type(f) == 'table' then
      local message = f.message or f.error or ''
      if type(message) ~= 'string' then
        message = ''
      end
      local prefix = table.concat(
        vim.tbl_filter(function(s)
          return type(s) == 'string' and s ~= ''
        end, {
          type(f.result) == 'string' and f.result or (type(f.category) == 'string' and f.category:upper()) or nil,
          f.caseKey or f.case_key,
        }),
        ' '
      )
      local text = prefix ~= '' and (prefix .. ': ' .. message) or message
      local added = false
      for _, loc in ipairs(f.locations or {}) do
        local l = loc.location or loc
        -- A resolved location (core's shape) counts only when it maps to a workspace file.
        local file
        if loc.location then
          file = type(loc.file) == 'string' and file_of({ file = loc.file }, root) or nil
        else
          file = file_of(loc, root)
        end
        -- Lines are 0-based next to an LSP `uri` or `range` (the server's shape), 1-based
        -- in core's resolved locations (as tools print them).
        local lnum
        if l.range then
          lnum = l.range.start.line + 1
        elseif tonumber(l.line) then
          lnum = tonumber(l.line) + ((loc.uri and not loc.location) and 1 or 0)
        end
        if file and lnum then
          local col = l.range and (l.range.start.character + 1) or tonumber(l.column) or 1
          items[#items + 1] = {
            filename = file,
            lnum = lnum,
            col = col,
            text = type(l.message) == 'string' and (prefix ~= '' and (prefix .. ': ') or '') .. l.message or text,
            type = 'E',
            case = f.caseKey or f.case_key,
            execution = f.execution,
          }
          added = true
        end
      end
      if not added then
        local file = file_of(f, root)
        local lnum = f.range and (f.range.start.line + 1) or tonumber(f.line)
        if file and lnum then
          items[#items + 1] = {
            filename = file,
            lnum = lnum,
            col = 1,
            text = text,
            type = 'E',
            case = f.caseKey or f.case_key,
            execution = f.execution,
          }
        end
      end
    end
  end
end

--- :TestanyFailures [PIPELINE] [DAYS]
function M.failures(opts)
  local a = split_args(opts)
  local args = {}
  if a[1] and tonumber(a[1]) and not a[2] then
    args.days = tonumber(a[1])
  else
    args.pipeline = a[1]
    args.days = tonumber(a[2])
  end
  testany().exec('testany.recentFailures', args, function(err, result, client)
    if err then
      return
    end
    local root = client and (client.root_dir or client.config.root_dir)
    local items = M.quickfix_items(result, root)
    vim.fn.setqflist({}, ' ', { title = 'Testany failures', items = items })
    if #items > 0 then
      vim.cmd('botright copen')
    else
      notify('no recent failures')
    end
  end)
end

local function pct(x)
  if type(x) ~= 'number' then
    return 'n/a'
  end
  return string.format('%.1f%%', x * 100)
end

local function secs(ms)
  if type(ms) ~= 'number' then
    return '?'
  end
  return string.format('%.1fs', ms / 1000)
end

--- Lines describing a testany.pipelineHealth result (core's PipelineHealth shape).
---@param h table
---@param pipeline string
---@return string[]
function M.health_lines(h, pipeline)
  if type(h) ~= 'table' then
    return { 'no health data' }
  end
  h = h.health or h
  local lines = {
    ('Pipeline %s, last %s days (%s .. %s)'):format(
      h.pipeline or pipeline or '?',
      tostring(h.days or '?'),
      tostring(h.from or '?'),
      tostring(h.to or '?')
    ),
    ('runs %s · passed %s · failed %s · other %s · pass rate %s'):format(
      tostring(h.runs or 0),
      tostring(h.passed or 0),
      tostring(h.failed or 0),
      tostring(h.other or 0),
      pct(h.pass_rate)
    ),
  }
  if type(h.flaky) == 'table' and #h.flaky > 0 then
    lines[#lines + 1] = ''
    lines[#lines + 1] = 'Flaky cases:'
    for _, f in ipairs(h.flaky) do
      lines[#lines + 1] = ('  %s %s: %s of %s failed'):format(
        f.case_key or '?',
        type(f.name) == 'string' and f.name or '',
        tostring(f.failed or 0),
        tostring(f.runs or 0)
      )
    end
  end
  if type(h.slowest) == 'table' and #h.slowest > 0 then
    lines[#lines + 1] = ''
    lines[#lines + 1] = 'Slowest cases:'
    for _, s in ipairs(h.slowest) do
      lines[#lines + 1] = ('  %s %s: mean %s, max %s'):format(
        s.case_key or '?',
        type(s.name) == 'string' and s.name or '',
        secs(s.mean_ms),
        secs(s.max_ms)
      )
    end
  end
  return lines
end

--- Lines describing an execution (testany.showExecution result).
function M.execution_lines(e)
  if type(e) ~= 'table' then
    return { 'no execution data' }
  end
  local function outcome(x)
    return type(x.result) == 'string' and x.result or tostring(x.status or '?')
  end
  local lines = {
    vim.trim(
      ('%s %s %s'):format(
        tostring(e.key or e.execution_id or '?'),
        outcome(e),
        type(e.environment) == 'string' and e.environment or ''
      )
    ),
  }
  for _, c in ipairs(type(e.cases) == 'table' and e.cases or {}) do
    lines[#lines + 1] = ('  %-8s %s %s %s'):format(
      outcome(c),
      tostring(c.case_key or '?'),
      type(c.name) == 'string' and c.name or '',
      secs(c.duration_ms)
    )
  end
  return lines
end

--- Shows `lines` in a centred floating window; `q` or <Esc> closes it.
---@return integer buf, integer win
function M.float(lines, title)
  lines = vim.tbl_map(shown, lines)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'testanyfloat'
  local width = 20
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l) + 2)
  end
  width = math.min(width, math.max(20, vim.o.columns - 4))
  local height = math.min(#lines, math.max(1, vim.o.lines - 4))
  local win = vim.api.nvim_open_win(buf, true, {
    relative = 'editor',
    width = width,
    height = height,
    row = math.floor((vim.o.lines - height) / 2),
    col = math.floor((vim.o.columns - width) / 2),
    style = 'minimal',
    border = 'rounded',
    title = title and (' ' .. title .. ' ') or nil,
  })
  for _, lhs in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', lhs, '<cmd>close<cr>', { buffer = buf, silent = true })
  end
  return buf, win
end

--- :TestanyHealth [PIPELINE] [DAYS]
function M.health(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local a = split_args(opts)
  local pipeline = a[1] or M.default_pipeline(bufnr)
  if not pipeline then
    notify('which pipeline? give one: :TestanyHealth PIPELINE', vim.log.levels.WARN)
    return
  end
  local args = { pipeline = pipeline, days = tonumber(a[2]) }
  testany().exec('testany.pipelineHealth', args, function(err, result)
    if not err then
      M.float(M.health_lines(result, pipeline), 'Testany health')
    end
  end, bufnr)
end

function M.define()
  local cmd = vim.api.nvim_create_user_command
  cmd('TestanyRun', M.run, { nargs = '?', desc = 'Run the Testany code lens on the cursor line' })
  cmd('TestanyLog', M.log, { desc = 'Open the failure log of the case under the cursor' })
  cmd('TestanyFailures', M.failures, { nargs = '*', desc = 'Recent Testany failures to quickfix' })
  cmd('TestanyRerun', M.rerun, { nargs = '?', desc = 'Run the pipeline again' })
  cmd('TestanyHealth', M.health, { nargs = '*', desc = 'Pipeline health in a float' })
end

return M
