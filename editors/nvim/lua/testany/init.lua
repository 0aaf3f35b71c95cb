--- testany.nvim: Testany results in Neovim through the built-in LSP client and
--- `testany lsp` (lenses, diagnostics, failure logs in a split, quickfix, health).
local M = {}

local CLIENT = 'testany'

---@class testany.Opts
---@field cmd? string[] how to start the server (default `{ "testany", "lsp" }`)
---@field root_markers? string[] files marking a project root (default `{ "testany.toml" }`)
---@field settings? table keys of testany.toml (url, workspace, pipelines, ...) overriding the file
---@field filetypes? string[] limit attaching to these filetypes (default: any)
---@field codelens? boolean show and refresh code lenses (default true)
local defaults = {
  cmd = { 'testany', 'lsp' },
  root_markers = { 'testany.toml' },
  settings = {},
  filetypes = nil,
  codelens = true,
}

---@type testany.Opts
M.config = vim.deepcopy(defaults)

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function notify(msg, level)
  vim.notify('testany: ' .. msg, level or vim.log.levels.INFO)
end

--- The Testany client serving `bufnr` (else any running Testany client).
---@param bufnr? integer
---@return vim.lsp.Client?
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = CLIENT, bufnr = bufnr })
  if #clients == 0 then
    clients = get({ name = CLIENT })
  end
  return clients[1]
end

--- Lens refreshes asked for per buffer, and for each codeLens request in flight how
--- many had been asked for when it was sent. `vim.lsp.codelens.refresh` skips a buffer
--- whose lens request is still in flight, so a refresh asked for meanwhile (new results:
--- diagnostics or workspace/codeLens/refresh) would be lost; when such a request
--- completes, the buffer is asked again (see the LspRequest autocmd in `setup`).
local wanted, sent_at = {}, {}

local function refresh_buf(buf)
  if vim.api.nvim_buf_is_loaded(buf) then
    wanted[buf] = (wanted[buf] or 0) + 1
    vim.lsp.codelens.refresh({ bufnr = buf })
  end
end

--- Refreshes the lenses of `bufnr`, or of every buffer the client serves.
---@param bufnr? integer
---@param client_id? integer
function M.refresh_lenses(bufnr, client_id)
  if not M.config.codelens then
    return
  end
  if bufnr then
    refresh_buf(bufnr)
    return
  end
  local client = client_id and vim.lsp.get_client_by_id(client_id) or M.client()
  if not client then
    return
  end
  for buf in pairs(client.attached_buffers or {}) do
    refresh_buf(buf)
  end
end

--- LspRequest: remembers when each Testany codeLens request was sent, and asks again
--- when one completes after a refresh was asked for while it was in flight.
---@param ev table the autocmd event
function M._on_lsp_request(ev)
  local data = ev.data or {}
  local req = data.request
  if type(req) ~= 'table' or req.method ~= 'textDocument/codeLens' then
    return
  end
  local client = vim.lsp.get_client_by_id(data.client_id)
  if not client or client.name ~= CLIENT then
    return
  end
  local buf = req.bufnr or ev.buf
  if req.type == 'pending' then
    sent_at[data.request_id] = wanted[buf] or 0
    return
  end
  local at = sent_at[data.request_id]
  sent_at[data.request_id] = nil
  if at and (wanted[buf] or 0) > at then
    -- After the response's handler, which runs next and ends the in-flight state.
    vim.schedule(function()
      M.refresh_lenses(buf)
    end)
  end
end

--- Is `uri` a log saved by the server (`.../testany/logs/<execution>/<case>.log`)?
local function is_log_uri(uri)
  return type(uri) == 'string' and uri:match('/testany/logs/.+%.log$') ~= nil
end

local function root_of(client)
  return client and (client.root_dir or (client.config and client.config.root_dir)) or nil
end

--- Opens a log the server pointed at (its view comes from the same server); the same log
--- opened twice (command result and window/showDocument) reuses its window.
local function show_log(uri, line, client)
  return require('testany.log').open(uri, line, root_of(client) or vim.fn.getcwd(), client)
end

--- When each log was last opened through window/showDocument (hrtime), so the same
--- command's result does not open it a second time after the user moved on.
local shown_at = {}

local handlers = {}

--- Neovim (0.11, 0.12-dev) does not act on workspace/codeLens/refresh by itself (it does
--- not even advertise support), so the plugin does; a refresh that meets a lens request
--- in flight is asked again when that request completes (M._on_lsp_request).
handlers['workspace/codeLens/refresh'] = function(_, _, ctx)
  vim.schedule(function()
    M.refresh_lenses(nil, ctx.client_id)
  end)
  return vim.NIL
