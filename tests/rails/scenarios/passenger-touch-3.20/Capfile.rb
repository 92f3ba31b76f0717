# SPDX-License-Identifier: GPL-3.0-or-later
require "capistrano/rbenv"
require "capistrano/bundler"
require "capistrano/rails"
require "capistrano/passenger"
