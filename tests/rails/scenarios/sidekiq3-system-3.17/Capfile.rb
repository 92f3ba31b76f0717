# SPDX-License-Identifier: GPL-3.0-or-later
require "capistrano/bundler"
require "capistrano/rails"
require "capistrano/sidekiq"
install_plugin Capistrano::Sidekiq
install_plugin Capistrano::Sidekiq::Systemd
