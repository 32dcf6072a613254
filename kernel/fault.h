/*
 * fault.h - injected message faults: a network that loses, duplicates and
 * delays messages, so that the RPC semantics have something to cope with.
 *
 * A rule applies to a selection of messages: those sent to the ports
 * registered under a service name and the replies their owner sends back;
 * or every message to and from the ports of one program (a process and its
 * later incarnations); or, with neither, every message. Each message a rule
 * applies to is lost with probability drop, else delivered twice with
 * probability duplicate, and held in flight for delay plus a uniform draw
 * in [0, jitter]. The draws come from a random stream of their own, seeded
 * from the run's seed, so that declaring a fault does not change what other
 * random choices (a lottery) see, and a run stays reproducible.
 *
 * Crash faults (a process killed at a time, restarted later) are in crash.h.
 */
#ifndef UKERN_FAULT_H
#define UKERN_FAULT_H

#include <stdint.h>

#include "uk_limits.h"

struct msg;
struct port;
struct proc;
struct machine;

struct fault_rule {
	char name[UK_NAME_MAX + 1];  /* service name; "" for a process or every message */
	struct proc *proc;           /* process scope: the first incarnation of the program */
	double drop, duplicate;       /* probabilities, 0 to 1 */
	uint64_t delay_ns;            /* held in flight this long ... */
	uint64_t jitter_ns;           /* ... plus a uniform draw in [0, jitter_ns] */
};

enum fault_fate { FATE_DELIVER, FATE_DROP, FATE_DUPLICATE };

/* Add a rule (the loader's fault { }). 0, or -1 when memory runs out. */
int fault_add(struct machine *m, const struct fault_rule *r);

/*
 * What happens to msg, sent by process from to port to. The rules that
 * apply are taken in declaration order: a message lost by one is lost; the
 * first that duplicates it makes one copy; the delays of all add up, and
 * *delay_ns gets the sum (0: deliver now). A copy travels with its original
 * (the same delay).
 */
enum fault_fate fault_fate(struct machine *m, const struct proc *from, const struct port *to,
			   const struct msg *msg, uint64_t *delay_ns);

#endif
