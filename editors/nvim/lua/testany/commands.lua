--- The user commands (:TestanyRun, :TestanyLog, :TestanyFailures, :TestanyTests,
--- :TestanyRerun, :TestanyHealth) and the small renderers behind them.
local M = {}

local function testany()
  return require('testany')
end

local function notify(msg, level)
  vim.notify('testany: ' .. msg, level or vim.log.levels.INFO)
end

--- Text for one buffer line or quickfix entry: the server's display text (sanitised by
--- the server, docs/protocol.md "Strings are display text") keeps its line breaks, and a
--- buffer line cannot hold one (`nvim_buf_set_lines` refuses it).
local function one_line(text)
  return (tostring(text):gsub('\n', ' '))
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
  elseif command == 'testany.runLocally' then
    M.open_terminal(result)
  elseif command == 'testany.runPipeline' then
    local key = type(result) == 'table' and (result.execution_id or result.execution) or nil
    notify(type(key) == 'string' and ('run ' .. key .. ' started') or 'pipeline run requested')
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
    it.text = one_line(it.text)
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

--- Is a `testany/caseStates` entry a test (issue 15), not a case?
local function is_test(e)
  return type(e) == 'table' and type(e.testId) == 'string' and type(e.uri) == 'string' and tonumber(e.line) ~= nil
end

local function failing(state)
  return state == 'failed' or state == 'error'
end

--- The rows of a testany.recentFailures result (a list, or `{failures = [...]}`).
local function recent_rows(recent)
  local list = type(recent) == 'table' and (recent.failures or recent) or {}
  return type(list) == 'table' and list or {}
end

