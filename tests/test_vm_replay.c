/*
 * test_vm_replay.c: the trace index's memory replay (viz/trace_index_vm*.c)
 * against the kernel's own counts. Scenarios run in this process with a
 * sink that feeds the index record by record; then, at every instant that
 * has a "frames" record, the frames the replay finds in use and shared
 * must be the last such record's, and at the end the kernel's own
 * vm.used and vm.shared (what the statistics print).
 *
 * The one idea: the kernel is the oracle. The scenarios cover every way a
 * frame changes hands - zero fill, copy-on-write copy and reuse, fork,
 * out-of-line data taken, duplicated by the network, lost, held by a port
 * that dies, delivered and mapped, freed, a process killed for want of a
 * frame - and a run stopped while messages still hold frames; with
 * several nodes, each with its memory, processes that migrate (their pages
 * move to the new node's frames) and out-of-line data delivered on
 * another node (copied into its frames); LRPC bindings, whose A-stacks'
 * frames the kernel gives at the bind, without a fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ix_fixture.h"
#include "trace_index.h"
#include "vmsys.h"

/* At the end of the run, every frame of every node's memory has as many
 * references in the replay (page table entries and messages in flight) as
 * in the kernel. */
static void refs_match(const struct trace_index *ix, struct machine *m)
{
	struct ti_frame_use *use = calloc((size_t)ix->vm.maxframe + 1, sizeof *use);

	assert_non_null(use);
	trace_index_vm_at(ix, ix->end_ns, use);
	assert_true(ix->vm.maxframe <= vmsys_frames_total(m));
	for (uint32_t node = 0; node <= m->vm_nnodes; node++) {
		const struct vm *v = vmsys_vm(m, node);
		for (uint32_t k = 1; k <= v->nmade; k++) {
			uint32_t f = v->base + k;
			uint32_t refs = f <= ix->vm.maxframe ? use[f].maps + use[f].held : 0;
			if (refs != v->fr[k - 1].refs)
				fail_msg("frame %u at the end: %u references in the replay, %u in the "
					 "kernel", f, refs, v->fr[k - 1].refs);
		}
	}
	free(use);
}

/* Run the scenario at path (relative to the source tree; source: its text
 * instead) with the overrides sets, until until_ns; check the replay at
 * every frames record and at the end. Returns the number of instants
 * checked. */
static size_t check_run(const char *path, const char *source, const char *const *sets,
			size_t nsets, uint64_t until_ns)
{
	struct ix_run r;
	uint32_t used, shared;
	size_t checked = 0;

	ix_run(&r, path, source, sets, nsets, until_ns);
	for (size_t i = 0; i < r.ix->vm.ncounts; i++) {
		const struct ti_vmcount *c = &r.ix->vm.counts[i];
		if (i + 1 < r.ix->vm.ncounts && c[1].ns == c->ns)
			continue;                  /* the last record of its instant */
		assert_int_equal(trace_index_vm_counts(r.ix, c->ns, &used, &shared), 0);
		if (used != c->used || shared != c->shared)
			fail_msg("%s at %llu ns: the replay finds %u frames used, %u shared; the "
				 "trace says %u, %u", path, (unsigned long long)c->ns, used, shared,
				 c->used, c->shared);
		checked++;
	}
	assert_int_equal(trace_index_vm_counts(r.ix, r.ix->end_ns, &used, &shared), 0);
	assert_int_equal(used, vmsys_used_total(&r.m));
	assert_int_equal(shared, vmsys_shared_total(&r.m));
	refs_match(r.ix, &r.m);
	ix_run_free(&r);
	return checked;
}

static void test_cow_fork(void **state)
{
	static const char *const all[] = { "touch=all" };

	(void)state;
	assert_true(check_run("scenarios/cow-fork.lua", NULL, NULL, 0, UINT64_MAX) >= 70);
	assert_true(check_run("scenarios/cow-fork.lua", NULL, all, 1, UINT64_MAX) >= 200);
	/* stopped while the children share the parent's frames */
	assert_true(check_run("scenarios/cow-fork.lua", NULL, NULL, 0, 80000) >= 65);
}

/* A child that finds no free frame for its copy is killed. */
static void test_out_of_frames(void **state)
{
	static const char *const sets[] = { "touch=all", "frames=100" };

	(void)state;
	assert_true(check_run("scenarios/cow-fork.lua", NULL, sets, 2, UINT64_MAX) >= 64);
}

static void test_ool_messages(void **state)
{
	static const char *const all[] = { "touch=all", "max_kib=64" };

	(void)state;
	assert_true(check_run("scenarios/ool-messages.lua", NULL, NULL, 0, UINT64_MAX) >= 20);
	assert_true(check_run("scenarios/ool-messages.lua", NULL, all, 2, UINT64_MAX) >= 20);
}