end

--- Logs go to the log viewer (split, colours, frames); anything else to the default.
handlers['window/showDocument'] = function(err, params, ctx, config)
  if params and not params.external and is_log_uri(params.uri) then
    local line = params.selection and params.selection.start and params.selection.start.line
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    shown_at[params.uri] = vim.uv.hrtime()
    local ok, asked = pcall(show_log, params.uri, line, client)
    return { success = ok and asked == true }
  end
  return vim.lsp.handlers['window/showDocument'](err, params, ctx, config)
end

--- Lens commands the client runs itself (`client.commands`), so that Neovim's own
--- `vim.lsp.codelens.run()` acts on their results as `:TestanyRun` does: the server
--- answers `testany.runLocally` with `{argv, cwd}` for the editor to run, and
--- `testany.openLog` with the log to show. Each sends the command to the server.
local function client_command(name)
  return function(command, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if not client then
      return
    end
    local args = command.arguments and command.arguments[1] or nil
    local started = vim.uv.hrtime()
    request(client, 'workspace/executeCommand', M.command_params(name, args), function(err, result)
      if err then
        notify(name .. ' failed: ' .. tostring(err.message or vim.inspect(err)), vim.log.levels.ERROR)
        return
      end
      require('testany.commands').handle_result(name, result, client, ctx.bufnr, started)
    end, ctx.bufnr)
  end
end

local client_commands = {
  ['testany.runLocally'] = client_command('testany.runLocally'),
  ['testany.openLog'] = client_command('testany.openLog'),
}

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.workspace = caps.workspace or {}
  caps.workspace.codeLens = { refreshSupport = true }
  caps.window = caps.window or {}
  caps.window.showDocument = { support = true }
  return caps
end

--- Whether a DiagnosticChanged event concerns Testany: its diagnostics (those of one
--- namespace) come from the server, or were cleared. Other sources' changes do not
--- touch the lenses.
---@param diagnostics? vim.Diagnostic[]
---@return boolean
function M._testany_diagnostics(diagnostics)
  if type(diagnostics) ~= 'table' or #diagnostics == 0 then
    return true
  end
  for _, d in ipairs(diagnostics) do
    if d.source == 'testany' then
      return true
    end
  end
  return false
end

local function on_attach(client, bufnr)
  if vim.fn.exists('#testany#LspRequest') == 0 then
    M.global_autocmds()
  end
  local group = vim.api.nvim_create_augroup('testany_lens_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.refresh_lenses(bufnr)
    end,
  })
  -- Lenses follow the diagnostics: the server publishes both from the same poll, and a
  -- buffer showing a failure must not keep `? no result yet` until the next refresh
  -- request (or BufEnter). This also covers a lens request sent right at attach, before
  -- the server had placed the file in its project. One refresh per burst of changes.
  local pending = false
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    group = group,
    buffer = bufnr,
    callback = function(ev)
      if pending or not M._testany_diagnostics(ev.data and ev.data.diagnostics) then
        return
      end
      pending = true
      vim.schedule(function()
        pending = false
        M.refresh_lenses(bufnr)
      end)
    end,
  })
  M.refresh_lenses(bufnr)
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

--- The server configuration given to vim.lsp.config / vim.lsp.start.
---@return table
function M.server_config()
  local markers = M.config.root_markers
  -- `{}` must reach the server as an object, not as the array an empty table encodes to.
  local settings = next(M.config.settings or {}) and M.config.settings or vim.empty_dict()
  return {
    name = CLIENT,
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    root_markers = markers,
    -- Only files inside a project with a testany.toml get the server (root_markers
    -- alone would start it in single-file mode everywhere else).
    root_dir = function(bufnr, on_dir)
      local root = vim.fs.root(bufnr, markers)
      if root then
        on_dir(root)
      end
    end,
    init_options = settings,
    settings = { testany = settings },
    capabilities = capabilities(),
    handlers = handlers,
    commands = client_commands,
    on_attach = on_attach,
  }
end

local function start_legacy(bufnr)
  if vim.bo[bufnr].buftype ~= '' or vim.api.nvim_buf_get_name(bufnr) == '' then
    return
  end
  local ft = M.config.filetypes
  if ft and not vim.tbl_contains(ft, vim.bo[bufnr].filetype) then
    return
  end
  local root = vim.fs.root(bufnr, M.config.root_markers)
  if not root then
    return
  end
  local cfg = M.server_config()
  cfg.root_dir = root
  cfg.root_markers = nil
  vim.lsp.start(cfg, { bufnr = bufnr })
