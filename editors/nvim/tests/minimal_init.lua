-- Minimal init for the headless tests: only this plugin on the runtimepath, no state.
local here = debug.getinfo(1, 'S').source:sub(2)
local plugin_root = vim.fn.fnamemodify(here, ':p:h:h')
vim.opt.runtimepath:prepend(plugin_root)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.more = false
vim.g.testany_plugin_root = plugin_root
vim.cmd('filetype plugin on')
-- TESTANY_NVIM_LEGACY=1: hide the Neovim 0.11 LSP API so setup() takes the 0.10 path
-- (vim.lsp.start per buffer); `cargo xtask test` runs the suite both ways.
if vim.env.TESTANY_NVIM_LEGACY == '1' then
  vim.lsp.enable = nil
end
