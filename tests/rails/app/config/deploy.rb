# SPDX-License-Identifier: GPL-3.0-or-later
# The deploy.rb of every corpus scenario: what a Rails app's deploy.rb
# usually says, then the scenario's own settings
# (scenarios/NAME/deploy.rb, copied to scenario/ by capture.sh).
lock "~> 3.17"

set :application, "app"
set :user, "deploy"	# puma's and sidekiq's enable-linger name it
set :repo_url, "/srv/repo.git"
set :deploy_to, "/var/www/app"
set :branch, "main"
set :keep_releases, 3
set :format, :pretty
set :log_level, :debug
append :linked_files, "config/database.yml", "config/master.key"
append :linked_dirs, "log", "tmp/pids", "tmp/cache", "tmp/sockets",
  "public/system", "vendor/bundle", "storage"

set :ssh_options, {
  keys: [ENV.fetch("KEY")],
  keys_only: true,
  auth_methods: %w[publickey],
  port: ENV.fetch("PORT").to_i,
  user_known_hosts_file: ENV.fetch("KNOWN"),
  verify_host_key: :never,
  forward_agent: true,
}

load File.expand_path("../scenario/deploy.rb", __dir__)