end

--- The plugin's editor-wide autocmds: highlight groups again after `:colorscheme`, lens
--- requests in flight (`M._on_lsp_request`), run progress in the message area. Run by
--- `setup` and on the first attach, so `vim.lsp.enable('testany')` alone (no setup call,
--- lsp/testany.lua) gets them too; running it again replaces them.
function M.global_autocmds()
  local group = vim.api.nvim_create_augroup('testany', { clear = true })
  vim.api.nvim_create_autocmd('ColorScheme', {
    group = group,
    callback = function()
      require('testany.hl').redefine()
    end,
  })
  vim.api.nvim_create_autocmd('LspRequest', {
    group = group,
    callback = function(ev)
      M._on_lsp_request(ev)
    end,
  })
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      local value = ev.data.params and ev.data.params.value
      if client and client.name == CLIENT and type(value) == 'table' then
        local text = table.concat(
          vim.tbl_filter(function(s)
            return s ~= nil and s ~= ''
          end, { value.title, value.message, value.percentage and (value.percentage .. '%') }),
          ' '
        )
        vim.api.nvim_echo({ { text } }, false, {})
      end
    end,
  })
end

--- Registers the server and the commands. Call once, e.g. from lazy.nvim's `opts`.
---@param opts? testany.Opts
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if opts and opts.cmd then
    M.config.cmd = opts.cmd
  end
  if vim.lsp.config and vim.lsp.enable and vim.fn.has('nvim-0.11') == 1 then
    vim.lsp.config(CLIENT, M.server_config())
    vim.lsp.enable(CLIENT)
  else
    local group = vim.api.nvim_create_augroup('testany_start', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
      group = group,
      callback = function(ev)
        start_legacy(ev.buf)
      end,
    })
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) then
        start_legacy(buf)
      end
    end
  end
  M.global_autocmds()
  require('testany.commands').define()
end

--- `workspace/executeCommand` params: the command and its one argument object
--- (design.md section 6). An empty or absent argument is sent as `{}`: an empty Lua
--- table would be encoded as the JSON array `[]`, which the server cannot read as an
--- object (`:TestanyFailures` with no argument failed that way).
---@param command string
---@param args table|nil
---@return table
function M.command_params(command, args)
  if type(args) ~= 'table' or next(args) == nil then
    args = vim.empty_dict()
  end
  return { command = command, arguments = { args } }
end

--- Runs `workspace/executeCommand` on the Testany server.
---@param command string e.g. `testany.openLog`
---@param args table|nil the one argument object (design.md section 6)
---@param cb fun(err: table?, result: any, client: vim.lsp.Client)
---@param bufnr? integer
function M.exec(command, args, cb, bufnr)
  local client = M.client(bufnr)
  if not client then
    notify('the Testany server is not running for this buffer (no testany.toml above it?)', vim.log.levels.WARN)
    return
  end
  local params = M.command_params(command, args)
  local started = vim.uv.hrtime()
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      notify(command .. ' failed: ' .. tostring(err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    cb(err, result, client, started)
  end, bufnr or vim.api.nvim_get_current_buf())
end

--- Sends a custom request (e.g. `testany/caseStates`) to the Testany server.
---@param method string
---@param params table
---@param cb fun(err: table?, result: any, client: vim.lsp.Client)
---@param bufnr? integer
function M.request(method, params, cb, bufnr)
  local client = M.client(bufnr)
  if not client then
    notify('the Testany server is not running for this buffer (no testany.toml above it?)', vim.log.levels.WARN)
    return
  end
  request(client, method, params, function(err, result)
    if err then
      notify(method .. ' failed: ' .. tostring(err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    cb(err, result, client)
  end, bufnr or vim.api.nvim_get_current_buf())
end

--- Opens the log a `testany.openLog` result points at, unless the server already showed
--- it (window/showDocument) while this command ran.
---@param started? integer hrtime when the command was sent
function M.on_open_log_result(result, client, started)
  if type(result) ~= 'table' or not is_log_uri(result.uri) then
    return
  end
  if started and shown_at[result.uri] and shown_at[result.uri] >= started then
    return
  end
  show_log(result.uri, tonumber(result.line), client)
end

M._is_log_uri = is_log_uri

return M
