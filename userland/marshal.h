/*
 * marshal.h - Lua values to message bytes and back, in a canonical,
 * big-endian encoding (doc/scenario-api.md, "Marshalling"):
 *
 *   value := tag payload
 *   0 nil | 1 false | 2 true
 *   3 integer: 8 bytes, two's complement, big-endian
 *   4 float:   8 bytes, IEEE 754 binary64, big-endian
 *   5 string:  4-byte length, bytes
 *   6 table:   4-byte count, then count pairs of key value, keys sorted
 *              (integers ascending, then strings bytewise, then booleans)
 *   7 port:    1 byte index into the message's rights
 *
 * Sorting the keys makes the bytes of equal tables equal, whatever Lua's
 * hash order. A message's size is the length of this encoding, which is
 * what the cost model charges.
 */
#ifndef UKERN_MARSHAL_H
#define UKERN_MARSHAL_H

#include <lua.h>
#include <stdint.h>

struct msg;

enum marshal_tag {
	MT_NIL, MT_FALSE, MT_TRUE, MT_INT, MT_FLOAT, MT_STRING, MT_TABLE, MT_PORT,
};

/* Encode the value at idx into a new message; port handles must belong to
 * process pid and become the message's rights. Raises a Lua error for a
 * value that cannot travel (function, coroutine, foreign userdata, too
 * deep or cyclic, too big). Returns the message, or NULL with *err set
 * (UK_ENORIGHT: a port handle of another process). */
struct msg *marshal_encode(lua_State *L, int idx, uint32_t pid, int *err);

/* Decode m's payload and push the value; ports become handles of process
 * pid (their names in m->names). If the value is a table, extra more fields
 * are reserved in it (the caller is about to add them). Returns 0, or -1
 * when the payload is malformed (nothing pushed). */
int marshal_decode(lua_State *L, const struct msg *m, uint32_t pid, int extra);

#endif
