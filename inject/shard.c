/* shard.c - which sites this shard fails (--shard=K/N).
 *
 * A campaign split over N machines (a CI matrix, a Kubernetes Indexed
 * Job) gives each the same build and the same plan; each fails only the
 * sites whose key hashes to its index, so every site is failed in exactly
 * one shard and the shards' reports merge without overlap (fzsandbox
 * merge). The hash is FNV-1a over the site key: the same on every machine
 * and for every build of fzsandbox, unlike a seeded hash.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "inject/inject_int.h"

int inject_set_shard(struct inject *inj, unsigned k, unsigned n)
{
	if (n == 0 || k >= n)
		return -EINVAL;
	inj->shard_k = k;
	inj->shard_n = n;
	return 0;
}

unsigned inject_shard_of(const char *key, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return n ? (unsigned)(h % n) : 0;
}

bool inj_in_shard(const struct inject *inj, const char *key)
{
	return inj->shard_n <= 1 || inject_shard_of(key, inj->shard_n) == inj->shard_k;
}
