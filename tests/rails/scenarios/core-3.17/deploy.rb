# SPDX-License-Identifier: GPL-3.0-or-later
# Nothing beyond the common deploy.rb.