--- Quickfix items, one per failing test of `testany/caseStates` (at its definition,
--- `name: message`), in the server's order. With `pipeline`, only the tests whose
--- caseStates `pipeline` (the server's, from its data) is that one.
---@param states any the caseStates result
---@param pipeline? string
---@return table[]
function M.test_failure_items(states, pipeline)
  states = type(states) == 'table' and states or {}
  local items = {}
  for _, e in ipairs(states) do
    if is_test(e) and failing(e.state) and (not pipeline or e.pipeline == pipeline) then
      -- The server always names a test (display text); its testId is data, never shown.
      local name = type(e.name) == 'string' and e.name or ''
      local message = type(e.message) == 'string' and e.message or ''
      local text = (name ~= '' and message ~= '') and (name .. ': ' .. message) or (name .. message)
      items[#items + 1] = {
        filename = vim.uri_to_fname(e.uri),
        lnum = tonumber(e.line) + 1,
        col = 1,
        text = one_line(text),
        type = 'E',
      }
    end
  end
  return items
end

--- :TestanyFailures' list: the failing tests (caseStates), then the recentFailures
--- entries as before (`M.quickfix_items`) of the cases without a failing test in their
--- newest run. A case's failing tests replace its rows whether or not a marker or a
--- `[cases]` entry anchors the case itself (examples/shop's Maven case has one, for its
--- own lens on pom.xml).
---@param recent any the testany.recentFailures result
---@param states any the testany/caseStates result (nil when it failed)
---@param root? string
---@param pipeline? string
---@return table[]
function M.failure_items(recent, states, root, pipeline)
  states = type(states) == 'table' and states or {}
  local by_test = {}
  for _, e in ipairs(states) do
    if is_test(e) and failing(e.state) then
      by_test[e.key] = true
    end
  end
  local rest = {}
  for _, f in ipairs(recent_rows(recent)) do
    if type(f) ~= 'table' or not by_test[f.caseKey or f.case_key or ''] then
      rest[#rest + 1] = f
    end
  end
  local items = M.test_failure_items(states, pipeline)
  vim.list_extend(items, M.quickfix_items(rest, root))
  return items
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
  local bufnr = vim.api.nvim_get_current_buf()
  testany().exec('testany.recentFailures', args, function(err, result, client)
    if err then
      return
    end
    testany().request('testany/caseStates', vim.empty_dict(), function(serr, states)
      local root = client and (client.root_dir or client.config.root_dir)
      local items = M.failure_items(result, not serr and states or nil, root, args.pipeline)
      vim.fn.setqflist({}, ' ', { title = 'Testany failures', items = items })
      if #items > 0 then
        vim.cmd('botright copen')
      else
        notify('no recent failures')
      end
    end, bufnr)
  end, bufnr)
end

--- The case under 0-based `line` of `uri` (the nearest caseStates entry at or above it,
--- a test naming its case) and that case's tests in its newest run, in the server's order.
---@param states any the caseStates result (every document)
---@param uri string
---@param line integer
---@return {key: string, execution: string?}? case
---@return table[] tests
function M.case_tests(states, uri, line)
  states = type(states) == 'table' and states or {}
  local best
  for _, e in ipairs(states) do
    local l = type(e) == 'table' and tonumber(e.line)
    if l and e.uri == uri and l <= line and type(e.key) == 'string' then
      if not best or l > tonumber(best.line) or (l == tonumber(best.line) and is_test(e) and not is_test(best)) then
        best = e
      end
    end
  end
  if not best then
    return nil, {}
  end
  local case = { key = best.key, execution = type(best.execution) == 'string' and best.execution or nil }
  local tests = {}
  for _, e in ipairs(states) do
    if is_test(e) and e.key == case.key and e.execution == case.execution then
      tests[#tests + 1] = e
    end
  end
  return case, tests
end

local STATE_MARK = { passed = '✓', failed = '✗', error = '✗', skipped = '⊘' }

--- A path for display: relative to `root` when inside it.
local function rel_path(file, root)
  if root and file:sub(1, #root + 1) == root .. '/' then
    return file:sub(#root + 2)
  end
  return file
end

--- The lines of the :TestanyTests buffer: the case, then one line per test (status,
--- name, file:line).
function M.tests_lines(case, tests, root)
  local caseName = tests[1] and type(tests[1].caseName) == 'string' and tests[1].caseName or nil
  local head = vim.tbl_filter(function(s)
    return s ~= nil
  end, { case.key, caseName })
  local lines = { one_line(table.concat(head, ' ') .. (case.execution and (' · ' .. case.execution) or '')) }
  for _, t in ipairs(tests) do
    local state = type(t.state) == 'string' and t.state or 'unknown'
    lines[#lines + 1] = one_line(
      ('%s %-8s %s  %s:%d'):format(
        STATE_MARK[state] or '?',
        state,
        type(t.name) == 'string' and t.name or '',
        rel_path(vim.uri_to_fname(t.uri), root),
        tonumber(t.line) + 1
      )
    )
  end
  return lines
end

--- Shows the tests of `case` in a scratch buffer in a split: <CR> opens a test's
--- definition, `r` runs it locally (testany.runLocally), `o` opens the log at it
--- (testany.openLog with its `line`), `q` closes.
---@return integer buf
function M.show_tests(case, tests, root)
  local from = vim.api.nvim_get_current_win()
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, M.tests_lines(case, tests, root))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'testanytests'
  pcall(vim.api.nvim_buf_set_name, buf, 'testany://tests/' .. case.key)
  local function test_at_cursor()
    return tests[vim.api.nvim_win_get_cursor(0)[1] - 1]
  end
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, function()
      local t = test_at_cursor()
      if t then
        fn(t)
      end
    end, { buffer = buf, silent = true, desc = desc })
  end
  map('<CR>', function(t)
    local win = vim.api.nvim_win_is_valid(from) and from or nil
    if win then
      vim.api.nvim_set_current_win(win)
    else
      vim.cmd('wincmd p')
    end
    vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(t.uri)))
    pcall(vim.api.nvim_win_set_cursor, 0, { tonumber(t.line) + 1, 0 })
  end, 'Open the test definition')
  map('r', function(t)
    M.run_test_locally(t, from)
  end, 'Run the test locally in a terminal')
  map('o', function(t)
    local args = { execution = t.execution, caseIndex = t.caseIndex, line = tonumber(t.logLine) }
    testany().exec('testany.openLog', args, function(err, result, client, started)
      if not err then
        M.handle_result('testany.openLog', result, client, nil, started)
      end
    end)
  end, 'Open the log at the test')
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, silent = true })
  return buf
end