/* Out-of-line data through a network that duplicates and loses messages,
 * to a server that crashes with messages queued and one that stops
 * receiving; the run ends with messages still holding frames. */
static const char faulty[] =
	"machine { cpus = 1, frames = 64 }\n"
	"fault { name = \"sink\", duplicate = 0.4, drop = 0.2 }\n"
	"fault { at = \"3ms\", crash = \"sink\" }\n"
	"process { name = \"sink\", daemon = true, main = function()\n"
	"  local p = port({ qlimit = 8 })\n"
	"  register(\"sink\", p)\n"
	"  while true do\n"
	"    local m = recv(p)\n"
	"    if m.ool then mem.write(m.ool.addr, \"x\") end\n"
	"    sleep(\"400us\")\n"
	"  end\n"
	"end }\n"
	"process { name = \"late\", daemon = true, main = function()\n"
	"  local p = port({ qlimit = 8 })\n"
	"  register(\"late\", p)\n"
	"  sleep(\"1s\")\n"
	"end }\n"
	"process { name = \"client\", start = \"1ms\", main = function()\n"
	"  local s, l = assert(lookup(\"sink\")), assert(lookup(\"late\"))\n"
	"  local ps = mem.page_size()\n"
	"  local a = mem.alloc(4 * ps)\n"
	"  mem.write(a, string.rep(\"c\", 4 * ps))\n"
	"  for i = 1, 12 do\n"
	"    send(s, { i = i }, { ool = { addr = a + 100, len = 2 * ps }, timeout = \"1ms\" })\n"
	"    send(l, { i = i }, { ool = { addr = a, len = ps } })\n"
	"    mem.write(a + ps * (i % 4), \"w\")\n"
	"    sleep(\"200us\")\n"
	"  end\n"
	"end }\n";

static void test_faults(void **state)
{
	(void)state;
	assert_true(check_run("faulty.lua", faulty, NULL, 0, UINT64_MAX) >= 10);
	/* stopped at times when copies, lost and queued messages hold frames */
	for (uint64_t until = 1300000; until < 4000000; until += 300000)
		assert_true(check_run("faulty.lua", faulty, NULL, 0, until) >= 2);
}

/* Processes that migrate with strong mobility (their pages move to the new
 * node's frames) and with weak (a new process), stopped before, during and
 * after the moves; on-demand's pages stay in the old node's frames until
 * each is pulled, stopped while some are on their way and some never asked
 * for. */
static void test_migration(void **state)
{
	static const char *const few[] = { "pages=8", "iterations=40", "at=20ms" };
	struct ix_run r;
	size_t moves = 0, instants = 0;
	uint64_t last = UINT64_MAX;

	(void)state;
	assert_true(check_run("scenarios/migration.lua", NULL, few, 3, UINT64_MAX) >= 30);
	ix_run(&r, "scenarios/migration.lua", NULL, few, 3, UINT64_MAX);
	assert_int_equal(r.ix->vm.nmems, 5);               /* nodes A to E, 4096 frames each */
	assert_int_equal(r.ix->vm.mems[4].first, 4 * 4096 + 1);
	for (size_t i = 0; i < r.ix->vm.nevs; i++) {
		const struct ti_vmev *e = &r.ix->vm.evs[i];
		if (e->kind != TI_VMEV_MOVE || e->other != TI_MOVE_MIGRATE)
			continue;
		moves++;
		instants += e->ns != last;
		last = e->ns;
	}
	assert_int_equal(moves, 3 * 8);                    /* three strong moves of 8 pages */
	/* stop-and-copy's and pre-copy's pages move when the process starts on
	 * the target, on-demand's one by one, each when it arrives */
	assert_int_equal(instants, 2 + 8);
	ix_run_free(&r);
	for (uint64_t until = 19000000; until < 27000000; until += 500000)
		assert_true(check_run("scenarios/migration.lua", NULL, few, 3, until) >= 16);
	for (uint64_t until = 45000000; until < 62000000; until += 1300000)
		assert_true(check_run("scenarios/migration.lua", NULL, few, 3, until) >= 27);
	/* on demand: a region freed before it was pulled, pages pulled for
	 * out-of-line data and a fork; a page lost for want of a frame, and a
	 * process that dies with pages still on the old node */
	assert_true(check_run("tests/api/migrate_ondemand.lua", NULL, NULL, 0, UINT64_MAX) >= 4);
	for (uint64_t until = 30000000; until < 60000000; until += 3000000)
		assert_true(check_run("tests/api/migrate_ondemand.lua", NULL, NULL, 0, until) >= 1);
	assert_true(check_run("tests/api/migrate_ondemand_full.lua", NULL, NULL, 0, UINT64_MAX) >= 4);
}

/* Out-of-line data taken on node A, delivered on node B: copied into B's
 * frames; a server on A gets it without a copy. */
