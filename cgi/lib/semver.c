/* semver.c: Semantic Versioning 2.0.0 versions, precedence and ranges */
#include <string.h>

#include "market.h"

#define RANGE_MAX	256	/* bytes of a range */
#define CMP_MAX		32	/* comparators a range may expand to */

/* A version whose pre-release is a slice of some other text. */
struct ver {
	uint64_t	 v[3];
	const char	*pre;		/* NULL: none */
	size_t		 prelen;
};

enum op { OP_EQ, OP_GE, OP_GT, OP_LE, OP_LT, OP_NONE };

struct cmp {
	enum op		 op;
	struct ver	 ver;
	bool		 named_pre;	/* pre given by the range */
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-';
}

/*
 * A numeric identifier at *sp: "0" or digits without a leading zero,
 * fitting uint64.  Advances *sp past it.
 */
static bool
parse_num(const char **sp, uint64_t *out)
{
	const char	*s = *sp;
	uint64_t	 n = 0;

	if (!is_digit(*s))
		return false;
	if (s[0] == '0' && is_digit(s[1]))
		return false;
	for (; is_digit(*s); s++)
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (uint64_t)(*s - '0'), &n))
			return false;
	*sp = s;
	*out = n;
	return true;
}

/*
 * Dot-separated non-empty identifiers at *sp up to the first byte that
 * is neither an identifier character nor a dot.  Pre-release numeric
 * identifiers (all digits) must have no leading zero and fit uint64;
 * build identifiers may be any run of identifier characters.
 */
static bool
parse_idents(const char **sp, bool pre)
{
	const char	*s = *sp, *id;
	uint64_t	 n;

	for (;;) {
		id = s;
		while (is_ident(*s))
			s++;
		if (s == id)
			return false;
		if (pre) {
			const char *p = id;

			while (p < s && is_digit(*p))
				p++;
			if (p == s && !(parse_num(&id, &n) && id == s))
				return false;
		}
		if (*s != '.')
			break;
		s++;
	}
	*sp = s;
	return true;
}

/*
 * A full version "M.m.p[-pre][+build]" at the start of s; *endp is set
 * past it (trailing text is the caller's business).
 */
static bool
parse_ver(const char *s, struct ver *v, const char **build,
    size_t *buildlen, const char **endp)
{
	const char	*p;
	int		 i;

	for (i = 0; i < 3; i++) {
		if (i > 0 && *s++ != '.')
			return false;
		if (!parse_num(&s, &v->v[i]))
			return false;
	}
	v->pre = NULL;
	v->prelen = 0;
	if (*s == '-') {
		p = ++s;
		if (!parse_idents(&s, true))
			return false;
		v->pre = p;
		v->prelen = (size_t)(s - p);
	}
	*build = NULL;
	*buildlen = 0;
	if (*s == '+') {
		p = ++s;
		if (!parse_idents(&s, false))
			return false;
		*build = p;
		*buildlen = (size_t)(s - p);
	}
	*endp = s;
	return true;
}

enum mkt_err
mkt_semver_parse(struct mkt_arena *a, const char *s, struct mkt_semver *out)
{
	struct ver	 v;
	const char	*build, *end;
	size_t		 buildlen;

	if (s == NULL || !parse_ver(s, &v, &build, &buildlen, &end) ||
	    *end != '\0')
		return MKT_EINVAL;
	out->major = v.v[0];
	out->minor = v.v[1];
	out->patch = v.v[2];
	out->pre = v.pre == NULL ? NULL :
	    mkt_arena_strndup(a, v.pre, v.prelen);
	out->build = build == NULL ? NULL :
	    mkt_arena_strndup(a, build, buildlen);
	return MKT_OK;
}

/* Compares two identifiers of a pre-release (semver.org item 11.4). */
static int
ident_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	bool	 anum = true, bnum = true;
	size_t	 i;
	int	 c;

	for (i = 0; i < an; i++)
		anum = anum && is_digit(a[i]);
	for (i = 0; i < bn; i++)
		bnum = bnum && is_digit(b[i]);
	if (anum && bnum) {
		/* No leading zeros: the longer number is the larger. */
		if (an != bn)
			return an < bn ? -1 : 1;
		return memcmp(a, b, an);
	}
	if (anum != bnum)
		return anum ? -1 : 1;
	c = memcmp(a, b, an < bn ? an : bn);
	if (c != 0)
		return c;
	return an == bn ? 0 : an < bn ? -1 : 1;
}

