--- Highlight groups for the styled spans of `testany/logView` (docs/protocol.md): the
--- server has already turned the log's escape sequences into `{fg, bg, bold, ...}`
--- styles; this module only gives each style a highlight group.
local M = {}

--- The 16 base colours (normal then bright), as common terminal themes show them.
local PALETTE = {
  [0] = '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
}

--- Hex colour of xterm-256 colour `n` (0-15 the base colours, then the 6x6x6 cube and
--- the grey ramp), for GUI colours; the terminal gets the number itself.
---@param n integer
---@return string
function M.xterm256(n)
  if n < 16 then
    return PALETTE[n]
  elseif n < 232 then
    local i = n - 16
    local steps = { [0] = 0, 95, 135, 175, 215, 255 }
    local r, g, b = steps[math.floor(i / 36)], steps[math.floor(i / 6) % 6], steps[i % 6]
    return string.format('#%02x%02x%02x', r, g, b)
  end
  local v = 8 + (n - 232) * 10
  return string.format('#%02x%02x%02x', v, v, v)
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
    local function byte(x)
      return math.max(0, math.min(255, tonumber(x) or 0))
    end
    return string.format('#%02x%02x%02x', byte(c.r), byte(c.g), byte(c.b)), nil
  end
  local n = tonumber(c.index)
  if not n then
    return nil, nil
  end
  n = math.max(0, math.min(255, math.floor(n)))
  return M.xterm256(n), n
end

--- The highlight attributes of a server span style, or nil when it shows as plain text
--- (dim and inverse have no highlight here).
---@param st any a `StyledSpan.style`
---@return table?
function M.style(st)
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

--- Name of the highlight group for `style` (as `M.style` gives it), defined on first use.
---@param style table
---@return string
function M.group(style)
  local name = table.concat({
    'TestanyLog',
    style.fg and style.fg:sub(2) or 'x',
    style.bg and style.bg:sub(2) or 'x',
    (style.bold and 'b' or '') .. (style.italic and 'i' or '') .. (style.underline and 'u' or ''),
  }, '_')
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
