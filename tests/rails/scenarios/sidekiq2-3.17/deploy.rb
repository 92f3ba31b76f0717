set :rbenv_type, :system
set :rbenv_ruby, "3.2.2"
