--- ANSI escape handling for fetched CI logs: turns SGR colour sequences into styled byte
--- ranges, drops every other escape sequence, and makes the remaining non-printing
--- characters visible the way testany-core's `sanitize::for_display` does, so no raw
--- control, C1 or bidi character ever reaches a buffer.
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

--- Hex colour of SGR colour number `n` (0-15 basic, 16-255 the xterm palette), for
--- styles the server sends (testany/logView).
M.xterm256 = xterm256

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

--- How code point `cp` is shown when it must not reach a buffer as is, else nil: C0
--- controls (but tab and newline) as Control Pictures (U+2400 + code: ESC `␛`, CR `␍`),
--- DEL `␡`, C1 controls U+0080-U+009F, bidi, line-separator and interlinear format
--- characters as `<U+202E>`. The set is testany-core's `sanitize::is_unsafe_char`.
---@param cp integer
---@return string?
local function shown(cp)
  if cp < 0x20 then
    if cp == 9 or cp == 10 then
      return nil
    end
    return '\226\144' .. string.char(0x80 + cp)
  elseif cp == 0x7f then
    return '\226\144\161'
  elseif
    (cp >= 0x80 and cp <= 0x9f)
    or cp == 0x061c
    or cp == 0x200e
    or cp == 0x200f
    or cp == 0x2028
    or cp == 0x2029
    or (cp >= 0x202a and cp <= 0x202e)
    or (cp >= 0x2066 and cp <= 0x206f)
    or (cp >= 0xfff9 and cp <= 0xfffb)
  then
    return ('<U+%04X>'):format(cp)
  end
  return nil
end

local REPLACEMENT = '\239\191\189' -- U+FFFD

