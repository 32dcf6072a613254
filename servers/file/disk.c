/*
 * disk.c - a FIFO disk as arithmetic: each request starts when the one
 * before it completes (or when it arrives, if the disk is idle), so its
 * completion time follows from the previous one alone.
 *
 * The one idea: the only state needed for the times is when the disk will
 * next be free; the completion times of the requests still at the disk are
 * kept only to count the queue a new request finds. Since completions come
 * in submission order, those times are sorted and the finished ones are
 * always at the front of the ring.
 *
 * Entry points: disk_init, disk_free, disk_service_ns, disk_submit,
 * disk_queue.
 */
#include "file/disk.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* ceil(n * ps / 1000) without a 128-bit product. With ps = 1000q + r and
 * n = 1000u + v: n * ps / 1000 = n*q + u*r + v*r/1000, where only the last
 * term has a fraction and v*r < 10^6 cannot overflow. */
static uint64_t transfer_ns(uint64_t n, uint64_t ps)
{
	uint64_t q = ps / 1000, r = ps % 1000;
	uint64_t u = n / 1000, v = n % 1000;

	return sat_add(sat_add(sat_mul(n, q), sat_mul(u, r)), (v * r + 999) / 1000);
}

void disk_init(struct disk *d, uint64_t access_ns, uint64_t ps_per_byte)
{
	memset(d, 0, sizeof *d);
	d->access_ns = access_ns;
	d->ps_per_byte = ps_per_byte;
}

void disk_free(struct disk *d)
{
	free(d->done);
	disk_init(d, d->access_ns, d->ps_per_byte);
}

uint64_t disk_service_ns(const struct disk *d, uint64_t n)
{
	return sat_add(d->access_ns, transfer_ns(n, d->ps_per_byte));
}

/* Drop the requests complete at now_ns from the front of the ring. */
static void retire(struct disk *d, uint64_t now_ns)
{
	while (d->len > 0 && d->done[d->head] <= now_ns) {
		d->head = (d->head + 1) % d->cap;
		d->len--;
	}
}

/* Room for one more completion time, unrolling the ring into a doubled
 * array so its order survives. */
static int ring_reserve(struct disk *d)
{
	size_t cap = d->cap ? d->cap * 2 : 16;
	uint64_t *v;

	if (d->len < d->cap)
		return 0;
	if (cap > SIZE_MAX / sizeof *v || !(v = malloc(cap * sizeof *v)))
		return -1;
	for (size_t i = 0; i < d->len; i++)
		v[i] = d->done[(d->head + i) % d->cap];
	free(d->done);
	d->done = v;
	d->head = 0;
	d->cap = cap;
	return 0;
}

int disk_submit(struct disk *d, uint64_t now_ns, uint64_t n, uint64_t *done_ns)
{
	uint64_t start, done;

	assert(now_ns >= d->last_ns && "disk_submit: time went backwards");
	retire(d, now_ns);
	if (ring_reserve(d) != 0)
		return -1;
	start = now_ns > d->free_ns ? now_ns : d->free_ns;
	done = sat_add(start, disk_service_ns(d, n));
	d->done[(d->head + d->len++) % d->cap] = done;
	d->free_ns = done;
	d->last_ns = now_ns;
	d->st.requests++;
	d->st.bytes = sat_add(d->st.bytes, n);
	d->st.busy_ns = sat_add(d->st.busy_ns, done - start);
	d->st.wait_ns = sat_add(d->st.wait_ns, start - now_ns);
	if (d->len > d->st.max_queue)
		d->st.max_queue = d->len;
	*done_ns = done;
	return 0;
}

uint64_t disk_queue(const struct disk *d, uint64_t now_ns)
{
	uint64_t q = 0;

	/* From the back: the sorted times end with the ones still pending. */
	for (size_t i = d->len; i > 0 && d->done[(d->head + i - 1) % d->cap] > now_ns; i--)
		q++;
	return q;
}
