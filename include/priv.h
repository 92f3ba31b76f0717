/*
 * Privileges.  cagesh is installed setuid root; the modes that only
 * read a config for the caller (--check-config, --explain) give root up
 * for good before they open anything.
 */
#ifndef CAGESH_PRIV_H
#define CAGESH_PRIV_H

/*
 * Sets real, effective and saved ids to the caller's real ids and
 * checks that root cannot be regained.  Returns 0, or -1 with errno.
 */
int	priv_drop_caller(void);

#endif
