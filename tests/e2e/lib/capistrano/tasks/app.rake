# SPDX-License-Identifier: GPL-3.0-or-later
require "stringio"

namespace :config do
  desc "Upload linked files that are missing"
  task :upload do
    on roles(:app) do
      fetch(:linked_files).each do |f|
        path = "#{shared_path}/#{f}"
        execute :mkdir, "-p", File.dirname(path)
        upload! StringIO.new("# #{f}\n"), path unless test("[ -f #{path} ]")
      end
    end
  end
end
before "deploy:check:linked_files", "config:upload"

namespace :workers do
  desc "Signal the worker (USR2) and touch tmp/restart.txt"
  task :restart do
    on roles(:app) do
      pid = "#{shared_path}/tmp/pids/unicorn.pid"
      execute :kill, "-USR2", "$(cat #{pid})" if test("[ -f #{pid} ]")
      within current_path do
        execute :touch, "tmp/restart.txt"
      end
    end
  end
end
after "deploy:publishing", "workers:restart"

desc "A task that sends a denied command"
task :evil do
  on roles(:app) do
    execute :bash, "-c", "id"
  end
end

# The harness proves that the git-ssh wrapper Capistrano uploads is never
# run: with PLANT_MARKER set, the wrapper is replaced by a script that
# leaves a marker if anything ever executes it.
if ENV["PLANT_MARKER"]
  task :plant_marker do
    on roles(:app) do
      upload! StringIO.new("#!/bin/sh\ntouch /tmp/git-ssh-ran\nexec ssh \"$@\"\n"),
        fetch(:git_wrapper_path)
    end
  end
  after "git:wrapper", "plant_marker"
end
