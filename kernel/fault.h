/*
 * fault.h - injected message faults: a network that loses and duplicates
 * messages, so that the RPC semantics have something to cope with.
 *
 * A rule applies to the messages sent to the ports registered under a
 * service name, and to the replies their owner sends back - or, without a
 * name, to every message. Each message it applies to is lost with
 * probability drop, else delivered twice with probability duplicate. The
 * draws come from a random stream of their own, seeded from the run's seed,
 * so that declaring a fault does not change what other random choices (a
 * lottery) see, and a run stays reproducible.
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
	char name[UK_NAME_MAX + 1];  /* service name; "" for every message */
	double drop, duplicate;       /* probabilities, 0 to 1 */
};

enum fault_fate { FATE_DELIVER, FATE_DROP, FATE_DUPLICATE };

/* Add a rule (the loader's fault { }). 0, or -1 when memory runs out. */
int fault_add(struct machine *m, const struct fault_rule *r);

/* What happens to msg, sent by process from to port to. */
enum fault_fate fault_fate(struct machine *m, const struct proc *from, const struct port *to,
			   const struct msg *msg);

#endif
