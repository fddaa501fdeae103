/* admin.h: handlers of the admin program */
#ifndef ADMIN_H
#define ADMIN_H

extern const struct mkt_param login_params[];

int	login_page(struct mkt_req *);
int	login_submit(struct mkt_req *);
int	logout_submit(struct mkt_req *);
int	account_page(struct mkt_req *);
int	session_revoke(struct mkt_req *);
int	account_export(struct mkt_req *);

#endif
