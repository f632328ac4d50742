/* mutate.h - AFL++-style input mutation for the fuzz loop (sched_fuzz.c):
 * the deterministic stages, one mutation per step, and havoc's stacked
 * random ones. Pure functions of their arguments and the generator. */
#ifndef FZ_MUTATE_H
#define FZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* Inputs longer than this get havoc only (the deterministic stages grow
 * with the length: "light", as AFL++'s -d skips them). */
#define MUTATE_DET_MAX 64
/* Havoc may grow an input up to this. */
#define MUTATE_MAX_LEN 65536

/* The step-th deterministic mutation of in[0..len) into out (room for
 * len bytes): 1 and *stage named ("flip1", "arith8", "int16"...), or 0
 * when step is past the last one. */
int mutate_det(const uint8_t *in, size_t len, long step, uint8_t *out, const char **stage);

/* A dictionary (--dict, AFL++'s -x): tokens of 1 to MUTATE_TOKEN_MAX
 * bytes, shortest first. */
#define MUTATE_TOKEN_MAX 128
struct mutate_token {
	size_t len;
	uint8_t data[MUTATE_TOKEN_MAX];
};
struct mutate_dict {
	const struct mutate_token *tok;
	int n;
};

/* AFL's "user extras" deterministic stages, after mutate_det's: every
 * token written over every position it fits ("ext_UO"), then inserted
 * at every position ("ext_UI"). *step is the first step to try: steps
 * that would change nothing (the bytes are the token already, it does
 * not fit) are skipped, as AFL skips them, and *step is left past the
 * one made. Returns the new length into out (room for len +
 * MUTATE_TOKEN_MAX), 0 when past the last step. */
size_t mutate_extras(const uint8_t *in, size_t len, const struct mutate_dict *d, long *step,
		     uint8_t *out, const char **stage);

/* A seeded generator (splitmix64). */
uint64_t mutate_rand(uint64_t *state);

/* Havoc: 2 to 128 random mutations stacked on buf[0..len) (room for cap
 * bytes): bit flips, interesting values, arithmetic, random bytes, block
 * delete, insert, clone and overwrite; with a dictionary (d non-NULL and
 * not empty) also a token written over or inserted at a random place.
 * Returns the new length (>= 1). */
size_t mutate_havoc(uint8_t *buf, size_t len, size_t cap, const struct mutate_dict *d,
		    uint64_t *rng);

/* Splicing: a's head up to a random point where a and b differ, then
 * b's tail, into out (room for MUTATE_MAX_LEN). 0 when they cannot be
 * spliced (too short, no difference). */
size_t mutate_splice(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out,
		     uint64_t *rng);

#endif
