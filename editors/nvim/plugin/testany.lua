-- testany.nvim: commands exist from startup; the server starts after
-- require('testany').setup() (lazy.nvim calls it for `opts`).
if vim.g.loaded_testany then
  return
end
vim.g.loaded_testany = true

if vim.fn.has('nvim-0.10') == 0 then
  vim.notify('testany.nvim needs Neovim 0.10 or later', vim.log.levels.WARN)
  return
end

require('testany.commands').define()
