-- Minimal init for the headless tests: only this plugin on the runtimepath, no state.
local here = debug.getinfo(1, 'S').source:sub(2)
local plugin_root = vim.fn.fnamemodify(here, ':p:h:h')
vim.opt.runtimepath:prepend(plugin_root)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.more = false
vim.g.testany_plugin_root = plugin_root
vim.cmd('filetype plugin on')
