# SPDX-License-Identifier: GPL-3.0-or-later
server "127.0.0.1", user: "deploy", roles: %w[app web db worker]
