#!/bin/sh
# lua2c.sh FILE - print FILE's bytes as a C initialiser list (0x2d,0x2d,...),
# for a Lua chunk built into the program (#include it inside the braces).
od -An -v -tx1 "$1" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e '/^$/d'
