/* publish.h: mkt-publish, the provider side: registration, versions,
 * the pipeline and the registry's webhook */
#ifndef PUBLISH_H
#define PUBLISH_H

#include "market.h"

/*
 * What a provider submits, checked and normalised (input.c).  The form
 * and the JSON API fill the same structure; everything but the contract
 * text and the credential lives in 'doc', the JSON the policy rules see
 * (name, description, category, tags, capabilities, endpoint, pricing,
 * sla, compliance_level, certifications, data_residency,
 * data_retention_days, training_use, version, changelog, context_window,
 * max_output_tokens).
 */
struct pub_input {
	struct json_object	*doc;
	struct json_object	*sent;		/* as sent, for the form again
						   (never the credential) */
	const char		*contract;	/* OpenAPI text, JSON or YAML */
	size_t			 contract_len;
	const char		*credential;	/* endpoint secret, or NULL */
	struct json_object	*errors;	/* [{"name", "reason"}] */
};

enum pub_part {
	PUB_SERVICE = 1,	/* the service's own fields */
	PUB_VERSION = 2		/* version, contract, prices, changelog */
};

void	 pub_input_read(struct mkt_req *, unsigned parts, struct pub_input *);
const char *pub_str(struct json_object *, const char *key);

/*
 * The pipeline (pipeline.c).  Steps run in order and each adds its part
 * to 'report': "contract", "breaking", "policy", "policy_engine",
 * "tests", "approval".  The refusals (contract, breaking change, blocking
 * policy, engine saying no) change nothing; failed endpoint tests are
 * kept as a failed_validation version.
 */
enum pub_outcome {
	PUB_REFUSED,		/* 422: see report, nothing to write */
	PUB_UNAVAILABLE,	/* 503: the policy engine failed closed */
	PUB_FAILED,		/* write as failed_validation */
	PUB_PENDING,		/* write as pending_approval */
	PUB_ACTIVE		/* write as active */
};

struct pub_run {
	struct json_object	*report;
	struct json_object	*contract;	/* the parsed document */
	char			 sha256[65];	/* of its canonical JSON */
	const char		*canonical;	/* that JSON text */
	const char		*format;	/* "json" or "yaml" */
	struct json_object	*approval;	/* reasons, [] for none */
	const char		*refusal;	/* the first reason, for 422 */
	double			 ms;		/* excluding the provider's time */
	double			 provider_ms;
};

/* prev: the newest existing version's number and contract, or NULLs. */
enum pub_outcome pub_pipeline(struct mkt_req *, const struct pub_input *,
	    const char *prev_version, struct json_object *prev_contract,
	    int64_t provider_listed, struct pub_run *);
/* Only the endpoint tests again (for a failed_validation version). */
bool	 pub_endpoint_tests(struct mkt_req *, struct json_object *doc,
	    struct json_object *contract, const char *credential,
	    struct json_object *report, double *provider_ms);

/* store.c */
enum mkt_err pub_store_version(struct mkt_req *, const char *service_id,
	    const char *service_slug, const struct pub_input *,
	    const struct pub_run *, enum pub_outcome, bool first,
	    const char **version_id);

/* services.c: the pages and API, and what versions.c shares */
bool	 pub_may_change(const struct mkt_req *, const char *org_id);
int	 pub_refuse(struct mkt_req *, int status, const char *type,
	    const char *detail, const struct pub_input *,
	    struct json_object *report);
bool	 pub_seal(struct mkt_req *, const char *credential, char **sealed);
int	 pub_published(struct mkt_req *, const char *slug,
	    const char *version, enum pub_outcome, const struct pub_run *,
	    int status);
int	 pub_dashboard(struct mkt_req *);
int	 pub_new_form(struct mkt_req *);
int	 pub_create(struct mkt_req *);
int	 pub_service_page(struct mkt_req *);
int	 pub_version_create(struct mkt_req *);
int	 pub_version_status(struct mkt_req *);
int	 pub_version_retest(struct mkt_req *);
int	 pub_contract(struct mkt_req *);

/* webhook.c */
int	 pub_registry_webhook(struct mkt_req *);

#endif
