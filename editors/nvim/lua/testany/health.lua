--- :checkhealth testany: what `testany doctor --json --service` says (the binary reads
--- the configuration exactly as the language server will), and how to install the
--- binary when it is missing. No configuration rule is repeated here.
---
--- The report's strings come from the binary, not through the language server's
--- sanitiser (`convert::display`): `testany doctor --json` writes unsafe characters as
--- JSON `\uXXXX` escapes, so once decoded a configuration or service error holds them
--- again. They reach the :checkhealth buffer as they are, where Neovim shows control and
--- bidi characters as `^[` and `<202e>` (it never prints them raw).
local M = {}

--- How to get the `testany` binary, shown when it is not found (issue 18).
M.INSTALL = {
  'Mason: `:MasonInstall testany` (editors/nvim/mason/package.yaml)',
  'installer script from the release page (`testany-cli-installer.sh` / `.ps1`), or unpack `testany-cli-<target>.tar.xz` onto your PATH',
  '`cargo binstall testany-cli` (prebuilt) or `cargo install testany-cli` (builds from source)',
  'or point `cmd` in `require("testany").setup({ cmd = { "/path/to/testany", "lsp" } })` at it',
}

--- The binary the plugin starts (`cmd[1]` of the server configuration).
---@return string
function M.binary()
  local ok, testany = pcall(require, 'testany')
  local cmd = ok and testany.config and testany.config.cmd or { 'testany', 'lsp' }
  return cmd[1]
end

--- Runs `testany doctor --json [--service] DIR` and returns its report, or nil and why.
--- The report comes with any exit code (2: configuration, 3: service).
---@param dir string the project directory (or any directory: the binary looks upward)
---@param opts? { service?: boolean, bin?: string, timeout?: integer }
---@return table? report, string? reason
function M.doctor(dir, opts)
  opts = opts or {}
  local bin = opts.bin or vim.fn.exepath(M.binary())
  if bin == '' then
    return nil, ('`%s` not found'):format(M.binary())
  end
  local args = { bin, 'doctor', '--json' }
  if opts.service then
    args[#args + 1] = '--service'
  end
  args[#args + 1] = dir
  local ok, res = pcall(function()
    return vim.system(args, { text = true, cwd = dir }):wait(opts.timeout or 20000)
  end)
  if not ok or not res then
    return nil, ('`%s doctor` could not run: %s'):format(bin, tostring(res))
  end
  local decoded, report = pcall(vim.json.decode, res.stdout or '', { luanil = { object = true, array = true } })
  if decoded and type(report) == 'table' and type(report.config) == 'table' then
    return report
  end
  local said = vim.trim((res.stderr or ''):gsub('^error: ', ''))
  return nil,
    ('`%s doctor --json` gave no report (exit %s)%s; a `testany` with `doctor` is needed'):format(
      bin,
      tostring(res.code),
      said ~= '' and (': ' .. said) or ''
    )
end

--- What :checkhealth shows for `report` (nil: the binary is missing or has no doctor,
--- `reason` says which), as sections of `{kind, text, advice?}` with kind one of `ok`,
--- `warn`, `error`, `info` (vim.health's functions).
---@param report? table a `testany doctor --json` report
---@param reason? string
---@param bin? string the binary's path
---@return { name: string, items: table[] }[]
function M.sections(report, reason, bin)
  local binary = { name = 'testany: binary', items = {} }
  local out = { binary }
  if not report then
    local missing = not bin or bin == ''
    binary.items[1] = { 'error', reason or '`testany` not found', missing and M.INSTALL or nil }
    return out
  end
  binary.items[1] = { 'ok', ('testany %s (%s)'):format(tostring(report.version), tostring(report.binary or bin)) }

  local c = report.config
  local config = { name = 'testany: configuration', items = {} }
  out[#out + 1] = config
  if type(c.file) == 'string' then
    config.items[#config.items + 1] = { 'ok', 'found ' .. c.file }
  elseif c.found then
    config.items[#config.items + 1] = { 'ok', 'no testany.toml; using TESTANY_URL' }
  end
  if c.valid then
    local pipelines = type(c.pipelines) == 'table' and #c.pipelines > 0 and table.concat(c.pipelines, ', ') or 'none'
    config.items[#config.items + 1] = {
      'ok',
      ('valid: workspace %s, pipelines %s'):format(tostring(c.workspace or '?'), pipelines),
    }
    if pipelines == 'none' then
      config.items[#config.items + 1] = { 'warn', 'no `pipelines`: no executions will feed the editor' }
    end
  else
    config.items[#config.items + 1] = { 'error', tostring(c.error or 'the configuration is not valid') }
  end

  local ok, testany = pcall(require, 'testany')
  local settings = ok and type(testany.config.settings) == 'table' and vim.tbl_keys(testany.config.settings) or {}
  if #settings > 0 then
    table.sort(settings)
    config.items[#config.items + 1] = {
      'info',
      'setup() settings override these keys for the server: ' .. table.concat(settings, ', '),
    }
  end

  local token = type(report.token) == 'table' and report.token or {}
  local variable = tostring(token.variable or 'TESTANY_TOKEN')
  out[#out + 1] = {
    name = 'testany: token',
    items = {
      token.present and { 'ok', variable .. ' is set' }
        or { 'info', variable .. ' is not set (needed by the hosted service, not by `testany mock`)' },
    },
  }

  local service = { name = 'testany: service', items = {} }
  out[#out + 1] = service
  local s = report.service
  if type(s) ~= 'table' then
    service.items[1] = { 'warn', 'not asked: no valid configuration' }
  elseif s.reachable then
    service.items[1] = {
      'ok',
      ('%s answers (MCP %s, %d %s)'):format(
        tostring(s.url),
        tostring(s.protocol or '?'),
        tonumber(s.pipelines) or 0,
        tonumber(s.pipelines) == 1 and 'pipeline' or 'pipelines'
      ),
    }
  else
    service.items[1] = { 'error', tostring(s.error or (tostring(s.url) .. ' did not answer')) }
  end
  return out
end

--- The project directory :checkhealth reports on: a running Testany client's root (the
--- check runs in its own buffer), else the directory holding a root marker above the
--- current directory, else the current directory.
local function project_dir()
  for _, c in ipairs(vim.lsp.get_clients({ name = 'testany' })) do
    if c.root_dir then
      return c.root_dir
    end
  end
  local ok, testany = pcall(require, 'testany')
  local markers = ok and testany.config.root_markers or { 'testany.toml' }
  return vim.fs.root(vim.fn.getcwd(), markers) or vim.fn.getcwd()
end

function M.check()
  local bin = vim.fn.exepath(M.binary())
  local report, reason
  if bin ~= '' then
    report, reason = M.doctor(project_dir(), { service = true, bin = bin })
  else
    reason = ('`%s` not found on PATH'):format(M.binary())
  end
  for _, section in ipairs(M.sections(report, reason, bin)) do
    vim.health.start(section.name)
    for _, item in ipairs(section.items) do
      vim.health[item[1]](item[2], item[3])
    end
  end
end

return M
