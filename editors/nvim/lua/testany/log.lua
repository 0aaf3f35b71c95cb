--- The failure-log viewer: a read-only split showing a fetched log with its ANSI colours
--- as highlights, the cursor on the first failure line, `]f`/`[f` between failure lines
--- and `<CR>`/`gf` on a stack frame opening the source at that line.
---
--- The server renders the log (`testany/logView`, docs/protocol.md): escape-free text,
--- style spans and frames already resolved to workspace files. Without a server that
--- answers it (or for a log it does not know), the log is rendered here.
local ansi = require('testany.ansi')
local frames = require('testany.frames')

local M = {}

M.ns = vim.api.nvim_create_namespace('testany_log')

--- Lines that read as a failure: core's rule (testany-core failure_line.rs), kept equal
--- to it by the unit test that reads crates/testany-core/tests/fixtures/failure_lines.txt
--- until issue 16 moves the log buffer onto `testany/logView`.
local FAILURE_PATTERNS = {
  '^E%s', -- pytest assertion detail
  '^%s*✘', -- Playwright
  '^%s*%d+%) ', -- Playwright / Mocha numbered failure
  '^%s*Traceback ', -- Python
  '^%s*panic: ', -- Go
  '%f[%w_]FAIL%f[^%w_]', -- go test, Jest
  '%f[%w_]FAILED%f[^%w_]', -- pytest, googletest
  '%f[%w_]ERROR%f[^%w_]', -- pytest, Maven, CI job failure
  'Error%s*$',
  'Exception%s*$',
  'Error:',
  'Exception:',
  'Exception in ',
  'error:', -- gcc, cargo
  'error%[', -- rustc
  'Failure:',
  'panicked at',
}

--- Does this (escape-free) log line read as a failure line?
---@param text string
---@return boolean
function M.is_failure_line(text)
  for _, p in ipairs(FAILURE_PATTERNS) do
    if text:find(p) then
      return true
    end
  end
  return false
end

