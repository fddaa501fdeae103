/* ctl.h: the operator tool's commands */
#ifndef CTL_H
#define CTL_H

#include <libpq-fe.h>

#include "market.h"

struct ctl {
	PGconn		*pg;
	struct mkt_config *cfg;
	const char	*sql_dir;
	bool		 quiet;
};

int	 ctl_migrate(struct ctl *, int argc, char **argv);
int	 ctl_import(struct ctl *, int argc, char **argv);
int	 ctl_create_admin(struct ctl *, int argc, char **argv);
int	 ctl_create_user(struct ctl *, int argc, char **argv);
int	 ctl_partitions(struct ctl *, int argc, char **argv);
int	 ctl_audit_verify(struct ctl *, int argc, char **argv);
int	 ctl_outbox(struct ctl *, int argc, char **argv);
int	 ctl_search_refresh(struct ctl *, int argc, char **argv);
int	 ctl_gateway_sweep(struct ctl *, int argc, char **argv);
int	 ctl_audit_checkpoint(struct ctl *, int argc, char **argv);
int	 ctl_checkpoint_check(struct ctl *, const char *file,
	    const char *keyfile);

/* Runs a parameterised statement; prints the error and returns NULL on
 * failure.  The caller PQclear()s a non-NULL result. */
PGresult *ctl_exec(struct ctl *, const char *sql, int n,
	    const char *const *params);
bool	 ctl_command(struct ctl *, const char *sql);
bool	 ctl_audit(struct ctl *, const char *action, const char *resource_type,
	    const char *resource_id, const char *details);
void	 ctl_progress(struct ctl *, const char *fmt, ...) MKT_PRINTF(2, 3);

#endif
