/*
 * test_advance.c: unit tests for running the kernel in steps (machine_begin,
 * machine_advance: what the live viewer does) and for the in-memory record
 * buffer the live viewer draws from (viz/recbuf.c).
 *
 * The one idea: pausing changes nothing. A ping-pong with timeouts, sleeps
 * and preemption, run in steps of one instant or up to arbitrary times,
 * gives the very records and end state of the same run in one go; and the
 * index built from the buffer is the index the file reader builds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "name/name.h"
#include "recbuf.h"
#include "trace_index.h"
#include "uk.h"

#define ROUNDS 40

/* The server: answer ROUNDS calls, computing a little for each. */
static void server(struct thread *self, void *arg)
{
	int32_t p;

	(void)arg;
	if (uk_port(self, UINT64_MAX, &p) != UK_OK || h_register(self, "echo", p) != UK_OK)
		return;
	for (int i = 0; i < ROUNDS; i++) {
		int err;
		struct msg *m = uk_recv(self, p, UK_FOREVER, &err);
		if (!m)
			return;
		uk_compute(self, 30 * H_US + (uint64_t)i * H_US);
		uk_reply(self, m->reply_name, h_msg(h_val(m) + 1));
		msg_free(m);
	}
}

/* The client: call, sleep, call again; and a hog that competes for the CPU. */
static void client(struct thread *self, void *arg)
{
	int32_t s;

	(void)arg;
	while (h_lookup(self, "echo", &s) != UK_OK)
		uk_sleep(self, 10 * H_US);
	for (int i = 0; i < ROUNDS; i++) {
		int err;
		struct msg *r = uk_call(self, s, h_msg(i), UK_FOREVER, &err);
		msg_free(r);
		uk_sleep(self, (uint64_t)(i % 3) * 7 * H_US);
	}
}

static void hog(struct thread *self, void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++)
		uk_compute(self, 250 * H_US);
}

/* The workload on m, its records going to rb. */
static void build(struct machine *m, struct viz_recbuf *rb)
{
	struct trace_sink sink = viz_recbuf_sink(rb);

	assert_int_equal(h_machine(m, 2, "rr", 100 * H_US, 4), 0);
	assert_int_equal(machine_add_sink(m, &sink), 0);
	assert_non_null(ns_install(m));
	assert_non_null(h_proc(m, "server", 0, server, NULL));
	assert_non_null(h_proc(m, "client", 5 * H_US, client, NULL));
	assert_non_null(h_proc(m, "hog", 0, hog, NULL));
	assert_non_null(h_proc(m, "hog2", 20 * H_US, hog, NULL));
}

/* Two indexes describe the same run: same entities, intervals and messages. */
static void same_index(const struct trace_index *a, const struct trace_index *b)
{
	assert_int_equal(a->nrecords, b->nrecords);
	assert_int_equal(a->end_ns, b->end_ns);
	assert_int_equal(a->nthreads, b->nthreads);
	assert_int_equal(a->nmsgs, b->nmsgs);
	assert_int_equal(a->nivs, b->nivs);
	assert_int_equal(a->nruns, b->nruns);
	for (size_t i = 0; i < a->nivs; i++) {           /* field by field: structs have padding */
		assert_int_equal(a->ivs[i].t0, b->ivs[i].t0);
		assert_int_equal(a->ivs[i].t1, b->ivs[i].t1);
		assert_int_equal(a->ivs[i].port, b->ivs[i].port);
		assert_int_equal(a->ivs[i].state, b->ivs[i].state);
		assert_int_equal(a->ivs[i].reason, b->ivs[i].reason);
	}
	for (size_t i = 0; i < a->nruns; i++) {
		assert_int_equal(a->runs[i].t0, b->runs[i].t0);
		assert_int_equal(a->runs[i].t1, b->runs[i].t1);
		assert_int_equal(a->runs[i].thread, b->runs[i].thread);
	}
	for (size_t i = 0; i < a->nmsgs; i++) {
		assert_int_equal(a->msgs[i].send_ns, b->msgs[i].send_ns);
		assert_int_equal(a->msgs[i].end_ns, b->msgs[i].end_ns);
		assert_int_equal(a->msgs[i].flow, b->msgs[i].flow);
	}
}

