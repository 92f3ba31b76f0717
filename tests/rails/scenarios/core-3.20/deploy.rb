# Nothing beyond the common deploy.rb.
