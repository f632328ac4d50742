/* mutate.c - AFL++'s mutations, the light deterministic part and havoc.
 * A table of deterministic stages, each a step count for a length and
 * the mutation of one step. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "inject/mutate.h"
#include "util/util.h"

static const int8_t int8s[] = { -128, -1, 0, 1, 16, 32, 64, 100, 127 };
static const int16_t int16s[] = { -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767 };
static const int32_t int32s[] = { -2147483648LL, -100663046, -32769, 32768, 65535, 65536,
				  100663045, 2147483647 };
#define ARITH_MAX 16

static void flip_bits(uint8_t *b, long bit, int n)
{
	for (int i = 0; i < n; i++)
		b[(bit + i) >> 3] ^= 128 >> ((bit + i) & 7);
}

static long n_flip1(size_t l) { return 8 * (long)l; }
static long n_flip2(size_t l) { return 8 * (long)l - 1; }
static long n_flip4(size_t l) { return 8 * (long)l - 3; }
static long n_flip8(size_t l) { return (long)l; }
static long n_flip16(size_t l) { return (long)l - 1; }
static long n_flip32(size_t l) { return (long)l - 3; }
static long n_arith8(size_t l) { return (long)l * 2 * ARITH_MAX; }
static long n_int8(size_t l) { return (long)l * (long)ARRAY_SIZE(int8s); }
/* Both byte orders. */
static long n_int16(size_t l) { return ((long)l - 1) * 2 * (long)ARRAY_SIZE(int16s); }
static long n_int32(size_t l) { return ((long)l - 3) * 2 * (long)ARRAY_SIZE(int32s); }

static void put(uint8_t *b, long at, uint32_t v, int bytes, int swap)
{
	for (int i = 0; i < bytes; i++)
		b[at + i] = (uint8_t)(v >> (8 * (swap ? bytes - 1 - i : i)));
}

static void m_flip1(uint8_t *b, long k) { flip_bits(b, k, 1); }
static void m_flip2(uint8_t *b, long k) { flip_bits(b, k, 2); }
static void m_flip4(uint8_t *b, long k) { flip_bits(b, k, 4); }
static void m_flip8(uint8_t *b, long k) { b[k] ^= 0xff; }
static void m_flip16(uint8_t *b, long k) { b[k] ^= 0xff; b[k + 1] ^= 0xff; }
static void m_flip32(uint8_t *b, long k) { for (int i = 0; i < 4; i++) b[k + i] ^= 0xff; }
static void m_arith8(uint8_t *b, long k)
{
	long at = k / (2 * ARITH_MAX), d = k % (2 * ARITH_MAX);

	b[at] += d < ARITH_MAX ? (uint8_t)(d + 1) : (uint8_t)-(d - ARITH_MAX + 1);
}
static void m_int8(uint8_t *b, long k)
{
	b[k / (long)ARRAY_SIZE(int8s)] = (uint8_t)int8s[k % (long)ARRAY_SIZE(int8s)];
}
static void m_int16(uint8_t *b, long k)
{
	long n = ARRAY_SIZE(int16s), at = k / (2 * n), v = k % (2 * n);

	put(b, at, (uint16_t)int16s[v % n], 2, v >= n);
}
static void m_int32(uint8_t *b, long k)
{
	long n = ARRAY_SIZE(int32s), at = k / (2 * n), v = k % (2 * n);

	put(b, at, (uint32_t)int32s[v % n], 4, v >= n);
}

static const struct det_stage {
	const char *name;
	long (*count)(size_t len);
	void (*apply)(uint8_t *b, long k);
} stages[] = {
	{ "flip1", n_flip1, m_flip1 },
	{ "flip2", n_flip2, m_flip2 },
	{ "flip4", n_flip4, m_flip4 },
	{ "flip8", n_flip8, m_flip8 },
	{ "flip16", n_flip16, m_flip16 },
	{ "flip32", n_flip32, m_flip32 },
	{ "arith8", n_arith8, m_arith8 },
	{ "int8", n_int8, m_int8 },
	{ "int16", n_int16, m_int16 },
	{ "int32", n_int32, m_int32 },
};

int mutate_det(const uint8_t *in, size_t len, long step, uint8_t *out, const char **stage)
{
	if (len == 0 || len > MUTATE_DET_MAX || step < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		long n = stages[i].count(len);

		if (n < 0)
			n = 0;
		if (step < n) {
			memcpy(out, in, len);
			stages[i].apply(out, step);
			*stage = stages[i].name;
			return 1;
		}
		step -= n;
	}
	return 0;
}

size_t mutate_extras(const uint8_t *in, size_t len, const struct mutate_dict *d, long *step,
		     uint8_t *out, const char **stage)
{
	long n = d ? d->n : 0, over = (long)len * n, ins = ((long)len + 1) * n;

	for (long k = *step; k >= 0 && k < over + ins; k++) {
		const struct mutate_token *t = &d->tok[k % n];
		size_t at = (size_t)((k < over ? k : k - over) / n);

		if (k < over) {
			if (at + t->len > len || memcmp(in + at, t->data, t->len) == 0)
				continue;
			memcpy(out, in, len);
			memcpy(out + at, t->data, t->len);
			*stage = "ext_UO";
			*step = k + 1;
			return len;
		}
		memcpy(out, in, at);
		memcpy(out + at, t->data, t->len);
		memcpy(out + at + t->len, in + at, len - at);
		*stage = "ext_UI";
		*step = k + 1;
		return len + t->len;
	}
	*step = over + ins;
	return 0;
}

