# No plugins: Capistrano and its git strategy only.
