/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What PAM costs a session, and how much of it is /etc/pam.d/other:
 * Linux-PAM parses (and dlopens every module of) the "other" service
 * as well as the named one at pam_start, and pam_setcred runs the auth
 * stack, which pam/cagesh does not define, so "other"'s.  Each run is a
 * new process (modules are loaded once per process, as in cagesh):
 * pam_start, acct_mgmt, setcred, open_session, close_session, setcred,
 * end, as cagesh's privileged parent does them.  Run as root.
 *
 *	pam-cost [-v] USER [CONFDIR]
 *
 * Prints "START_MS REST_MS": pam_start, then everything after it.
 * With CONFDIR, pam_start_confdir() reads the services from there.
 * With -v, every call's time instead: "start acct setcred open close
 * delcred end" in milliseconds.
 */
#include <security/pam_appl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)msg;
	(void)data;
	if ((*resp = calloc((size_t)n, sizeof(**resp))) == NULL)
		return PAM_BUF_ERR;
	return PAM_SUCCESS;
}

static double
ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

int
main(int argc, char *argv[])
{
	struct pam_conv c = { conv, NULL };
	struct timespec t[8];
	pam_handle_t *h = NULL;
	int r, v = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		v = 1;
		argc--;
		argv++;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: pam-cost [-v] USER [CONFDIR]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t[0]);
	if (argc == 3)
		r = pam_start_confdir("cagesh", argv[1], &c, argv[2], &h);
	else
		r = pam_start("cagesh", argv[1], &c, &h);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pam_start: %s\n", pam_strerror(h, r));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t[1]);
	if ((r = pam_acct_mgmt(h, PAM_SILENT)) != PAM_SUCCESS) {
		fprintf(stderr, "pam_acct_mgmt: %s\n", pam_strerror(h, r));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t[2]);
	if ((r = pam_setcred(h, PAM_ESTABLISH_CRED)) != PAM_SUCCESS) {
		fprintf(stderr, "pam_setcred: %s\n", pam_strerror(h, r));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t[3]);
	if ((r = pam_open_session(h, PAM_SILENT)) != PAM_SUCCESS) {
		fprintf(stderr, "pam_open_session: %s\n", pam_strerror(h, r));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t[4]);
	pam_close_session(h, PAM_SILENT);
	clock_gettime(CLOCK_MONOTONIC, &t[5]);
	pam_setcred(h, PAM_DELETE_CRED | PAM_SILENT);
	clock_gettime(CLOCK_MONOTONIC, &t[6]);
	pam_end(h, PAM_SUCCESS);
	clock_gettime(CLOCK_MONOTONIC, &t[7]);
	if (v) {
		for (r = 0; r < 7; r++)
			printf("%s%.3f", r ? " " : "", ms(&t[r], &t[r + 1]));
		printf("\n");
	} else
		printf("%.3f %.3f\n", ms(&t[0], &t[1]), ms(&t[1], &t[7]));
	return 0;
}
