# SPDX-License-Identifier: GPL-3.0-or-later
set :rbenv_type, :system
set :rbenv_ruby, "3.2.2"
set :conditionally_migrate, true
set :keep_assets, 2
set :normalize_asset_timestamps, %w[public/images public/javascripts public/stylesheets]
set :bundle_env_variables, { nokogiri_use_system_libraries: 1 }
