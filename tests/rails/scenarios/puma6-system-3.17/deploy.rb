# SPDX-License-Identifier: GPL-3.0-or-later
set :puma_systemctl_user, :system
set :puma_phased_restart, true