static void check_stepped(struct machine *stepped, int mode)
{
	struct machine whole;
	struct viz_recbuf *ra = viz_recbuf_new(), *rb = viz_recbuf_new();
	struct trace_index *ia, *ib;
	uint64_t until = 0, calls = 0;
	enum outcome out;

	assert_non_null(ra);
	assert_non_null(rb);
	memset(&whole, 0, sizeof whole);
	build(&whole, ra);
	assert_int_equal(machine_run(&whole), OUT_COMPLETED);

	build(stepped, rb);
	machine_begin(stepped);
	do {
		if (mode == 0) {
			out = machine_advance(stepped, UINT64_MAX, 1);   /* one instant */
		} else {
			until += 37 * H_US;                             /* a time, whatever happens */
			out = machine_advance(stepped, until, mode == 1 ? UINT64_MAX : 3);
			if (out == OUT_RUNNING && mode == 1)
				assert_true(stepped->now <= until);
		}
		calls++;
	} while (out == OUT_RUNNING && calls < 1000000);
	assert_int_equal(out, OUT_COMPLETED);
	assert_true(calls > 50);                               /* it did pause, often */
	assert_int_equal(machine_advance(stepped, UINT64_MAX, UINT64_MAX), OUT_COMPLETED);
	assert_int_equal(stepped->now, whole.now);
	assert_int_equal(stepped->events, whole.events);
	for (uint32_t i = 0; i < whole.nthreads; i++) {
		assert_int_equal(stepped->threads[i]->cpu_ns, whole.threads[i]->cpu_ns);
		assert_int_equal(stepped->threads[i]->wait_ns, whole.threads[i]->wait_ns);
		assert_int_equal(stepped->threads[i]->finish, whole.threads[i]->finish);
	}
	assert_int_equal(viz_recbuf_count(ra), viz_recbuf_count(rb));
	assert_false(viz_recbuf_failed(rb));
	ia = viz_recbuf_index(ra, whole.now);
	ib = viz_recbuf_index(rb, stepped->now);
	assert_non_null(ia);
	assert_non_null(ib);
	same_index(ia, ib);
	trace_index_free(ia);
	trace_index_free(ib);
	machine_free(&whole);
	viz_recbuf_free(ra);
	viz_recbuf_free(rb);
}

static void test_step_instants(void **state)
{
	check_stepped(*state, 0);
}

static void test_step_times(void **state)
{
	check_stepped(*state, 1);
}

static void test_step_times_and_budget(void **state)
{
	check_stepped(*state, 2);
}

/* A partial index: the run so far, its open intervals closed at the time
 * reached; and the header goes through. */
static void test_partial_index(void **state)
{
	struct machine *m = *state;
	struct viz_recbuf *rb = viz_recbuf_new();
	struct trace_index *ix;

	assert_non_null(rb);
	build(m, rb);
	assert_int_equal(viz_recbuf_header(rb, "scenario", "stepped.lua"), 0);
	machine_begin(m);
	assert_int_equal(machine_advance(m, 500 * H_US, UINT64_MAX), OUT_RUNNING);
	assert_true(m->now <= 500 * H_US);
	ix = viz_recbuf_index(rb, 500 * H_US);
	assert_non_null(ix);
	assert_int_equal(ix->end_ns, 500 * H_US);
	assert_int_equal(ix->nprocs, 5);                       /* the name server too */
	assert_string_equal(trace_index_header(ix, "scenario"), "stepped.lua");
	for (size_t t = 0; t < ix->nthreads; t++) {
		const struct ti_thread *th = &ix->threads[t];
		if (th->iv_count)
			assert_true(ix->ivs[th->iv_first + th->iv_count - 1].t1 <= 500 * H_US);
	}
	trace_index_free(ix);
	assert_int_equal(machine_advance(m, UINT64_MAX, UINT64_MAX), OUT_COMPLETED);
	ix = viz_recbuf_index(rb, 0);                          /* at least the last record */
	assert_non_null(ix);
	assert_int_equal(ix->end_ns, m->now);
	trace_index_free(ix);
	viz_recbuf_free(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_step_instants),
		H_TEST(test_step_times),
		H_TEST(test_step_times_and_budget),
		H_TEST(test_partial_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