uint64_t mutate_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(uint64_t *rng, size_t n)
{
	return n ? (size_t)(mutate_rand(rng) % n) : 0;
}

/* A block length AFL-style: mostly small. */
static size_t block_len(uint64_t *rng, size_t limit)
{
	size_t max = below(rng, 4) ? 32 : 1024;

	if (max > limit)
		max = limit;
	return max ? 1 + below(rng, max) : 0;
}

/* A token written over a random place it fits, or inserted at one. */
static size_t havoc_token(uint8_t *b, size_t len, size_t cap, const struct mutate_dict *d,
			  bool insert, uint64_t *rng)
{
	const struct mutate_token *t = &d->tok[below(rng, (size_t)d->n)];
	size_t at;

	if (!insert) {
		if (t->len > len)
			return len;
		memcpy(b + below(rng, len - t->len + 1), t->data, t->len);
		return len;
	}
	if (t->len > cap - len)
		return len;
	at = below(rng, len + 1);
	memmove(b + at + t->len, b + at, len - at);
	memcpy(b + at, t->data, t->len);
	return len + t->len;
}

/* One havoc operation; returns the new length. The dictionary's two
 * cases are drawn only when there is one, so a campaign without --dict
 * makes the same runs as before it existed. */
static size_t havoc_one(uint8_t *b, size_t len, size_t cap, const struct mutate_dict *d,
			uint64_t *rng)
{
	size_t at = below(rng, len), n, from;

	switch (below(rng, d && d->n ? 14 : 12)) {
	case 0: flip_bits(b, (long)below(rng, len * 8), 1); break;
	case 1: b[at] = (uint8_t)int8s[below(rng, ARRAY_SIZE(int8s))]; break;
	case 2:
		if (len >= 2)
			put(b, (long)below(rng, len - 1), (uint16_t)int16s[below(rng, ARRAY_SIZE(int16s))],
			    2, (int)below(rng, 2));
		break;
	case 3:
		if (len >= 4)
			put(b, (long)below(rng, len - 3), (uint32_t)int32s[below(rng, ARRAY_SIZE(int32s))],
			    4, (int)below(rng, 2));
		break;
	case 4: b[at] -= (uint8_t)(1 + below(rng, 35)); break;
	case 5: b[at] += (uint8_t)(1 + below(rng, 35)); break;
	case 6: b[at] ^= (uint8_t)(1 + below(rng, 255)); break;
	case 7:
	case 8:	/* delete a block: more often, as AFL, to keep inputs small */
		if (len < 2)
			break;
		n = block_len(rng, len - 1);
		at = below(rng, len - n + 1);
		if (n >= len || at + n > len)	/* cannot happen; tells the compiler */
			break;
		memmove(b + at, b + at + n, len - at - n);
		len -= n;
		break;
	case 9:	/* clone a block, or insert a constant one */
		n = block_len(rng, len < cap - len ? len : cap - len);
		if (!n)
			break;
		from = below(rng, len - n + 1);
		at = below(rng, len + 1);
		if (at > len || n > cap - len)	/* cannot happen; tells the compiler */
			break;
		memmove(b + at + n, b + at, len - at);
		if (below(rng, 4))
			memmove(b + at, b + (from < at ? from : from + n), n);
		else
			memset(b + at, (int)(below(rng, 2) ? mutate_rand(rng) : b[below(rng, len)]), n);
		len += n;
		break;
	case 10:	/* overwrite a block with another part of the input */
		if (len < 2)
			break;
		n = block_len(rng, len - 1);
		from = below(rng, len - n + 1);
		at = below(rng, len - n + 1);
		memmove(b + at, b + from, n);
		break;
	case 12: return havoc_token(b, len, cap, d, false, rng);
	case 13: return havoc_token(b, len, cap, d, true, rng);
	default: b[at] = (uint8_t)mutate_rand(rng); break;
	}
	return len;
}

size_t mutate_havoc(uint8_t *buf, size_t len, size_t cap, const struct mutate_dict *d,
		    uint64_t *rng)
{
	int stack = 1 << (1 + below(rng, 7));

	if (len == 0) {
		buf[0] = (uint8_t)mutate_rand(rng);
		len = 1;
	}
	for (int i = 0; i < stack; i++)
		len = havoc_one(buf, len, cap, d, rng);
	return len;
}

size_t mutate_splice(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out,
		     uint64_t *rng)
{
	size_t first = 0, last = 0, min = alen < blen ? alen : blen, cut;

	if (min < 2)
		return 0;
	while (first < min && a[first] == b[first])
		first++;
	for (size_t i = first; i < min; i++)
		if (a[i] != b[i])
			last = i;
	if (first >= min || last <= first)
		return 0;
	cut = first + below(rng, last - first);
	if (blen > MUTATE_MAX_LEN)
		blen = MUTATE_MAX_LEN;
	memcpy(out, a, cut);
	memcpy(out + cut, b + cut, blen - cut);
	return blen;
}
