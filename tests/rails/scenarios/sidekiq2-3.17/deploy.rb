# SPDX-License-Identifier: GPL-3.0-or-later
set :rbenv_type, :system
set :rbenv_ruby, "3.2.2"
