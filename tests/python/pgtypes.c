/*
 * Page-table entry types shaped like the Linux kernel's (x86_64, ppc64's
 * hash_pte, SLB shadow entries, partition- and process-table entries, and
 * an EPT typedef), with known values
 * in .data, so that GDB's `print` exercises the pgstub pretty-printers.
 */
typedef unsigned long pteval_t;
typedef unsigned long pmdval_t;
typedef unsigned long pudval_t;
typedef unsigned long p4dval_t;
typedef unsigned long pgdval_t;
typedef unsigned long long __be64;
typedef unsigned long long epte_t;

typedef struct { pteval_t pte; } pte_t;
typedef struct { pmdval_t pmd; } pmd_t;
typedef struct { pudval_t pud; } pud_t;
typedef struct { p4dval_t p4d; } p4d_t;
typedef struct { pgdval_t pgd; } pgd_t;

struct hash_pte {
	__be64 v;
	__be64 r;
};

/* ISA 3.0 partition- and process-table entries (book3s/64/mmu.h). */
struct patb_entry {
	__be64 patb0;
	__be64 patb1;
};
struct prtb_entry {
	__be64 prtb0;
	__be64 prtb1;
};

/* Kernel memory holds these big-endian (__be64). */
#define BE(x) __builtin_bswap64(x)

#define USED __attribute__((used))

USED pte_t pte_user = { 0x8000000001234067UL };
USED pte_t pte_none = { 0 };
USED const pte_t pte_const = { 0x0000000000abc025UL };
USED pmd_t pmd_2m = { 0x80000000002001e3UL };
USED pmd_t pmd_table = { 0x0000000000103067UL };
USED pud_t pud_1g = { 0x80000000c00000e3UL };
USED p4d_t p4d_table = { 0x0000000000102067UL };
USED pgd_t pgd_table = { 0x0000000000101067UL };
USED pte_t pte_array[3] = { { 0x25 }, { 0x1025 }, { 0 } };
USED struct hash_pte hpte_16m = { BE(0x4000000000001a15ULL),
				  BE(0x0000000001000192ULL) };
USED struct hash_pte hpte_invalid = { 0, 0 };
USED struct {
	__be64 esid;
	__be64 vsid;
} slb_save[2] = {
	{ BE(0xc000000008000000ULL), BE(0x0000408f7c5e6590ULL) },
	{ 0, 0 },
};
/* PATE: HR, 52-bit tree at 0x100000 (RPDS 13); GR, process table
 * 0x20000 of 4K.  PRTE: the same tree; then a PID with none. */
USED struct patb_entry pate_radix = { BE(0xc0000000001000adULL),
				      BE(0x8000000000020000ULL) };
USED struct prtb_entry prtb_two[2] = {
	{ BE(0x40000000001000adULL), 0 },
	{ 0, 0 },
};
USED epte_t ept_leaf = 0x0000000001234077ULL;
USED unsigned long plain_ulong = 0x8000000001234067UL;

int main(void)
{
	return 0;
}
