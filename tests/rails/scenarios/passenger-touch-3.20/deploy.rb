# SPDX-License-Identifier: GPL-3.0-or-later
set :rbenv_custom_path, "/opt/rbenv"
set :rbenv_ruby, "3.2.2"
set :passenger_restart_with_touch, true
set :default_env, { path: "/opt/ruby/bin:$PATH" }
