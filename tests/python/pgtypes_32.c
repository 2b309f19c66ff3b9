/*
 * The i386 kernel's page-table types in a separate unit: non-PAE (4-byte
 * entries, pmd_t folded into pgd_t) and PAE (pte_t a union of two 32-bit
 * halves and a 64-bit value), for the pgstub pretty-printers.
 */
typedef struct { unsigned int pgd; } pgd_t;
typedef struct { pgd_t pgd; } pmd_t;

#define USED __attribute__((used))

/* 4M page with PSE-36 bits, and a page-table pointer. */
USED pgd_t pgd32_4m = { 0x004021e3u };
USED pmd_t pmd32_table = { { 0x00603007u } };
