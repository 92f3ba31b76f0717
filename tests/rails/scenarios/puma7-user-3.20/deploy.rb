# SPDX-License-Identifier: GPL-3.0-or-later
set :rbenv_custom_path, "/opt/rbenv"
set :rbenv_ruby, "3.2.2"
set :puma_enable_socket_service, true
