--- The failure-log viewer: a read-only split showing a fetched log with its colours as
--- highlights, the cursor on the first failure line, `]f`/`[f` between failure lines and
--- `<CR>`/`gf` on a stack frame opening the source at that line.
---
--- Everything shown comes from the server (`testany/logView`, docs/protocol.md): the
--- escape-free text, the style spans, the failure lines (testany-core's rule) and the
--- frames already resolved to workspace files. Nothing is parsed here.
local hl = require('testany.hl')

local M = {}

M.ns = vim.api.nvim_create_namespace('testany_log')

local function notify(msg, level)
  vim.notify('testany: ' .. msg, level or vim.log.levels.INFO)
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

--- The tables of a JSON array field (anything else: none).
local function rows(v)
  local out = {}
  for _, x in ipairs(type(v) == 'table' and v or {}) do
    if type(x) == 'table' then
      out[#out + 1] = x
    end
  end
  return out
end

--- Lines, highlight spans (`{start_col, end_col, style}` in bytes, per line), frames by
--- row (keyed by the 1-based row as a string) and 1-based failure lines of a
--- `testany/logView` result. The server's text holds no escape sequence or control
--- character; a span's texts concatenated are its line.
---@param view table
---@return string[] lines, table[] spans, table<string, table[]> frames_by_row, integer[] failures
function M.from_view(view)
  local lines = vim.split(type(view.text) == 'string' and view.text or '', '\n', { plain = true })
  local spans = {}
  for i = 1, #lines do
    spans[i] = {}
  end
  for _, ls in ipairs(rows(view.styles)) do
    local row = type(ls.line) == 'number' and ls.line + 1
    local out = row and spans[row]
    if out then
      local col = 0
      for _, sp in ipairs(rows(ls.spans)) do
        local len = type(sp.text) == 'string' and #sp.text or 0
        local st = hl.style(sp.style)
        if st and len > 0 then
          out[#out + 1] = { col, col + len, st }
        end
        col = col + len
      end
    end
  end
  local by_row = {}
  for _, f in ipairs(rows(view.frames)) do
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
  for _, l in ipairs(type(view.failureLines) == 'table' and view.failureLines or {}) do
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
        hl_group = hl.group(s[3]),
      })
    end
  end
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

--- The execution and case index of a log the server saved
--- (`.../testany/logs/<service hash>/<execution>/<caseIndex>.log`; the CLI's and older
--- servers' logs have no service directory).
local function case_of(path)
  local execution, index = path:match('/testany/logs/%x+/([^/]+)/(%d+)%.log$')
  if not execution then
    execution, index = path:match('/testany/logs/([^/]+)/(%d+)%.log$')
  end
  return execution, tonumber(index)
end

local function request(client, method, params, handler)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler)
  end
  return client.request(method, params, handler)
end

--- Opens (or refreshes) the log at `uri` in a split below, cursor on 0-based `line`
--- (or the first failure line when nil), once the Testany server answers
--- `testany/logView` for it. `root` is kept for the buffer (`vim.b.testany_log.root`).
---@param uri string file:// URI or path of the saved log
---@param line? integer 0-based line to put the cursor on
---@param root? string
---@param client? vim.lsp.Client the Testany client to ask (default: the current buffer's)
---@return boolean asked whether the view was asked for (false: no server, or not a log)
function M.open(uri, line, root, client)
  local path = uri_to_path(uri)
  local execution, index = case_of(path)
  if not execution then
    notify('not a log saved by the Testany server: ' .. path, vim.log.levels.ERROR)
    return false
  end
  client = client or require('testany').client()
  if not client then
    notify('the log viewer needs the Testany server (testany lsp), and none is running', vim.log.levels.ERROR)
    return false
  end
  local params = { execution = execution, caseIndex = index }
  local sent = pcall(request, client, 'testany/logView', params, function(err, view)
    vim.schedule(function()
      if err or type(view) ~= 'table' then
        local why = err and tostring(err.message or vim.inspect(err)) or 'no view'
        notify('testany/logView failed: ' .. why, vim.log.levels.ERROR)
        return
      end
      show(path, line, root, M.from_view(view))
    end)
  end)
  if not sent then
    notify('the Testany server did not take the testany/logView request', vim.log.levels.ERROR)
  end
  return sent
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

--- The workspace file and 1-based line of the frame on the cursor line (the server's).
---@return string? file, integer? line, integer? col
function M.frame_target()
  local info = vim.b.testany_log or {}
  local row = vim.api.nvim_win_get_cursor(0)[1]
  local served = info.frames and info.frames[tostring(row)]
  if served and served[1] then
    return served[1].file, served[1].line, served[1].col
  end
  return nil
end

--- Opens the source of the frame under the cursor, in the window above the log.
function M.open_frame()
  local file, line, col = M.frame_target()
  if not file then
    vim.notify('testany: no stack frame into the workspace on this line', vim.log.levels.WARN)
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