static int
ver_cmp(const struct ver *a, const struct ver *b)
{
	const char	*p, *q, *pe, *qe, *pn, *qn;
	int		 i, c;

	for (i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	if (a->pre == NULL || b->pre == NULL)
		return a->pre == b->pre ? 0 : a->pre == NULL ? 1 : -1;
	p = a->pre;
	pe = p + a->prelen;
	q = b->pre;
	qe = q + b->prelen;
	for (;;) {
		if (p >= pe || q >= qe)
			return p >= pe && q >= qe ? 0 : p >= pe ? -1 : 1;
		if ((pn = memchr(p, '.', (size_t)(pe - p))) == NULL)
			pn = pe;
		if ((qn = memchr(q, '.', (size_t)(qe - q))) == NULL)
			qn = qe;
		c = ident_cmp(p, (size_t)(pn - p), q, (size_t)(qn - q));
		if (c != 0)
			return c < 0 ? -1 : 1;
		p = pn + 1;
		q = qn + 1;
	}
}

static void
ver_from(struct ver *v, const struct mkt_semver *s)
{
	v->v[0] = s->major;
	v->v[1] = s->minor;
	v->v[2] = s->patch;
	v->pre = s->pre;
	v->prelen = s->pre == NULL ? 0 : strlen(s->pre);
}

int
mkt_semver_cmp(const struct mkt_semver *a, const struct mkt_semver *b)
{
	struct ver	 va, vb;

	ver_from(&va, a);
	ver_from(&vb, b);
	return ver_cmp(&va, &vb);
}

bool
mkt_semver_breaking_allowed(const struct mkt_semver *old,
    const struct mkt_semver *newer)
{
	if (newer->major != old->major)
		return newer->major > old->major;
	return old->major == 0 && newer->minor > old->minor;
}

/* ---- ranges ---- */

/*
 * A partial version of a range term: "1", "1.2", "1.x", "1.2.*",
 * "1.2.3-beta.1".  nparts counts the numbers before the first wildcard
 * or the end (0 for "*"); a pre-release needs all three.  Build metadata
 * is accepted and ignored.
 */
struct partial {
	struct ver	 ver;
	int		 nparts;
};

static bool
is_wild(char c)
{
	return c == 'x' || c == 'X' || c == '*';
}

static bool
parse_partial(const char *s, const char *end, struct partial *p)
{
	const char	*q;
	bool		 wild = false;
	int		 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 3 && s < end; i++) {
		if (i > 0 && *s++ != '.')
			return false;
		if (s < end && is_wild(*s)) {
			wild = true;
			s++;
		} else if (wild || !parse_num(&s, &p->ver.v[i]))
			return false;	/* no number after a wildcard */
		else
			p->nparts = i + 1;
	}
	/* Terms end at blanks, which no identifier holds: scans stop there. */
	if (s < end && *s == '-') {
		q = ++s;
		if (p->nparts != 3 || !parse_idents(&s, true))
			return false;
		p->ver.pre = q;
		p->ver.prelen = (size_t)(s - q);
	}
	if (s < end && *s == '+') {
		s++;
		if (p->nparts != 3 || !parse_idents(&s, false))
			return false;
	}
	return s == end;
}

/* Sets v to the first version past the partial's last given part:
 * 1.2 -> 1.3.0-0, 1 -> 2.0.0-0.  False on overflow (no such version). */
static bool
bump(const struct ver *in, int part, struct ver *v)
{
	static const char	 zero[] = "0";
	int			 i;

	*v = *in;
	if (__builtin_add_overflow(v->v[part], 1, &v->v[part]))
		return false;
	for (i = part + 1; i < 3; i++)
		v->v[i] = 0;
	v->pre = zero;		/* the lowest version of that release */
	v->prelen = 1;
	return true;
}

static bool
add(struct cmp *c, size_t *n, enum op op, const struct ver *v, bool named)
{
	if (*n >= CMP_MAX)
		return false;
	c[*n].op = op;
	c[*n].ver = *v;
	c[*n].named_pre = named && v->pre != NULL;
	(*n)++;
	return true;
}

/* The lower bound >= partial with wildcards as zeros. */
static bool
add_floor(struct cmp *c, size_t *n, const struct partial *p)
{
	return add(c, n, OP_GE, &p->ver, true);
}

/* The upper bound < bump(part); nothing when it would overflow. */
static bool
add_ceiling(struct cmp *c, size_t *n, const struct partial *p, int part)
{
	struct ver	 v;

	if (!bump(&p->ver, part, &v))
		return true;
	return add(c, n, OP_LT, &v, false);
}

static bool
add_never(struct cmp *c, size_t *n)
{
	struct ver	 v;

	memset(&v, 0, sizeof(v));
	return add(c, n, OP_NONE, &v, false);
}

