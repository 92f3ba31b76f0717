set :rbenv_ruby, "3.2.2"
set :puma_workers, 2
