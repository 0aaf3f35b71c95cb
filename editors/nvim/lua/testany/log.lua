--- The failure-log viewer: a read-only split showing a fetched log with its ANSI colours
--- as highlights, the cursor on the first failure line, `]f`/`[f` between failure lines
--- and `<CR>`/`gf` on a stack frame opening the source at that line.
local ansi = require('testany.ansi')
local frames = require('testany.frames')

local M = {}

M.ns = vim.api.nvim_create_namespace('testany_log')

--- Lines that read as a failure: error messages, failed-test summaries, panics.
local FAILURE_PATTERNS = {
  '^E%s', -- pytest assertion detail
  '^FAILED%s', -- pytest short summary
  '^%-%-%- FAIL', -- go test
  '^FAIL%s',
  '^ERROR[:%s]', -- CI job failure
  '^%s*✘',
  '^%s*%d+%) ', -- Playwright / Mocha numbered failure
  'Error:',
  'Error$',
  'Exception:',
  'Exception$',
  'Failure:',
  'panicked at',
  '%[ERROR%]',
  '^%s*Traceback ',
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
--- lines holding a file reference that resolves into the workspace.
---@param lines string[]
---@param root? string
---@return integer[]
function M.failure_lines(lines, root)
  local out = {}
  for i, text in ipairs(lines) do
    local hit = M.is_failure_line(text)
    if not hit and root then
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

--- Opens (or refreshes) the log at `uri` in a split below, cursor on 0-based `line`
--- (or the first failure line when nil). `root` is the workspace for frame mapping.
---@param uri string file:// URI or path of the saved log
---@param line? integer 0-based line to put the cursor on
---@param root? string
---@return integer? buf
function M.open(uri, line, root)
  local path = uri_to_path(uri)
  local fd = io.open(path, 'rb')
  if not fd then
    vim.notify('testany: cannot read the log ' .. path, vim.log.levels.ERROR)
    return nil
  end
  local raw = fd:read('*a') or ''
  fd:close()
  local lines, spans = M.render(raw)

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
  if root then
    frames.index(root, true) -- a fresh file list per opened log
  end
  local failures = M.failure_lines(lines, root)
  vim.b[buf].testany_log = { path = path, root = root, failures = failures }
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
