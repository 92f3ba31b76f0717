# SPDX-License-Identifier: GPL-3.0-or-later
# No plugins: Capistrano and its git strategy only.
