/*
 * lua_fs.c - defines the global fs from the built-in fs.lua (the file
 * API: fs.open, fs.read, ... over rpc.bind). The chunk gets the rpc table
 * and two primitives, which are not globals:
 *
 *   pid()        -> the calling thread's process id (fs keeps one binding
 *                   per process: port rights belong to a process)
 *   misuse(msg)  -> raise msg at the scenario's line
 */
#include <lauxlib.h>

#include "lua_sys.h"
#include "proc.h"
#include "thread.h"

static int f_pid(lua_State *L)
{
	lua_pushinteger(L, lu_self(L, "fs")->p->pid);
	return 1;
}

static int f_misuse(lua_State *L)
{
	return lu_script_error(L, luaL_checkstring(L, 1));
}

void lu_open_fs(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "pid", f_pid }, { "misuse", f_misuse }, { "has_process", lu_has_process },
		{ NULL, NULL },
	};
	static const char chunk[] = {
#include "fs_lua.h"
	};

	if (luaL_loadbufferx(L, chunk, sizeof chunk, "=fs.lua", "t") != LUA_OK)
		lua_error(L);
	luaL_newlib(L, funcs);
	lua_getglobal(L, "rpc");
	lua_call(L, 2, 1);
	lua_setglobal(L, "fs");
}