--- The UTF-8 character at byte `i` of `s`: its code point and length, or nil and the
--- length of the invalid prefix (as Rust's `from_utf8_lossy` replaces it by one U+FFFD).
---@return integer? cp, integer len
local function decode(s, i)
  local b = s:byte(i)
  local need, lo, hi, cp
  if b < 0x80 then
    return b, 1
  elseif b >= 0xc2 and b <= 0xdf then
    need, lo, hi, cp = 1, 0x80, 0xbf, b - 0xc0
  elseif b >= 0xe0 and b <= 0xef then
    need, cp = 2, b - 0xe0
    lo = b == 0xe0 and 0xa0 or 0x80
    hi = b == 0xed and 0x9f or 0xbf
  elseif b >= 0xf0 and b <= 0xf4 then
    need, cp = 3, b - 0xf0
    lo = b == 0xf0 and 0x90 or 0x80
    hi = b == 0xf4 and 0x8f or 0xbf
  else
    return nil, 1
  end
  for k = 1, need do
    local c = s:byte(i + k)
    if not c or c < lo or c > hi then
      return nil, k
    end
    cp = cp * 64 + (c - 0x80)
    lo, hi = 0x80, 0xbf
  end
  return cp, need + 1
end

--- Parses one log line (without its newline; a CRLF's CR is the caller's to drop).
--- Returns the visible text and a list of `{start_col, end_col, style}` byte ranges
--- (0-based, end exclusive) for the styled parts.
---
--- The text is what testany-core's `sanitize::for_display` gives for the line (the same
--- escape-sequence state machine, vte's): SGR sets the style, every other escape
--- sequence (OSC titles, clipboard writes and links, CSI cursor moves and erases, DCS,
--- SOS/PM/APC) is removed, a sequence cut by the line end is removed and marked `␛`,
--- and other non-printing characters are made visible (see `shown`): a bare carriage
--- return shows as `␍` rather than hiding what was written before it. Invalid UTF-8
--- becomes U+FFFD (a lone byte up to 0x9F shows as a C1 control, as vte reads it).
---@param line string
---@param style? table the style carried over from the previous line (updated in place)
---@return string text, table spans
function M.parse(line, style)
  style = style or {}
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
  local function emit(text)
    out[#out + 1] = text
    col = col + #text
  end
  open_span()
  -- vte's states: ground, esc, esc_inter, csi (entry/param), csi_inter, csi_ignore, osc,
  -- dcs (entry/param), dcs_inter, dcs_ignore, dcs_pass, sos (SOS/PM/APC strings).
  local state = 'ground'
  -- The CSI being read: its parameters so far, the one being read, whether it is at its
  -- first byte (where a private marker `<=>?` may stand), has a private marker, or has
  -- intermediates; only a plain `ESC [ params m` is SGR.
  local params, cur, entry, private, inter = {}, nil, false, false, false
  local dcs_entry = false
  -- Bytes that end or abort any sequence: CAN and SUB (executed: shown), ESC.
  local function anywhere(b)
    if b == 0x18 or b == 0x1a then
      emit(shown(b))
      state = 'ground'
    elseif b == ESC then
      state = 'esc'
    end
  end
  local function executes(b) -- C0 bytes vte executes inside CSI and ESC sequences
    return b < 0x20 and b ~= 0x18 and b ~= 0x1a and b ~= ESC
  end
  local function execute(b) -- shown, except a tab, which stays
    emit(b == 9 and '\t' or shown(b))
  end
  local i, n = 1, #line
  while i <= n do
    local b = line:byte(i)
    if state == 'ground' then
      if b == ESC then
        state = 'esc'
        i = i + 1
      elseif b < 0x80 then
        local pic = shown(b)
        if pic then
          emit(pic)
          i = i + 1
        else
          local j = i + 1
          while j <= n do
            local c = line:byte(j)
            if c >= 0x80 or c == 0x7f or (c < 0x20 and c ~= 9 and c ~= 10) then
              break
            end
            j = j + 1
          end
          emit(line:sub(i, j - 1))
          i = j
        end
      else
        local cp, len = decode(line, i)
        if not cp then
          -- vte: a lone byte up to 0x9F is a C1 control (shown), anything else U+FFFD.
          emit(len == 1 and b <= 0x9f and ('<U+%04X>'):format(b) or REPLACEMENT)
        else
          emit(shown(cp) or line:sub(i, i + len - 1))
        end
        i = i + len
      end
    else
      if state == 'esc' then
        if executes(b) then
          execute(b)
        elseif b >= 0x20 and b <= 0x2f then
          state = 'esc_inter'
        elseif b == 0x50 then -- P
          state, dcs_entry = 'dcs', true
        elseif b == 0x58 or b == 0x5e or b == 0x5f then -- X ^ _
          state = 'sos'
        elseif b == 0x5b then -- [
          state, params, cur, entry, private, inter = 'csi', {}, nil, true, false, false
        elseif b == 0x5d then -- ]
          state = 'osc'
        elseif b >= 0x30 and b <= 0x7e then
          state = 'ground'
        elseif b == 0x18 or b == 0x1a then
          anywhere(b)
        end
      elseif state == 'esc_inter' then
        if executes(b) then
          execute(b)
        elseif b >= 0x30 and b <= 0x7e then
          state = 'ground'
        elseif not (b >= 0x20 and b <= 0x2f) and b ~= 0x7f then
          anywhere(b)
        end
      elseif state == 'csi' or state == 'csi_inter' then
        if executes(b) then
          execute(b)
        elseif b >= 0x40 and b <= 0x7e then
          if b == 109 and not private and not inter then -- 'm': SGR
            params[#params + 1] = cur or 0
            close_span()
            apply_sgr(style, params)
            open_span()
          end
          state = 'ground'
        elseif b >= 0x20 and b <= 0x2f then
          state, inter, entry = 'csi_inter', true, false
        elseif b >= 0x30 and b <= 0x3f then
          if state == 'csi_inter' then
            state = 'csi_ignore'
          elseif b >= 0x3c then
            -- A private marker opens the sequence; anywhere else it spoils it.
            if entry then
              private = true
            else
              state = 'csi_ignore'
            end
          elseif b == 0x3b or b == 0x3a then
            params[#params + 1] = cur or 0
            cur = nil
          else
            cur = math.min((cur or 0) * 10 + (b - 48), 65535)
          end
          entry = false
        elseif b ~= 0x7f then
          anywhere(b)
        end
      elseif state == 'csi_ignore' then
        if executes(b) then
          execute(b)
        elseif b >= 0x40 and b <= 0x7e then
          state = 'ground'
        elseif not (b >= 0x20 and b <= 0x3f) and b ~= 0x7f then
          anywhere(b)
        end
      elseif state == 'osc' then
        if b == 0x07 then
          state = 'ground'
        elseif b == 0x18 or b == 0x1a or b == ESC then
          anywhere(b)
        end
      elseif state == 'dcs' or state == 'dcs_inter' then
        -- C0 controls are ignored inside DCS (not executed, unlike CSI).
        if b >= 0x40 and b <= 0x7e then
          state = 'dcs_pass'
        elseif b >= 0x20 and b <= 0x2f then
          state = 'dcs_inter'
        elseif b >= 0x30 and b <= 0x3f then
          if state == 'dcs_inter' or (b >= 0x3c and not dcs_entry) then
            state = 'dcs_ignore'
          end
        elseif b == 0x18 or b == 0x1a or b == ESC or b >= 0x80 then
          anywhere(b)
        end
        if b >= 0x20 and b <= 0x7e then
          dcs_entry = false
        end
      elseif state == 'dcs_pass' then
        if b == 0x9c then
          state = 'ground'
        elseif b == 0x18 or b == 0x1a or b == ESC then
          anywhere(b)
        end
      else -- dcs_ignore, sos
        anywhere(b)
      end
      i = i + 1
    end
  end
  if state ~= 'ground' then
    emit('\226\144\155') -- ␛: a sequence cut by the line end
  end
  close_span()
  return table.concat(out), spans
end

--- Text of `line` without any escape sequence, non-printing characters made visible.
---@param line string
---@return string
function M.strip(line)
  local text = M.parse(line, {})
  return text
end

--- `text` (any number of lines) as testany-core's `sanitize::for_display` shows it:
--- escape sequences removed, non-printing characters visible, CRLF as LF. For service
--- text (case names, errors) shown in quickfix lists and floats.
---@param text string
---@return string
function M.for_display(text)
  if not text:find('[%z\1-\8\11-\31\127-\255]') then
    return text
  end
  local out = {}
  local start = 1
  while true do
    local e = text:find('\n', start, true)
    local line = text:sub(start, (e or #text + 1) - 1)
    if e and line:byte(-1) == 13 then
      line = line:sub(1, -2)
    end
    out[#out + 1] = M.parse(line, {})
    if not e then
      break
    end
    start = e + 1
  end
  return table.concat(out, '\n')
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
