/*
 * The names of the fault reasons (enum pgw_fault_reason): one table that
 * every view, the monitor's JSON and the shell print, so that the same
 * fault reads the same everywhere.
 */
#include "pgwalk.h"

const char *pgw_fault_reason_name(int reason)
{
	switch (reason) {
	case PGW_FAULT_NOT_PRESENT: return "not present";
	case PGW_FAULT_RESERVED: return "reserved bits";
	case PGW_FAULT_NONCANONICAL: return "non-canonical address";
	case PGW_FAULT_BAD_TABLE: return "table outside memory";
	case PGW_FAULT_ACCESS: return "access denied";
	case PGW_FAULT_LOOP: return "walk budget exceeded";
	case PGW_FAULT_NO_SLB: return "no SLB entry for the segment";
	case PGW_FAULT_BAD_SLB: return "reserved SLB encoding";
	case PGW_FAULT_NO_HPTE: return "no matching HPTE";
	case PGW_FAULT_NOT_DUMPED: return "table not in the dump";
	case PGW_FAULT_NO_ROOT: return "root unknown";
	case PGW_FAULT_ADDR_SIZE: return "address size";
	case PGW_FAULT_ACCESS_FLAG: return "access flag";
	case PGW_FAULT_BAD_PRTE: return "process-table entry unusable";
	default: return "unknown";
	}
}
