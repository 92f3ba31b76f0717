# SPDX-License-Identifier: GPL-3.0-or-later
set :repo_url, "git@github.com:org/app.git"
set :rbenv_type, :system
set :rbenv_ruby, "3.2.2"
