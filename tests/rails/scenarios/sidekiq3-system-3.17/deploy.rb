# SPDX-License-Identifier: GPL-3.0-or-later
set :service_unit_user, :system
# 3.0.0 computes :systemctl_user from :service_unit_user before
# deploy.rb runs, and its unit path follows :sidekiq_systemctl_user,
# which it never sets: without these two the unit goes to
# ~/.config/systemd/user (by sudo mv into a directory never made).
set :systemctl_user, false
set :sidekiq_systemctl_user, :system
# (set :sidekiq_user, "sidekiq" fails in 3.0.0 itself: its switch_user
# calls `as` without `backend.`; puma5-as-3.20 captures SSHKit's as.)
