# SPDX-License-Identifier: GPL-3.0-or-later
require "stringio"

# What an admin does once by hand (or `cap production config:upload`):
# the linked files must exist before deploy:check:linked_files.
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
