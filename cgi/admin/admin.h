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

/* audit_log.c: the audit trail for auditors and administrators */
extern const struct mkt_param audit_params[];
int	audit_page(struct mkt_req *);
int	audit_verify_page(struct mkt_req *);

/* users.c: accounts and organisations, for administrators */
extern const struct mkt_param users_params[];
extern const struct mkt_param user_create_params[];
extern const struct mkt_param user_update_params[];
int	users_page(struct mkt_req *);
int	user_create(struct mkt_req *);
int	user_update(struct mkt_req *);
int	user_erase(struct mkt_req *);

/* orgs.c: organisations, for administrators */
extern const struct mkt_param org_params[];
int	orgs_page(struct mkt_req *);
int	org_create(struct mkt_req *);
int	org_rename(struct mkt_req *);
extern const struct mkt_param org_merge_params[];
int	org_delete(struct mkt_req *);
int	org_merge(struct mkt_req *);
int	org_budget(struct mkt_req *);

/* approvals.c: the approval queue of the publishing pipeline */
extern const struct mkt_param approval_params[];
int	approvals_page(struct mkt_req *);
int	approval_decide(struct mkt_req *);

/* policies.c: the policy rules of the publishing pipeline */
extern const struct mkt_param policy_params[];
int	policies_page(struct mkt_req *);
int	policy_put(struct mkt_req *);

/* reviews.c: moderation of the services' reviews */
extern const struct mkt_param reviews_params[];
int	reviews_page(struct mkt_req *);
int	review_hide(struct mkt_req *);
int	review_unhide(struct mkt_req *);

#endif
