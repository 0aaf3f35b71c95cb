-- The `testany` server for Neovim 0.11+'s `vim.lsp.config` (`:help lsp-config`): with
-- this plugin on the runtimepath, `vim.lsp.enable('testany')` starts `testany lsp` in
-- every project holding a `testany.toml`, with no setup() call. Override any field with
-- `vim.lsp.config('testany', { ... })`, e.g. `cmd = { '/path/to/testany', 'lsp' }`.
-- The configuration is the plugin's own (`require('testany').server_config()`): the same
-- root rule, capabilities, handlers (log viewer, lens refresh) and lens refreshes.
return require('testany').server_config()
