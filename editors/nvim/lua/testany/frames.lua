--- Source locations in log lines (stack frames, `path:line[:col]`) and their mapping to
--- workspace files by the longest matching path suffix, so CI paths such as
--- `/builds/acme/shop/tests/a.py` open `tests/a.py` of the local checkout.
local M = {}

--- Directories never searched for source files, besides hidden ones (`.git`, `.venv`,
--- `.gradle`, …): the language server's `SKIPPED_DIRS` (crates/testany-lsp/src/files.rs).
local SKIP = {
  ['node_modules'] = true,
  ['target'] = true,
  ['venv'] = true,
  ['__pycache__'] = true,
  ['build'] = true,
  ['dist'] = true,
}
M.SKIP = SKIP

--- At most this many files are listed per root: the language server's walker limit
--- (`MAX_FILES` in crates/testany-lsp/src/files.rs), so a frame resolves here exactly
--- when it does there. tests/unit.lua reads files.rs and fails when the two differ.
M.MAX_FILES = 200000

---@class testany.Frame
---@field path string as written (for Java frames: the package path)
---@field line integer 1-based
---@field col? integer 1-based
---@field start_col integer 0-based byte where the reference starts in the line
---@field end_col integer 0-based byte where it ends (exclusive)

--- Every file reference on `text` (ANSI already removed), in order of appearance.
---@param text string
---@return testany.Frame[]
function M.find(text)
  local found = {}
  local taken = {}
  local function add(path, line, col, s, e)
    line = tonumber(line)
    if not line or line < 1 then
      return
    end
    for _, t in ipairs(taken) do
      if s < t[2] and e > t[1] then
        return
      end
    end
    taken[#taken + 1] = { s, e }
    found[#found + 1] = {
      path = path,
      line = line,
      col = tonumber(col),
      start_col = s - 1,
      end_col = e - 1,
    }
  end
  -- Python traceback: File "path", line N
  for s, path, line, e in text:gmatch('()File "([^"]+)", line (%d+)()') do
    add(path, line, nil, s, e)
  end
  -- Java / Kotlin frame: at pkg.Class.method(File.java:N)
  for s, fqn, file, line, e in text:gmatch('()at ([%w_$%./]+)%(([%w_$%-]+%.%w+):(%d+)%)()') do
    local class = fqn:gsub('^.*/', ''):gsub('%.[^.]*$', '')
    local pkg = class:gsub('%.[^.]*$', '')
    local path = file
    if pkg ~= class then
      path = pkg:gsub('%.', '/') .. '/' .. file
    end
    add(path, line, nil, s, e)
  end
  -- Generic: path:line[:col], the path having a file extension.
  for s, path, line, e in text:gmatch('()([%w_%.%-/\\~@+]*%w%.%a[%w]*):(%d+)()') do
    local col = text:match('^:(%d+)', e)
    add(path, line, col, s, col and (e + 1 + #col) or e)
  end
  table.sort(found, function(a, b)
    return a.start_col < b.start_col
  end)
  return found
end

--- The reference under byte column `col` (0-based), else the first one on the line.
---@param text string
---@param col integer
---@return testany.Frame?
function M.at(text, col)
  local frames = M.find(text)
  for _, f in ipairs(frames) do
    if col >= f.start_col and col < f.end_col then
      return f
    end
  end
  return frames[1]
end

local function split(path)
  local parts = {}
  for part in path:gsub('\\', '/'):gmatch('[^/]+') do
    if part ~= '.' then
      parts[#parts + 1] = part
    end
  end
  return parts
end

--- Workspace-relative files of `root` (`/`-separated), skipping build and VCS folders.
---@param root string
---@return string[]
function M.list_files(root)
  local files = {}
  local ok = pcall(function()
    for name, kind in
      vim.fs.dir(root, {
        depth = 32,
        skip = function(dir)
          local base = vim.fs.basename(dir)
          return not (SKIP[base] or base:sub(1, 1) == '.')
        end,
      })
    do
      if kind == 'file' then
        files[#files + 1] = name
        if #files >= M.MAX_FILES then
          break
        end
      end
    end
  end)
  if not ok then
    return files
  end
  table.sort(files)
  return files
end

--- Maps `path` to one of `files` by the longest common suffix of path components.
--- Ties go to the shortest path, then the first in order. Returns nil when not even the
--- file name matches.
---@param path string
---@param files string[]
---@return string?
function M.resolve(path, files)
  local want = split(path)
  if #want == 0 then
    return nil
  end
  local best, best_n = nil, 0
  for _, f in ipairs(files) do
    local have = split(f)
    local n = 0
    while n < #want and n < #have and want[#want - n] == have[#have - n] do
      n = n + 1
    end
    if n > best_n or (n == best_n and n > 0 and best and (#f < #best or (#f == #best and f < best))) then
      best, best_n = f, n
    end
  end
  return best
end

--- Files of a root grouped by file name, so each lookup only compares the candidates
--- sharing the name (a big log holds thousands of references).
---@class testany.Index
---@field by_name table<string, string[]>

local cache = {}

--- The file index of `root`, built on first use or when `refresh` is set.
---@param root string
---@param refresh? boolean
---@return testany.Index
function M.index(root, refresh)
  if refresh or not cache[root] then
    local by_name = {}
    for _, f in ipairs(M.list_files(root)) do
      local name = f:match('[^/]+$') or f
      by_name[name] = by_name[name] or {}
      table.insert(by_name[name], f)
    end
    cache[root] = { by_name = by_name }
  end
  return cache[root]
end

--- Like `resolve`, against the index of `root`. Returns an absolute path.
---@param root string
---@param path string
---@param refresh? boolean rebuild the index first (e.g. on an explicit user action)
---@return string?
function M.resolve_in(root, path, refresh)
  local parts = split(path)
  local name = parts[#parts]
  if not name then
    return nil
  end
  local candidates = M.index(root, refresh).by_name[name]
  local rel = candidates and M.resolve(path, candidates)
  return rel and (root .. '/' .. rel) or nil
end

return M
