require "capistrano/rbenv"
require "capistrano/bundler"
require "capistrano/rails"
