-- luacheck (Debian's lua-check): lint for the plugin and its headless tests.
-- `cargo xtask lint` runs `luacheck .` in this folder.
std = 'luajit'
-- Neovim's API; the tests also assign vim.notify and vim.lsp.codelens.refresh.
globals = { 'vim' }
max_line_length = false
codes = true
