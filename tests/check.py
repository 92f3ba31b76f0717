# SPDX-License-Identifier: GPL-3.0-or-later
#
# check.py: check(cond, why...) for the tests' Python, in place of the
# assert statement, which python3 -O and PYTHONOPTIMIZE remove (with its
# condition): a failed check raises AssertionError, as a failed assert
# does, so the script exits non-zero with the reason.
__all__ = ["check"]


def check(cond, *why):
    if not cond:
        raise AssertionError(" ".join(str(w) for w in why)
                             if why else "check failed")
    return cond
