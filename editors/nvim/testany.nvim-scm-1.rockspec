-- testany.nvim for luarocks and rocks.nvim (issue 18): `:Rocks install testany.nvim`, or
-- `luarocks --lua-version=5.1 make` in editors/nvim. The modules under lua/ are found by
-- the builtin build; plugin/, lsp/ and doc/ are copied as rocks.nvim expects.
rockspec_format = '3.0'
package = 'testany.nvim'
version = 'scm-1'

source = {
  url = 'git+https://github.com/testany/testany-editor',
  -- The plugin is a folder of the repository (the checkout is named after it).
  dir = 'testany-editor/editors/nvim',
}

description = {
  summary = 'Testany results in Neovim: lenses, diagnostics, failure logs, quickfix',
  detailed = [[
A thin client of the `testany lsp` language server: a code lens per test case, error
diagnostics on the failed case and the failing line, the fetched failure log in a split,
recent failures in the quickfix list, pipeline health in a float, :checkhealth testany.
Needs the `testany` binary (Mason, release archives, or cargo install testany-cli).]],
  homepage = 'https://github.com/testany/testany-editor',
  license = 'MIT OR Apache-2.0',
  labels = { 'neovim', 'lsp', 'testing' },
}

dependencies = {
  'lua >= 5.1',
}

test_dependencies = {}

build = {
  type = 'builtin',
  copy_directories = { 'doc', 'lsp', 'plugin' },
}
