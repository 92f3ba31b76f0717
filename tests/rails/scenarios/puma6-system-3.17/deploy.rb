set :puma_systemctl_user, :system
set :puma_phased_restart, true
