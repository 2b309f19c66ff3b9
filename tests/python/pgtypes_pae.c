/*
 * The i386 PAE kernel's page-table types: 8-byte entries where pte_t is a
 * union of two 32-bit halves and the whole value, as in Linux.
 */
typedef unsigned long long pteval_t;
typedef union {
	struct {
		unsigned int pte_low, pte_high;
	};
	pteval_t pte;
} pte_t;
typedef struct { unsigned long long pmd; } pmd_t;
typedef struct { unsigned long long pgd; } pgd_t;

#define USED __attribute__((used))

USED pte_t pae_pte = { .pte = 0x8000000000123063ULL };
USED pmd_t pae_pmd_2m = { 0x80000000006000e3ULL };
USED pgd_t pae_pdpte = { 0x0000000000102001ULL };
/* Bit 1 is reserved in a PDPTE, but is R/W in an IA-32e entry. */
USED pgd_t pae_pdpte_bad = { 0x0000000000102003ULL };
