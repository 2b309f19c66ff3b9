/*
 * arm64 contexts: the public constructors of the VMSAv8-64 stage-1 (EL1&0)
 * and stage-2 regimes. Not implemented yet: both refuse every register set.
 */
#include "walker_priv.h"

int pgw_ctx_new_arm64(pgw_ctx **out, const struct pgw_arm64_regs *regs,
		      const struct pgw_mem_ops *mem, void *mem_payload,
		      char *err, size_t errlen)
{
	(void)regs;
	(void)mem;
	(void)mem_payload;
	if (out)
		*out = NULL;
	return pgw__fail(err, errlen, "arm64 translation is not implemented yet");
}

int pgw_ctx_new_arm64_s2(pgw_ctx **out, uint64_t vttbr, uint64_t vtcr,
			 uint64_t id_aa64mmfr0, const struct pgw_mem_ops *mem,
			 void *mem_payload, char *err, size_t errlen)
{
	(void)vttbr;
	(void)vtcr;
	(void)id_aa64mmfr0;
	(void)mem;
	(void)mem_payload;
	if (out)
		*out = NULL;
	return pgw__fail(err, errlen,
			 "arm64 stage 2 is not implemented yet");
}
