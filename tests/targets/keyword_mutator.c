/* keyword_mutator.c - a custom mutator in AFL++'s ABI for --custom-mutator's
 * test (fuzz_custom.sh): it writes fuzz_keyword's keyword "XYZZY=7" at a
 * random place of the input, which random mutation does not find
 * (2^-56 a try). post_process makes every input end in a newline, which
 * the test sees in the kept inputs. Its seed is afl_custom_init's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct state {
	uint64_t rng;
	uint8_t buf[1 << 16];
	uint8_t post[1 << 16];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
unsigned int afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size);
size_t afl_custom_post_process(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct state *s = calloc(1, sizeof(*s));

	(void)afl;
	if (s)
		s->rng = seed * 6364136223846793005ULL + 1;
	return s;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	struct state *s = data;
	size_t at, len = buf_size < sizeof(s->buf) - 8 ? buf_size : sizeof(s->buf) - 8;

	(void)add_buf;
	(void)add_buf_size;
	(void)max_size;
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	at = len ? (size_t)(s->rng >> 33) % len : 0;
	memcpy(s->buf, buf, len);
	/* One run in 4 gets the keyword: the others are plain copies. */
	if (((s->rng >> 20) & 3) == 0) {
		memmove(s->buf + at + 7, s->buf + at, len - at);
		memcpy(s->buf + at, "XYZZY=7", 7);
		len += 7;
	}
	*out_buf = s->buf;
	return len;
}

unsigned int afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size)
{
	(void)data;
	(void)buf;
	(void)buf_size;
	return 32;
}

size_t afl_custom_post_process(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf)
{
	struct state *s = data;

	if (buf_size && buf[buf_size - 1] == '\n') {
		*out_buf = buf;
		return buf_size;
	}
	if (buf_size >= sizeof(s->post))
		buf_size = sizeof(s->post) - 1;
	memcpy(s->post, buf, buf_size);
	s->post[buf_size] = '\n';
	*out_buf = s->post;
	return buf_size + 1;
}

void afl_custom_deinit(void *data)
{
	free(data);
}
