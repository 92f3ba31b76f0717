# SPDX-License-Identifier: GPL-3.0-or-later
set :rbenv_ruby, "3.2.2"
set :passenger_restart_with_sudo, true
set :bundle_binstubs, -> { shared_path.join("bin") }
