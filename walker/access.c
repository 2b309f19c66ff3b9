/*
 * One access as the MMU would make it (pgw_access): the walk, the
 * architecture's permission rules, and why and how it faults. The verdict
 * is pgw_translate()'s with the access; this file only explains it.
 */
#include "walker_priv.h"

#include <string.h>

const char *pgw_deny_name(int deny)
{
	switch (deny) {
	case PGW_DENY_NONE: return "allowed";
	case PGW_DENY_USER: return "user access to a supervisor page";
	case PGW_DENY_READ: return "read of a page without read permission";
	case PGW_DENY_WRITE: return "write to a read-only page";
	case PGW_DENY_EXEC: return "instruction fetch from a no-execute page";
	case PGW_DENY_SMEP: return "supervisor fetch from a user page (SMEP)";
	case PGW_DENY_SMAP: return "supervisor data access to a user page "
				   "(SMAP, EFLAGS.AC clear)";
	case PGW_DENY_PKEY: return "protection key";
	case PGW_DENY_AD: return "accessed or dirty bit clear (Svade)";
	case PGW_DENY_SUPERVISOR: return "supervisor access to a user page "
					 "(a fetch, or SUM clear)";
	case PGW_DENY_NESTED: return "the nested stage's permissions";
	case PGW_DENY_OTHER: return "the architecture's access rules";
	}
	return "unknown";
}

/* The permission the leaf lacks, from the effective perms, for the
 * architectures without their own access_deny. */
static enum pgw_deny missing(const pgw_ctx *c, const struct pgw_result *r,
			     unsigned access)
{
	unsigned p = r->out_perms;

	if ((access & PGW_ACC_USER) && !(p & PGW_PERM_U))
		return PGW_DENY_USER;
	if ((access & PGW_ACC_EXEC) && !(p & PGW_PERM_X))
		return PGW_DENY_EXEC;
	if ((access & PGW_ACC_WRITE) && !(p & PGW_PERM_W))
		return PGW_DENY_WRITE;
	if ((access & PGW_ACC_READ) && !(p & PGW_PERM_R))
		return PGW_DENY_READ;
	if (c->arch->leaf_access_ok &&
	    !c->arch->leaf_access_ok(c, r->out_entry, access))
		return PGW_DENY_AD;
	return PGW_DENY_OTHER;
}

static enum pgw_deny deny_of(const pgw_ctx *c, const struct pgw_access *a,
			     unsigned access)
{
	const struct pgw_result *r = &a->out_result;
	enum pgw_deny d;

	if (a->out_fault.out_stage == PGW_STAGE_NESTED)
		return PGW_DENY_NESTED;
	if (!c->arch->access_deny)
		return missing(c, r, access);
	d = c->arch->access_deny(c, r->out_perms, r->out_pkey, access);
	if (d == PGW_DENY_NONE && c->arch->leaf_access_ok &&
	    !c->arch->leaf_access_ok(c, r->out_entry, access))
		d = PGW_DENY_AD;
	return d == PGW_DENY_NONE ? PGW_DENY_OTHER : d;
}

int pgw_access(pgw_ctx *c, uint64_t va, unsigned access,
	       struct pgw_access *out)
{
	const unsigned kinds = PGW_ACC_READ | PGW_ACC_WRITE | PGW_ACC_EXEC;
	struct pgw_fault view_fault;
	struct pgw_result r;
	int rc;

	if (!c || !out || out->version != PGW_ACCESS_VERSION ||
	    !(access & kinds) || (access & ~(kinds | PGW_ACC_USER)))
		return PGW_EINVAL;
	memset(out, 0, sizeof(*out));
	out->version = PGW_ACCESS_VERSION;
	out->out_fault.out_level = -1;
	out->out_mapped = pgw_translate(c, va, 0, &out->out_result,
					&view_fault, NULL) == 0;
	rc = pgw_translate(c, va, access, &r, &out->out_fault, NULL);
	out->out_rc = rc;
	if (rc == PGW_EACCES)
		out->out_deny = deny_of(c, out, access);
	if (c->arch->fault_code && rc < 0)
		out->out_code_valid = c->arch->fault_code(c, out, access,
							  &out->out_code);
	return rc;
}