--- Splits raw log bytes into escape-free lines plus highlight spans per line; other
--- non-printing characters are made visible (ansi.parse).
---@param raw string
---@return string[] lines, table[] spans (spans[i] belongs to lines[i])
function M.render(raw)
  local lines, spans = {}, {}
  local style = {}
  local start = 1
  local len = #raw
  while start <= len do
    local nl = raw:find('\n', start, true)
    local line = raw:sub(start, (nl or len + 1) - 1)
    if nl and line:byte(-1) == 13 then
      line = line:sub(1, -2) -- CRLF is a line break; any other CR is shown (`␍`)
    end
    local text, s = ansi.parse(line, style)
    lines[#lines + 1] = text
    spans[#spans + 1] = s
    if not nl then
      break
    end
    start = nl + 1
  end
  if #lines == 0 then
    lines[1] = ''
    spans[1] = {}
  end
  return lines, spans
end

--- 1-based numbers of the failure lines of `lines`: lines matching a failure pattern and
--- lines holding a file reference that resolves into the workspace (the server's frames
--- when given: `frames_by_row`, keyed by the 1-based row as a string).
---@param lines string[]
---@param root? string
---@param frames_by_row? table<string, table[]>
---@return integer[]
function M.failure_lines(lines, root, frames_by_row)
  local out = {}
  for i, text in ipairs(lines) do
    local hit = M.is_failure_line(text)
    if not hit and frames_by_row then
      hit = frames_by_row[tostring(i)] ~= nil
    elseif not hit and root then
      for _, f in ipairs(frames.find(text)) do
        if frames.resolve_in(root, f.path) then
          hit = true
          break
        end
      end
    end
    if hit then
      out[#out + 1] = i
    end
  end
  return out
end

local function uri_to_path(uri)
  if uri:match('^file:') then
    return vim.uri_to_fname(uri)
  end
  return uri
end

local function find_win(buf)
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      return win
    end
  end
end

--- A JSON value that may be `null` (decoded as nil or vim.NIL) as nil.
local function opt(v)
  if v == vim.NIL then
    return nil
  end
  return v
end

--- Hex colour and colour number of a server colour (`{kind, index}` or `{kind, r, g, b}`).
local function color(c)
  c = opt(c)
  if type(c) ~= 'table' then
    return nil, nil
  end
  if c.kind == 'rgb' then
    return string.format('#%02x%02x%02x', c.r or 0, c.g or 0, c.b or 0), nil
  end
  local n = tonumber(c.index)
  if not n then
    return nil, nil
  end
  n = math.max(0, math.min(255, n))
  return ansi.xterm256(n), n
end

--- A server span style as the style `ansi.hl_group` takes; nil when it shows as plain
--- text (dim and inverse have no highlight here, as in `ansi.parse`).
local function style_of(st)
  st = opt(st)
  if type(st) ~= 'table' then
    return nil
  end
  local fg, fg_n = color(st.fg)
  local bg, bg_n = color(st.bg)
  local out = {
    fg = fg,
    bg = bg,
    fg_n = fg_n,
    bg_n = bg_n,
    bold = st.bold == true or nil,
    italic = st.italic == true or nil,
    underline = st.underline == true or nil,
  }
  if not (out.fg or out.bg or out.bold or out.italic or out.underline) then
    return nil
  end
  return out
end

--- Lines, highlight spans (as `M.render` gives them: byte columns), frames by row and
--- 1-based failure lines of a `testany/logView` result (the server's failure-line rule,
--- testany-core's `failure_line`, replaces the patterns above for these logs).
---@param view table
---@return string[] lines, table[] spans, table<string, table[]> frames_by_row, integer[] failures
function M.from_view(view)
  local lines = vim.split(type(view.text) == 'string' and view.text or '', '\n', { plain = true })
  local spans = {}
  for i = 1, #lines do
    spans[i] = {}
    -- Characters that must not reach a buffer raw are shown (as `M.render` does).
    lines[i] = ansi.for_display(lines[i])
  end
  for _, ls in ipairs(opt(view.styles) or {}) do
    local row = type(ls.line) == 'number' and ls.line + 1
    local out = row and spans[row]
    if out then
      local col, parts = 0, {}
      for _, sp in ipairs(opt(ls.spans) or {}) do
        local shown = ansi.for_display(type(sp.text) == 'string' and sp.text or '')
        local st = style_of(sp.style)
        if st and #shown > 0 then
          out[#out + 1] = { col, col + #shown, st }
        end
        col = col + #shown
        parts[#parts + 1] = shown
      end
      lines[row] = table.concat(parts)
    end
  end
  local by_row = {}
  for _, f in ipairs(opt(view.frames) or {}) do
    if type(f.logLine) == 'number' and type(f.uri) == 'string' and type(f.line) == 'number' then
      local key = tostring(f.logLine + 1)
      by_row[key] = by_row[key] or {}
      table.insert(by_row[key], {
        file = vim.uri_to_fname(f.uri),
        line = f.line + 1,
        col = type(opt(f.column)) == 'number' and f.column or nil,
      })
    end
  end
  local failures = {}
  for _, l in ipairs(opt(view.failureLines) or {}) do
    if type(l) == 'number' and l >= 0 and l < #lines then
      failures[#failures + 1] = l + 1
    end
  end
  return lines, spans, by_row, failures
end

--- Shows `lines` with `spans` in the log buffer of `path`, in a split below.
local function show(path, line, root, lines, spans, frames_by_row, failures)
  local name = 'testany://log/' .. path
  local buf = vim.fn.bufnr('^' .. vim.fn.escape(name, '\\[]*?~.$^') .. '$')
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  for i, line_spans in ipairs(spans) do
    for _, s in ipairs(line_spans) do
      pcall(vim.api.nvim_buf_set_extmark, buf, M.ns, i - 1, s[1], {
        end_col = s[2],
        hl_group = ansi.hl_group(s[3]),
      })
    end
  end
  if root and not frames_by_row then
    frames.index(root, true) -- a fresh file list per opened log
  end
  failures = failures or M.failure_lines(lines, root, frames_by_row)
  vim.b[buf].testany_log = { path = path, root = root, failures = failures, frames = frames_by_row }
  vim.bo[buf].filetype = 'testanylog'
  M.set_keymaps(buf)

  local win = find_win(buf)
  if win then
    vim.api.nvim_set_current_win(win)
  else
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  end
  local row = line and (line + 1) or failures[1] or 1
  row = math.max(1, math.min(row, #lines))
  vim.api.nvim_win_set_cursor(0, { row, 0 })
  return buf
end

--- Reads and renders the log file here (no server view).
local function show_file(path, line, root)
  local fd = io.open(path, 'rb')
  if not fd then
    vim.notify('testany: cannot read the log ' .. path, vim.log.levels.ERROR)
    return nil
  end
  local raw = fd:read('*a') or ''
  fd:close()
  local lines, spans = M.render(raw)
  return show(path, line, root, lines, spans, nil)
end

--- The execution and case index of a log the server saved
--- (`.../testany/logs/<execution>/<caseIndex>.log`).
local function case_of(path)
  local execution, index = path:match('/testany/logs/([^/]+)/(%d+)%.log$')
  return execution, tonumber(index)
end

local function request(client, method, params, handler)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler)
  end
  return client.request(method, params, handler)
end

--- Opens (or refreshes) the log at `uri` in a split below, cursor on 0-based `line`
--- (or the first failure line when nil). `root` is the workspace for frame mapping.
--- With a Testany server the view is the server's (`testany/logView`, answered
--- asynchronously); otherwise, or when it fails, the file is rendered here.
---@param uri string file:// URI or path of the saved log
---@param line? integer 0-based line to put the cursor on
---@param root? string
---@return integer? buf (nil while the server's view is on its way)
function M.open(uri, line, root)
  local path = uri_to_path(uri)
  local execution, index = case_of(path)
  local ok, testany = pcall(require, 'testany')
  local client = execution and ok and testany.client and testany.client() or nil
  if not client then
    return show_file(path, line, root)
  end
  local params = { execution = execution, caseIndex = index }
  local sent = pcall(request, client, 'testany/logView', params, function(err, view)
    vim.schedule(function()
      if err or type(view) ~= 'table' then
        show_file(path, line, root)
        return
      end
      show(path, line, root, M.from_view(view))
    end)
  end)
  if not sent then
    return show_file(path, line, root)
  end
  return nil
end

--- Moves the cursor to the next (`dir` = 1) or previous (-1) failure line.
---@param dir integer
function M.jump(dir)
  local info = vim.b.testany_log
  if not info then
    return
  end
  local cur = vim.api.nvim_win_get_cursor(0)[1]
  local count = math.max(1, vim.v.count1)
  local target
  for _ = 1, count do
    local found
    if dir > 0 then
      for _, l in ipairs(info.failures or {}) do
        if l > (target or cur) then
          found = l
          break
        end
      end
    else
      local list = info.failures or {}
      for i = #list, 1, -1 do
        if list[i] < (target or cur) then
          found = list[i]
          break
        end
      end
    end
    if not found then
      break
    end
    target = found
  end
  if target then
    vim.cmd("normal! m'")
    vim.api.nvim_win_set_cursor(0, { target, 0 })
  end
end

--- The workspace file and 1-based line the frame under the cursor points to.
---@return string? file, integer? line, integer? col
function M.frame_target()
  local info = vim.b.testany_log or {}
  local cursor = vim.api.nvim_win_get_cursor(0)
  local served = info.frames and info.frames[tostring(cursor[1])]
  if served and served[1] then
    return served[1].file, served[1].line, served[1].col
  end
  local text = vim.api.nvim_get_current_line()
  local f = frames.at(text, cursor[2])
  if not f then
    return nil
  end
  local root = info.root or vim.fn.getcwd()
  local file = frames.resolve_in(root, f.path) or frames.resolve_in(root, f.path, true)
  if not file and vim.fn.filereadable(f.path) == 1 then
    file = vim.fn.fnamemodify(f.path, ':p')
  end
  return file, f.line, f.col
end

--- Opens the source of the frame under the cursor, in the window above the log.
function M.open_frame()
  local file, line, col = M.frame_target()
  if not file then
    vim.notify('testany: no workspace file for a reference on this line', vim.log.levels.WARN)
    return
  end
  local log_win = vim.api.nvim_get_current_win()
  vim.cmd('wincmd p')
  if vim.api.nvim_get_current_win() == log_win then
    vim.cmd('aboveleft split')
  end
  -- Switch to an already loaded buffer rather than `:edit` it again: a reload would
  -- drop its lenses until the server answers again.
  local loaded = vim.fn.bufnr(file)
  if loaded ~= -1 and vim.api.nvim_buf_is_loaded(loaded) then
    vim.api.nvim_win_set_buf(0, loaded)
  else
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
  end
  local last = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_win_set_cursor(0, { math.min(line, last), math.max(0, (col or 1) - 1) })
end

function M.set_keymaps(buf)
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, fn, { buffer = buf, silent = true, desc = desc })
  end
  map('<CR>', M.open_frame, 'Testany: open the source of this stack frame')
  map('gf', M.open_frame, 'Testany: open the source of this stack frame')
  map(']f', function()
    M.jump(1)
  end, 'Testany: next failure line')
  map('[f', function()
    M.jump(-1)
  end, 'Testany: previous failure line')
  map('q', '<cmd>close<cr>', 'Testany: close the log')
end

return M