static const char across[] =
	"machine { cpus = 2, frames = 32 }\n"
	"node { \"B\", cpus = 1, frames = 16 }\n"
	"link { \"A\", \"B\", latency = \"100us\" }\n"
	"for _, n in ipairs { \"A\", \"B\" } do\n"
	"  process { name = \"sink.\" .. n, node = n, daemon = true, main = function()\n"
	"    local p = port()\n"
	"    register(\"sink.\" .. n, p)\n"
	"    while true do\n"
	"      local m = recv(p)\n"
	"      if m.ool then mem.write(m.ool.addr, \"x\") end\n"
	"    end\n"
	"  end }\n"
	"end\n"
	"process { name = \"client\", start = \"1ms\", main = function()\n"
	"  local a, b = assert(lookup(\"sink.A\")), assert(lookup(\"sink.B\"))\n"
	"  local ps = mem.page_size()\n"
	"  local buf = mem.alloc(3 * ps)\n"
	"  mem.write(buf, string.rep(\"c\", 3 * ps))\n"
	"  for i = 1, 3 do\n"
	"    send(b, { i = i }, { ool = { addr = buf, len = 2 * ps } })\n"
	"    send(a, { i = i }, { ool = { addr = buf + ps, len = 2 * ps } })\n"
	"    sleep(\"1ms\")\n"
	"  end\n"
	"end }\n";

static void test_ool_across_nodes(void **state)
{
	struct ix_run r;
	size_t moves = 0;

	(void)state;
	assert_true(check_run("across.lua", across, NULL, 0, UINT64_MAX) >= 6);
	ix_run(&r, "across.lua", across, NULL, 0, UINT64_MAX);
	for (size_t i = 0; i < r.ix->vm.nevs; i++)
		if (r.ix->vm.evs[i].kind == TI_VMEV_MOVE) {
			assert_int_equal(r.ix->vm.evs[i].other, TI_MOVE_OOL);
			assert_true(r.ix->vm.evs[i].frame > 32);   /* into B's memory */
			assert_true(r.ix->vm.evs[i].from <= 32);
			moves++;
		}
	assert_int_equal(moves, 6);                        /* 3 messages of 2 pages */
	ix_run_free(&r);
}

/* LRPC bindings: their A-stacks' frames are given at the bind, shared by
 * client and server (page_frame records, no fault). tests/api/astack.lua:
 * a client that forks (its child's copy keeps them shared) ends before its
 * child; a second binding; the server crashes with both bound. Then the
 * lessons' runs, and bindings that migration makes global references,
 * rebinds and revokes. */
static void test_lrpc(void **state)
{
	static const char *const one[] = { "calls=1" };
	/* every part of the migration tests: bindings made global references,
	 * rebound, revoked, while calls are in progress */
	static const char *const client_parts[] = { "part=move", "part=inflight", "part=waiters",
						    "part=server", "part=weak" };
	static const char *const server_parts[] = {
		"part=move", "part=inflight", "part=follow", "part=weak", "part=crash",
		"part=precopy", "part=ondemand", "part=waiters", "part=stopcrash", "part=loss",
	};
	struct ix_run r;
	size_t given = 0;

	(void)state;
	assert_true(check_run("tests/api/astack.lua", NULL, NULL, 0, UINT64_MAX) >= 7);
	for (uint64_t until = 1500000; until < 7500000; until += 1000000)
		assert_true(check_run("tests/api/astack.lua", NULL, NULL, 0, until) >= 2);
	ix_run(&r, "tests/api/astack.lua", NULL, NULL, 0, UINT64_MAX);
	for (size_t i = 0; i < r.ix->vm.nsteps; i++)
		given += r.ix->vm.steps[i].cause == TI_VM_LRPC;
	assert_int_equal(given, 2 * 2 * 4);                /* two bindings of 4 pages, both sides */
	ix_run_free(&r);
	assert_true(check_run("scenarios/lrpc-paper.lua", NULL, one, 1, UINT64_MAX) >= 2);
	assert_true(check_run("scenarios/lrpc-vs-rpc.lua", NULL, NULL, 0, UINT64_MAX) >= 2);
	for (size_t i = 0; i < sizeof client_parts / sizeof client_parts[0]; i++)
		assert_true(check_run("tests/api/migrate_lrpc.lua", NULL, &client_parts[i], 1,
				      UINT64_MAX) >= 2);
	for (size_t i = 0; i < sizeof server_parts / sizeof server_parts[0]; i++)
		assert_true(check_run("tests/api/migrate_lrpc_server.lua", NULL, &server_parts[i], 1,
				      UINT64_MAX) >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow_fork),
		cmocka_unit_test(test_out_of_frames),
		cmocka_unit_test(test_ool_messages),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_ool_across_nodes),
		cmocka_unit_test(test_lrpc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