/*
 * One term of a range, expanded into comparators as npm does:
 * ^1.2.3 := >=1.2.3 <2.0.0-0, ^0.2.3 := >=0.2.3 <0.3.0-0,
 * ~1.2.3 := >=1.2.3 <1.3.0-0, 1.2.x := >=1.2.0 <1.3.0-0, >1.2 := >=1.3.0.
 */
static bool
parse_term(const char *s, const char *end, struct cmp *c, size_t *n)
{
	struct partial	 p;
	struct ver	 v;
	enum op		 op;
	char		 kind = 0;
	int		 part;

	if (*s == '^' || *s == '~') {
		kind = *s++;
		op = OP_EQ;
	} else if (s + 1 < end && s[0] == '>' && s[1] == '=') {
		op = OP_GE;
		s += 2;
	} else if (s + 1 < end && s[0] == '<' && s[1] == '=') {
		op = OP_LE;
		s += 2;
	} else if (*s == '>') {
		op = OP_GT;
		s++;
	} else if (*s == '<') {
		op = OP_LT;
		s++;
	} else {
		if (*s == '=')
			s++;
		op = OP_EQ;
	}
	if (s == end || !parse_partial(s, end, &p))
		return false;

	if (kind == '^') {
		if (p.nparts == 0)
			return true;
		/* The first non-zero part given may not change. */
		part = p.ver.v[0] != 0 || p.nparts == 1 ? 0 :
		    p.ver.v[1] != 0 || p.nparts == 2 ? 1 : 2;
		return add_floor(c, n, &p) && add_ceiling(c, n, &p, part);
	}
	if (kind == '~') {
		if (p.nparts == 0)
			return true;
		return add_floor(c, n, &p) &&
		    add_ceiling(c, n, &p, p.nparts == 1 ? 0 : 1);
	}
	if (p.nparts == 3)
		return add(c, n, op, &p.ver, true);

	/* A partial version: wildcards stand for any value. */
	switch (op) {
	case OP_EQ:
		if (p.nparts == 0)
			return true;
		return add_floor(c, n, &p) &&
		    add_ceiling(c, n, &p, p.nparts - 1);
	case OP_GE:
		return p.nparts == 0 ? true : add_floor(c, n, &p);
	case OP_LT:
		if (p.nparts == 0)
			return add_never(c, n);
		/* Below the lowest of them: <1.2 := <1.2.0-0. */
		v = p.ver;
		v.pre = "0";
		v.prelen = 1;
		return add(c, n, OP_LT, &v, false);
	case OP_GT:
		if (p.nparts == 0 || !bump(&p.ver, p.nparts - 1, &v))
			return add_never(c, n);
		v.pre = NULL;
		v.prelen = 0;
		return add(c, n, OP_GE, &v, false);
	case OP_LE:
		return p.nparts == 0 ? true :
		    add_ceiling(c, n, &p, p.nparts - 1);
	default:
		return false;
	}
}

/* Expands a whole range into c[0..*n); false for anything malformed. */
static bool
parse_range(const char *r, struct cmp *c, size_t *n)
{
	const char	*s, *e;
	size_t		 len, terms = 0;

	*n = 0;
	if (r == NULL || (len = strlen(r)) == 0 || len > RANGE_MAX)
		return false;
	for (s = r; *s != '\0'; s = e) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			continue;
		if (!parse_term(s, e, c, n))
			return false;
		terms++;
	}
	return terms > 0;
}

bool
mkt_semver_range_ok(const char *range)
{
	struct cmp	 c[CMP_MAX];
	size_t		 n;

	return parse_range(range, c, &n);
}

bool
mkt_semver_satisfies(const char *range, const struct mkt_semver *sv)
{
	struct cmp	 c[CMP_MAX];
	struct ver	 v;
	size_t		 i, n;
	bool		 pre_ok;
	int		 d;

	if (sv == NULL || !parse_range(range, c, &n))
		return false;
	ver_from(&v, sv);
	for (i = 0; i < n; i++) {
		d = ver_cmp(&v, &c[i].ver);
		switch (c[i].op) {
		case OP_EQ: if (d != 0) return false; break;
		case OP_GE: if (d < 0) return false; break;
		case OP_GT: if (d <= 0) return false; break;
		case OP_LE: if (d > 0) return false; break;
		case OP_LT: if (d >= 0) return false; break;
		case OP_NONE: return false;
		}
	}
	if (v.pre == NULL)
		return true;

	/* A pre-release only where the range names its release. */
	pre_ok = false;
	for (i = 0; i < n && !pre_ok; i++)
		pre_ok = c[i].named_pre && c[i].ver.v[0] == v.v[0] &&
		    c[i].ver.v[1] == v.v[1] && c[i].ver.v[2] == v.v[2];
	return pre_ok;
}
