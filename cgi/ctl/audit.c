/* audit.c: marketctl audit-verify, the audit chain recomputed from the
 * raw columns (by the core, audit_verify.c) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "extern.h"

/*
 * audit-verify: walks the whole log in seq order, in one read-only
 * snapshot, then compares the end with the chain head; with
 * --checkpoint, also checks the log against a signed checkpoint taken
 * earlier (audit-checkpoint), which the chain head alone cannot prove.
 * Exit 0: intact; 1: broken (the first bad seq is printed) or an error.
 */
int
ctl_audit_verify(struct ctl *c, int argc, char **argv)
{
	struct mkt_audit_report	 rep;
	const char		*checkpoint = NULL, *pubkey = NULL;
	double			 s;
	int			 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc)
			checkpoint = argv[++i];
		else if (strcmp(argv[i], "--public-key") == 0 && i + 1 < argc)
			pubkey = argv[++i];
		else {
			fprintf(stderr, "usage: marketctl audit-verify "
			    "[--checkpoint FILE [--public-key FILE]]\n");
			return 2;
		}
	}
	if (mkt_audit_verify_conn(c->pg, &rep) != MKT_OK) {
		fprintf(stderr, "marketctl: %s\n", rep.reason);
		return 1;
	}
	s = rep.ms / 1000.0;
	if (!rep.ok) {
		fprintf(stderr, "marketctl: audit chain broken at seq %" PRId64
		    ": %s\n", rep.bad_seq, rep.reason);
		if (!c->quiet)
			printf("%" PRId64 " rows verified before seq %"
			    PRId64 " in %.2f s\n", rep.rows, rep.bad_seq, s);
		return 1;
	}
	if (!c->quiet)
		printf("audit chain intact: %" PRId64 " rows verified in "
		    "%.2f s (%.0f rows/s); head seq %" PRId64 " hash %s\n",
		    rep.rows, s, s > 0 ? (double)rep.rows / s : 0.0,
		    rep.head_seq, rep.head_hash);
	if (checkpoint != NULL)
		return ctl_checkpoint_check(c, checkpoint, pubkey);
	return 0;
}