--- testany.runLocally for one caseStates test entry, its command in a terminal.
---@param win? integer the window of the source file (its buffer picks the server)
function M.run_test_locally(t, win)
  local args = { execution = t.execution, caseIndex = t.caseIndex, testId = t.testId }
  testany().exec('testany.runLocally', args, function(err, result)
    if not err then
      M.open_terminal(result)
    end
  end, win and vim.api.nvim_win_is_valid(win) and vim.api.nvim_win_get_buf(win) or nil)
end

--- :TestanyTests: the tests of the case under the cursor, in a list.
function M.tests()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  testany().request('testany/caseStates', vim.empty_dict(), function(err, states, client)
    if err then
      return
    end
    local case, tests = M.case_tests(states, uri, line)
    if not case then
      notify('no Testany case at or above the cursor', vim.log.levels.WARN)
    elseif #tests == 0 then
      notify(('no test of case %s is linked to a file yet'):format(case.key), vim.log.levels.WARN)
    else
      M.show_tests(case, tests, client and (client.root_dir or client.config.root_dir))
    end
  end, bufnr)
end

--- Runs a testany.runLocally result (`{argv, cwd}`) in a `:terminal` split: the program
--- and its arguments are passed as a list (no shell reads them). Returns the terminal
--- buffer, or nil (with a message) when the result holds no runnable command.
---@return integer? buf
function M.open_terminal(result)
  local argv = type(result) == 'table' and result.argv
  if type(argv) ~= 'table' or #argv == 0 then
    notify('the server gave no command to run', vim.log.levels.WARN)
    return nil
  end
  for _, a in ipairs(argv) do
    if type(a) ~= 'string' then
      notify('the server gave a command with a non-text argument', vim.log.levels.WARN)
      return nil
    end
  end
  local cwd = type(result.cwd) == 'string' and result.cwd or nil
  if cwd and vim.fn.isdirectory(cwd) == 0 then
    notify(('the folder %s does not exist: open the project it names'):format(cwd), vim.log.levels.WARN)
    return nil
  end
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  local ok, job = pcall(function()
    if vim.fn.has('nvim-0.11') == 1 then
      return vim.fn.jobstart(argv, { term = true, cwd = cwd })
    end
    return vim.fn.termopen(argv, { cwd = cwd })
  end)
  if not ok or type(job) ~= 'number' or job <= 0 then
    notify(('cannot start %s: is it installed and on PATH?'):format(argv[1]), vim.log.levels.ERROR)
  end
  vim.b[buf].testany_command = { argv = argv, cwd = cwd }
  return buf
end

local function pct(x)
  if type(x) ~= 'number' then
    return 'n/a'
  end
  return string.format('%.1f%%', x * 100)
end

--- A duration as the server wrote it (`duration_text`, `mean_text`, `max_text`: core's
--- plan::format_duration, as lenses show it); the plugin formats no milliseconds.
local function duration(text)
  return type(text) == 'string' and text or nil
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
        duration(s.mean_text) or '?',
        duration(s.max_text) or '?'
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
  local head = { tostring(e.key or '?'), outcome(e) }
  if type(e.environment) == 'string' and e.environment ~= '' then
    head[#head + 1] = e.environment
  end
  head[#head + 1] = duration(e.duration_text)
  local lines = { table.concat(head, ' ') }
  for _, c in ipairs(type(e.cases) == 'table' and e.cases or {}) do
    local line = ('  %-8s %s %s %s'):format(
      outcome(c),
      tostring(c.case_key or '?'),
      type(c.name) == 'string' and c.name or '',
      duration(c.duration_text) or ''
    )
    lines[#lines + 1] = (line:gsub('%s+$', ''))
  end
  return lines
end

--- Shows `lines` in a centred floating window; `q` or <Esc> closes it.
---@return integer buf, integer win
function M.float(lines, title)
  lines = vim.tbl_map(one_line, lines)
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
  cmd('TestanyTests', M.tests, { desc = 'List the tests of the Testany case under the cursor' })
  cmd('TestanyRerun', M.rerun, { nargs = '?', desc = 'Run the pipeline again' })
  cmd('TestanyHealth', M.health, { nargs = '*', desc = 'Pipeline health in a float' })
end

return M
