--- ANSI escape handling for fetched CI logs: turns SGR colour sequences into styled byte
--- ranges and drops every other escape or control sequence, so no raw escape byte ever
--- reaches a buffer.
local M = {}

local ESC = 27

--- The 16 base colours (normal then bright), as used by common terminal themes.
local PALETTE = {
  [0] = '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
}

--- Hex colour of xterm-256 colour `n`.
local function xterm256(n)
  if n < 16 then
    return PALETTE[n]
  elseif n < 232 then
    local i = n - 16
    local steps = { [0] = 0, 95, 135, 175, 215, 255 }
    local r, g, b = steps[math.floor(i / 36)], steps[math.floor(i / 6) % 6], steps[i % 6]
    return string.format('#%02x%02x%02x', r, g, b)
  else
    local v = 8 + (n - 232) * 10
    return string.format('#%02x%02x%02x', v, v, v)
  end
end

local function copy(style)
  return {
    fg = style.fg,
    bg = style.bg,
    fg_n = style.fg_n,
    bg_n = style.bg_n,
    bold = style.bold,
    italic = style.italic,
    underline = style.underline,
  }
end

local function is_plain(style)
  return not (style.fg or style.bg or style.bold or style.italic or style.underline)
end

--- Applies one SGR parameter list (already split on `;`) to `style`.
local function apply_sgr(style, params)
  if #params == 0 then
    params = { 0 }
  end
  local i = 1
  while i <= #params do
    local p = params[i] or 0
    if p == 0 then
      style.fg, style.bg, style.fg_n, style.bg_n = nil, nil, nil, nil
      style.bold, style.italic, style.underline = nil, nil, nil
    elseif p == 1 then
      style.bold = true
    elseif p == 3 then
      style.italic = true
    elseif p == 4 then
      style.underline = true
    elseif p == 22 then
      style.bold = nil
    elseif p == 23 then
      style.italic = nil
    elseif p == 24 then
      style.underline = nil
    elseif p >= 30 and p <= 37 then
      style.fg, style.fg_n = PALETTE[p - 30], p - 30
    elseif p >= 90 and p <= 97 then
      style.fg, style.fg_n = PALETTE[p - 90 + 8], p - 90 + 8
    elseif p == 39 then
      style.fg, style.fg_n = nil, nil
    elseif p >= 40 and p <= 47 then
      style.bg, style.bg_n = PALETTE[p - 40], p - 40
    elseif p >= 100 and p <= 107 then
      style.bg, style.bg_n = PALETTE[p - 100 + 8], p - 100 + 8
    elseif p == 49 then
      style.bg, style.bg_n = nil, nil
    elseif p == 38 or p == 48 then
      local mode = params[i + 1]
      local hex, n
      if mode == 5 and params[i + 2] then
        n = math.max(0, math.min(255, params[i + 2]))
        hex = xterm256(n)
        i = i + 2
      elseif mode == 2 and params[i + 4] then
        local r, g, b = params[i + 2], params[i + 3], params[i + 4]
        hex = string.format(
          '#%02x%02x%02x',
          math.max(0, math.min(255, r)),
          math.max(0, math.min(255, g)),
          math.max(0, math.min(255, b))
        )
        i = i + 4
      else
        i = #params
      end
      if hex then
        if p == 38 then
          style.fg, style.fg_n = hex, n
        else
          style.bg, style.bg_n = hex, n
        end
      end
    end
    i = i + 1
  end
end

--- Parses one log line (without its newline).
--- Returns the visible text and a list of `{start_col, end_col, style}` byte ranges
--- (0-based, end exclusive) for the styled parts. A carriage return inside a line keeps
--- only what was drawn last (progress bars), a trailing one is dropped.
---@param line string
---@param style? table the style carried over from the previous line (updated in place)
---@return string text, table spans
function M.parse(line, style)
  style = style or {}
  line = line:gsub('\r+$', '')
  local cr = line:match('.*()\r')
  if cr then
    line = line:sub(cr + 1)
  end
  local out = {}
  local spans = {}
  local col = 0
  local span_start, span_style = nil, nil
  local function close_span()
    if span_start and col > span_start and span_style then
      spans[#spans + 1] = { span_start, col, span_style }
    end
    span_start, span_style = nil, nil
  end
  local function open_span()
    if not is_plain(style) then
      span_start, span_style = col, copy(style)
    end
  end
  open_span()
  local i, n = 1, #line
  while i <= n do
    local b = line:byte(i)
    if b == ESC then
      local nxt = line:byte(i + 1)
      if nxt == 91 then -- '[': CSI, parameters then one final byte in 0x40..0x7e
        local j = i + 2
        while j <= n do
          local c = line:byte(j)
          if c >= 0x40 and c <= 0x7e then
            break
          end
          j = j + 1
        end
        if j <= n and line:byte(j) == 109 then -- 'm': SGR
          local params = {}
          local body = line:sub(i + 2, j - 1)
          if body:match('^[%d;:]*$') then
            for field in (body .. ';'):gmatch('([^;:]*)[;:]') do
              params[#params + 1] = tonumber(field) or 0
            end
            close_span()
            apply_sgr(style, params)
            open_span()
          end
        end
        i = j + 1
      elseif nxt == 93 then -- ']': OSC, ends at BEL or ESC '\'
        local j = i + 2
        while j <= n do
          local c = line:byte(j)
          if c == 7 then
            break
          end
          if c == ESC and line:byte(j + 1) == 92 then
            j = j + 1
            break
          end
          j = j + 1
        end
        i = j + 1
      else
        i = i + 2
      end
    elseif b < 32 and b ~= 9 or b == 127 then
      i = i + 1
    else
      local j = i
      while j <= n do
        local c = line:byte(j)
        if c == ESC or (c < 32 and c ~= 9) or c == 127 then
          break
        end
        j = j + 1
      end
      out[#out + 1] = line:sub(i, j - 1)
      col = col + (j - i)
      i = j
    end
  end
  close_span()
  return table.concat(out), spans
end

--- Text of `line` without any escape or control sequence.
---@param line string
---@return string
function M.strip(line)
  local text = M.parse(line, {})
  return text
end

--- Styles of the groups defined so far, to define them again after `:colorscheme`
--- (which clears them while log buffers still use them).
local defined = {}

local function define(name, style)
  vim.api.nvim_set_hl(0, name, {
    fg = style.fg,
    bg = style.bg,
    ctermfg = style.fg_n,
    ctermbg = style.bg_n,
    bold = style.bold,
    italic = style.italic,
    underline = style.underline,
    default = true,
  })
end

--- Name of a highlight group for `style`, defined on first use.
---@param style table
---@return string
function M.hl_group(style)
  local parts = {
    'TestanyAnsi',
    style.fg and style.fg:sub(2) or 'x',
    style.bg and style.bg:sub(2) or 'x',
    (style.bold and 'b' or '') .. (style.italic and 'i' or '') .. (style.underline and 'u' or ''),
  }
  local name = table.concat(parts, '_')
  if not defined[name] then
    defined[name] = style
    define(name, style)
  end
  return name
end

--- Defines every group used so far again (after a colour scheme change).
function M.redefine()
  for name, style in pairs(defined) do
    define(name, style)
  end
end

return M
